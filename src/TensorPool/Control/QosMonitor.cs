using TensorPool.Sbe;
using TensorPool.Sbe.Wire;
using TensorPool.Time;

namespace TensorPool.Control;

/// <summary>
/// Aggregates, per stream, what producers and consumers send anyway (issue 6, §10.4, §10.5): ShmPoolAnnounce and
/// ConsumerHello (control stream), QosProducer and QosConsumer (QoS stream), DataSourceAnnounce (metadata stream). Feed
/// it every message of those streams with <see cref="Offer"/> (for example from <c>ClientOptions.QosHandler</c> and a
/// subscription of the control and metadata streams); read it with <see cref="Snapshot"/>. <c>tp status</c> is built on it.
/// </summary>
/// <remarks>
/// <para>Messages are hostile input: bytes no decoder accepts are counted in <see cref="Malformed"/>, messages of other
/// types in <see cref="Ignored"/>; neither throws. The monitor is bounded: beyond <see cref="MaxStreams"/> streams or
/// <see cref="MaxConsumersPerStream"/> consumers of one stream, new ones are counted in <see cref="Overflowed"/>, and
/// <see cref="Prune"/> forgets what has not been heard of for a while (a supervisor's cleanup).</para>
/// <para>Rates are the growth of a sequence (QosProducer.currentSeq, QosConsumer.lastSeqSeen) between two reports of
/// one epoch, divided by the time between their arrivals on <see cref="IClock"/>. A producer is stale when no
/// QosProducer arrived within the stale window (or none ever), a consumer when nothing was heard of it within it.</para>
/// <para>Offer allocates only when a stream or consumer first appears, or its pools or name change. Not thread-safe,
/// by design (D76): its readers (<c>tp status</c>, a supervisor's loop) poll and read on one thread, so a lock would
/// only cost. Offer and read from one thread, or guard the monitor with your own lock.</para>
/// </remarks>
public sealed class QosMonitor
{
    /// <summary>Default bound on the streams tracked.</summary>
    public const int DefaultMaxStreams = 4096;

    /// <summary>Default bound on the consumers tracked per stream.</summary>
    public const int DefaultMaxConsumersPerStream = 1024;

    /// <summary>Longest data source name kept (longer ones are cut).</summary>
    public const int MaxNameLength = 256;

    /// <summary>Default stale window: 3 × the 1 Hz QoS period (§10.4).</summary>
    public static readonly TimeSpan DefaultStaleAfter = TimeSpan.FromSeconds(3);

    private readonly IClock _clock;
    private readonly long _staleAfterNs;
    private readonly Dictionary<uint, StreamEntry> _streams = [];

