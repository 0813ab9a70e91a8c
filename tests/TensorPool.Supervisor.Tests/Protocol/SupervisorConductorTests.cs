using TensorPool.Sbe.Wire;
using TensorPool.Supervisor.Configuration;
using TensorPool.Testing;
using TensorPool.Transport;
using static TensorPool.Supervisor.Tests.Protocol.SupervisorHarness;

namespace TensorPool.Supervisor.Tests.Protocol;

/// <summary>
/// The supervisor (wire spec §10.5) answering hellos with ConsumerConfig (§10.1.3): the reference's [supervisor] rules,
/// policies, per-consumer streams it serves at their rate cap (§11), consumer ids on request (§10.1.2), liveness (§5),
/// the live model. One duty cycle at a time on a manual clock.
/// </summary>
public sealed class SupervisorConductorTests
{
    [Test]
    public void Every_hello_is_answered_with_a_ConsumerConfig_of_the_consumers_own_choices_10_1_3()
    {
        using var h = new SupervisorHarness();
        h.Hello(10000, 42, Mode.RateLimited, maxRateHz: 5, supportsShm: true);
        h.Hello(10000, 42, Mode.RateLimited, maxRateHz: 5, supportsShm: true);
        List<Config> configs = h.Configs();
        Assert.That(configs, Has.Count.EqualTo(2), "every hello, so a lost config is repaired");
        Assert.That(configs[0], Is.EqualTo(new Config(10000, 42, true, Mode.RateLimited, "", 0, "", 0, "")));
        Assert.That(h.Counters.Configs, Is.EqualTo(2));
    }

    [Test]
    public void force_no_shm_tells_use_shm_0_with_the_payload_fallback_uri_10_1_3()
    {
        using var h = new SupervisorHarness(o =>
        {
            o.ForceNoShm = true;
            o.PayloadFallbackUri = "bridge://lab";
        });
        h.Hello(10000, 42);
        Config c = h.Configs().Single();
        Assert.That((c.UseShm, c.FallbackUri), Is.EqualTo((false, "bridge://lab")));
    }

    [TestCase((byte)1, Mode.RateLimited, Mode.Stream)]
    [TestCase((byte)2, Mode.Stream, Mode.RateLimited)]
    [TestCase((byte)0, Mode.RateLimited, Mode.RateLimited)]
    public void force_mode_imposes_the_mode_and_0_keeps_the_consumers_10_1_3(byte force, Mode asked, Mode told)
    {
        using var h = new SupervisorHarness(o => o.ForceMode = force);
        h.Hello(10000, 42, asked);
        Assert.That(h.Configs().Single().Mode, Is.EqualTo(told));
    }

    [Test]
    public void Per_consumer_streams_are_assigned_as_base_plus_id_modulo_range_when_requested_10_1_3()
    {
        using var h = new SupervisorHarness(o =>
        {
            o.PerConsumerEnabled = true;
            o.PerConsumerDescriptorChannel = "tp:ipc?name=pc";
            o.PerConsumerDescriptorBase = 31000;
            o.PerConsumerDescriptorRange = 1000;
            o.PerConsumerControlBase = 32000;
            o.PerConsumerControlRange = 1000;
        });
        h.Hello(10000, 1234567, descriptorChannel: "tp:ipc", descriptorStreamId: 40000, controlChannel: "tp:ipc", controlStreamId: 40001);
        Config c = h.Configs().Single();
        Assert.That((c.DescriptorChannel, c.DescriptorStreamId), Is.EqualTo(("tp:ipc?name=pc", 31567u)), "31000 + 1234567 % 1000");
        Assert.That((c.ControlChannel, c.ControlStreamId), Is.EqualTo(("tp:ipc", 32567u)), "no control channel configured: the consumer's");
        h.Hello(10000, 7);
        Config none = h.Configs().Single();
        Assert.That((none.DescriptorChannel, none.DescriptorStreamId, none.ControlStreamId), Is.EqualTo(("", 0u, 0u)),
            "not requested, not assigned (empty channel and 0)");
    }

    [Test]
    public void Without_a_base_the_consumers_requested_stream_is_confirmed_and_left_to_its_producer_10_1_3()
    {
        using var h = new SupervisorHarness(o => o.PerConsumerEnabled = true);
        h.Hello(10000, 42, descriptorChannel: "tp:ipc", descriptorStreamId: 40000);
        Config c = h.Configs().Single();
        Assert.That((c.DescriptorChannel, c.DescriptorStreamId), Is.EqualTo(("tp:ipc", 40000u)));
        Assert.That(h.Conductor.Snapshot.Consumers, Is.Empty.Or.All.Matches<SupervisedConsumerStatus>(s => !s.Relayed));
        h.Advance(TimeSpan.FromSeconds(1));
        Assert.That(h.Conductor.Snapshot.Consumers.Single().Relayed, Is.False, "the producer serves what the consumer asked it for");
    }

