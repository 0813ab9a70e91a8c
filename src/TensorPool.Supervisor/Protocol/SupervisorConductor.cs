using System.Text;
using Microsoft.Extensions.Logging;
using TensorPool.Agents;
using TensorPool.Control;
using TensorPool.Interop;
using TensorPool.Sbe;
using TensorPool.Sbe.Wire;
using TensorPool.Supervisor.Configuration;
using TensorPool.Transport;

namespace TensorPool.Supervisor.Protocol;

/// <summary>
/// The supervisor's duty cycle (wire spec §10.5): reads announces, metadata, hellos and QoS into the live model,
/// answers each ConsumerHello of a followed stream with the ConsumerConfig its policy gives (§10.1.3), hands out
/// consumer ids on request (D147), relays the shared descriptor stream to the per-consumer streams it assigns — at
/// most at the consumer's rate cap (§11) — and forgets consumers not heard of for <c>consumer_stale_ms</c>.
/// </summary>
/// <remarks>
/// Everything arriving is hostile input: bytes no decoder accepts are counted, channels named in hellos that the
/// transport refuses are declined (empty channel, 0). The relay path decodes one header and looks up one list: no
/// allocation per descriptor.
/// </remarks>
internal sealed class SupervisorConductor : IAgent
{
    private const int PollLimit = 64;
    private const long SweepIntervalNs = 250_000_000L;
    private const long StatusIntervalNs = 1_000_000_000L;

    private readonly SupervisorOptions _options;
    private readonly ITransport _transport;
    private readonly ILogger _log;
    private readonly IPublication _control;
    private readonly List<ISubscription> _taps = [];
    private readonly PolicyEngine _policy;
    private readonly SupervisorMessages _messages = new();
    private readonly QosMonitor _monitor;
    private readonly Dictionary<(uint Stream, uint Consumer), SupervisedConsumer> _consumers = [];
    private readonly Dictionary<uint, List<SupervisedConsumer>> _descriptorRelays = [];
    private readonly Dictionary<uint, List<SupervisedConsumer>> _progressRelays = [];
    private readonly Dictionary<uint, string> _names = [];
    private readonly Dictionary<(uint Stream, uint Requested), (uint Assigned, long SeenNs)> _assignments = [];
    private readonly Dictionary<uint, uint> _nextId = [];
    private readonly List<(uint, uint)> _removals = [];
    private readonly long _staleNs;
    private ISubscription? _descriptors;
    private long _nextSweepNs;
    private long _nextStatusNs;
    private volatile SupervisorSnapshot _snapshot = SupervisorSnapshot.Empty;

    public SupervisorConductor(SupervisorOptions options, ITransport transport, ILogger log)
    {
        _options = options;
        _transport = transport;
        _log = log;
        _policy = new PolicyEngine(options);
        _staleNs = (long)options.ConsumerStaleMs * 1_000_000L;
        _monitor = new QosMonitor(options.Clock, TimeSpan.FromMilliseconds(options.ConsumerStaleMs), maxConsumersPerStream: (int)Math.Min(options.ConsumerCapacity, 1 << 20));
        var opened = new List<IDisposable>();
        try
        {
            AddTap(opened, "control_channel", options.ControlChannel, options.ControlStreamId);
            AddTap(opened, "announce_channel", options.EffectiveAnnounceChannel, options.EffectiveAnnounceStreamId);
            AddTap(opened, "metadata_channel", options.EffectiveMetadataChannel, options.MetadataStreamId);
            AddTap(opened, "qos_channel", options.EffectiveQosChannel, options.QosStreamId);
            _control = Open(opened, "control_channel", options.ControlChannel, () => transport.AddPublication(options.ControlChannel, (int)options.ControlStreamId));
        }
        catch
        {
            foreach (IDisposable d in opened)
            {
                d.Dispose();
            }
            throw;
        }
    }

    public string RoleName => "tensorpool-supervisor";

    public SupervisorCounters Counters { get; } = new();

    /// <summary>The live model as of the last publication (at most a quarter second old).</summary>
    public SupervisorSnapshot Snapshot => _snapshot;

    public void OnStart()
    {
    }

