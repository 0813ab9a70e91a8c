using TensorPool.Sbe;
using TensorPool.Sbe.Wire;

namespace TensorPool.Control;

/// <summary>
/// Aggregates QoS per stream for tools and supervisors (wire spec §10.4, §10.5): feed it the raw messages of the QoS
/// stream (QosProducer, QosConsumer) and, for names and epochs, of the control and metadata streams (ShmPoolAnnounce,
/// DataSourceAnnounce); read <see cref="Snapshot"/>. Known entries are updated in place: only a new stream or consumer
/// allocates. Thread-safe (one short lock per call). Bounded against hostile input (<see cref="MaxStreams"/>,
/// <see cref="MaxConsumersPerStream"/>).
/// </summary>
public sealed class QosMonitor
{
    public const int MaxStreams = 4096;
    public const int MaxConsumersPerStream = 1024;

    private readonly object _gate = new();
    private readonly Dictionary<uint, StreamEntry> _streams = [];
    private readonly long _staleAfterNs;
    private long _ignored;
    private long _malformed;

    /// <param name="staleAfter">An entry not refreshed for this long is reported stale (default 3 s: 3 × the 1 Hz QoS period).</param>
    public QosMonitor(TimeSpan? staleAfter = null)
    {
        TimeSpan window = staleAfter ?? TimeSpan.FromSeconds(3);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero, nameof(staleAfter));
        _staleAfterNs = window.Ticks * 100;
    }

    /// <summary>Messages dropped because a limit was reached.</summary>
    public long Ignored => Volatile.Read(ref _ignored);

    /// <summary>QoS or announce messages that did not decode.</summary>
    public long Malformed => Volatile.Read(ref _malformed);

    /// <summary>Feed one message received at <paramref name="nowNs"/> (monotonic); false when it is none of the four.</summary>
    public bool OnMessage(ReadOnlySpan<byte> message, long nowNs)
    {
        if (!SbeMessageHeader.TryRead(message, out SbeMessageHeader header) || header.SchemaId != QosConsumerDecoder.SchemaId)
        {
            return false;
        }
        lock (_gate)
        {
            switch (header.TemplateId)
            {
                case QosConsumerDecoder.TemplateId:
                    if (!QosConsumerDecoder.TryWrap(message, out QosConsumerDecoder c, out _))
                    {
                        _malformed++;
                        return true;
                    }
                    if (Stream(c.StreamId) is { } s)
                    {
                        if (!s.Consumers.TryGetValue(c.ConsumerId, out ConsumerEntry? e))
                        {
                            if (s.Consumers.Count >= MaxConsumersPerStream)
                            {
                                _ignored++;
                                return true;
                            }
                            e = new ConsumerEntry();
                            s.Consumers.Add(c.ConsumerId, e);
                        }
                        e.Epoch = c.Epoch;
                        e.LastSeqSeen = c.LastSeqSeen;
                        e.DropsGap = c.DropsGap;
                        e.DropsLate = c.DropsLate;
                        e.ModeRaw = c.ModeRaw;
                        e.LastSeenNs = nowNs;
                    }
                    return true;
                case QosProducerDecoder.TemplateId:
                    if (!QosProducerDecoder.TryWrap(message, out QosProducerDecoder p, out _))
                    {
                        _malformed++;
                        return true;
                    }
                    if (Stream(p.StreamId) is { } sp)
                    {
                        sp.ProducerId = p.ProducerId;
                        sp.Epoch = p.Epoch;
                        sp.CurrentSeq = p.CurrentSeq;
                        sp.ProducerSeenNs = nowNs;
                        sp.HaveProducer = true;
                    }
                    return true;
                case ShmPoolAnnounceDecoder.TemplateId:
                    if (!ShmPoolAnnounceDecoder.TryWrap(message, out ShmPoolAnnounceDecoder a, out _))
                    {
                        _malformed++;
                        return true;
                    }
                    if (Stream(a.StreamId) is { } sa)
                    {
                        sa.AnnouncedEpoch = a.Epoch;
                        sa.HeaderNslots = a.HeaderNslots;
                        sa.AnnounceSeenNs = nowNs;
                    }
                    return true;
                case DataSourceAnnounceDecoder.TemplateId:
                    if (!DataSourceAnnounceDecoder.TryWrap(message, out DataSourceAnnounceDecoder d, out _))
                    {
                        _malformed++;
                        return true;
                    }
                    if (Stream(d.StreamId) is { } sd && !SameAscii(sd.Name, d.Name))
                    {
                        sd.Name = d.GetNameString();
                    }
                    return true;
                default:
                    return false;
            }
        }
    }

    /// <summary>Every stream known, with its producer and consumers, as of <paramref name="nowNs"/>.</summary>
    public IReadOnlyList<QosStreamSnapshot> Snapshot(long nowNs)
    {
        lock (_gate)
        {
            var result = new List<QosStreamSnapshot>(_streams.Count);
            foreach ((uint id, StreamEntry s) in _streams.OrderBy(kv => kv.Key))
            {
                var consumers = new List<QosConsumerSnapshot>(s.Consumers.Count);
                foreach ((uint cid, ConsumerEntry e) in s.Consumers.OrderBy(kv => kv.Key))
                {
                    ulong? lag = !s.HaveProducer || e.Epoch != s.Epoch ? null : s.CurrentSeq > e.LastSeqSeen ? s.CurrentSeq - 1 - e.LastSeqSeen : 0;
                    consumers.Add(new QosConsumerSnapshot(cid, e.Epoch, e.LastSeqSeen, e.DropsGap, e.DropsLate, (Mode)e.ModeRaw, lag,
                        nowNs - e.LastSeenNs > _staleAfterNs));
                }
                result.Add(new QosStreamSnapshot(id, s.Name, s.HaveProducer ? s.ProducerId : null, s.HaveProducer ? s.Epoch : null,
                    s.HaveProducer ? s.CurrentSeq : null, s.AnnounceSeenNs == 0 ? null : s.AnnouncedEpoch,
                    !s.HaveProducer || nowNs - s.ProducerSeenNs > _staleAfterNs, consumers));
            }
            return result;
        }
    }

    /// <summary>Forget consumers and streams not heard of for <paramref name="after"/> (a supervisor's cleanup).</summary>
    public void Expire(long nowNs, TimeSpan after)
    {
        long limit = after.Ticks * 100;
        lock (_gate)
        {
            foreach ((uint id, StreamEntry s) in _streams)
            {
                foreach ((uint cid, ConsumerEntry e) in s.Consumers)
                {
                    if (nowNs - e.LastSeenNs > limit)
                    {
                        s.Consumers.Remove(cid);
                    }
                }
                long last = Math.Max(s.ProducerSeenNs, s.AnnounceSeenNs);
                if (s.Consumers.Count == 0 && nowNs - last > limit)
                {
                    _streams.Remove(id);
                }
            }
        }
    }

    private StreamEntry? Stream(uint id)
    {
        if (_streams.TryGetValue(id, out StreamEntry? s))
        {
            return s;
        }
        if (_streams.Count >= MaxStreams)
        {
            _ignored++;
            return null;
        }
        s = new StreamEntry();
        _streams.Add(id, s);
        return s;
    }

    private static bool SameAscii(string known, ReadOnlySpan<byte> ascii)
    {
        if (known.Length != ascii.Length)
        {
            return false;
        }
        for (int i = 0; i < ascii.Length; i++)
        {
            if (known[i] != ascii[i])
            {
                return false;
            }
        }
        return true;
    }

    private sealed class StreamEntry
    {
        public readonly Dictionary<uint, ConsumerEntry> Consumers = [];
        public string Name = "";
        public bool HaveProducer;
        public uint ProducerId;
        public ulong Epoch;
        public ulong CurrentSeq;
        public long ProducerSeenNs;
        public ulong AnnouncedEpoch;
        public uint HeaderNslots;
        public long AnnounceSeenNs;
    }

    private sealed class ConsumerEntry
    {
        public ulong Epoch;
        public ulong LastSeqSeen;
        public ulong DropsGap;
        public ulong DropsLate;
        public byte ModeRaw;
        public long LastSeenNs;
    }
}
