using TensorPool.Interop;

namespace TensorPool.Time;

/// <summary>
/// Paces a loop at a fixed rate on the monotonic clock (a camera's frame clock): sleeps until just before each
/// deadline, then spins the last stretch, so a producer at 1 kHz costs next to no CPU instead of a spinning core.
/// Deadlines are absolute (start + n × period): a late frame does not shift the ones after it.
/// </summary>
/// <remarks>One thread. Allocates nothing. The sleep is the kernel's (clock_nanosleep), which wakes up to the timer
/// slack late (50 µs by default on Linux); the final spin takes up that lateness when it is shorter.</remarks>
public sealed class RatePacer
{
    /// <summary>How long before a deadline the sleep ends and the spin begins.</summary>
    public static readonly TimeSpan DefaultFinalSpin = TimeSpan.FromMicroseconds(10);

    private readonly IClock _clock;
    private readonly double _periodNs;
    private readonly long _finalSpinNs;
    private readonly long _startNs;
    private long _count;

    /// <param name="rateHz">Deadlines per second (positive).</param>
    /// <param name="finalSpin">Spin this long before each deadline (null: <see cref="DefaultFinalSpin"/>).</param>
    /// <param name="clock">The monotonic clock (null: <see cref="MonotonicClock.Instance"/>).</param>
    public RatePacer(double rateHz, TimeSpan? finalSpin = null, IClock? clock = null)
    {
        if (!(rateHz > 0) || double.IsInfinity(rateHz))
        {
            throw new ArgumentOutOfRangeException(nameof(rateHz), rateHz, "must be a positive rate");
        }
        TimeSpan spin = finalSpin ?? DefaultFinalSpin;
        ArgumentOutOfRangeException.ThrowIfLessThan(spin, TimeSpan.Zero);
        _clock = clock ?? MonotonicClock.Instance;
        _periodNs = 1e9 / rateHz;
        _finalSpinNs = spin.Ticks * 100;
        _startNs = _clock.NanoTime();
    }

    /// <summary>The deadline of the next event (the first one is the pacer's creation).</summary>
    public long NextDueNs => _startNs + (long)(_count * _periodNs);

    /// <summary>Events marked so far.</summary>
    public long Count => _count;

    /// <summary>
    /// Wait until the next event is due, but no longer than <paramref name="maxWait"/> (so the caller can check its
    /// own stop conditions). Returns true when it is due.
    /// </summary>
    public bool WaitForNext(TimeSpan maxWait)
    {
        long due = NextDueNs;
        long now = _clock.NanoTime();
        long limit = now + Math.Max(0, maxWait.Ticks * 100);
        long sleepUntil = Math.Min(due - _finalSpinNs, limit);
        if (sleepUntil > now)
        {
            LibC.SleepNanoseconds(sleepUntil - now);
            now = _clock.NanoTime();
        }
        while (now < due && now < limit)
        {
            Thread.SpinWait(4);
            now = _clock.NanoTime();
        }
        return now >= due;
    }

    /// <summary>The event was done: the next deadline is one period later.</summary>
    public void MarkDone() => _count++;
}