    public int DoWork()
    {
        int work = 0;
        foreach (ISubscription tap in _taps)
        {
            var handler = new TapHandler(this);
            work += tap.Poll(ref handler, PollLimit);
        }
        if (_descriptors is not null)
        {
            var handler = new DescriptorHandler(this);
            work += _descriptors.Poll(ref handler, PollLimit * 4);
        }
        long now = _options.Clock.NanoTime();
        if (now >= _nextSweepNs)
        {
            _nextSweepNs = now + SweepIntervalNs;
            work += Sweep(now);
            Publish(now);
        }
        if (_options.StatusFile.Length > 0 && now >= _nextStatusNs)
        {
            _nextStatusNs = now + StatusIntervalNs;
            SupervisorStatusFile.Write(_options.StatusFile, _snapshot, now, Counters, _log);
        }
        return work;
    }

    public void OnClose()
    {
    }

    /// <summary>Close every subscription, publication and relay (after the duty cycle stopped).</summary>
    public void Close()
    {
        foreach (SupervisedConsumer c in _consumers.Values)
        {
            c.CloseRelays();
        }
        _consumers.Clear();
        foreach (ISubscription s in _taps)
        {
            s.Dispose();
        }
        _descriptors?.Dispose();
        _control.Dispose();
    }

    private void AddTap(List<IDisposable> opened, string key, string channel, uint streamId)
    {
        foreach (ISubscription t in _taps)
        {
            if (t.StreamId == unchecked((int)streamId) && t.Channel == channel)
            {
                return;
            }
        }
        _taps.Add(Open(opened, key, channel, () => _transport.AddSubscription(channel, unchecked((int)streamId))));
    }

    private T Open<T>(List<IDisposable> opened, string key, string channel, Func<T> open)
        where T : IDisposable
    {
        try
        {
            T item = open();
            opened.Add(item);
            return item;
        }
        catch (ArgumentException e)
        {
            throw new SupervisorConfigurationException("supervisor." + key, channel, e.Message, _options.SourceName);
        }
    }

    private bool IsFollowed(uint streamId)
    {
        if (_options.Streams.Count == 0)
        {
            return true;
        }
        foreach ((uint start, uint end) in _options.Streams)
        {
            if (streamId >= start && streamId <= end)
            {
                return true;
            }
        }
        return false;
    }

    private void OnMessage(ReadOnlySpan<byte> message)
    {
        if (!SbeMessageHeader.TryRead(message, out SbeMessageHeader header) || header.SchemaId != ShmPoolAnnounceDecoder.SchemaId)
        {
            return;
        }
        switch (header.TemplateId)
        {
            case ConsumerHelloDecoder.TemplateId:
                OnHello(message);
                break;
            case QosConsumerDecoder.TemplateId:
                OnQosConsumer(message);
                break;
            case QosProducerDecoder.TemplateId:
                Counters.QosProducerCount++;
                break;
            case ShmPoolAnnounceDecoder.TemplateId:
                Counters.AnnouncesCount++;
                break;
            case DataSourceAnnounceDecoder.TemplateId:
                OnDataSource(message);
                break;
            case FrameProgressDecoder.TemplateId:
                OnProgress(message);
                return; // progress is relayed, not modelled
            default:
                break;
        }
        if (Followed(message))
        {
            _monitor.Offer(message);
        }
    }

    /// <summary>The stream id of a schema-900 message (first field of every block here), for the follow filter.</summary>
    private bool Followed(ReadOnlySpan<byte> message) =>
        _options.Streams.Count == 0 || (message.Length >= SbeMessageHeader.Size + 4 &&
            IsFollowed(System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(message[SbeMessageHeader.Size..])));

    private void OnDataSource(ReadOnlySpan<byte> message)
    {
        if (!DataSourceAnnounceDecoder.TryWrap(message, out DataSourceAnnounceDecoder d, out _) || d.Name.Length > 1024)
        {
            Counters.MalformedCount++;
            return;
        }
        Counters.MetadataCount++;
        if (!IsFollowed(d.StreamId))
        {
            return;
        }
        if (!_names.TryGetValue(d.StreamId, out string? known) || !Same(d.Name, known))
        {
            if (_names.Count >= 4096 && known is null)
            {
                return;
            }
            _names[d.StreamId] = Encoding.Latin1.GetString(d.Name); // names are compared byte for byte, one char a byte
        }
    }

