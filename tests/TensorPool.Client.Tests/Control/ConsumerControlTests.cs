using TensorPool.Client.Tests.DataPath;
using TensorPool.Consumers;
using TensorPool.Control;
using TensorPool.Frames;
using TensorPool.Producers;
using TensorPool.Sbe.Wire;

namespace TensorPool.Client.Tests.Control;

public class ConsumerControlTests
{
    private const uint PerConsumerStreamId = 5001;

    private static ProducerOptions Small() => new() { HeaderNslots = 256, Pools = [new PayloadPoolOptions(1, 4096)] };

    private static byte[] Hello(uint stream, uint consumer, string descriptorChannel, uint descriptorStream, byte mode = 1, uint maxRate = 0)
    {
        byte[] buffer = new byte[256];
        var h = ConsumerHelloEncoder.WrapAndApplyHeader(buffer);
        h.StreamId = stream;
        h.ConsumerId = consumer;
        h.SupportsShm = Bool.True;
        h.SupportsProgress = Bool.False;
        h.Mode = (Mode)mode;
        h.MaxRateHz = maxRate;
        h.ExpectedLayoutVersion = Native.Internal.TpSuperblockConstants.LayoutVersion;
        h.DescriptorStreamId = descriptorStream;
        h.PutDescriptorChannel(descriptorChannel.AsSpan());
        h.PutControlChannel("".AsSpan());
        return buffer[..h.EncodedLength];
    }

    private static byte[] Config(uint stream, uint consumer, byte mode, Bool useShm, string fallback = "", string channel = "", uint descriptorStream = 0)
    {
        byte[] buffer = new byte[256];
        var c = ConsumerConfigEncoder.WrapAndApplyHeader(buffer);
        c.StreamId = stream;
        c.ConsumerId = consumer;
        c.UseShm = useShm;
        c.Mode = (Mode)mode;
        c.DescriptorStreamId = descriptorStream;
        c.PutPayloadFallbackUri(fallback.AsSpan());
        c.PutDescriptorChannel(channel.AsSpan());
        c.PutControlChannel("".AsSpan());
        return buffer[..c.EncodedLength];
    }

    [Test]
    public void Consumer_sends_hello_at_start_and_every_hello_period_10_1_2()
    {
        using var h = new Harness();
        using var probe = new ControlProbe(h, h.Options.ControlStreamId);
        using Consumer consumer = h.Client.AddConsumer(new ConsumerOptions { Mode = Mode.RateLimited, MaxRateHz = 30, ProgressIntervalUs = 500 });
        h.Work(1);
        List<byte[]> hellos = probe.Drain(ConsumerHelloDecoder.TemplateId);
        Assert.That(hellos, Has.Count.EqualTo(1));
        Assert.That(ConsumerHelloDecoder.TryWrap(hellos[0], out var hello, out _), Is.True);
        Assert.That(hello.ConsumerId, Is.EqualTo(consumer.ConsumerId));
        Assert.That(hello.Mode, Is.EqualTo(Mode.RateLimited));
        Assert.That(hello.MaxRateHz, Is.EqualTo(30));
        Assert.That(hello.ProgressIntervalUs, Is.EqualTo(500));
        Assert.That(hello.ProgressBytesDelta, Is.Null, "absent hints are the null sentinel (§10.1)");
        Assert.That(hello.DescriptorChannel.Length, Is.Zero);
        h.Work();
        Assert.That(probe.Drain(ConsumerHelloDecoder.TemplateId), Is.Empty, "not again before the period");
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        h.Work(1);
        Assert.That(probe.Drain(ConsumerHelloDecoder.TemplateId), Has.Count.EqualTo(1));
    }

