using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using TensorPool.Agents;
using TensorPool.Consumers;
using TensorPool.Control;
using TensorPool.Diagnostics;
using TensorPool.Producers;
using TensorPool.Sbe;
using TensorPool.Sbe.Wire;
using TensorPool.TraceLink;
using TensorPool.Time;
using TensorPool.Transport;
using TensorPool.Diagnostics.Internal;

namespace TensorPool.Client;

/// <summary>
/// The client conductor (Aeron's client conductor, wire spec §15.15): one duty cycle that polls the client's control,
/// QoS and metadata subscriptions, runs its timers and dispatches to producers, consumers and user handlers.
/// </summary>
/// <remarks>
/// <para>Per duty cycle: announces received on the control stream go to the trackers of the consumers of that stream
/// (which map, remap and unmap, §15.21); QoS and metadata messages go to the user's handlers; then timers: for each
/// producer due, activity_timestamp_ns is refreshed and ShmPoolAnnounce, QosProducer and DataSourceAnnounce are sent
/// (at start, then every announce period); for each consumer, liveness is checked and QosConsumer is sent every QoS
/// period.</para>
/// <para>Producers and consumers are added and removed from other threads through copy-on-write snapshots, so the duty
/// cycle takes no lock and, once every producer and consumer is mapped, allocates nothing. Descriptors are not polled
/// here: each consumer polls its own descriptor subscription on its own thread.</para>
/// </remarks>
internal sealed class ClientConductor : IAgent, IProducerOwner, IConsumerOwner
{
    private const int PollLimit = 32;

    /// <summary>
    /// The longest sleep between duty cycles: the checks without a deadline of their own (liveness, consumer staleness,
    /// the driver's leases, a remap request) run at least this often (docs/DECISIONS.md D182).
    /// </summary>
    internal const long HousekeepingPeriodNs = 100_000_000;

    /// <summary>With a clock other than the monotonic one (a test's manual clock) the conductor sleeps at most this long.</summary>
    private const long InjectedClockSleepNs = 1_000_000;

    private readonly ClientTiming _timing;
    private readonly ISubscription _control;
    private readonly ISubscription? _driverAnnounces;
    private readonly ISubscription _qos;
    private readonly ISubscription _metadata;
    private readonly IPublication _controlOut;
    private readonly IPublication _qosOut;
    private readonly IPublication _metadataOut;
    private readonly MessageHandler? _userControl;
    private readonly MessageHandler? _userQos;
    private readonly MessageHandler? _userMetadata;
    private readonly SnapshotList<Producer> _producers = new();
    private readonly SnapshotList<Consumer> _consumers = new();
    private readonly ConcurrentQueue<AnnounceTracker> _retired = new();
    private readonly ConcurrentQueue<Producer> _retiredProducers = new();
    private readonly MetadataCache _metadataCache = new();
    private readonly long _helloPeriodNs;
    private readonly byte[] _qosConsumerBuffer = new byte[QosConsumerEncoder.MinEncodedLength];
    private TraceLinkQueue? _traceLinks;
    private readonly SubscriptionWaitSet _waitSet = new();
    private readonly DeadlineWaitSource _waitSource;
    private readonly DriverClient.DriverConnection? _driver;
    private readonly Discovery.DiscoveryClient? _discovery;
    // The earliest timer of the last duty cycle (its clock): the conductor sleeps no longer than this.
    private long _nextDeadlineNs;
    private long _malformedControl;
    private long _offerFailures;
    private long _dutyCycles;

