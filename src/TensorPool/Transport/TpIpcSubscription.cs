using System.Diagnostics;
using TensorPool.Concurrency;
using TensorPool.Interop.Internal;
using TensorPool.Interop;
using TensorPool.Native.Internal;

namespace TensorPool.Transport;

/// <summary>
/// A subscription to a <c>tp:ipc</c> stream. It joins at the live tail (earlier messages are not replayed) and
/// receives every later message in log order, whole and verified, or counts it lost (<see cref="Counters"/>).
/// </summary>
/// <remarks>
/// Threads: poll (and wait) from one thread at a time; open one subscription per consuming thread.
/// <see cref="Counters"/> and <see cref="Position"/> may be read from any thread. <see cref="Dispose"/> may be called
/// from another thread to stop a blocked <see cref="WaitForMessages"/>; anything else on a disposed subscription throws
/// <see cref="ObjectDisposedException"/>. Polling allocates nothing.
/// </remarks>
public sealed unsafe class TpIpcSubscription : ISubscription
{
    /// <summary>Longest single native sleep of <see cref="WaitForMessages"/>: bounds how late it notices a cancellation or disposal that raced with it.</summary>
    private const long MaxWaitSliceNs = 200_000_000;

    private readonly TpIpcTransport _transport;
    private readonly TpIpcLog _log;
    private readonly LogSubscriptionHandle _handle;
    // One batch of messages exposed in place by the native peek (pinned: the native side fills it).
    private readonly TpLogMessageView[] _views = GC.AllocateArray<TpLogMessageView>((int)TpLogDefaults.PollBatch, pinned: true);
    // Polls come from one thread at a time: they need no SafeHandle lease (two locked instructions per poll).
    private ExclusiveUse _use;
    // The native position as of the last poll: Position reads it from any thread without a lease.
    private long _position;
    // True while Poll hands messages to a handler (the polling thread holds the use): SkipBacklog may run inside.
    private bool _delivering;
    private int _pollingThread;
    // Messages of the current peek handed to the handler and not yet consumed natively.
    private int _handed;
    // A skip from inside the handler replaced the batch the views point into.
    private bool _batchReplaced;

    internal TpIpcSubscription(TpIpcTransport transport, TpIpcLog log, LogSubscriptionHandle handle, string channel, int streamId)
    {
        _transport = transport;
        _log = log;
        _handle = handle;
        Channel = channel;
        StreamId = streamId;
        using NativeHandleLease<TpLogSubscription> lease = handle.Lease();
        _position = NativeMethods.tp_log_subscription_position(lease.Pointer);
    }

    public string Channel { get; }

    public int StreamId { get; }

    public bool IsClosed => _use.IsClosed;

    /// <summary>The log file this subscription reads.</summary>
    public string LogPath => _log.Path;

    public SubscriptionCounters Counters
    {
        get
        {
            TpLogSubscriptionCounters c;
            using (NativeHandleLease<TpLogSubscription> lease = _handle.Lease())
            {
                NativeMethods.tp_log_subscription_counters(lease.Pointer, &c);
            }
            return new SubscriptionCounters
            {
                Received = (long)c.MessagesReceived,
                ReceivedBytes = (long)c.BytesReceived,
                LostMessages = (long)c.MessagesLost,
                LostBytes = (long)c.BytesLost,
                Lapped = (long)c.TimesLapped,
                StalledSkips = (long)c.StalledSkips,
                InvalidRecords = (long)c.InvalidRecords,
                SkippedMessages = (long)c.MessagesSkipped,
                SkippedBytes = (long)c.BytesSkipped,
            };
        }
    }

