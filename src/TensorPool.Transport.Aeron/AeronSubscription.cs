using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using TensorPool.Aeron.Native.Internal;
using TensorPool.Transport.Aeron.Internal;
using NativeSubscription = TensorPool.Aeron.Native.Internal.AeronSubscription;

namespace TensorPool.Transport.Aeron;

/// <summary>
/// A subscription to an <c>aeron:ipc</c> / <c>aeron:udp</c> stream: whole messages, however many fragments Aeron cut
/// them into (Aeron's controlled fragment assembler), from every image (publisher) of the stream. Polls allocate
/// nothing and take no lock.
/// </summary>
/// <remarks>
/// <para>Threads: poll from one thread at a time. <see cref="Counters"/>, <see cref="ImageCount"/> and
/// <see cref="Dispose"/> may be used from any thread; a Dispose from another thread waits for a poll in progress to
/// end, one from inside a handler takes effect when the poll returns.</para>
/// <para>Aeron is reliable: a slow subscriber back-pressures the publishers rather than losing messages, so
/// <see cref="SubscriptionCounters.LostMessages"/> stays 0. A subscriber the driver drops for being too slow sees its
/// image go (<see cref="AeronTransportOptions.ImageHandler"/>, <see cref="ImagesUnavailable"/>).</para>
/// </remarks>
public sealed unsafe class AeronSubscription : ISubscription
{
    /// <summary>Fragments allowed per message asked for in a poll (the callback stops at the message limit).</summary>
    private const int FragmentsPerMessage = 16;

    private readonly AeronTransport _transport;
    private readonly GCHandle _self;
    private readonly AeronControlledFragmentAssembler* _assembler;
    private PollState* _state;
    private nint _subscription;
    private UseGuard _guard;
    private bool _delivering;
    private int _pollingThread;
    private bool _closeDeferred;
    private int _pendingSkipKeep = -1;
    private readonly Dictionary<nint, int> _imagesByNative = [];
    private SubscriptionCounters _finalCounters;
    private long _imagesAvailable;
    private long _imagesUnavailable;

    internal AeronSubscription(AeronTransport transport, string channel, int streamId)
    {
        _transport = transport;
        Channel = channel;
        StreamId = streamId;
        _self = GCHandle.Alloc(this);
        _state = (PollState*)NativeMemory.AllocZeroed((nuint)sizeof(PollState));
        _state->Owner = GCHandle.ToIntPtr(_self);
        AeronControlledFragmentAssembler* assembler;
        if (NativeMethods.aeron_controlled_fragment_assembler_create(&assembler, &Callbacks.OnMessage, _state) < 0)
        {
            AeronException error = AeronErrors.FromLast("creating a fragment assembler");
            NativeMemory.Free(_state);
            _self.Free();
            throw error;
        }
        _assembler = assembler;
    }

    public string Channel { get; }

    public int StreamId { get; }

    public bool IsClosed => _guard.IsClosed;

    /// <summary>Received and skipped messages; nothing is lost on Aeron (see the remarks).</summary>
    public SubscriptionCounters Counters
    {
        get
        {
            PollState* s = _state;
            return s == null
                ? _finalCounters
                : default(SubscriptionCounters) with
                {
                    Received = Volatile.Read(ref s->Received),
                    ReceivedBytes = Volatile.Read(ref s->ReceivedBytes),
                    SkippedMessages = Volatile.Read(ref s->Skipped),
                    SkippedBytes = Volatile.Read(ref s->SkippedBytes),
                };
        }
    }

    /// <summary>Images (publishers) currently connected.</summary>
    public int ImageCount
    {
        get
        {
            nint native = Volatile.Read(ref _subscription);
            lock (_imagesByNative)
            {
                return _imagesByNative.GetValueOrDefault(native);
            }
        }
    }

    /// <summary>Images that joined since the subscription was opened.</summary>
    public long ImagesAvailable => Interlocked.Read(ref _imagesAvailable);

    /// <summary>Images that left since the subscription was opened.</summary>
    public long ImagesUnavailable => Interlocked.Read(ref _imagesUnavailable);

    /// <summary>Set by the fragment callback when a handler threw; rethrown by the poll.</summary>
    internal ExceptionDispatchInfo? Fault { get; set; }

    internal nint Handle => GCHandle.ToIntPtr(_self);