    private void OnQosConsumer(ReadOnlySpan<byte> message)
    {
        if (!QosConsumerDecoder.TryWrap(message, out QosConsumerDecoder q, out _))
        {
            Counters.MalformedCount++;
            return;
        }
        Counters.QosConsumerCount++;
        if (_consumers.TryGetValue((q.StreamId, q.ConsumerId), out SupervisedConsumer? c))
        {
            c.LastSeenNs = _options.Clock.NanoTime(); // §5: QoS keeps a consumer alive as a hello does
        }
    }

    private void OnHello(ReadOnlySpan<byte> message)
    {
        if (!ConsumerHelloDecoder.TryWrap(message, out ConsumerHelloDecoder hello, out _) ||
            !hello.TryGetMode(out Mode mode) || hello.DescriptorChannel.Length > 4096 || hello.ControlChannel.Length > 4096)
        {
            Counters.MalformedCount++;
            return;
        }
        Counters.HellosCount++;
        if (!IsFollowed(hello.StreamId))
        {
            return;
        }
        long now = _options.Clock.NanoTime();
        if (hello.ConsumerId >= SupervisorOptions.AssignmentRequestStart && hello.ConsumerId != uint.MaxValue)
        {
            if (_options.AssignConsumerIds)
            {
                AssignId(hello.StreamId, hello.ConsumerId, now);
            }
            return;
        }
        if (!_consumers.TryGetValue((hello.StreamId, hello.ConsumerId), out SupervisedConsumer? c))
        {
            if (_consumers.Count >= _options.ConsumerCapacity)
            {
                Counters.OverCapacityCount++;
                return;
            }
            c = new SupervisedConsumer(hello.StreamId, hello.ConsumerId);
            _consumers.Add((hello.StreamId, hello.ConsumerId), c);
        }
        c.SupportsShm = hello.SupportsShmRaw == (byte)Bool.True;
        c.SupportsProgress = hello.SupportsProgressRaw == (byte)Bool.True;
        c.Mode = mode;
        c.MaxRateHz = hello.MaxRateHz;
        if (!Same(hello.DescriptorChannel, c.DescriptorChannel))
        {
            c.DescriptorChannel = Encoding.ASCII.GetString(hello.DescriptorChannel);
        }
        c.DescriptorStreamId = hello.DescriptorStreamId;
        if (!Same(hello.ControlChannel, c.ControlChannel))
        {
            c.ControlChannel = Encoding.ASCII.GetString(hello.ControlChannel);
        }
        c.ControlStreamId = hello.ControlStreamId;
        c.LastSeenNs = now;
        ConsumerDecision decision = _policy.Decide(c, _names.GetValueOrDefault(c.StreamId));
        if (decision != c.Decision)
        {
            decision = ApplyRelays(c, decision, now);
        }
        c.Decision = decision;
        Send(_messages.Config(c.StreamId, c.ConsumerId, decision)); // every hello is answered (a lost config is repaired)
        c.ConfigsSent++;
        Counters.ConfigsCount++;
    }

    /// <summary>Open (or close) the publications of the per-consumer streams the supervisor serves; a refused channel is declined.</summary>
    private ConsumerDecision ApplyRelays(SupervisedConsumer c, ConsumerDecision d, long now)
    {
        Unregister(_descriptorRelays, c);
        Unregister(_progressRelays, c);
        c.CloseRelays();
        if (d.RelayDescriptors)
        {
            c.DescriptorRelay = TryPublish(d.DescriptorChannel, d.DescriptorStreamId);
            if (c.DescriptorRelay is null)
            {
                d = d with { DescriptorChannel = "", DescriptorStreamId = 0, RelayDescriptors = false, RateCapHz = 0 }; // §10.1.3: declined
            }
            else
            {
                c.RelayIntervalNs = d.RateCapHz == 0 ? 0 : 1_000_000_000L / d.RateCapHz;
                c.NextRelayNs = now;
                Register(_descriptorRelays, c);
                _descriptors ??= _transport.AddSubscription(_options.EffectiveDescriptorChannel, unchecked((int)_options.DescriptorStreamId));
            }
        }
        if (d.RelayProgress)
        {
            c.ProgressRelay = TryPublish(d.ControlChannel, d.ControlStreamId);
            if (c.ProgressRelay is null)
            {
                d = d with { ControlChannel = "", ControlStreamId = 0, RelayProgress = false };
            }
            else
            {
                Register(_progressRelays, c);
            }
        }
        return d;
    }