    [Test]
    public void The_first_matching_policy_applies_by_stream_name_mode_and_consumer_id_10_5()
    {
        using var h = new SupervisorHarness(o => o.Policies =
        [
            new ConsumerPolicy { Name = "lab-ids", ConsumerIds = [(100, 199)], Mode = Mode.Stream },
            new ConsumerPolicy { Name = "front", DataSourceName = "front camera", ConsumerMode = Mode.RateLimited, UseShm = false, PayloadFallbackUri = "bridge://front" },
            new ConsumerPolicy { Name = "others", Streams = [(20000, 20000)], Mode = Mode.RateLimited },
        ]);
        h.DataSource(10000, "front camera");
        h.Hello(10000, 150, Mode.RateLimited);
        h.Hello(10000, 42, Mode.RateLimited);
        h.Hello(10000, 43, Mode.Stream);
        h.Hello(20000, 44, Mode.Stream);
        List<Config> c = h.Configs();
        Assert.That(c.Select(x => (x.ConsumerId, x.Mode, x.UseShm, x.FallbackUri)), Is.EqualTo(new[]
        {
            (150u, Mode.Stream, true, ""),
            (42u, Mode.RateLimited, false, "bridge://front"),
            (43u, Mode.Stream, true, ""),
            (44u, Mode.RateLimited, true, ""),
        }));
        h.Advance(TimeSpan.FromSeconds(1));
        Assert.That(h.Conductor.Snapshot.Consumers.Select(x => (x.ConsumerId, x.Policy)),
            Is.EqualTo(new[] { (42u, "front"), (43u, ""), (150u, "lab-ids"), (44u, "others") }));
    }

    private static Action<SupervisorOptions> CapAt(uint hz) => o =>
    {
        o.PerConsumerDescriptorChannel = "tp:ipc?name=capped";
        o.PerConsumerDescriptorBase = 31000;
        o.PerConsumerDescriptorRange = 1000;
        o.Policies = [new ConsumerPolicy { Name = "display", ConsumerMode = Mode.RateLimited, Mode = Mode.RateLimited, MaxRateHz = hz }];
    };

    [Test]
    public void A_policy_rate_cap_relays_at_most_max_rate_hz_descriptors_on_the_assigned_stream_11()
    {
        using var h = new SupervisorHarness(CapAt(30));
        h.Hello(10000, 5, Mode.RateLimited, maxRateHz: 0, descriptorChannel: "tp:ipc", descriptorStreamId: 40000);
        Config c = h.Configs().Single();
        Assert.That((c.Mode, c.DescriptorChannel, c.DescriptorStreamId), Is.EqualTo((Mode.RateLimited, "tp:ipc?name=capped", 31005u)));
        ISubscription capped = h.Transport.AddSubscription("tp:ipc?name=capped", 31005);
        var received = new List<byte[]>();
        var sent = new List<byte[]>();
        for (ulong seq = 0; seq < 1000; seq++) // 200 Hz for 5 s
        {
            sent.Add(h.Descriptor(10000, seq));
            h.Descriptor(10001, seq); // another stream: not relayed
            h.Pump(1);
            h.Clock.Advance(TimeSpan.FromMilliseconds(5));
            capped.Poll(m => received.Add(m.ToArray()), 100);
        }
        Assert.That(received.Count, Is.InRange(5 * 30 - 5, 5 * 30 + 1), "30 a second over 5 s");
        Assert.That(received, Is.SubsetOf(sent), "the descriptors of its stream, bytes unchanged");
        Assert.That(h.Counters.RateCapped, Is.EqualTo(1000 - received.Count));
    }

    [Test]
    public void A_rate_limited_consumers_own_max_rate_hz_caps_what_the_supervisor_serves_it_10_1_2_11()
    {
        using var h = new SupervisorHarness(o =>
        {
            o.PerConsumerEnabled = true;
            o.PerConsumerDescriptorBase = 31000;
            o.PerConsumerDescriptorRange = 1000;
        });
        h.Hello(10000, 5, Mode.RateLimited, maxRateHz: 10, descriptorChannel: "tp:ipc", descriptorStreamId: 40000);
        ISubscription capped = h.Transport.AddSubscription("tp:ipc", 31005);
        int received = 0;
        for (ulong seq = 0; seq < 400; seq++)
        {
            h.Descriptor(10000, seq);
            h.Pump(1);
            h.Clock.Advance(TimeSpan.FromMilliseconds(5));
            received += capped.Poll(_ => { }, 100);
        }
        Assert.That(received, Is.InRange(2 * 10 - 2, 2 * 10 + 1));
    }

