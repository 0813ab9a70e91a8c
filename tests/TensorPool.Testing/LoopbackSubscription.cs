using TensorPool.Transport;

namespace TensorPool.Testing;

/// <summary>
/// A subscription of <see cref="LoopbackTransport"/>: a bounded ring of message copies. A ring of up to 64 MiB is
/// allocated up front; in a larger one a slot's buffer is allocated when a message first lands in it and grows to the
/// largest message it held (capacity × max length up front took gigabytes per subscription with large limits).
/// </summary>
public sealed class LoopbackSubscription : ISubscription
{
    private readonly LoopbackTransport _transport;
    private readonly object _gate = new();
    private readonly byte[][] _slots;
    private readonly int[] _lengths;
    private byte[] _scratch = [];
    private long _head;
    private long _tail;
    private long _received;
    private long _lost;
    private long _lapped;
    private long _skipped;
    private bool _closed;

    internal LoopbackSubscription(LoopbackTransport transport, string channel, int streamId)
    {
        _transport = transport;
        Channel = channel;
        StreamId = streamId;
        _slots = new byte[transport.Capacity][];
        _lengths = new int[transport.Capacity];
        if ((long)transport.Capacity * transport.MaxMessageLength <= EagerRingBytes)
        {
            // A ring of ordinary size is allocated whole, so steady-state allocation tests see no first-lap growth.
            for (int i = 0; i < _slots.Length; i++)
            {
                _slots[i] = new byte[transport.MaxMessageLength];
            }
            _scratch = new byte[transport.MaxMessageLength];
        }
    }

    /// <summary>Rings up to this size are allocated up front; larger ones slot by slot.</summary>
    private const long EagerRingBytes = 64L << 20;

    public string Channel { get; }

    public int StreamId { get; }

    public bool IsClosed => _closed;

    public SubscriptionCounters Counters
    {
        get
        {
            lock (_gate)
            {
                return default(SubscriptionCounters) with
                {
                    Received = _received, LostMessages = _lost, Lapped = _lapped, SkippedMessages = _skipped,
                };
            }
        }
    }

    /// <summary>Messages waiting to be polled.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return (int)(_tail - _head);
            }
        }
    }

    internal void Enqueue(ReadOnlySpan<byte> message)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }
            if (_tail - _head == _slots.Length)
            {
                _head++; // lapped: the oldest message is lost, and counted
                _lost++;
                _lapped++;
            }
            int index = (int)(_tail % _slots.Length);
            byte[]? slot = _slots[index];
            if (slot is null || slot.Length < message.Length)
            {
                slot = _slots[index] = new byte[Grown(slot?.Length ?? 0, message.Length)];
            }
            message.CopyTo(slot);
            _lengths[index] = message.Length;
            _tail++;
        }
    }

    public int Poll<THandler>(ref THandler handler, int messageLimit)
        where THandler : struct, IMessageHandler
    {
        int delivered = 0;
        while (delivered < messageLimit)
        {
            int length;
            lock (_gate)
            {
                if (_closed || _head == _tail)
                {
                    break;
                }
                int index = (int)(_head % _slots.Length);
                length = _lengths[index];
                if (_scratch.Length < length)
                {
                    _scratch = new byte[Grown(_scratch.Length, length)];
                }
                _slots[index].AsSpan(0, length).CopyTo(_scratch);
                _head++;
                _received++;
            }
            // Outside the lock: a handler may publish on this transport.
            handler.OnMessage(_scratch.AsSpan(0, length));
            delivered++;
        }
        return delivered;
    }

    public int Poll(MessageHandler handler, int messageLimit)
    {
        var adapter = new DelegateHandler(handler);
        return Poll(ref adapter, messageLimit);
    }

    public long SkipBacklog(int keepMessages, int messageLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keepMessages);
        lock (_gate)
        {
            long skipped = Math.Max(0, _tail - _head - keepMessages);
            _head += skipped;
            _skipped += skipped;
            return skipped;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _closed = true;
        }
        _transport.Remove(this);
    }

    /// <summary>At least <paramref name="needed"/> bytes: doubling from 256, at most the transport's message limit.</summary>
    private int Grown(int current, int needed)
    {
        int size = Math.Max(256, current);
        while (size < needed)
        {
            size *= 2;
        }
        return Math.Min(size, Math.Max(needed, _transport.MaxMessageLength));
    }

    private readonly struct DelegateHandler(MessageHandler handler) : IMessageHandler
    {
        public void OnMessage(ReadOnlySpan<byte> message) => handler(message);
    }
}