    public ClientConductor(ITransport transport, ClientOptions options, ClientTiming timing)
    {
        _timing = timing;
        _helloPeriodNs = options.HelloPeriod.Ticks * 100;
        _userControl = options.ControlHandler;
        _userQos = options.QosHandler;
        _userMetadata = options.MetadataHandler;
        var opened = new List<IDisposable>();
        try
        {
            _control = Open(opened, transport.AddSubscription(options.Channel, options.ControlStreamId));
            if (options.Driver is { } driver
                && (driver.EffectiveAnnounceChannel != options.Channel || driver.EffectiveAnnounceStreamId != options.ControlStreamId))
            {
                // The driver is the only source of ShmPoolAnnounce (driver spec §2.1); when it announces on a stream of its
                // own (driver.announce_stream_id, 1001 in the reference's files), consumers map from that stream.
                _driverAnnounces = Open(opened, transport.AddSubscription(driver.EffectiveAnnounceChannel, driver.EffectiveAnnounceStreamId));
            }
            _qos = Open(opened, transport.AddSubscription(options.Channel, options.QosStreamId));
            _metadata = Open(opened, transport.AddSubscription(options.Channel, options.MetadataStreamId));
            _controlOut = Open(opened, transport.AddPublication(options.Channel, options.ControlStreamId));
            _qosOut = Open(opened, transport.AddPublication(options.Channel, options.QosStreamId));
            _metadataOut = Open(opened, transport.AddPublication(options.Channel, options.MetadataStreamId));
            _waitSet.Add(_control);
            _waitSet.Add(_qos);
            _waitSet.Add(_metadata);
            _waitSource = new DeadlineWaitSource(this);
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

    public string RoleName => "tensorpool-client-conductor";

    /// <summary>The driver connection whose duty cycle (attach, keepalives, revocations) runs in this one; null without a driver.</summary>
    public DriverClient.DriverConnection? Driver
    {
        get => _driver;
        init
        {
            _driver = value;
            if (value is not null)
            {
                value.AddSubscriptionsTo(_waitSet);
                value.Waker = _waitSet;
            }
        }
    }

    /// <summary>
    /// What the conductor's thread sleeps on between duty cycles: its control, QoS, metadata (and driver) streams, up to
    /// the next timer of the duty cycle; adding or removing a producer or consumer wakes it.
    /// </summary>
    public IWaitSource WaitSource => _waitSource;

    /// <summary>Wake the conductor's thread for work queued from another thread.</summary>
    public void Wake() => _waitSet.Wake();

    /// <summary>The client's discovery requests, whose responses this duty cycle reads while any is pending.</summary>
    public Discovery.DiscoveryClient? Discovery
    {
        get => _discovery;
        init
        {
            _discovery = value;
            if (value is not null)
            {
                value.WaitSet = _waitSet; // a response wakes the sleeping duty cycle (D188)
            }
        }
    }

    public ClientTiming Timing => _timing;

    /// <summary>The traced producers' TraceLinkSet queue, drained onto the control stream each duty cycle; null until one is traced.</summary>
    public TraceLinkQueue? TraceLinks
    {
        get => Volatile.Read(ref _traceLinks);
        set => Volatile.Write(ref _traceLinks, value);
    }

    /// <summary>Control-stream messages of schema 900 that claimed to be announces but did not decode.</summary>
    public long MalformedControlMessages => Volatile.Read(ref _malformedControl);

    /// <summary>Announces, QoS and metadata messages the transport refused (back pressure, closed).</summary>
    public long OfferFailures => Volatile.Read(ref _offerFailures);

    /// <summary>Completed duty cycles (for tests that wait for the conductor to have run).</summary>
    public long DutyCycles => Volatile.Read(ref _dutyCycles);

    public void Add(Producer producer)
    {
        _producers.Add(producer);
        _waitSet.Wake(); // its first announce is due now
    }

    /// <summary>Take the producer out of the duty cycle; its per-consumer streams are closed on the conductor's thread.</summary>
    public void Remove(Producer producer)
    {
        _producers.Remove(producer);
        _retiredProducers.Enqueue(producer);
        _waitSet.Wake();
    }

    /// <summary>DataSourceAnnounce, DataSourceMeta and meta blobs received on the metadata stream (§10.3).</summary>
    public MetadataCache Metadata => _metadataCache;

    public void Add(Consumer consumer)
    {
        _consumers.Add(consumer);
        _waitSet.Wake(); // its hello and QoS are due now
    }

    /// <summary>Take the consumer out of the duty cycle; its tracker is closed on the conductor's thread (next cycle).</summary>
    public void Remove(Consumer consumer)
    {
        if (_consumers.Remove(consumer) && consumer.Tracker is { } tracker)
        {
            _retired.Enqueue(tracker);
        }
        _waitSet.Wake();
    }

    public void OnStart()
    {
    }

    public int DoWork()
    {
        DrainRetired();
        int work = Driver?.DoWork() ?? 0;
        work += Discovery?.DoWork() ?? 0;
        var control = new ControlHandler(this);
        work += _control.Poll(ref control, PollLimit);
        if (_driverAnnounces is not null)
        {
            var announces = new AnnounceHandler(this);
            work += _driverAnnounces.Poll(ref announces, PollLimit);
        }
        var qos = new QosHandler(this);
        work += _qos.Poll(ref qos, PollLimit);
        var metadata = new MetadataHandler(this);
        work += _metadata.Poll(ref metadata, PollLimit);

        long now = _timing.Clock.NanoTime();
        long next = now + HousekeepingPeriodNs;
        Producer[] producers = _producers.Items;
        for (int i = 0; i < producers.Length; i++)
        {
            Producer p = producers[i];
            if (now >= p.NextAnnounceNs)
            {
                p.NextAnnounceNs = now + _timing.AnnouncePeriodNs;
                FaultPoint.At(FaultStep.Announce);
                work += Announce(p, now);
            }
            next = Math.Min(next, p.NextAnnounceNs);
            if (p.TakePendingMeta() is { } meta)
            {
                Offer(_metadataOut, meta); // §10.3.2: on change
                work++;
            }
            p.Registry.Sweep(now);
            p.DrainRetiredPublications();
        }
        if (Volatile.Read(ref _traceLinks) is { } links)
        {
            // TraceLink §9, §14.1: the queued sets go out on the control stream, coalesced; what the transport refuses
            // for good is dropped and counted, back pressure waits for the next cycle (§5: best effort, never blocking).
            work += links.Drain(_controlOut);
        }
        Consumer[] consumers = _consumers.Items;
        for (int i = 0; i < consumers.Length; i++)
        {
            Consumer c = consumers[i];
            c.Tracker?.OnTimer(now);
            if (now >= c.NextQosNs)
            {
                c.NextQosNs = now + _timing.QosPeriodNs;
                work += SendQos(c);
            }
            next = Math.Min(next, c.NextQosNs);
            if (c.Control is { } cc && now >= cc.NextHelloNs && !c.IsDisposed)
            {
                cc.NextHelloNs = now + _helloPeriodNs; // §10.1.2: at start, then periodically
                Offer(_controlOut, cc.Hello);
                cc.NoteHelloSent();
                work++;
            }
            if (c.Control is { } helloing)
            {
                next = Math.Min(next, helloing.NextHelloNs);
            }
        }
        _nextDeadlineNs = next;
        Volatile.Write(ref _dutyCycles, _dutyCycles + 1);
        return work;
    }

    public void OnClose()
    {
    }

    /// <summary>Close the subscriptions and publications and every retired tracker (after the duty cycle stopped).</summary>
    public void Close()
    {
        DrainRetired();
        _control.Dispose();
        _driverAnnounces?.Dispose();
        _qos.Dispose();
        _metadata.Dispose();
        _controlOut.Dispose();
        _qosOut.Dispose();
        _metadataOut.Dispose();
    }

    public Producer[] Producers => _producers.Items;

    public Consumer[] Consumers => _consumers.Items;

    /// <summary>§7.1 activity refresh, then ShmPoolAnnounce (§10.1.1), QosProducer (§10.4.2), DataSourceAnnounce (§10.3.1).</summary>
    private int Announce(Producer producer, long now)
    {
        if (producer.IsDisposed)
        {
            return 0;
        }
        ProducerMessages messages = producer.Messages;
        if (!producer.UsesDriver)
        {
            // Driver model: the driver is the only source of ShmPoolAnnounce and refreshes activity (driver spec §3, §8).
            producer.Attachment.StoreActivity((ulong)now);
            Offer(_controlOut, messages.Announce((ulong)now));
        }
        Offer(_qosOut, messages.Qos(producer.Counters.NextSeq));
        Offer(_metadataOut, messages.DataSource(producer.MetaVersion));
        if (producer.CurrentMeta is { } meta)
        {
            Offer(_metadataOut, meta); // §10.3.2: and periodically
        }
        return 1;
    }

    /// <summary>QosConsumer (§10.4.1).</summary>
    private int SendQos(Consumer consumer)
    {
        if (consumer.IsDisposed)
        {
            return 0;
        }
        (ulong epoch, ulong lastSeq, ulong dropsGap, ulong dropsLate) = consumer.QosSnapshot();
        var q = QosConsumerEncoder.WrapAndApplyHeader(_qosConsumerBuffer);
        q.StreamId = consumer.StreamId;
        q.ConsumerId = consumer.ConsumerId;
        q.Epoch = epoch;
        q.LastSeqSeen = lastSeq;
        q.DropsGap = dropsGap;
        q.DropsLate = dropsLate;
        q.Mode = consumer.Mode;
        ReadOnlySpan<byte> message = _qosConsumerBuffer.AsSpan(0, q.EncodedLength);
        consumer.Control?.RememberQos(message);
        Offer(_qosOut, message);
        return 1;
    }

    private void Offer(IPublication publication, ReadOnlySpan<byte> message)
    {
        if (publication.Offer(message) < 0)
        {
            _offerFailures++;
        }
    }

    private void OnControl(ReadOnlySpan<byte> message)
    {
        if (SbeMessageHeader.TryRead(message, out SbeMessageHeader header) &&
            header.SchemaId == ShmPoolAnnounceDecoder.SchemaId && header.TemplateId == ShmPoolAnnounceDecoder.TemplateId)
        {
            OnAnnounce(message);
        }
        else if (header.SchemaId == ConsumerHelloDecoder.SchemaId && header.TemplateId == ConsumerHelloDecoder.TemplateId)
        {
            OnHello(message);
        }
        else if (header.SchemaId == ConsumerConfigDecoder.SchemaId && header.TemplateId == ConsumerConfigDecoder.TemplateId)
        {
            OnConfig(message);
        }
        _userControl?.Invoke(message);
    }

    private void OnAnnounce(ReadOnlySpan<byte> message)
    {
        Consumer[] consumers = _consumers.Items;
        if (!ShmPoolAnnounceDecoder.TryWrap(message, out ShmPoolAnnounceDecoder announce, out SbeRejectReason reason))
        {
            _malformedControl++;
            // Attribute it to the stream named in the block when that much is readable.
            if (message.Length >= SbeMessageHeader.Size + 4)
            {
                uint stream = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(message[SbeMessageHeader.Size..]);
                for (int i = 0; i < consumers.Length; i++)
                {
                    if (consumers[i].StreamId == stream)
                    {
                        consumers[i].Tracker?.OnMalformed(reason.ToString());
                    }
                }
            }
            return;
        }
        long now = _timing.Clock.NanoTime();
        for (int i = 0; i < consumers.Length; i++)
        {
            if (consumers[i].StreamId == announce.StreamId)
            {
                consumers[i].Tracker?.OnAnnounce(announce, now);
            }
        }
    }

    /// <summary>ConsumerHello (§10.1.2) to the producers of its stream, each answering with ConsumerConfig (§10.1.3).</summary>
    private void OnHello(ReadOnlySpan<byte> message)
    {
        if (!ConsumerHelloDecoder.TryWrap(message, out ConsumerHelloDecoder hello, out _))
        {
            _malformedControl++;
            return;
        }
        long now = _timing.Clock.NanoTime();
        Producer[] producers = _producers.Items;
        for (int i = 0; i < producers.Length; i++)
        {
            Producer p = producers[i];
            if (p.StreamId != hello.StreamId || p.IsDisposed)
            {
                continue;
            }
            p.Registry.OnHello(hello, now);
            if (!p.Registry.Config.IsEmpty)
            {
                Offer(_controlOut, p.Registry.Config);
                p.Registry.NoteConfigSent();
            }
            if (!p.Registry.Response.IsEmpty)
            {
                Offer(_controlOut, p.Registry.Response); // §15.17
            }
        }
    }

    private void OnConfig(ReadOnlySpan<byte> message)
    {
        if (!ConsumerConfigDecoder.TryWrap(message, out ConsumerConfigDecoder config, out _))
        {
            _malformedControl++;
            return;
        }
        Consumer[] consumers = _consumers.Items;
        for (int i = 0; i < consumers.Length; i++)
        {
            consumers[i].Control?.OnConfig(config);
        }
    }

    /// <summary>QosConsumer: liveness for producers (§5) and id collisions for consumers (§10.1.2).</summary>
    private void OnQos(ReadOnlySpan<byte> message)
    {
        if (SbeMessageHeader.TryRead(message, out SbeMessageHeader header) &&
            header.SchemaId == QosConsumerDecoder.SchemaId && header.TemplateId == QosConsumerDecoder.TemplateId &&
            QosConsumerDecoder.TryWrap(message, out QosConsumerDecoder qos, out _))
        {
            long now = _timing.Clock.NanoTime();
            Producer[] producers = _producers.Items;
            for (int i = 0; i < producers.Length; i++)
            {
                if (producers[i].StreamId == qos.StreamId)
                {
                    producers[i].Registry.OnQosConsumer(qos.ConsumerId, now);
                }
            }
            Consumer[] consumers = _consumers.Items;
            for (int i = 0; i < consumers.Length; i++)
            {
                consumers[i].Control?.OnQosConsumer(message, qos);
            }
        }
        _userQos?.Invoke(message);
    }

    private void OnMetadata(ReadOnlySpan<byte> message)
    {
        _metadataCache.OnMessage(message);
        _userMetadata?.Invoke(message);
    }

    private void DrainRetired()
    {
        while (_retired.TryDequeue(out AnnounceTracker? tracker))
        {
            tracker.Close();
        }
        while (_retiredProducers.TryDequeue(out Producer? producer))
        {
            producer.CloseControl();
        }
    }

    private static T Open<T>(List<IDisposable> opened, T item)
        where T : IDisposable
    {
        opened.Add(item);
        return item;
    }

    /// <summary>The wait set, bounded by the next timer of the last duty cycle.</summary>
    private sealed class DeadlineWaitSource(ClientConductor conductor) : ICombinableWaitSource
    {
        public SubscriptionWaitSet WaitSet => conductor._waitSet;

        public long TimeUntilDueNs()
        {
            long left = conductor._nextDeadlineNs - conductor._timing.Clock.NanoTime();
            if (left <= 0)
            {
                return 0;
            }
            // Deadlines on an injected clock (tests) cannot be slept to.
            return conductor._timing.Clock is Time.MonotonicClock ? left : Math.Min(left, InjectedClockSleepNs);
        }

        public void Wait(long timeoutNs)
        {
            long left = TimeUntilDueNs();
            if (left == 0)
            {
                return; // a timer is due: run the duty cycle
            }
            conductor._waitSet.WaitForMessages(timeoutNs < 0 ? left : Math.Min(left, timeoutNs));
        }

        public void Wake() => conductor._waitSet.Wake();
    }

    private readonly struct ControlHandler(ClientConductor conductor) : IMessageHandler
    {
        public void OnMessage(ReadOnlySpan<byte> message) => conductor.OnControl(message);
    }

    private readonly struct AnnounceHandler(ClientConductor conductor) : IMessageHandler
    {
        public void OnMessage(ReadOnlySpan<byte> message)
        {
            if (SbeMessageHeader.TryRead(message, out SbeMessageHeader header) &&
                header.SchemaId == ShmPoolAnnounceDecoder.SchemaId && header.TemplateId == ShmPoolAnnounceDecoder.TemplateId)
            {
                conductor.OnAnnounce(message);
            }
        }
    }

    private readonly struct QosHandler(ClientConductor conductor) : IMessageHandler
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void OnMessage(ReadOnlySpan<byte> message) => conductor.OnQos(message);
    }

    private readonly struct MetadataHandler(ClientConductor conductor) : IMessageHandler
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void OnMessage(ReadOnlySpan<byte> message) => conductor.OnMetadata(message);
    }
}