    [Test]
    public void Progress_is_relayed_to_a_per_consumer_control_stream_the_supervisor_assigned_10_2_2()
    {
        using var h = new SupervisorHarness(o =>
        {
            o.PerConsumerEnabled = true;
            o.PerConsumerControlBase = 32000;
            o.PerConsumerControlRange = 1000;
        });
        h.Hello(10000, 5, controlChannel: "tp:ipc", controlStreamId: 40001);
        ISubscription control = h.Transport.AddSubscription("tp:ipc", 32005);
        h.Progress(10000, 1);
        h.Progress(10001, 1);
        int n = 0;
        control.Poll(m => { n++; Assert.That(FrameProgressDecoder.TryWrap(m, out FrameProgressDecoder p, out _) && p.StreamId == 10000); }, 10);
        Assert.That(n, Is.EqualTo(1));
    }

    [Test]
    public void A_consumer_not_heard_of_for_consumer_stale_ms_is_forgotten_and_its_relay_closed_10_1_3()
    {
        using var h = new SupervisorHarness(o =>
        {
            CapAt(1000)(o);
            o.ConsumerStaleMs = 3000;
        });
        h.Hello(10000, 5, Mode.RateLimited, descriptorChannel: "tp:ipc", descriptorStreamId: 40000);
        ISubscription relayed = h.Transport.AddSubscription("tp:ipc?name=capped", 31005);
        h.Advance(TimeSpan.FromSeconds(2));
        h.QosConsumer(10000, 5); // §5: QoS keeps it alive as a hello does
        h.Advance(TimeSpan.FromSeconds(2));
        Assert.That(h.Conductor.Snapshot.Consumers, Has.Count.EqualTo(1), "4 s after the hello, 2 s after its QoS");
        h.Descriptor(10000, 1);
        h.Pump();
        Assert.That(relayed.Poll(_ => { }, 10), Is.EqualTo(1));
        h.Advance(TimeSpan.FromSeconds(3.5));
        Assert.That(h.Conductor.Snapshot.Consumers, Is.Empty);
        Assert.That(h.Counters.Stale, Is.EqualTo(1));
        h.Descriptor(10000, 2);
        h.Pump();
        Assert.That(relayed.Poll(_ => { }, 10), Is.Zero, "its stream is no longer served");
    }

    [Test]
    public void Consumer_ids_are_assigned_on_request_per_stream_10_1_2()
    {
        using var h = new SupervisorHarness(o => o.ConsumerIdRange = (1, 3));
        h.Hello(10000, 2); // a live consumer with id 2
        h.Configs();
        h.Hello(10000, 0xFFFF_0001);
        h.Hello(10000, 0xFFFF_0001);
        h.Hello(10000, 0xFFFF_0002);
        h.Hello(20000, 0xFFFF_0003);
        List<Assignment> a = h.Replies().OfType<Assignment>().ToList();
        Assert.That(a.Select(x => (x.RequestedWith, x.Assigned)), Is.EqualTo(new[]
        {
            (0xFFFF_0001u, 1u), (0xFFFF_0001u, 1u), (0xFFFF_0002u, 3u), (0xFFFF_0003u, 1u),
        }), "the same answer while it asks; 2 is in use; ids are per stream");
        Assert.That(a, Is.All.Matches<Assignment>(x => x.Code == ResponseCode.Ok));
        Assert.That(h.Counters.IdsAssigned, Is.EqualTo(3));
        Assert.That(h.Conductor.Snapshot.Consumers.Any(c => c.ConsumerId >= SupervisorOptions.AssignmentRequestStart), Is.False,
            "an id request is not a consumer");
    }

    [Test]
    public void Only_the_streams_it_is_given_are_supervised_10_5()
    {
        using var h = new SupervisorHarness(o => o.Streams = [(10000, 10009)]);
        h.Hello(10005, 1);
        h.Hello(20000, 2);
        Assert.That(h.Configs().Select(c => c.StreamId), Is.EqualTo(new[] { 10005u }));
    }

