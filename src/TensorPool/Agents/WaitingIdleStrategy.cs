using TensorPool.Time;

namespace TensorPool.Agents;

/// <summary>
/// Spins for a short window after the last work, then sleeps on an <see cref="IWaitSource"/> (the futex words of the
/// tp:ipc logs it follows, up to the next timer of the duty cycle) until a message arrives: next to no CPU for a stream
/// at camera rates, and a wake-up in microseconds instead of a scheduler's time slice. The default of consumers and
/// conductors; <see cref="BusySpinIdleStrategy"/> and <see cref="YieldingIdleStrategy"/> stay the choice on dedicated
/// cores (docs/DECISIONS.md D181).
/// </summary>
/// <remarks>
/// <para>The spin window adapts to the traffic (D241), as a kernel's halt-polling does: an idle stretch that ends
/// within a few windows (a burst, a fast stream) grows it back towards the configured window; a longer one (a paced
/// stream between frames, a conductor between timers) closes it, so a loop that would spin in vain for every frame at
/// a camera rate sleeps at once instead. The first stretch spins the full window.</para>
/// <para>One thread at a time (the one that polls what the source watches). A cancellation of the token given here
/// wakes a sleeping <see cref="Idle()"/> at once and later calls no longer sleep. Allocates nothing after construction.</para>
/// </remarks>
public sealed class WaitingIdleStrategy : IIdleStrategy, IDisposable
{
    /// <summary>
    /// The longest spin after the last work before sleeping: catches the next message of a burst without a wake-up.
    /// The window in use adapts between zero and this (see the remarks).
    /// </summary>
    public static readonly TimeSpan DefaultSpinWindow = TimeSpan.FromMicroseconds(10);

    /// <summary>
    /// The longest single sleep: how late a loop that is never woken (its own stop flag, a report due) notices its own
    /// conditions. Messages, <see cref="IWaitSource.Wake"/>, disposal and cancellation end a sleep at once.
    /// </summary>
    public static readonly TimeSpan DefaultMaxWait = TimeSpan.FromMilliseconds(100);

    /// <summary>An idle stretch up to this many windows long counts as a burst: a sleep's wake-up alone costs about one.</summary>
    private const int BurstWindows = 4;

    /// <summary>Regrowing from closed starts at this fraction of the window, then doubles.</summary>
    private const int RegrowFraction = 8;

    private readonly IWaitSource _source;
    private readonly IClock _clock;
    private readonly long _maxSpinNs;
    private readonly long _burstNs;
    private readonly long _maxWaitNs;
    private readonly CancellationToken _cancellation;
    private readonly CancellationTokenRegistration _registration;
    private readonly TimeSpan? _schedulerSlice;
    private long _spinNs;
    private long _idleSinceNs = NotIdle;
    private bool _sliceAsked;

    private const long NotIdle = long.MinValue;

    /// <summary>Spin up to <see cref="DefaultSpinWindow"/>, then sleep on <paramref name="source"/> at most <see cref="DefaultMaxWait"/> at a time.</summary>
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
    /// <param name="spinWindow">The longest spin after the last work before sleeping (zero: always sleep at once).</param>
    /// <param name="maxWait">The longest single sleep (<see cref="Timeout.InfiniteTimeSpan"/>: only a wake-up ends it).</param>
    /// <param name="cancellationToken">Wakes a sleep at once when cancelled.</param>
    public WaitingIdleStrategy(IWaitSource source, TimeSpan spinWindow, TimeSpan maxWait, CancellationToken cancellationToken = default)
        : this(source, spinWindow, maxWait, MonotonicClock.Instance, cancellationToken)
    {
    }

