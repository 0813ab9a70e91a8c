using TensorPool.Control;
using TensorPool.Sbe.Wire;
using TensorPool.Testing;

namespace TensorPool.Client.Tests.Control;

/// <summary>
/// A producer's consumer registry on its own (§5, §10.1.2, §10.1.3): the one lifecycle of per-consumer descriptor and
/// control streams, and a periodic hello that allocates nothing.
/// </summary>
public class ConsumerRegistryTests
{
    private const uint StreamId = 10000;
    private const string Channel = "tp:ipc";

    private static readonly RegistrySettings Settings = new(StreamId, Native.Internal.TpSuperblockConstants.LayoutVersion, Channel,
        [1000, 1001, 1002, 1003], StaleTimeoutNs: 3_000_000_000, MaxPerConsumerStreams: 64, PayloadFallbackUri: "",
        ProgressIntervalFloorNs: 250_000, ProgressBytesDeltaFloor: 65536);

    private static byte[] Hello(uint consumer, string descriptorChannel, uint descriptorStream, string controlChannel, uint controlStream)
    {
        byte[] buffer = new byte[256];
        var h = ConsumerHelloEncoder.WrapAndApplyHeader(buffer);
        h.StreamId = StreamId;
        h.ConsumerId = consumer;
        h.SupportsShm = Bool.True;
        h.SupportsProgress = Bool.True;
        h.Mode = Mode.RateLimited;
        h.MaxRateHz = 30;
        h.ExpectedLayoutVersion = Native.Internal.TpSuperblockConstants.LayoutVersion;
        h.DescriptorStreamId = descriptorStream;
        h.ControlStreamId = controlStream;
        h.PutDescriptorChannel(descriptorChannel.AsSpan());
        h.PutControlChannel(controlChannel.AsSpan());
        return buffer[..h.EncodedLength];
    }

    private static void OnHello(ConsumerRegistry registry, byte[] hello, long nowNs)
    {
        Assert.That(ConsumerHelloDecoder.TryWrap(hello, out ConsumerHelloDecoder decoder, out _), Is.True);
        registry.OnHello(decoder, nowNs);
    }

    private static ConsumerConfigDecoder Config(ConsumerRegistry registry)
    {
        Assert.That(ConsumerConfigDecoder.TryWrap(registry.Config, out ConsumerConfigDecoder config, out _), Is.True);
        return config;
    }