    [Test]
    public void Hellos_of_consumers_beyond_consumer_capacity_are_ignored_and_counted()
    {
        using var h = new SupervisorHarness(o => o.ConsumerCapacity = 2);
        for (uint id = 1; id <= 5; id++)
        {
            h.Hello(10000, id);
        }
        Assert.That(h.Configs(), Has.Count.EqualTo(2));
        Assert.That(h.Counters.OverCapacity, Is.EqualTo(3));
    }

    [Test]
    public void A_per_consumer_channel_the_transport_refuses_is_declined_with_an_empty_channel_and_0_10_1_3()
    {
        using var dir = new TempDirectory();
        var transport = new TpIpcTransport(new TpIpcOptions { BaseDir = dir.Path, Namespace = "sv" });
        using var h = new SupervisorHarness(o =>
        {
            o.PerConsumerEnabled = true;
            o.PerConsumerDescriptorBase = 31000;
            o.PerConsumerDescriptorRange = 1000;
        }, transport);
        h.Hello(10000, 5, descriptorChannel: "udp://somewhere", descriptorStreamId: 40000);
        Config c = h.Configs().Single();
        Assert.That((c.DescriptorChannel, c.DescriptorStreamId), Is.EqualTo(("", 0u)));
        Assert.That(h.Counters.Malformed, Is.EqualTo(1));
    }

    [Test]
    public void Malformed_messages_are_counted_never_thrown()
    {
        using var h = new SupervisorHarness();
        byte[] hello = h.HelloBytes(10000, 42, descriptorChannel: "tp:ipc", descriptorStreamId: 40000);
        for (int n = 0; n < hello.Length; n++)
        {
            Assert.DoesNotThrow(() => h.SendControl(hello.AsSpan(0, n)));
        }
        var random = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            byte[] bad = (byte[])hello.Clone();
            bad[random.Next(bad.Length)] = (byte)random.Next(256);
            Assert.DoesNotThrow(() => h.SendControl(bad));
        }
        Assert.That(h.Counters.Malformed, Is.Positive);
        h.Configs();
        h.Hello(10000, 42);
        Assert.That(h.Configs().Single().ConsumerId, Is.EqualTo(42), "still answering");
    }

    [Test]
    public void The_live_model_shows_streams_producers_and_consumers_10_5()
    {
        using var h = new SupervisorHarness(o => o.Policies = [new ConsumerPolicy { Name = "all" }]);
        h.Announce(10000);
        h.DataSource(10000, "cam");
        h.QosProducer(10000, 100);
        h.Hello(10000, 42, Mode.RateLimited, maxRateHz: 15);
        h.QosConsumer(10000, 42, lastSeq: 90);
        h.Advance(TimeSpan.FromSeconds(1));
        h.QosProducer(10000, 200);
        h.Advance(TimeSpan.FromSeconds(1));
        SupervisorSnapshot s = h.Conductor.Snapshot;
        Control.StreamStatus stream = s.Streams.Single();
        Assert.That((stream.StreamId, stream.Name, stream.Epoch, stream.ProducerId, stream.CurrentSeq), Is.EqualTo((10000u, "cam", (ulong?)5, (uint?)7, (ulong?)200)));
        Assert.That(stream.Consumers.Single().ConsumerId, Is.EqualTo(42));
        SupervisedConsumerStatus c = s.Consumers.Single();
        Assert.That((c.ConsumerId, c.RequestedMode, c.RequestedMaxRateHz, c.Mode, c.Policy, c.ConfigsSent), Is.EqualTo((42u, Mode.RateLimited, 15u, Mode.RateLimited, "all", 1L)));
    }

    [Test]
    public void The_status_file_holds_the_live_model_for_tp_status()
    {
        using var dir = new TempDirectory();
        string file = Path.Combine(dir.Path, "supervisor.json");
        using var h = new SupervisorHarness(o => o.StatusFile = file);
        h.Announce(10000);
        h.Hello(10000, 42);
        h.Advance(TimeSpan.FromSeconds(2));
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
        Assert.That(doc.RootElement.GetProperty("streams")[0].GetProperty("streamId").GetUInt32(), Is.EqualTo(10000));
        Assert.That(doc.RootElement.GetProperty("consumers")[0].GetProperty("consumerId").GetUInt32(), Is.EqualTo(42));
        Assert.That(doc.RootElement.GetProperty("counters").GetProperty("configs").GetInt64(), Is.EqualTo(1));
        Assert.That(File.Exists(file + ".tmp"), Is.False, "replaced whole");
    }
}