    [Test]
    public void Producer_tracks_consumer_and_answers_with_config_on_the_shared_stream_10_1_3()
    {
        using var h = new Harness();
        using var probe = new ControlProbe(h, h.Options.ControlStreamId);
        using Producer producer = h.Client.AddProducer(Small());
        using Consumer consumer = h.Client.AddConsumer(producer.StreamId);
        h.Work();
        Assert.That(producer.ControlCounters.ConsumersTracked, Is.EqualTo(1));
        Assert.That(producer.Registry.IsTracked(consumer.ConsumerId), Is.True);
        List<byte[]> configs = probe.Drain(ConsumerConfigDecoder.TemplateId);
        Assert.That(configs, Is.Not.Empty);
        Assert.That(ConsumerConfigDecoder.TryWrap(configs[0], out var config, out _), Is.True);
        Assert.That(config.ConsumerId, Is.EqualTo(consumer.ConsumerId));
        Assert.That(config.UseShm, Is.EqualTo(Bool.True));
        Assert.That(config.DescriptorStreamId, Is.Zero);
        Assert.That(config.DescriptorChannel.Length, Is.Zero);
        Assert.That(consumer.ControlCounters.ConfigsReceived, Is.GreaterThanOrEqualTo(1));
        Assert.That(consumer.OnPerConsumerStream, Is.False);
    }

