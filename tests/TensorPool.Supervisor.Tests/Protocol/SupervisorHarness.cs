using TensorPool.Sbe.Wire;
using TensorPool.Supervisor.Configuration;
using TensorPool.Supervisor.Protocol;
using TensorPool.Testing;
using TensorPool.Time;
using TensorPool.Transport;

namespace TensorPool.Supervisor.Tests.Protocol;

/// <summary>
/// A supervisor conductor on a loopback transport and a manual clock, driven one duty cycle at a time: the test sends
/// hellos, QoS, announces, metadata and descriptors as producers and consumers would, and reads what it published.
/// </summary>
internal sealed class SupervisorHarness : IDisposable
{
    public const string Channel = "tp:ipc";

    private readonly IPublication _control;
    private readonly IPublication _qos;
    private readonly IPublication _metadata;
    private readonly IPublication _descriptors;
    private readonly ISubscription _replies;
    private readonly byte[] _buffer = new byte[8192];

    public SupervisorHarness(Action<SupervisorOptions>? configure = null, ITransport? transport = null)
    {
        Transport = transport ?? new LoopbackTransport(capacity: 8192, maxMessageLength: 64 * 1024);
        Options = new SupervisorOptions { Clock = Clock, Transport = Transport };
        configure?.Invoke(Options);
        Options.Validate();
        Conductor = new SupervisorConductor(Options, Transport, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        _control = Transport.AddPublication(Channel, 1000);
        _qos = Transport.AddPublication(Channel, 1200);
        _metadata = Transport.AddPublication(Channel, 1300);
        _descriptors = Transport.AddPublication(Channel, 1100);
        _replies = Transport.AddSubscription(Channel, 1000);
    }

    public ManualClock Clock { get; } = new();

    public ITransport Transport { get; }

    public SupervisorOptions Options { get; }

    public SupervisorConductor Conductor { get; }

    public SupervisorCounters Counters => Conductor.Counters;

    public void Pump(int cycles = 3)
    {
        for (int i = 0; i < cycles; i++)
        {
            Conductor.DoWork();
        }
    }

    public void Advance(TimeSpan by)
    {
        Clock.Advance(by);
        Pump();
    }

    /// <summary>A ConsumerHello (§10.1.2); a per-consumer descriptor stream is asked for when a channel is given.</summary>
    public byte[] HelloBytes(uint stream, uint consumer, Mode mode = Mode.Stream, uint maxRateHz = 0, string descriptorChannel = "",
        uint descriptorStreamId = 0, string controlChannel = "", uint controlStreamId = 0, bool supportsShm = true)
    {
        var h = ConsumerHelloEncoder.WrapAndApplyHeader(_buffer);
        h.StreamId = stream;
        h.ConsumerId = consumer;
        h.SupportsShm = supportsShm ? Bool.True : Bool.False;
        h.SupportsProgress = controlChannel.Length > 0 ? Bool.True : Bool.False;
        h.Mode = mode;
        h.MaxRateHz = maxRateHz;
        h.ExpectedLayoutVersion = 1;
        h.DescriptorStreamId = descriptorStreamId;
        h.ControlStreamId = controlStreamId;
        h.PutDescriptorChannel(descriptorChannel.AsSpan());
        h.PutControlChannel(controlChannel.AsSpan());
        return _buffer.AsSpan(0, h.EncodedLength).ToArray();
    }

    public void Hello(uint stream, uint consumer, Mode mode = Mode.Stream, uint maxRateHz = 0, string descriptorChannel = "",
        uint descriptorStreamId = 0, string controlChannel = "", uint controlStreamId = 0, bool supportsShm = true)
    {
        _control.Offer(HelloBytes(stream, consumer, mode, maxRateHz, descriptorChannel, descriptorStreamId, controlChannel, controlStreamId, supportsShm));
        Pump();
    }

    public void SendControl(ReadOnlySpan<byte> message)
    {
        _control.Offer(message);
        Pump();
    }

    public void QosConsumer(uint stream, uint consumer, ulong lastSeq = 0)
    {
        var q = QosConsumerEncoder.WrapAndApplyHeader(_buffer);
        q.StreamId = stream;
        q.ConsumerId = consumer;
        q.Epoch = 5;
        q.LastSeqSeen = lastSeq;
        q.Mode = Mode.Stream;
        _qos.Offer(_buffer.AsSpan(0, q.EncodedLength));
        Pump();
    }

    public void QosProducer(uint stream, ulong seq)
    {
        var q = QosProducerEncoder.WrapAndApplyHeader(_buffer);
        q.StreamId = stream;
        q.ProducerId = 7;
        q.Epoch = 5;
        q.CurrentSeq = seq;
        _qos.Offer(_buffer.AsSpan(0, q.EncodedLength));
        Pump();
    }

    public void Announce(uint stream)
    {
        var a = ShmPoolAnnounceEncoder.WrapAndApplyHeader(_buffer);
        a.StreamId = stream;
        a.ProducerId = 7;
        a.Epoch = 5;
        a.AnnounceClockDomain = ClockDomain.Monotonic;
        a.AnnounceTimestampNs = (ulong)Clock.NanoTime();
        a.LayoutVersion = 1;
        a.HeaderNslots = 16;
        a.HeaderSlotBytes = 256;
        var pools = a.PayloadPoolsCount(1);
        pools.Next();
        pools.PoolId = 1;
        pools.PoolNslots = 16;
        pools.StrideBytes = 64;
        pools.PutRegionUri("shm:file?path=/dev/shm/p".AsSpan());
        a.PutHeaderRegionUri("shm:file?path=/dev/shm/h".AsSpan());
        _control.Offer(_buffer.AsSpan(0, a.EncodedLength));
        Pump();
    }

    public void DataSource(uint stream, string name)
    {
        var d = DataSourceAnnounceEncoder.WrapAndApplyHeader(_buffer);
        d.StreamId = stream;
        d.ProducerId = 7;
        d.Epoch = 5;
        d.MetaVersion = 1;
        d.PutName(name.AsSpan());
        d.PutSummary(ReadOnlySpan<char>.Empty);
        _metadata.Offer(_buffer.AsSpan(0, d.EncodedLength));
        Pump();
    }

    /// <summary>A FrameDescriptor of <paramref name="stream"/> on the shared descriptor stream (1100).</summary>
    public byte[] Descriptor(uint stream, ulong seq)
    {
        var f = FrameDescriptorEncoder.WrapAndApplyHeader(_buffer);
        f.StreamId = stream;
        f.Epoch = 5;
        f.Seq = seq;
        byte[] bytes = _buffer.AsSpan(0, f.EncodedLength).ToArray();
        _descriptors.Offer(bytes);
        return bytes;
    }

    public void Progress(uint stream, ulong seq)
    {
        var p = FrameProgressEncoder.WrapAndApplyHeader(_buffer);
        p.StreamId = stream;
        p.Epoch = 5;
        p.Seq = seq;
        p.PayloadBytesFilled = 64;
        p.State = FrameProgressState.Progress;
        _control.Offer(_buffer.AsSpan(0, p.EncodedLength));
        Pump();
    }

    /// <summary>Every ConsumerConfig published since the last call.</summary>
    public List<Config> Configs() => Replies().OfType<Config>().ToList();

    public List<object> Replies()
    {
        var list = new List<object>();
        _replies.Poll(m =>
        {
            if (ConsumerConfigDecoder.TryWrap(m, out ConsumerConfigDecoder c, out _))
            {
                list.Add(new Config(c.StreamId, c.ConsumerId, c.UseShmRaw == 1, c.Mode, c.GetDescriptorChannelString(), c.DescriptorStreamId,
                    c.GetControlChannelString(), c.ControlStreamId, c.GetPayloadFallbackUriString()));
            }
            else if (ControlResponseDecoder.TryWrap(m, out ControlResponseDecoder r, out _))
            {
                list.Add(new Assignment((uint)((ulong)r.CorrelationId >> 32), (uint)((ulong)r.CorrelationId & 0xFFFF_FFFF), r.Code));
            }
        }, 4096);
        return list;
    }

    public void Dispose()
    {
        Conductor.Close();
        _control.Dispose();
        _qos.Dispose();
        _metadata.Dispose();
        _descriptors.Dispose();
        _replies.Dispose();
        Transport.Dispose();
    }

    internal sealed record Config(uint StreamId, uint ConsumerId, bool UseShm, Mode Mode, string DescriptorChannel, uint DescriptorStreamId,
        string ControlChannel, uint ControlStreamId, string FallbackUri);

    internal sealed record Assignment(uint RequestedWith, uint Assigned, ResponseCode Code);
}