    /// <summary>The native subscription in use (0 while the transport reconnects).</summary>
    internal NativeSubscription* Native => (NativeSubscription*)Volatile.Read(ref _subscription);

    /// <summary>
    /// Deliver up to <paramref name="messageLimit"/> whole messages to <paramref name="handler"/>; returns how many were
    /// delivered (0 when none is ready, or while the transport reconnects to a media driver). A message span is valid
    /// only during the call. An exception from the handler propagates once Aeron returns; its message counts as
    /// received, the messages after it stay for the next poll.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The subscription is disposed.</exception>
    /// <exception cref="InvalidOperationException">Called from inside one of this subscription's handlers.</exception>
    public int Poll<THandler>(ref THandler handler, int messageLimit)
        where THandler : struct, IMessageHandler
    {
        ArgumentOutOfRangeException.ThrowIfNegative(messageLimit);
        if (_delivering && _pollingThread == Environment.CurrentManagedThreadId)
        {
            throw new InvalidOperationException("Poll was called from inside one of this subscription's handlers");
        }
        ObjectDisposedException.ThrowIf(!_guard.TryEnter(), this);
        int delivered = 0;
        try
        {
            NativeSubscription* subscription = Native;
            if (subscription == null || messageLimit == 0)
            {
                return 0;
            }
            THandler local = handler;
            PollState* state = _state;
            state->Handler = System.Runtime.CompilerServices.Unsafe.AsPointer(ref local);
            state->Invoke = &Callbacks.Dispatch<THandler>;
            state->Delivered = 0;
            state->Limit = messageLimit;
            state->Stop = 0;
            _pollingThread = Environment.CurrentManagedThreadId;
            _delivering = true;
            int rc;
            try
            {
                // Aeron's limit counts fragments: give it room for messages of several, and stop at the message
                // limit in the callback, so a poll never returns 0 with a whole message ready.
                rc = NativeMethods.aeron_subscription_controlled_poll(subscription, AeronExports.ControlledAssemblerHandler,
                    _assembler, (nuint)Math.Min((long)messageLimit * FragmentsPerMessage, int.MaxValue));
            }
            finally
            {
                _delivering = false;
                state->Handler = null;
                handler = local;
            }
            delivered = state->Delivered;
            if (Fault is { } fault)
            {
                Fault = null;
                fault.Throw();
            }
            if (rc < 0)
            {
                throw AeronErrors.FromLast($"polling {Channel} stream {StreamId}");
            }
            if (_pendingSkipKeep >= 0 && !_closeDeferred)
            {
                int keep = _pendingSkipKeep;
                _pendingSkipKeep = -1;
                Skip(subscription, keep);
            }
        }
        finally
        {
            _guard.Exit();
            if (_closeDeferred)
            {
                _closeDeferred = false;
                Release();
            }
        }
        return delivered;
    }