    /// <summary>A monitor timed by <paramref name="clock"/>.</summary>
    /// <param name="clock">Arrival times of messages (the monotonic clock by default).</param>
    /// <param name="staleAfter">An entry not refreshed for longer than this is reported stale (<see cref="DefaultStaleAfter"/> by default).</param>
    /// <param name="maxStreams">Bound on the streams tracked.</param>
    /// <param name="maxConsumersPerStream">Bound on the consumers tracked per stream.</param>
    public QosMonitor(IClock? clock = null, TimeSpan? staleAfter = null, int maxStreams = DefaultMaxStreams,
        int maxConsumersPerStream = DefaultMaxConsumersPerStream)
    {
        TimeSpan window = staleAfter ?? DefaultStaleAfter;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero, nameof(staleAfter));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxStreams);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxConsumersPerStream);
        _clock = clock ?? MonotonicClock.Instance;
        _staleAfterNs = (long)window.TotalNanoseconds;
        MaxStreams = maxStreams;
        MaxConsumersPerStream = maxConsumersPerStream;
    }

    public int MaxStreams { get; }

    public int MaxConsumersPerStream { get; }

    /// <summary>Messages that updated the monitor.</summary>
    public long Applied { get; private set; }

    /// <summary>Well-formed messages of other types (descriptors, metadata blobs, other schemas).</summary>
    public long Ignored { get; private set; }

    /// <summary>Bytes that no decoder accepted (truncated, bad lengths, too short for a header).</summary>
    public long Malformed { get; private set; }

    /// <summary>Messages about a new stream or consumer that did not fit within the bounds.</summary>
    public long Overflowed { get; private set; }

    /// <summary>The clock's current time, for ages against <see cref="StreamStatus.LastSeenNs"/>.</summary>
    public long NowNs => _clock.NanoTime();

    /// <summary>Reads one message; true when it updated the monitor.</summary>
    public bool Offer(ReadOnlySpan<byte> message)
    {
        if (!SbeMessageHeader.TryRead(message, out SbeMessageHeader header))
        {
            Malformed++;
            return false;
        }
        if (header.SchemaId != ShmPoolAnnounceDecoder.SchemaId)
        {
            Ignored++;
            return false;
        }
        long now = _clock.NanoTime();
        bool applied = header.TemplateId switch
        {
            ShmPoolAnnounceDecoder.TemplateId => OnAnnounce(message, now),
            QosProducerDecoder.TemplateId => OnQosProducer(message, now),
            QosConsumerDecoder.TemplateId => OnQosConsumer(message, now),
            ConsumerHelloDecoder.TemplateId => OnHello(message, now),
            DataSourceAnnounceDecoder.TemplateId => OnDataSource(message, now),
            _ => Ignore(),
        };
        if (applied)
        {
            Applied++;
        }
        return applied;
    }

    /// <summary>Forgets consumers, then streams, not heard of for <paramref name="age"/> or more.</summary>
    public void Prune(TimeSpan age)
    {
        long cutoff = _clock.NanoTime() - (long)age.TotalNanoseconds;
        List<uint>? goneStreams = null;
        foreach ((uint id, StreamEntry s) in _streams)
        {
            List<uint>? goneConsumers = null;
            foreach ((uint cid, ConsumerEntry c) in s.Consumers)
            {
                if (c.LastSeenNs <= cutoff)
                {
                    (goneConsumers ??= []).Add(cid);
                }
            }
            goneConsumers?.ForEach(cid => s.Consumers.Remove(cid));
            if (s.LastSeenNs <= cutoff && s.Consumers.Count == 0)
            {
                (goneStreams ??= []).Add(id);
            }
        }
        goneStreams?.ForEach(id => _streams.Remove(id));
    }

    /// <summary>Every stream, by stream id, with its consumers by consumer id, as of the clock's current time.</summary>
    public IReadOnlyList<StreamStatus> Snapshot()
    {
        long now = _clock.NanoTime();
        var result = new List<StreamStatus>(_streams.Count);
        foreach (StreamEntry s in _streams.Values.OrderBy(s => s.StreamId))
        {
            var consumers = new List<ConsumerStatus>(s.Consumers.Count);
            foreach (ConsumerEntry c in s.Consumers.Values.OrderBy(c => c.ConsumerId))
            {
                consumers.Add(new ConsumerStatus(c.ConsumerId, c.Mode, c.Epoch, c.LastSeqSeen, c.DropsGap, c.DropsLate, c.Rate.PerSecond,
                    Lag(s, c), c.LastSeenNs, now - c.LastSeenNs > _staleAfterNs));
            }
            result.Add(new StreamStatus
            {
                StreamId = s.StreamId,
                Epoch = s.Epoch,
                ProducerId = s.ProducerId,
                Name = s.Name,
                HeaderNslots = s.HeaderNslots,
                Pools = s.Pools,
                CurrentSeq = s.CurrentSeq,
                FramesPerSecond = s.Rate.PerSecond,
                LastAnnounceNs = s.LastAnnounceNs,
                LastProducerQosNs = s.LastProducerQosNs,
                ProducerStale = s.LastProducerQosNs is not { } at || now - at > _staleAfterNs,
                LastSeenNs = s.LastSeenNs,
                Consumers = consumers,
            });
        }
        return result;
    }

    /// <summary>
    /// Frames published that the consumer has not seen: QosProducer.currentSeq is the next sequence the producer will
    /// publish (§10.4.2, as the reference and this library send it), so lag = currentSeq - 1 - lastSeqSeen, within one
    /// epoch only. Reports come at different instants: a consumer's may be newer than the producer's; lag is then 0.
    /// </summary>
    private static long? Lag(StreamEntry s, ConsumerEntry c) =>
        s.CurrentSeq is { } current && s.QosEpoch == c.Epoch && c.HasQos
            ? (current > c.LastSeqSeen ? (long)Math.Min(current - 1 - c.LastSeqSeen, long.MaxValue) : 0)
            : null;

    private bool Ignore()
    {
        Ignored++;
        return false;
    }

    private bool Reject()
    {
        Malformed++;
        return false;
    }

    private bool OnAnnounce(ReadOnlySpan<byte> message, long now)
    {
        if (!ShmPoolAnnounceDecoder.TryWrap(message, out ShmPoolAnnounceDecoder a, out _))
        {
            return Reject();
        }
        StreamEntry? s = Stream(a.StreamId, now);
        if (s is null)
        {
            return false;
        }
        s.SetEpoch(a.Epoch);
        s.ProducerId = a.ProducerId;
        s.HeaderNslots = a.HeaderNslots;
        s.LastAnnounceNs = now;
        ShmPoolAnnounceDecoder.PayloadPoolsDecoder pools = a.PayloadPools;
        bool same = pools.Count == s.Pools.Length;
        int i = 0;
        if (same)
        {
            foreach (ShmPoolAnnounceDecoder.PayloadPoolsDecoder p in pools)
            {
                if (s.Pools[i++] != new PoolStatus(p.PoolId, p.PoolNslots, p.StrideBytes))
                {
                    same = false;
                    break;
                }
            }
        }
        if (!same)
        {
            var list = new PoolStatus[pools.Count];
            i = 0;
            foreach (ShmPoolAnnounceDecoder.PayloadPoolsDecoder p in a.PayloadPools)
            {
                list[i++] = new PoolStatus(p.PoolId, p.PoolNslots, p.StrideBytes);
            }
            s.Pools = list;
        }
        return true;
    }

    private bool OnQosProducer(ReadOnlySpan<byte> message, long now)
    {
        if (!QosProducerDecoder.TryWrap(message, out QosProducerDecoder q, out _))
        {
            return Reject();
        }
        StreamEntry? s = Stream(q.StreamId, now);
        if (s is null)
        {
            return false;
        }
        s.SetEpoch(q.Epoch);
        s.ProducerId = q.ProducerId;
        s.CurrentSeq = q.CurrentSeq;
        s.QosEpoch = q.Epoch;
        s.LastProducerQosNs = now;
        s.Rate.Sample(q.Epoch, q.CurrentSeq, now);
        return true;
    }

    private bool OnQosConsumer(ReadOnlySpan<byte> message, long now)
    {
        if (!QosConsumerDecoder.TryWrap(message, out QosConsumerDecoder q, out _))
        {
            return Reject();
        }
        ConsumerEntry? c = Consumer(q.StreamId, q.ConsumerId, now);
        if (c is null)
        {
            return false;
        }
        c.Mode = q.Mode;
        c.Epoch = q.Epoch;
        c.LastSeqSeen = q.LastSeqSeen;
        c.DropsGap = q.DropsGap;
        c.DropsLate = q.DropsLate;
        c.HasQos = true;
        c.Rate.Sample(q.Epoch, q.LastSeqSeen, now);
        return true;
    }

    private bool OnHello(ReadOnlySpan<byte> message, long now)
    {
        if (!ConsumerHelloDecoder.TryWrap(message, out ConsumerHelloDecoder h, out _))
        {
            return Reject();
        }
        ConsumerEntry? c = Consumer(h.StreamId, h.ConsumerId, now);
        if (c is null)
        {
            return false;
        }
        c.Mode = h.Mode;
        return true;
    }

    private bool OnDataSource(ReadOnlySpan<byte> message, long now)
    {
        if (!DataSourceAnnounceDecoder.TryWrap(message, out DataSourceAnnounceDecoder d, out _))
        {
            return Reject();
        }
        StreamEntry? s = Stream(d.StreamId, now);
        if (s is null)
        {
            return false;
        }
        ReadOnlySpan<byte> name = d.Name;
        name = name[..Math.Min(name.Length, MaxNameLength)];
        if (s.NameBytes is null || !name.SequenceEqual(s.NameBytes))
        {
            s.NameBytes = name.ToArray();
            // Names come from other processes: anything but printable ASCII is shown as '?' (never a terminal escape).
            s.Name = string.Create(name.Length, s.NameBytes, static (chars, bytes) =>
            {
                for (int i = 0; i < chars.Length; i++)
                {
                    chars[i] = bytes[i] is >= 0x20 and < 0x7F ? (char)bytes[i] : '?';
                }
            });
        }
        return true;
    }

    /// <summary>The stream, heard of at <paramref name="now"/>; null when it is new and the bound is reached.</summary>
    private StreamEntry? Stream(uint streamId, long now)
    {
        StreamEntry? s = FindOrAddStream(streamId, now);
        if (s is not null)
        {
            s.LastSeenNs = now;
        }
        return s;
    }

    private StreamEntry? FindOrAddStream(uint streamId, long now)
    {
        if (!_streams.TryGetValue(streamId, out StreamEntry? s))
        {
            if (_streams.Count >= MaxStreams)
            {
                Overflowed++;
                return null;
            }
            s = new StreamEntry(streamId) { LastSeenNs = now };
            _streams.Add(streamId, s);
        }
        return s;
    }

    private ConsumerEntry? Consumer(uint streamId, uint consumerId, long now)
    {
        // A consumer may report before any producer announces: the stream exists from then, with no producer yet.
        StreamEntry? s = FindOrAddStream(streamId, now);
        if (s is null)
        {
            return null;
        }
        if (!s.Consumers.TryGetValue(consumerId, out ConsumerEntry? c))
        {
            if (s.Consumers.Count >= MaxConsumersPerStream)
            {
                Overflowed++;
                return null;
            }
            c = new ConsumerEntry(consumerId);
            s.Consumers.Add(consumerId, c);
        }
        c.LastSeenNs = now;
        return c;
    }

    private sealed class StreamEntry(uint streamId)
    {
        public uint StreamId { get; } = streamId;

        public ulong? Epoch { get; private set; }

        public ulong? QosEpoch { get; set; }

        public uint? ProducerId { get; set; }

        public string? Name { get; set; }

        public byte[]? NameBytes { get; set; }

        public uint? HeaderNslots { get; set; }

        public PoolStatus[] Pools { get; set; } = [];

        public ulong? CurrentSeq { get; set; }

        public RateSampler Rate;

        public long? LastAnnounceNs { get; set; }

        public long? LastProducerQosNs { get; set; }

        public long LastSeenNs { get; set; }

        public Dictionary<uint, ConsumerEntry> Consumers { get; } = [];

        /// <summary>A new epoch is a new producer (§15.2): what was reported of the old one no longer applies.</summary>
        public void SetEpoch(ulong epoch)
        {
            if (Epoch != epoch)
            {
                Epoch = epoch;
                CurrentSeq = null;
                QosEpoch = null;
                Rate = default;
            }
        }
    }

    private sealed class ConsumerEntry(uint consumerId)
    {
        public uint ConsumerId { get; } = consumerId;

        public Mode Mode { get; set; }

        public ulong Epoch { get; set; }

        public ulong LastSeqSeen { get; set; }

        public ulong DropsGap { get; set; }

        public ulong DropsLate { get; set; }

        public bool HasQos { get; set; }

        public RateSampler Rate;

        public long LastSeenNs { get; set; }
    }

    /// <summary>Growth per second of a sequence between its last two samples of one epoch.</summary>
    private struct RateSampler
    {
        private bool _has;
        private ulong _epoch;
        private ulong _seq;
        private long _atNs;

        public double? PerSecond { get; private set; }

        public void Sample(ulong epoch, ulong seq, long nowNs)
        {
            if (_has && _epoch == epoch && nowNs > _atNs && seq >= _seq)
            {
                PerSecond = (seq - _seq) / ((nowNs - _atNs) / 1e9);
            }
            else if (!_has || _epoch != epoch || seq < _seq)
            {
                PerSecond = null; // a new epoch or a sequence that went back: no rate until two fresh samples
            }
            _has = true;
            _epoch = epoch;
            _seq = seq;
            _atNs = nowNs;
        }
    }
}