    [Test]
    public void Per_consumer_descriptor_stream_is_opened_and_the_consumer_switches_to_it_5()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(Small());
        using Consumer consumer = h.Client.AddConsumer(new ConsumerOptions
        {
            StreamId = producer.StreamId, DescriptorChannel = h.Options.Channel, DescriptorStreamId = PerConsumerStreamId,
        });
        h.Work();
        Harness.PollAll(consumer);
        Assert.That(consumer.OnPerConsumerStream, Is.True);
        Assert.That(producer.ControlCounters.PerConsumerStreamsOpen, Is.EqualTo(1));
        using var shared = new ControlProbe(h, h.Options.DescriptorStreamId);
        using var own = new ControlProbe(h, (int)PerConsumerStreamId);
        for (int i = 0; i < 5; i++)
        {
            Assert.That(producer.TryOffer(new byte[10]), Is.True);
        }
        Assert.That(Harness.PollAll(consumer), Has.Count.EqualTo(5), "frames arrive on the per-consumer stream");
        Assert.That(shared.Drain(), Has.Count.EqualTo(5), "the shared stream still carries every descriptor for everyone else");
        Assert.That(own.Drain(), Has.Count.EqualTo(5));
        Assert.That(consumer.Counters.DropsTotal, Is.Zero);
    }

    [Test]
    public void Periodic_hellos_and_configs_naming_per_consumer_channels_allocate_nothing_10_1_2_10_1_3()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(Small());
        using Consumer consumer = h.Client.AddConsumer(new ConsumerOptions
        {
            StreamId = producer.StreamId,
            DescriptorChannel = h.Options.Channel, DescriptorStreamId = PerConsumerStreamId,
            ControlChannel = h.Options.Channel, ControlStreamId = PerConsumerStreamId + 1,
            ProgressHandler = static (in FrameProgress _) => { },
        });
        var frames = new FrameCount();

        void Cycle(ref FrameCount count)
        {
            h.Clock.Advance(TimeSpan.FromMilliseconds(250)); // a hello (and its config) every fourth cycle
            h.Client.DoWork();
            if (producer.TryClaim(16, out FrameClaim claim))
            {
                producer.Commit(ref claim);
            }
            consumer.Poll(ref count, 16);
        }

        for (int i = 0; i < 200; i++)
        {
            Cycle(ref frames); // warm-up: the streams are assigned and switched to, JIT, tiering
        }
        Assert.That(consumer.OnPerConsumerStream, Is.True);
        Assert.That(producer.ControlCounters.PerConsumerStreamsOpen, Is.EqualTo(2));
        long hellos = producer.ControlCounters.HellosReceived;
        long configs = consumer.ControlCounters.ConfigsReceived;
        long drops = consumer.Counters.DropsTotal;
        (long allocated, _) = TensorPool.Testing.SteadyState.AllocatedBytes(() =>
        {
            for (int i = 0; i < 400; i++)
            {
                Cycle(ref frames);
            }
        });
        Assert.That(allocated, Is.Zero, "bytes allocated by 400 duty cycles with 100 hellos and configs");
        Assert.That(producer.ControlCounters.HellosReceived - hellos, Is.GreaterThanOrEqualTo(100));
        Assert.That(consumer.ControlCounters.ConfigsReceived - configs, Is.GreaterThanOrEqualTo(100));
        Assert.That(consumer.Counters.DropsTotal, Is.EqualTo(drops), "every frame read on the per-consumer stream");
        Assert.That(frames.Frames, Is.GreaterThanOrEqualTo(400));
    }

    private struct FrameCount : IFrameHandler
    {
        public long Frames;

        public void OnFrame(in Frame frame) => Frames++;
    }

    [Test]
    public void Hello_with_channel_but_stream_id_0_is_declined_with_empty_channel_and_invalid_params_10_1_2()
    {
        using var h = new Harness();
        using var probe = new ControlProbe(h, h.Options.ControlStreamId);
        using Producer producer = h.Client.AddProducer(Small());
        h.Work();
        probe.Drain();
        probe.Send(Hello(producer.StreamId, 77, "tp:ipc", 0));
        h.Work(1);
        List<byte[]> messages = probe.Drain();
        byte[] config = messages.Single(m => Sbe.SbeMessageHeader.TryRead(m, out var x) && x.TemplateId == ConsumerConfigDecoder.TemplateId);
        Assert.That(ConsumerConfigDecoder.TryWrap(config, out var c, out _), Is.True);
        Assert.That(c.DescriptorStreamId, Is.Zero);
        Assert.That(c.DescriptorChannel.Length, Is.Zero, "§10.1.3: declined = empty channel and stream id 0");
        byte[] response = messages.Single(m => Sbe.SbeMessageHeader.TryRead(m, out var x) && x.TemplateId == ControlResponseDecoder.TemplateId);
        Assert.That(ControlResponseDecoder.TryWrap(response, out var r, out _), Is.True);
        Assert.That(r.Code, Is.EqualTo(ResponseCode.InvalidParams));
        Assert.That(r.CorrelationId, Is.EqualTo(77));
        Assert.That(producer.ControlCounters.RequestsDeclined, Is.EqualTo(1));
        Assert.That(producer.ControlCounters.PerConsumerStreamsOpen, Is.Zero);
    }

    [Test]
    public void Hello_with_stream_id_but_empty_channel_and_hello_asking_for_a_shared_stream_are_declined_10_1_3()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(Small());
        using var probe = new ControlProbe(h, h.Options.ControlStreamId);
        probe.Send(Hello(producer.StreamId, 78, "", 4000));
        probe.Send(Hello(producer.StreamId, 79, h.Options.Channel, (uint)h.Options.ControlStreamId));
        h.Work(1);
        Assert.That(producer.ControlCounters.RequestsDeclined, Is.EqualTo(2));
        Assert.That(producer.ControlCounters.PerConsumerStreamsOpen, Is.Zero);
    }

    [Test]
    public void Hello_with_unknown_mode_is_rejected_and_not_tracked_10_1_2()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(Small());
        using var probe = new ControlProbe(h, h.Options.ControlStreamId);
        probe.Send(Hello(producer.StreamId, 80, "", 0, mode: 9));
        h.Work(1);
        Assert.That(producer.ControlCounters.HellosRejected, Is.EqualTo(1));
        Assert.That(producer.Registry.IsTracked(80), Is.False);
    }

    [Test]
    public void Stale_consumer_has_its_per_consumer_publication_closed_10_1_3()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(Small());
        Consumer consumer = h.Client.AddConsumer(new ConsumerOptions
        {
            StreamId = producer.StreamId, DescriptorChannel = h.Options.Channel, DescriptorStreamId = PerConsumerStreamId,
        });
        h.Work();
        Assert.That(producer.ControlCounters.PerConsumerStreamsOpen, Is.EqualTo(1));
        consumer.Dispose(); // no more hellos or QoS
        h.Clock.Advance(TimeSpan.FromSeconds(2));
        h.Work();
        Assert.That(producer.ControlCounters.PerConsumerStreamsOpen, Is.EqualTo(1), "not stale before 3 intervals (§5)");
        h.Clock.Advance(TimeSpan.FromSeconds(1.5));
        h.Work();
        Assert.That(producer.ControlCounters.PerConsumerStreamsOpen, Is.Zero);
        Assert.That(producer.ControlCounters.ConsumersTimedOut, Is.EqualTo(1));
        Assert.That(producer.ControlCounters.ConsumersTracked, Is.Zero);
    }

    [Test]
    public void QosConsumer_alone_keeps_a_consumer_live_5()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(Small());
        using var control = new ControlProbe(h, h.Options.ControlStreamId);
        using var qos = new ControlProbe(h, h.Options.QosStreamId);
        control.Send(Hello(producer.StreamId, 81, "", 0));
        h.Work(1);
        byte[] buffer = new byte[QosConsumerEncoder.MinEncodedLength];
        for (int i = 0; i < 5; i++)
        {
            h.Clock.Advance(TimeSpan.FromSeconds(1));
            var q = QosConsumerEncoder.WrapAndApplyHeader(buffer);
            q.StreamId = producer.StreamId;
            q.ConsumerId = 81;
            q.Mode = Mode.Stream;
            qos.Send(buffer);
            h.Work(1);
        }
        Assert.That(producer.Registry.IsTracked(81), Is.True);
        h.Clock.Advance(TimeSpan.FromSeconds(4));
        h.Work(1);
        Assert.That(producer.Registry.IsTracked(81), Is.False);
    }

    [Test]
    public void Max_rate_hz_caps_a_rate_limited_per_consumer_stream_while_a_stream_consumer_gets_everything_5()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(Small());
        using Consumer limited = h.Client.AddConsumer(new ConsumerOptions
        {
            StreamId = producer.StreamId, Mode = Mode.RateLimited, MaxRateHz = 10,
            DescriptorChannel = h.Options.Channel, DescriptorStreamId = PerConsumerStreamId,
        });
        using Consumer all = h.Client.AddConsumer(producer.StreamId);
        h.Work();
        Harness.PollAll(limited);
        Harness.PollAll(all);
        Assert.That(limited.OnPerConsumerStream, Is.True);
        int accepted = 0;
        for (int i = 0; i < 100; i++)
        {
            Assert.That(producer.TryClaim(16, out FrameClaim claim), Is.True);
            claim.TimestampNs = 5_000_000_000UL + ((ulong)i * 10_000_000UL); // 100 Hz of capture time
            producer.Commit(ref claim);
            accepted += Harness.PollAll(limited).Count;
            Harness.PollAll(all);
        }
        Assert.That(accepted, Is.InRange(9, 10), "1 s of capture time at 10 Hz");
        Assert.That(all.Counters.FramesAccepted, Is.EqualTo(100));
        Assert.That(producer.ControlCounters.DescriptorsRateLimited, Is.EqualTo(100 - accepted));
        Assert.That(limited.Counters.DropsGap, Is.Zero, "the cap's gaps are not losses");
        Assert.That(limited.Counters.RateLimited, Is.GreaterThan(0));
    }

    [Test]
    public void Rate_limited_consumer_on_the_shared_stream_gates_locally_on_slot_timestamps_11()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(Small());
        using Consumer limited = h.Client.AddConsumer(new ConsumerOptions { StreamId = producer.StreamId, Mode = Mode.RateLimited, MaxRateHz = 20 });
        h.Work();
        Harness.PollAll(limited);
        for (int i = 0; i < 100; i++)
        {
            Assert.That(producer.TryClaim(16, out FrameClaim claim), Is.True);
            claim.TimestampNs = 5_000_000_000UL + ((ulong)i * 10_000_000UL);
            producer.Commit(ref claim);
        }
        int accepted = Harness.PollAll(limited).Count;
        Assert.That(accepted, Is.EqualTo(20), "one 10 ms frame in five passes a 20 Hz (50 ms) gate");
        Assert.That(limited.Counters.RateLimited, Is.EqualTo(80));
        Assert.That(producer.ControlCounters.DescriptorsRateLimited, Is.Zero, "max_rate_hz is ignored on the shared stream (§5)");
    }

    [Test]
    public void A_rate_limited_consumer_keeps_gating_the_shared_stream_until_its_polling_thread_takes_the_switch_11()
    {
        using var h = new Harness();
        ProducerOptions options = Small();
        options.MaxPerConsumerStreams = 0; // declines the request: the consumer reads the shared stream until the test's config
        using Producer producer = h.Client.AddProducer(options);
        using Consumer limited = h.Client.AddConsumer(new ConsumerOptions
        {
            StreamId = producer.StreamId, Mode = Mode.RateLimited, MaxRateHz = 20,
            DescriptorChannel = h.Options.Channel, DescriptorStreamId = PerConsumerStreamId,
        });
        h.Work();
        Harness.PollAll(limited);
        Assert.That(limited.OnPerConsumerStream, Is.False, "declined: still on the shared stream");
        for (int i = 0; i < 100; i++)
        {
            Assert.That(producer.TryClaim(16, out FrameClaim claim), Is.True);
            claim.TimestampNs = 5_000_000_000UL + ((ulong)i * 10_000_000UL); // 100 Hz of capture time
            producer.Commit(ref claim);
        }
        using var probe = new ControlProbe(h, h.Options.ControlStreamId);
        var seen = new int[1];
        var handler = new ConductorMidPoll(h, probe, Config(producer.StreamId, limited.ConsumerId, 2, Bool.True, channel: h.Options.Channel,
            descriptorStream: PerConsumerStreamId), seen);

        // The assignment is applied by the conductor while this poll is reading the shared stream: the rest of the poll
        // still reads the shared stream and must still gate locally (it took 64 frames ungated: the flaky multi-process count).
        limited.Poll(ref handler, 64);

        Assert.That(limited.OnPerConsumerStream, Is.True, "the conductor applied the assignment during the poll");
        Assert.That(seen[0], Is.EqualTo(13), "64 frames of 10 ms through a 50 ms gate: 0, 50, ..., 600 ms");
    }

    /// <summary>On the first frame, runs the conductor with a ConsumerConfig waiting: the config lands in the middle of a poll.</summary>
    private readonly struct ConductorMidPoll(Harness h, ControlProbe probe, byte[] config, int[] seen) : IFrameHandler
    {
        public void OnFrame(in Frame frame)
        {
            if (seen[0]++ == 0)
            {
                probe.Send(config);
                h.Client.DoWork();
            }
        }
    }

    [Test]
    public void Config_with_unknown_mode_is_rejected_and_counted_10_1_3()
    {
        using var h = new Harness();
        using Consumer consumer = h.Client.AddConsumer();
        using var probe = new ControlProbe(h, h.Options.ControlStreamId);
        probe.Send(Config(consumer.StreamId, consumer.ConsumerId, 5, Bool.False, "bridge://x"));
        h.Work(1);
        Assert.That(consumer.ControlCounters.ConfigsRejected, Is.EqualTo(1));
        Assert.That(consumer.LastConfigRejection, Does.Contain("mode"));
        Assert.That(consumer.State, Is.EqualTo(MappingState.Unmapped), "nothing of a rejected config is applied");
    }

    [Test]
    public void Config_assigning_half_a_stream_or_an_unrequested_stream_is_rejected_10_1_3()
    {
        using var h = new Harness();
        using Consumer consumer = h.Client.AddConsumer();
        using var probe = new ControlProbe(h, h.Options.ControlStreamId);
        probe.Send(Config(consumer.StreamId, consumer.ConsumerId, 1, Bool.True, channel: "tp:ipc", descriptorStream: 0));
        probe.Send(Config(consumer.StreamId, consumer.ConsumerId, 1, Bool.True, channel: "tp:ipc", descriptorStream: 6000));
        h.Work(1);
        Assert.That(consumer.ControlCounters.ConfigsRejected, Is.EqualTo(2));
        Assert.That(consumer.OnPerConsumerStream, Is.False);
    }

    [Test]
    public void Use_shm_0_with_fallback_uri_enters_fallback_and_without_it_fails_with_a_diagnostic_10_1_3_15_12()
    {
        using var h = new Harness();
        using Consumer consumer = h.Client.AddConsumer();
        using var probe = new ControlProbe(h, h.Options.ControlStreamId);
        probe.Send(Config(consumer.StreamId, consumer.ConsumerId, 1, Bool.False, "aeron:udp?endpoint=10.0.0.1:40123"));
        h.Work(1);
        Assert.That(consumer.State, Is.EqualTo(MappingState.Fallback));
        Assert.That(consumer.FallbackUri, Is.EqualTo("aeron:udp?endpoint=10.0.0.1:40123"));

        probe.Send(Config(consumer.StreamId, consumer.ConsumerId, 1, Bool.False));
        h.Work(1);
        Assert.That(consumer.State, Is.EqualTo(MappingState.Failed));
        Assert.That(consumer.FailureReason, Does.Contain("use_shm=0").And.Contain("payload_fallback_uri"));

        probe.Send(Config(consumer.StreamId, consumer.ConsumerId, 1, Bool.False, "ftp://nowhere"));
        h.Work(1);
        Assert.That(consumer.State, Is.EqualTo(MappingState.Failed));
        Assert.That(consumer.FailureReason, Does.Contain("undefined scheme"));

        probe.Send(Config(consumer.StreamId, consumer.ConsumerId, 1, Bool.True));
        h.Work(1);
        Assert.That(consumer.State, Is.EqualTo(MappingState.Unmapped), "use_shm=1 returns to the SHM state machine");
    }

    [Test]
    public void Consumer_id_collision_seen_in_qos_picks_a_new_id_and_says_hello_again_10_1_2()
    {
        using var h = new Harness();
        using Consumer consumer = h.Client.AddConsumer();
        h.Work();
        uint old = consumer.ConsumerId;
        using var control = new ControlProbe(h, h.Options.ControlStreamId);
        using var qos = new ControlProbe(h, h.Options.QosStreamId);
        h.Work(); // our own QoS comes back: not a collision
        Assert.That(consumer.ControlCounters.IdCollisions, Is.Zero);
        byte[] buffer = new byte[QosConsumerEncoder.MinEncodedLength];
        var q = QosConsumerEncoder.WrapAndApplyHeader(buffer);
        q.StreamId = consumer.StreamId;
        q.ConsumerId = old;
        q.LastSeqSeen = 12345;
        q.Mode = Mode.Stream;
        qos.Send(buffer);
        h.Work(1);
        Assert.That(consumer.ControlCounters.IdCollisions, Is.EqualTo(1));
        Assert.That(consumer.ConsumerId, Is.Not.EqualTo(old));
        List<byte[]> hellos = control.Drain(ConsumerHelloDecoder.TemplateId);
        Assert.That(hellos.Any(m => ConsumerHelloDecoder.TryWrap(m, out var hello, out _) && hello.ConsumerId == consumer.ConsumerId), Is.True);
    }

    [Test]
    public void Consumer_options_refuse_half_requests_10_1_2()
    {
        using var h = new Harness();
        Assert.Throws<ArgumentException>(() => h.Client.AddConsumer(new ConsumerOptions { DescriptorChannel = "tp:ipc" }));
        Assert.Throws<ArgumentException>(() => h.Client.AddConsumer(new ConsumerOptions { DescriptorStreamId = 5 }));
        Assert.Throws<ArgumentException>(() => h.Client.AddConsumer(new ConsumerOptions { Mode = (Mode)7 }));
    }

    [Test]
    public void QosConsumer_reports_the_mode_in_force_10_4_1()
    {
        using var h = new Harness();
        using var qos = new ControlProbe(h, h.Options.QosStreamId);
        using Consumer consumer = h.Client.AddConsumer(new ConsumerOptions { Mode = Mode.RateLimited, MaxRateHz = 5 });
        h.Work(1);
        byte[] message = qos.Drain(QosConsumerDecoder.TemplateId).Single();
        Assert.That(QosConsumerDecoder.TryWrap(message, out var q, out _), Is.True);
        Assert.That(q.Mode, Is.EqualTo(Mode.RateLimited));
        Assert.That(q.ConsumerId, Is.EqualTo(consumer.ConsumerId));
    }
}