    /// <summary>Delegate form of <see cref="Poll{THandler}"/>.</summary>
    public int Poll(MessageHandler handler, int messageLimit)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var adapter = new DelegateHandler(handler);
        return Poll(ref adapter, messageLimit);
    }

    /// <summary>
    /// Pass over the messages not yet delivered, keeping the newest <paramref name="keepMessages"/> of each image
    /// (Aeron's equivalent of the log's skip: the image positions move forward). Returns how many were passed over,
    /// counted in <see cref="SubscriptionCounters.SkippedMessages"/>. From inside a handler the skip is made when the
    /// handler returns (the poll then ends) and the count returned is the backlog found at the call.
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
            ObjectDisposedException.ThrowIf(IsClosed, this);
            // Aeron's image is mid-poll: count now, skip when the handler returns (the poll stops after this message).
            _pendingSkipKeep = keepMessages;
            _state->Stop = 1;
            return CountBacklog(Native, keepMessages);
        }
        ObjectDisposedException.ThrowIf(!_guard.TryEnter(), this);
        try
        {
            NativeSubscription* subscription = Native;
            return subscription == null ? 0 : Skip(subscription, keepMessages);
        }
        finally
        {
            _guard.Exit();
        }
    }

    private long CountBacklog(NativeSubscription* subscription, int keep)
    {
        long total = 0;
        ForEachImage(subscription, image => total += Math.Max(0, Count(image) - keep));
        return total;
    }

    private long Skip(NativeSubscription* subscription, int keep)
    {
        long before = _state->Skipped;
        ForEachImage(subscription, image =>
        {
            long backlog = Count(image) - keep;
            if (backlog <= 0)
            {
                return;
            }
            _state->SkipRemaining = backlog;
            while (_state->SkipRemaining > 0)
            {
                int n = NativeMethods.aeron_image_controlled_poll(image, &Callbacks.OnSkip, _state, int.MaxValue);
                if (n <= 0)
                {
                    break;
                }
            }
            _state->SkipRemaining = 0;
        });
        return _state->Skipped - before;
    }

    /// <summary>Whole messages waiting in an image, found by peeking term by term from its position.</summary>
    private long Count(AeronImage* image)
    {
        _state->Counted = 0;
        long position = NativeMethods.aeron_image_position(image);
        for (int terms = 0; terms < 4 && position >= 0; terms++)
        {
            long next = NativeMethods.aeron_image_controlled_peek(image, position, &Callbacks.OnCount, _state, long.MaxValue);
            if (next <= position)
            {
                break;
            }
            position = next;
        }
        return _state->Counted;
    }

    private static void ForEachImage(NativeSubscription* subscription, ImageAction action)
    {
        int count = NativeMethods.aeron_subscription_image_count(subscription);
        for (int i = 0; i < count; i++)
        {
            AeronImage* image = NativeMethods.aeron_subscription_image_at_index(subscription, (nuint)i);
            if (image == null || NativeMethods.aeron_subscription_image_retain(subscription, image) < 0)
            {
                continue;
            }
            try
            {
                action(image);
            }
            finally
            {
                _ = NativeMethods.aeron_subscription_image_release(subscription, image);
            }
        }
    }

    private delegate void ImageAction(AeronImage* image);

    /// <summary>
    /// An image of <paramref name="native"/> joined or left (Aeron's conductor thread). Counted per native subscription:
    /// an image may join before the native subscription is handed to this object, and a replaced one's images may still
    /// leave afterwards.
    /// </summary>
    internal void OnImage(nint native, int sessionId, string sourceIdentity, bool available)
    {
        lock (_imagesByNative)
        {
            int count = _imagesByNative.GetValueOrDefault(native) + (available ? 1 : -1);
            if (count > 0)
            {
                _imagesByNative[native] = count;
            }
            else
            {
                _imagesByNative.Remove(native);
            }
        }
        if (available)
        {
            Interlocked.Increment(ref _imagesAvailable);
        }
        else
        {
            Interlocked.Increment(ref _imagesUnavailable);
        }
        if (!IsClosed)
        {
            _transport.OnImage(new AeronImageEvent(Channel, StreamId, sessionId, sourceIdentity, available));
        }
    }

    /// <summary>Use <paramref name="subscription"/> from now on (a reconnect); the caller waits for quiescence before freeing the old one.</summary>
    internal void Replace(NativeSubscription* subscription)
    {
        Volatile.Write(ref _subscription, (nint)subscription);
    }

    /// <summary>Wait until no poll that may hold the previous native subscription is running.</summary>
    internal void AwaitQuiescence() => _guard.AwaitQuiescence();

    /// <summary>
    /// Close the subscription. From inside one of its handlers the close happens when the poll returns; from another
    /// thread it waits for a poll in progress to end.
    /// </summary>
    public void Dispose()
    {
        if (!_guard.Close())
        {
            return;
        }
        _transport.Forget(this);
        if (_delivering && _pollingThread == Environment.CurrentManagedThreadId)
        {
            _state->Closed = 1;
            _state->Stop = 1;
            _closeDeferred = true;
            return;
        }
        _guard.AwaitQuiescence();
        Release();
    }

    private void Release()
    {
        _transport.CloseNative(this, Native);
        Volatile.Write(ref _subscription, 0);
        _ = NativeMethods.aeron_controlled_fragment_assembler_delete(_assembler);
        _finalCounters = Counters;
        PollState* state = _state;
        _state = null;
        // The GCHandle (and the counters' memory, which another thread may be reading) stay until the transport closes
        // its clients: Aeron may still call an image handler with the handle.
        _transport.Retire(_self, (nint)state);
    }

    public override string ToString() => $"AeronSubscription({Channel}, stream {StreamId})";

    private readonly struct DelegateHandler(MessageHandler handler) : IMessageHandler
    {
        public void OnMessage(ReadOnlySpan<byte> message) => handler(message);
    }
}
