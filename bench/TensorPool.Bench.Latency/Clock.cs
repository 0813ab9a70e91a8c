using System.Diagnostics;

namespace TensorPool.Bench.Latency;

/// <summary>CLOCK_MONOTONIC in nanoseconds: the same clock in every process of the host, so one-way latencies are exact.</summary>
internal static class Clock
{
    private static readonly double TicksToNs = 1e9 / Stopwatch.Frequency;

    public static long NowNs() => (long)(Stopwatch.GetTimestamp() * TicksToNs);

    /// <summary>Busy-wait until <paramref name="ns"/> (the intended send time of a fixed-rate sender).</summary>
    public static void SpinUntil(long ns)
    {
        while (NowNs() < ns)
        {
        }
    }
}
