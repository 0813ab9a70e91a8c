namespace TensorPool.Testing;

/// <summary>
/// Allocation in steady state. A window of work is measured with <see cref="GC.GetAllocatedBytesForCurrentThread"/>;
/// a loaded machine can still be tiering code up or finishing a one-time initialisation during the first measured
/// window, so the window is run again, up to <c>attempts</c> times, until one allocates nothing. Anything allocated
/// per cycle, or periodically within a window, shows in every window and fails the caller's assertion.
/// </summary>
public static class SteadyState
{
    /// <summary>The bytes allocated by the first window that allocated nothing (0), or by the last one, and how many windows ran.</summary>
    public static (long Bytes, int Windows) AllocatedBytes(Action window, int attempts = 5)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        long bytes = 0;
        for (int run = 1; run <= attempts; run++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            window();
            bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            if (bytes == 0)
            {
                return (0, run);
            }
        }
        return (bytes, attempts);
    }
}
