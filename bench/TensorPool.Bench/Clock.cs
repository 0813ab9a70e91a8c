using TensorPool.Time;

namespace TensorPool.Bench;

/// <summary>CLOCK_MONOTONIC in nanoseconds: the same clock in every process of the host, so one-way latencies are exact.</summary>
public static class Clock
{
    public static long NowNs() => MonotonicClock.Instance.NanoTime();

    /// <summary>Busy-wait until <paramref name="ns"/> (the intended send time of a fixed-rate sender).</summary>
    public static void SpinUntil(long ns)
    {
        while (NowNs() < ns)
        {
        }
    }
}
