using TensorPool.Interop.Internal;
using TensorPool.Native.Internal;

namespace TensorPool.Agents;

/// <summary>
/// The calling thread's scheduler slice. A thread that sleeps between messages and should run the moment one arrives
/// (a waiting consumer) asks for a short slice: Linux's EEVDF scheduler then picks it ahead of what is running on its
/// CPU when it is woken, often the producer that woke it, instead of letting that run on (docs/DECISIONS.md D249).
/// </summary>
/// <remarks>
/// <para>Linux 6.12 or later, for threads of the normal, batch and idle policies; no privilege is needed. Elsewhere the
/// Try methods return false and nothing changes. The slice stays with the thread until changed, and threads it starts
/// afterwards inherit it.</para>
/// <para>A short slice costs a sleeping thread nothing. A thread that runs long while others wait for its CPU is switched
/// out sooner, so ask for it on threads that run microseconds per wake-up, not on a conductor or a busy producer.</para>
/// </remarks>
public static class ThreadSlice
{
    /// <summary>The shortest slice Linux gives: what <see cref="WaitingIdleStrategy.SchedulerSlice"/> asks for in <c>tp</c>'s consumers.</summary>
    public static readonly TimeSpan Shortest = FromNs((long)TpSchedSliceLimits.MinNs);

    /// <summary>The longest slice Linux gives.</summary>
    public static readonly TimeSpan Longest = FromNs((long)TpSchedSliceLimits.MaxNs);

    /// <summary>
    /// The calling thread's slice as the scheduler reports it (the one asked for, or the default), or null where there
    /// are no per-thread slices.
    /// </summary>
    /// <exception cref="TensorPoolException">The kernel call failed.</exception>
    public static TimeSpan? Current
    {
        get
        {
            long ns = NativeMethods.tp_sched_thread_slice();
            return ns == (long)TpError.ErrUnsupported ? null : FromNs(NativeError.Check(ns, "reading the thread's scheduler slice"));
        }
    }

    /// <summary>Ask for <paramref name="slice"/> on the calling thread (rounded down to whole nanoseconds); false where there are no per-thread slices.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside <see cref="Shortest"/>..<see cref="Longest"/>.</exception>
    /// <exception cref="TensorPoolException">The kernel refused the request.</exception>
    public static bool TrySet(TimeSpan slice)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slice, Shortest);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(slice, Longest);
        return Request(slice.Ticks * 100);
    }

    /// <summary>Give the calling thread its default slice back; false where there are no per-thread slices.</summary>
    /// <exception cref="TensorPoolException">The kernel refused the request.</exception>
    public static bool TryReset() => Request(0);

    private static bool Request(long ns)
    {
        int rc = NativeMethods.tp_sched_set_thread_slice(ns);
        return rc != (int)TpError.ErrUnsupported && NativeError.Check(rc, "setting the thread's scheduler slice") == 0;
    }

    private static TimeSpan FromNs(long ns) => TimeSpan.FromTicks(ns / 100);
}
