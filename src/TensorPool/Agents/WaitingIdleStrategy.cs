using System.Diagnostics;

namespace TensorPool.Agents;

/// <summary>
/// Spins for a short window after the last work, then sleeps on an <see cref="IWaitSource"/> (the futex words of the
/// tp:ipc logs it follows, up to the next timer of the duty cycle) until a message arrives: next to no CPU for a stream
/// at camera rates, and a wake-up in microseconds instead of a scheduler's time slice. The default of consumers and
/// conductors; <see cref="BusySpinIdleStrategy"/> and <see cref="YieldingIdleStrategy"/> stay the choice on dedicated
/// cores (docs/DECISIONS.md D181).
/// </summary>
/// <remarks>
/// One thread at a time (the one that polls what the source watches). A cancellation of the token given here wakes a
/// sleeping <see cref="Idle()"/> at once and later calls no longer sleep. Allocates nothing after construction.
/// </remarks>
public sealed class WaitingIdleStrategy : IIdleStrategy, IDisposable
{
    /// <summary>Spin this long after the last work before sleeping: catches the next message of a burst without a wake-up.</summary>
    public static readonly TimeSpan DefaultSpinWindow = TimeSpan.FromMicroseconds(10);

    /// <summary>
    /// The longest single sleep: how late a loop that is never woken (its own stop flag, a report due) notices its own
    /// conditions. Messages, <see cref="IWaitSource.Wake"/>, disposal and cancellation end a sleep at once.
    /// </summary>
    public static readonly TimeSpan DefaultMaxWait = TimeSpan.FromMilliseconds(100);

    private readonly IWaitSource _source;
    private readonly long _spinTicks;
    private readonly long _maxWaitNs;
    private readonly CancellationToken _cancellation;
    private readonly CancellationTokenRegistration _registration;
    private long _idleSinceTicks;

    /// <summary>Spin <see cref="DefaultSpinWindow"/>, then sleep on <paramref name="source"/> at most <see cref="DefaultMaxWait"/> at a time.</summary>
    public WaitingIdleStrategy(IWaitSource source)
        : this(source, DefaultSpinWindow, DefaultMaxWait, CancellationToken.None)
    {
    }

    /// <summary>As <see cref="WaitingIdleStrategy(IWaitSource)"/>; a cancellation wakes a sleep at once.</summary>
    public WaitingIdleStrategy(IWaitSource source, CancellationToken cancellationToken)
        : this(source, DefaultSpinWindow, DefaultMaxWait, cancellationToken)
    {
    }

    /// <param name="source">What to sleep on.</param>
    /// <param name="spinWindow">How long to spin after the last work before sleeping (zero: sleep at once).</param>
    /// <param name="maxWait">The longest single sleep (<see cref="Timeout.InfiniteTimeSpan"/>: only a wake-up ends it).</param>
    /// <param name="cancellationToken">Wakes a sleep at once when cancelled.</param>
    public WaitingIdleStrategy(IWaitSource source, TimeSpan spinWindow, TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(spinWindow, TimeSpan.Zero);
        if (maxWait < TimeSpan.Zero && maxWait != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(maxWait), maxWait, "must be non-negative or Timeout.InfiniteTimeSpan");
        }
        _source = source;
        _spinTicks = (long)(spinWindow.TotalSeconds * Stopwatch.Frequency);
        _maxWaitNs = maxWait == Timeout.InfiniteTimeSpan ? -1 : maxWait.Ticks * 100;
        _cancellation = cancellationToken;
        if (cancellationToken.CanBeCanceled)
        {
            // Registered once, here: the sleeps themselves allocate nothing.
            _registration = cancellationToken.UnsafeRegister(static s => ((IWaitSource)s!).Wake(), source);
        }
    }

    public TimeSpan SpinWindow => TimeSpan.FromSeconds((double)_spinTicks / Stopwatch.Frequency);

    public void Idle(int workCount)
    {
        if (workCount > 0)
        {
            _idleSinceTicks = 0;
        }
        else
        {
            Idle();
        }
    }

    public void Idle()
    {
        if (_cancellation.IsCancellationRequested)
        {
            return; // the caller's loop is ending: do not sleep any more
        }
        if (_spinTicks > 0)
        {
            long now = Stopwatch.GetTimestamp();
            if (_idleSinceTicks == 0)
            {
                _idleSinceTicks = now;
            }
            if (now - _idleSinceTicks < _spinTicks)
            {
                Thread.SpinWait(1);
                return;
            }
        }
        // Stays past the window: an empty cycle after a wake-up (a timer, a message of another stream) sleeps again at once.
        _source.Wait(_maxWaitNs);
    }

    public void Reset() => _idleSinceTicks = 0;

    /// <summary>End a sleep in progress (or the next one) from any thread: a runner closing, work queued.</summary>
    public void Wake() => _source.Wake();

    /// <summary>Drop the cancellation registration.</summary>
    public void Dispose() => _registration.Dispose();
}