    /// <summary>
    /// Stream position of the next message this subscription will deliver (everything before it was delivered or
    /// counted lost), as of the end of the last <see cref="Poll{THandler}"/>; a cheap read from any thread.
    /// </summary>
    public long Position
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            return Volatile.Read(ref _position);
        }
    }

    /// <summary>
    /// Deliver up to <paramref name="messageLimit"/> messages to <paramref name="handler"/>, in stream order; returns
    /// how many were delivered (0 when none is ready). Never blocks. A message span is valid only during the call. An
    /// exception from the handler propagates; the message it was given counts as received.
    /// </summary>
    public int Poll<THandler>(ref THandler handler, int messageLimit)
        where THandler : struct, IMessageHandler
    {
        ArgumentOutOfRangeException.ThrowIfNegative(messageLimit);
        ObjectDisposedException.ThrowIf(!_use.TryEnter(_handle), this);
        int delivered = 0;
        try
        {
            // Valid until the Exit below: a Dispose meanwhile (even from the handler) defers the close to it.
            var subscription = (TpLogSubscription*)_handle.DangerousGetHandle();
            fixed (TpLogMessageView* views = _views)
            {
                _pollingThread = Environment.CurrentManagedThreadId;
                _delivering = true;
                // A handler that disposed the subscription ends the poll at once.
                while (delivered < messageLimit && !_use.IsClosed)
                {
                    // One native call exposes a batch in place; the handler reads the subscription's own copy.
                    int wanted = Math.Min(messageLimit - delivered, _views.Length);
                    int n = NativeMethods.tp_log_subscription_peek(subscription, views, wanted);
                    if (n <= 0)
                    {
                        return n == 0 ? delivered : throw NativeError.Create(n, $"receiving from {_log.Path}");
                    }
                    _handed = 0;
                    _batchReplaced = false;
                    try
                    {
                        for (int i = 0; i < n && !_use.IsClosed && !_batchReplaced; i++)
                        {
                            _handed++; // a message given to a handler that throws still counts as received
                            delivered++;
                            handler.OnMessage(new ReadOnlySpan<byte>(views[i].Buffer, views[i].Length));
                        }
                    }
                    finally
                    {
                        ConsumeHanded(subscription);
                    }
                    if (n < wanted && !_batchReplaced)
                    {
                        // A short batch: the log had no more when it was read. Asking again at once would mostly find
                        // nothing and cost a native call per poll at the live tail; the next poll reads on.
                        break;
                    }
                }
            }
        }
        finally
        {
            _delivering = false;
            // Also after an empty poll: lapping and stalled records move the position without a delivery.
            Volatile.Write(ref _position, NativeMethods.tp_log_subscription_position((TpLogSubscription*)_handle.DangerousGetHandle()));
            _use.Exit(_handle);
        }
        return delivered;
    }

    // Marks the messages handed over since the last peek (or skip) delivered.
    private void ConsumeHanded(TpLogSubscription* subscription)
    {
        int handed = _handed;
        _handed = 0;
        if (handed > 0 && !_batchReplaced)
        {
            int marked = NativeMethods.tp_log_subscription_consume(subscription, handed);
            Debug.Assert(marked == handed, "a handler was given a message the last peek did not expose");
        }
    }

    /// <summary>Delegate form of <see cref="Poll{THandler}"/> (allocation-free too, given a cached delegate).</summary>
    public int Poll(MessageHandler handler, int messageLimit)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var adapter = new DelegateHandler(handler);
        return Poll(ref adapter, messageLimit);
    }

    /// <summary>
    /// Pass over the messages not yet delivered except those in the last <paramref name="keepMessages"/> records of
    /// <paramref name="messageLength"/> bytes before the log's tail (see <see cref="ISubscription.SkipBacklog"/>);
    /// returns how many were passed over. One read of the tail and a short scan of the kept window; no wait. At most
    /// half the log is kept (older records are being overwritten).
    /// </summary>
    public long SkipBacklog(int keepMessages, int messageLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keepMessages);
        ArgumentOutOfRangeException.ThrowIfNegative(messageLength);
        if (_delivering)
        {
            if (_pollingThread != Environment.CurrentManagedThreadId)
            {
                throw new InvalidOperationException("SkipBacklog was called from another thread while this subscription was being polled");
            }
            // Inside this subscription's handler: the poll on this thread holds the use. What was handed over so far is
            // delivered, the rest of the batch is the skip's to pass over, and the poll must not touch the old views.
            ObjectDisposedException.ThrowIf(_use.IsClosed, this);
            var subscription = (TpLogSubscription*)_handle.DangerousGetHandle();
            ConsumeHanded(subscription);
            _batchReplaced = true;
            return Skip((uint)keepMessages, messageLength);
        }
        ObjectDisposedException.ThrowIf(!_use.TryEnter(_handle), this);
        try
        {
            return Skip((uint)keepMessages, messageLength);
        }
        finally
        {
            _use.Exit(_handle);
        }
    }

    private long Skip(uint keepMessages, int messageLength)
    {
        var subscription = (TpLogSubscription*)_handle.DangerousGetHandle();
        long skipped = NativeMethods.tp_log_subscription_skip_backlog(subscription, keepMessages, messageLength);
        Volatile.Write(ref _position, NativeMethods.tp_log_subscription_position(subscription));
        return skipped >= 0 ? skipped : throw NativeError.Create((int)skipped, $"skipping the backlog of {_log.Path}");
    }

    /// <summary>
    /// Block until a message (or a loss to account for) is ready to poll, without spinning: the thread sleeps on the
    /// log's futex and any publisher's commit wakes it. Returns true when <see cref="Poll{THandler}"/> has work, false
    /// when <paramref name="timeout"/> passed or the subscription was disposed meanwhile.
    /// </summary>
    /// <param name="timeout">How long to wait at most; <see cref="Timeout.InfiniteTimeSpan"/> waits until a message, cancellation or disposal.</param>
    /// <param name="cancellationToken">Cancels the wait with <see cref="OperationCanceledException"/>.</param>
    public bool WaitForMessages(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "must be non-negative or Timeout.InfiniteTimeSpan");
        }
        ObjectDisposedException.ThrowIf(IsClosed, this);
        cancellationToken.ThrowIfCancellationRequested();
        long start = Stopwatch.GetTimestamp();
        using CancellationTokenRegistration registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((TpIpcLog)state!).WakeWaiters(), _log)
            : default;
        while (true)
        {
            long sliceNs = MaxWaitSliceNs;
            if (timeout != Timeout.InfiniteTimeSpan)
            {
                long leftNs = (long)(timeout - Stopwatch.GetElapsedTime(start)).TotalNanoseconds;
                sliceNs = Math.Clamp(leftNs, 0, MaxWaitSliceNs);
            }
            bool added = false;
            try
            {
                _handle.DangerousAddRef(ref added);
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
            int rc;
            try
            {
                rc = NativeMethods.tp_log_subscription_wait((TpLogSubscription*)_handle.DangerousGetHandle(), sliceNs);
            }
            finally
            {
                _handle.DangerousRelease();
            }
            if (rc == (int)TpLogWaitResult.Ready)
            {
                return true;
            }
            NativeError.Check(rc, $"waiting on {_log.Path}");
            cancellationToken.ThrowIfCancellationRequested();
            if (IsClosed || (timeout != Timeout.InfiniteTimeSpan && Stopwatch.GetElapsedTime(start) >= timeout))
            {
                return false;
            }
        }
    }

    /// <summary>
    /// <see cref="SubscriptionWaitSet"/>: use the native subscription for a wait, as a poll does (same thread rules); null
    /// when closed. A Dispose meanwhile defers the native close to <see cref="ExitWait"/> and wakes the waiter.
    /// </summary>
    internal TpLogSubscription* EnterWait() =>
        _use.TryEnter(_handle) ? (TpLogSubscription*)_handle.DangerousGetHandle() : null;

    /// <summary>End the use <see cref="EnterWait"/> started.</summary>
    internal void ExitWait() => _use.Exit(_handle);

    /// <summary>Close the subscription; a thread blocked in <see cref="WaitForMessages"/> returns false promptly.</summary>
    public void Dispose()
    {
        // The handle is disposed now, or by a poll still running on the polling thread when it returns.
        if (!_use.Close(_handle))
        {
            return;
        }
        // After closing (so a waiter sees IsClosed): wakes every waiter of the log, which re-check and carry on.
        _log.WakeWaiters();
        _transport.Release(this, _log);
    }

    public override string ToString() => $"TpIpcSubscription({Channel}, stream {StreamId})";

    private readonly struct DelegateHandler(MessageHandler handler) : IMessageHandler
    {
        public void OnMessage(ReadOnlySpan<byte> message) => handler(message);
    }
}
