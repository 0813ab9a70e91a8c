using TensorPool.Native.Internal;

namespace TensorPool.Producers;

/// <summary>
/// Epochs for producers that own their regions (wire spec §15.2: a new epoch on every start or layout change).
/// An epoch is CLOCK_MONOTONIC in nanoseconds when it is taken (as the reference does), raised if needed above the
/// last one this process handed out: strictly increasing within a process and across restarts on one boot, which is
/// all consumers compare (they prefer the highest epoch per stream, §10.1.1). See docs/DECISIONS.md.
/// </summary>
internal static class EpochSource
{
    private static long _last;

    /// <summary>A new epoch, greater than every one this process returned before.</summary>
    public static ulong Next() => Next((ulong)NativeMethods.tp_clock_monotonic_ns());

    /// <summary>A new epoch no smaller than <paramref name="atLeast"/> and greater than every earlier one.</summary>
    public static ulong Next(ulong atLeast)
    {
        while (true)
        {
            long last = Volatile.Read(ref _last);
            long candidate = Math.Max((long)Math.Min(atLeast, long.MaxValue), last + 1);
            if (Interlocked.CompareExchange(ref _last, candidate, last) == last)
            {
                return (ulong)candidate;
            }
        }
    }
}