    private IPublication? TryPublish(string channel, uint streamId)
    {
        try
        {
            return _transport.AddPublication(channel, unchecked((int)streamId));
        }
        catch (Exception e) when (e is ArgumentException or TensorPoolException or IOException or UnauthorizedAccessException)
        {
            Counters.MalformedCount++;
            SupervisorLog.RelayRefused(_log, channel, streamId, e.Message);
            return null;
        }
    }

    /// <summary>D147: a hello with an id from the request range gets an id of the range handed out, the same one while it asks.</summary>
    private void AssignId(uint streamId, uint requestedWith, long now)
    {
        if (!_assignments.TryGetValue((streamId, requestedWith), out (uint Assigned, long SeenNs) a))
        {
            if (_assignments.Count >= _options.ConsumerCapacity)
            {
                Counters.OverCapacityCount++;
                return;
            }
            (uint start, uint end) = _options.ConsumerIdRange;
            uint next = _nextId.GetValueOrDefault(streamId, start);
            for (ulong tried = 0; tried <= (ulong)end - start; tried++)
            {
                if (!_consumers.ContainsKey((streamId, next)) && !IsAssigned(streamId, next))
                {
                    break;
                }
                next = next >= end ? start : next + 1;
            }
            a = (next, now);
            _nextId[streamId] = next >= end ? start : next + 1;
            Counters.IdsAssignedCount++;
        }
        _assignments[(streamId, requestedWith)] = (a.Assigned, now);
        Send(_messages.Assigned(requestedWith, a.Assigned));
    }

