using System.Threading.Tasks.Sources;

namespace TensorPool.Transport;

/// <summary>
/// The one asynchronous wait of a <see cref="SubscriptionWaitSet"/> at a time: a reusable value-task source that the
/// <see cref="AsyncWaitPump"/> completes when a followed subscription is ready or the set was woken, so an idle async
/// reader holds no thread and allocates nothing per wait (docs/DECISIONS.md D187).
/// </summary>
internal sealed class AsyncWaiter : IValueTaskSource<bool>
{
    private const int Idle = 0;
    private const int Pending = 1;
    private const int Done = 2;

    private static readonly Action<object?> CancelCallback = static s => ((AsyncWaiter)s!).Cancel();

    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration _registration;
    private CancellationToken _token;
    private int _state;

    public AsyncWaiter(SubscriptionWaitSet set) => Set = set;

    public SubscriptionWaitSet Set { get; }

    /// <summary>The set's doorbell when the wait began: a ring since then completes it.</summary>
    public uint DoorbellSeen { get; private set; }

    /// <summary>Still waiting (the pump drops waiters that are not).</summary>
    public bool IsPending => Volatile.Read(ref _state) == Pending;

    // The pump's bookkeeping for one sleep: where this waiter's subscriptions sit in its pointer array.
    internal int First;
    internal int Count;
    internal bool Polled;

    /// <exception cref="InvalidOperationException">An asynchronous wait of this set is already in progress.</exception>
    public ValueTask<bool> WaitAsync(uint doorbellSeen, CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, Pending, Idle) != Idle)
        {
            throw new InvalidOperationException("one asynchronous wait at a time: the polling side waits, then polls");
        }
        _core.Reset();
        DoorbellSeen = doorbellSeen;
        _token = cancellationToken;
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(CancelCallback, this);
        }
        AsyncWaitPump.Instance.Enqueue(this);
        return new ValueTask<bool>(this, _core.Version);
    }

    /// <summary>End the wait with <paramref name="ready"/>; false when it had already ended.</summary>
    public bool TryComplete(bool ready)
    {
        if (Interlocked.CompareExchange(ref _state, Done, Pending) != Pending)
        {
            return false;
        }
        _core.SetResult(ready);
        return true;
    }

    /// <summary>End the wait with <paramref name="error"/> (the awaiting caller sees it thrown); false when it had already ended.</summary>
    public bool TryFail(Exception error)
    {
        if (Interlocked.CompareExchange(ref _state, Done, Pending) != Pending)
        {
            return false;
        }
        _core.SetException(error);
        return true;
    }

    private void Cancel()
    {
        if (Interlocked.CompareExchange(ref _state, Done, Pending) == Pending)
        {
            _core.SetException(new OperationCanceledException(_token));
        }
    }

    public bool GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            // Not Dispose: from a continuation of the callback's own completion it would wait for the callback.
            _registration.Unregister();
            _registration = default;
            _token = default;
            Volatile.Write(ref _state, Idle);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
