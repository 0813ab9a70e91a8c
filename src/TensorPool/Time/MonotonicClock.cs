using System.Diagnostics;

namespace TensorPool.Time;

/// <summary>
/// CLOCK_MONOTONIC in nanoseconds. On Linux .NET's Stopwatch reads CLOCK_MONOTONIC with a
/// 1 GHz frequency, so its timestamps are comparable with other processes' (C, Julia) readings.
/// </summary>
public sealed class MonotonicClock : IClock
{
    public static readonly MonotonicClock Instance = new();

    private static readonly bool NanosecondTicks = Stopwatch.Frequency == 1_000_000_000L;

    public long NanoTime()
    {
        long t = Stopwatch.GetTimestamp();
        return NanosecondTicks ? t : (long)((Int128)t * 1_000_000_000L / Stopwatch.Frequency);
    }
}
