using TensorPool.Transport;

namespace TensorPool.Testing;

/// <summary>
/// An in-process <see cref="ITransport"/> for deterministic protocol tests: every publication on (channel, stream id)
/// copies the message into each subscription of that stream; a subscription holds up to <see cref="Capacity"/> messages
/// and, like a lapped tp:ipc subscriber, loses the oldest (counted) when it falls further behind. Allocation-free after
/// start-up; thread-safe (a lock per subscription, held only while copying).
/// </summary>
public sealed class LoopbackTransport : ITransport
{
    private readonly object _gate = new();
    private readonly Dictionary<(string Channel, int StreamId), List<LoopbackSubscription>> _streams = [];

    public LoopbackTransport(int capacity = 1024, int maxMessageLength = 64 * 1024)
    {
        Capacity = capacity;
        MaxMessageLength = maxMessageLength;
    }

    public int Capacity { get; }

    public int MaxMessageLength { get; }

    /// <summary>When set, every offer fails with this status (to test back pressure handling).</summary>
    public long? FailOffersWith { get; set; }

    public IPublication AddPublication(string channel, int streamId) => new LoopbackPublication(this, channel, streamId);

    /// <summary>Subscriptions open on (<paramref name="channel"/>, <paramref name="streamId"/>): proves none was leaked.</summary>
    public int SubscriptionCount(string channel, int streamId)
    {
        lock (_gate)
        {
            return _streams.TryGetValue((channel, streamId), out List<LoopbackSubscription>? list) ? list.Count : 0;
        }
    }

    public ISubscription AddSubscription(string channel, int streamId)
    {
        var subscription = new LoopbackSubscription(this, channel, streamId);
        lock (_gate)
        {
            if (!_streams.TryGetValue((channel, streamId), out List<LoopbackSubscription>? list))
            {
                list = [];
                _streams.Add((channel, streamId), list);
            }
            _streams[(channel, streamId)] = [.. list, subscription];
        }
        return subscription;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _streams.Clear();
        }
    }

    internal void Remove(LoopbackSubscription subscription)
    {
        lock (_gate)
        {
            if (_streams.TryGetValue((subscription.Channel, subscription.StreamId), out List<LoopbackSubscription>? list))
            {
                _streams[(subscription.Channel, subscription.StreamId)] = list.Where(s => s != subscription).ToList();
            }
        }
    }

    internal long Deliver(string channel, int streamId, ReadOnlySpan<byte> message)
    {
        if (FailOffersWith is long status)
        {
            return status;
        }
        if (message.Length > MaxMessageLength)
        {
            return PublicationStatus.MaxMessageLengthExceeded;
        }
        List<LoopbackSubscription>? list;
        lock (_gate)
        {
            _streams.TryGetValue((channel, streamId), out list);
        }
        if (list is not null)
        {
            // The list is replaced, never mutated, so iterating outside the lock is safe.
            foreach (LoopbackSubscription s in list)
            {
                s.Enqueue(message);
            }
        }
        return message.Length;
    }

    private sealed class LoopbackPublication(LoopbackTransport transport, string channel, int streamId) : IPublication
    {
        private bool _closed;

        public string Channel { get; } = channel;

        public int StreamId { get; } = streamId;

        public int MaxMessageLength => transport.MaxMessageLength;

        public bool IsClosed => _closed;

        public long Offer(ReadOnlySpan<byte> message) =>
            _closed ? PublicationStatus.Closed : transport.Deliver(Channel, StreamId, message);

        public void Dispose() => _closed = true;
    }
}