    /// <summary>As the public constructor, on <paramref name="clock"/> (tests drive the adaptation with a manual clock).</summary>
    internal WaitingIdleStrategy(IWaitSource source, TimeSpan spinWindow, TimeSpan maxWait, IClock clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentOutOfRangeException.ThrowIfLessThan(spinWindow, TimeSpan.Zero);
        if (maxWait < TimeSpan.Zero && maxWait != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(maxWait), maxWait, "must be non-negative or Timeout.InfiniteTimeSpan");
        }
        _source = source;
        _clock = clock;
        _maxSpinNs = spinWindow.Ticks * 100;
        _burstNs = _maxSpinNs * BurstWindows;
        _spinNs = _maxSpinNs;
        _maxWaitNs = maxWait == Timeout.InfiniteTimeSpan ? -1 : maxWait.Ticks * 100;
        _cancellation = cancellationToken;
        if (cancellationToken.CanBeCanceled)
        {
            // Registered once, here: the sleeps themselves allocate nothing.
            _registration = cancellationToken.UnsafeRegister(static s => ((IWaitSource)s!).Wake(), source);
        }
    }

    /// <summary>The longest spin window, as configured.</summary>
    public TimeSpan SpinWindow => TimeSpan.FromTicks(_maxSpinNs / 100);

    /// <summary>
    /// A scheduler slice to ask for (<see cref="ThreadSlice"/>) for the thread that sleeps here, at its first sleep; null
    /// (the default) leaves the thread's slice as it is. <see cref="ThreadSlice.Shortest"/> lets a woken consumer run at
    /// once on a CPU it shares with its producer instead of after the producer's next sleep (D249): <c>tp consume</c>
    /// and <c>tp demo</c> ask for it. Not for a conductor, which should yield its CPU to the data path.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside <see cref="ThreadSlice.Shortest"/>..<see cref="ThreadSlice.Longest"/>.</exception>
    public TimeSpan? SchedulerSlice
    {
        get => _schedulerSlice;
        init
        {
            if (value is { } slice)
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(slice, ThreadSlice.Shortest);
                ArgumentOutOfRangeException.ThrowIfGreaterThan(slice, ThreadSlice.Longest);
            }
            _schedulerSlice = value;
        }
    }

    /// <summary>
    /// Whether the kernel gave the sleeping thread <see cref="SchedulerSlice"/> (false before the first sleep, without a
    /// slice to ask for, and where the kernel has no per-thread slices or refused).
    /// </summary>
    public bool SchedulerSliceGranted { get; private set; }

    /// <summary>The spin window in use now: between zero and <see cref="SpinWindow"/>, as the traffic has shown it pays.</summary>
    public TimeSpan CurrentSpinWindow => TimeSpan.FromTicks(_spinNs / 100);

    public void Idle(int workCount)
    {
        if (workCount > 0)
        {
            if (_idleSinceNs != NotIdle)
            {
                Adapt(_clock.NanoTime() - _idleSinceNs);
                _idleSinceNs = NotIdle;
            }
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
        if (_maxSpinNs > 0)
        {
            long now = _clock.NanoTime();
            if (_idleSinceNs == NotIdle)
            {
                _idleSinceNs = now;
            }
            if (now - _idleSinceNs < _spinNs)
            {
                Thread.SpinWait(1);
                return;
            }
        }
        if (!_sliceAsked)
        {
            AskForSlice();
        }
        // Stays past the window: an empty cycle after a wake-up (a timer, a message of another stream) sleeps again at once.
        _source.Wait(_maxWaitNs);
    }

    /// <summary>Forget the idle stretch in progress (the window keeps what it learned).</summary>
    public void Reset() => _idleSinceNs = NotIdle;

    /// <summary>End a sleep in progress (or the next one) from any thread: a runner closing, work queued.</summary>
    public void Wake() => _source.Wake();

    /// <summary>Drop the cancellation registration.</summary>
    public void Dispose() => _registration.Dispose();

    /// <summary>Once, on the thread that sleeps: a refusal leaves the thread as it was, the loop runs on regardless.</summary>
    private void AskForSlice()
    {
        _sliceAsked = true;
        if (_schedulerSlice is { } slice)
        {
            try
            {
                SchedulerSliceGranted = ThreadSlice.TrySet(slice);
            }
            catch (TensorPoolException)
            {
                SchedulerSliceGranted = false; // a kernel that refuses (a sandbox's filter): the default slice, as before
            }
        }
    }

    /// <summary>Work came after an idle stretch of <paramref name="idleNs"/>: widen the window for bursts, close it for gaps.</summary>
    private void Adapt(long idleNs)
    {
        if (idleNs <= _burstNs)
        {
            long grown = _spinNs == 0 ? _maxSpinNs / RegrowFraction : _spinNs * 2;
            _spinNs = Math.Min(_maxSpinNs, Math.Max(1, grown));
        }
        else
        {
            _spinNs = 0;
        }
    }
}