    [Test]
    public void Repeated_hello_naming_both_channels_allocates_nothing_10_1_2()
    {
        using var transport = new LoopbackTransport(capacity: 4, maxMessageLength: 256);
        var owner = new Owner();
        var registry = new ConsumerRegistry(owner, transport, Settings);
        byte[] hello = Hello(7, Channel, 5001, Channel, 5002);
        OnHello(registry, hello, 0);
        Assert.That(registry.OpenStreams, Is.EqualTo(2));
        int fanouts = owner.Fanouts;
        long now = 0;
        (long allocated, _) = SteadyState.AllocatedBytes(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                ConsumerHelloDecoder.TryWrap(hello, out ConsumerHelloDecoder decoder, out _);
                registry.OnHello(decoder, now += 1_000_000_000);
            }
        });
        Assert.That(allocated, Is.Zero, "bytes allocated by 1000 periodic hellos");
        Assert.That(owner.Fanouts, Is.EqualTo(fanouts), "nothing changed: the fan-out is not rebuilt");
        Assert.That(registry.OpenStreams, Is.EqualTo(2));
        ConsumerConfigDecoder config = Config(registry);
        Assert.That((config.DescriptorStreamId, config.ControlStreamId), Is.EqualTo((5001u, 5002u)));
    }

    [Test]
    public void Descriptor_and_control_requests_follow_the_same_lifecycle_10_1_3()
    {
        using var transport = new LoopbackTransport(capacity: 4, maxMessageLength: 256);
        var owner = new Owner();
        var registry = new ConsumerRegistry(owner, transport, Settings);

        OnHello(registry, Hello(7, Channel, 5001, Channel, 5002), 0);
        Assert.That(registry.OpenStreams, Is.EqualTo(2));
        Assert.That(owner.Retired, Is.Empty);

        // Another stream for each: the old publications are retired, new ones opened.
        OnHello(registry, Hello(7, Channel, 5011, Channel, 5012), 1);
        Assert.That(registry.OpenStreams, Is.EqualTo(2));
        Assert.That(owner.Retired.Select(p => ((Transport.IPublication)p).StreamId), Is.EquivalentTo(new[] { 5001, 5002 }));
        ConsumerConfigDecoder config = Config(registry);
        Assert.That((config.DescriptorStreamId, config.ControlStreamId), Is.EqualTo((5011u, 5012u)));

        // Half requests are declined for either and close what was open.
        OnHello(registry, Hello(7, Channel, 0, "", 5012), 2);
        Assert.That(registry.OpenStreams, Is.Zero);
        Assert.That(registry.Declined, Is.EqualTo(2));
        Assert.That(ControlResponseDecoder.TryWrap(registry.Response, out ControlResponseDecoder response, out _), Is.True);
        Assert.That(response.GetErrorMessageString(), Does.Contain("descriptor_channel given with descriptor_stream_id 0")
            .And.Contain("control_stream_id given with an empty control_channel"));
        config = Config(registry);
        Assert.That((config.DescriptorStreamId, config.ControlStreamId, config.DescriptorChannel.Length, config.ControlChannel.Length),
            Is.EqualTo((0u, 0u, 0, 0)), "§10.1.3: declined = empty channel and stream id 0");

        // Asked for again, then not at all: opened, then closed.
        OnHello(registry, Hello(7, Channel, 5021, Channel, 5022), 3);
        Assert.That(registry.OpenStreams, Is.EqualTo(2));
        OnHello(registry, Hello(7, "", 0, "", 0), 4);
        Assert.That(registry.OpenStreams, Is.Zero);
        Assert.That(owner.Retired, Has.Count.EqualTo(6));
    }

    [Test]
    public void A_stream_held_by_one_consumer_is_declined_to_another_whichever_kind_asks_5()
    {
        using var transport = new LoopbackTransport(capacity: 4, maxMessageLength: 256);
        var registry = new ConsumerRegistry(new Owner(), transport, Settings);
        OnHello(registry, Hello(7, Channel, 5001, Channel, 5002), 0);
        OnHello(registry, Hello(8, Channel, 5002, Channel, 5001), 0);
        Assert.That(registry.OpenStreams, Is.EqualTo(2));
        Assert.That(registry.Declined, Is.EqualTo(2));
        Assert.That(ControlResponseDecoder.TryWrap(registry.Response, out ControlResponseDecoder response, out _), Is.True);
        Assert.That(response.Code, Is.EqualTo(ResponseCode.Rejected));
        Assert.That(response.GetErrorMessageString(), Does.Contain("already assigned to consumer 7"));
    }

    [Test]
    public void Stale_consumer_has_both_streams_closed_at_once_10_1_3()
    {
        using var transport = new LoopbackTransport(capacity: 4, maxMessageLength: 256);
        var owner = new Owner();
        var registry = new ConsumerRegistry(owner, transport, Settings);
        OnHello(registry, Hello(7, Channel, 5001, Channel, 5002), 0);
        registry.Sweep(Settings.StaleTimeoutNs + 1);
        Assert.That(registry.OpenStreams, Is.Zero);
        Assert.That(registry.IsTracked(7), Is.False);
        Assert.That(owner.Retired, Has.Count.EqualTo(2));
        Assert.That(owner.Fanout, Is.SameAs(ConsumerFanout.Empty));
    }

    private sealed class Owner : IRegistryOwner
    {
        public int Fanouts { get; private set; }

        public ConsumerFanout? Fanout { get; private set; }

        public List<IDisposable> Retired { get; } = [];

        public void SetFanout(ConsumerFanout fanout)
        {
            Fanouts++;
            Fanout = fanout;
        }

        public void Retire(IDisposable[] publications) => Retired.AddRange(publications);
    }
}