    private bool IsAssigned(uint streamId, uint id)
    {
        foreach (((uint s, _), (uint assigned, _)) in _assignments)
        {
            if (s == streamId && assigned == id)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>§11: forward a FrameDescriptor to every consumer served on this stream whose cap allows one now.</summary>
    private void OnDescriptor(ReadOnlySpan<byte> message)
    {
        if (message.Length < SbeMessageHeader.Size + 4 || !SbeMessageHeader.TryRead(message, out SbeMessageHeader h) ||
            h.SchemaId != FrameDescriptorDecoder.SchemaId || h.TemplateId != FrameDescriptorDecoder.TemplateId)
        {
            return;
        }
        uint streamId = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(message[SbeMessageHeader.Size..]);
        if (!_descriptorRelays.TryGetValue(streamId, out List<SupervisedConsumer>? relays))
        {
            return;
        }
        long now = _options.Clock.NanoTime();
        foreach (SupervisedConsumer c in relays)
        {
            if (c.RelayIntervalNs > 0)
            {
                if (now < c.NextRelayNs)
                {
                    c.RateCapped++;
                    Counters.RateCappedCount++;
                    continue;
                }
                // One slot per interval on a fixed schedule (the cap holds on average, not only between neighbours);
                // after a quiet spell the schedule restarts from now instead of releasing a burst.
                c.NextRelayNs = now - c.NextRelayNs > c.RelayIntervalNs ? now + c.RelayIntervalNs : c.NextRelayNs + c.RelayIntervalNs;
            }
            Forward(c.DescriptorRelay!, message, c);
        }
    }

    private void OnProgress(ReadOnlySpan<byte> message)
    {
        if (message.Length < SbeMessageHeader.Size + 4)
        {
            return;
        }
        uint streamId = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(message[SbeMessageHeader.Size..]);
        if (_progressRelays.TryGetValue(streamId, out List<SupervisedConsumer>? relays))
        {
            foreach (SupervisedConsumer c in relays)
            {
                Forward(c.ProgressRelay!, message, c);
            }
        }
    }

    private void Forward(IPublication publication, ReadOnlySpan<byte> message, SupervisedConsumer c)
    {
        if (publication.Offer(message) < 0)
        {
            Counters.RelayOfferFailuresCount++;
            return;
        }
        c.Relayed++;
        Counters.RelayedCount++;
    }

    /// <summary>Forget consumers and id assignments not heard of for consumer_stale_ms (§10.1.3: their relays close).</summary>
    private int Sweep(long now)
    {
        _removals.Clear();
        foreach ((var key, SupervisedConsumer c) in _consumers)
        {
            if (now - c.LastSeenNs > _staleNs)
            {
                _removals.Add(key);
            }
        }
        foreach ((uint, uint) key in _removals)
        {
            SupervisedConsumer c = _consumers[key];
            Unregister(_descriptorRelays, c);
            Unregister(_progressRelays, c);
            c.CloseRelays();
            _consumers.Remove(key);
            Counters.StaleCount++;
        }
        int removed = _removals.Count;
        _removals.Clear();
        foreach ((var key, (uint _, long seen)) in _assignments)
        {
            if (now - seen > _staleNs)
            {
                _removals.Add(key);
            }
        }
        foreach ((uint, uint) key in _removals)
        {
            _assignments.Remove(key);
        }
        _monitor.Prune(TimeSpan.FromMilliseconds(_options.ConsumerStaleMs * 4L));
        return removed;
    }

    private void Publish(long now)
    {
        var consumers = new List<SupervisedConsumerStatus>(_consumers.Count);
        foreach (SupervisedConsumer c in _consumers.Values.OrderBy(c => c.StreamId).ThenBy(c => c.ConsumerId))
        {
            ConsumerDecision d = c.Decision ?? new ConsumerDecision();
            consumers.Add(new SupervisedConsumerStatus
            {
                StreamId = c.StreamId,
                ConsumerId = c.ConsumerId,
                RequestedMode = c.Mode,
                RequestedMaxRateHz = c.MaxRateHz,
                Mode = d.Mode,
                UseShm = d.UseShm,
                PayloadFallbackUri = d.PayloadFallbackUri,
                Policy = d.Policy,
                DescriptorChannel = d.DescriptorChannel,
                DescriptorStreamId = d.DescriptorStreamId,
                ControlChannel = d.ControlChannel,
                ControlStreamId = d.ControlStreamId,
                RateCapHz = d.RateCapHz,
                Relayed = c.DescriptorRelay is not null,
                RelayedMessages = c.Relayed,
                RateCappedMessages = c.RateCapped,
                ConfigsSent = c.ConfigsSent,
                LastSeenNs = c.LastSeenNs,
            });
        }
        _snapshot = new SupervisorSnapshot(_monitor.Snapshot(), consumers, now);
    }

    private void Send(ReadOnlySpan<byte> message)
    {
        if (_control.Offer(message) < 0)
        {
            Counters.OfferFailuresCount++;
        }
    }

    private static void Register(Dictionary<uint, List<SupervisedConsumer>> relays, SupervisedConsumer c)
    {
        if (!relays.TryGetValue(c.StreamId, out List<SupervisedConsumer>? list))
        {
            list = [];
            relays.Add(c.StreamId, list);
        }
        list.Add(c);
    }

    private static void Unregister(Dictionary<uint, List<SupervisedConsumer>> relays, SupervisedConsumer c)
    {
        if (relays.TryGetValue(c.StreamId, out List<SupervisedConsumer>? list) && list.Remove(c) && list.Count == 0)
        {
            relays.Remove(c.StreamId);
        }
    }

    private static bool Same(ReadOnlySpan<byte> bytes, string text)
    {
        if (bytes.Length != text.Length)
        {
            return false;
        }
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != text[i])
            {
                return false;
            }
        }
        return true;
    }

    private readonly struct TapHandler(SupervisorConductor conductor) : IMessageHandler
    {
        public void OnMessage(ReadOnlySpan<byte> message) => conductor.OnMessage(message);
    }

    private readonly struct DescriptorHandler(SupervisorConductor conductor) : IMessageHandler
    {
        public void OnMessage(ReadOnlySpan<byte> message) => conductor.OnDescriptor(message);
    }
}
