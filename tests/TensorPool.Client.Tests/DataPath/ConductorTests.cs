using TensorPool.Agents;
using TensorPool.Consumers;
using TensorPool.Frames;
using TensorPool.Producers;
using TensorPool.Sbe;
using TensorPool.Sbe.Wire;

namespace TensorPool.Client.Tests.DataPath;

/// <summary>The conductor's timers and messages: announces, QoS, metadata, activity, errors, allocation.</summary>
public class ConductorTests
{
    private static ProducerOptions Small => new() { HeaderNslots = 8, Pools = [new PayloadPoolOptions(1, 256)], Name = "cam0", Summary = "uint8[64]" };

    private sealed class Captured
    {
        public List<byte[]> Control { get; } = [];

        public List<byte[]> Qos { get; } = [];

        public List<byte[]> Metadata { get; } = [];

        public void Configure(ClientOptions o)
        {
            o.ControlHandler = m => Control.Add(m.ToArray());
            o.QosHandler = m => Qos.Add(m.ToArray());
            o.MetadataHandler = m => Metadata.Add(m.ToArray());
        }
    }

    private static int Count(List<byte[]> messages, ushort templateId) =>
        messages.Count(m => SbeMessageHeader.TryRead(m, out SbeMessageHeader h) && h.SchemaId == 900 && h.TemplateId == templateId);

    [Test]
    public void Producer_announces_at_start_and_every_period_with_the_monotonic_clock_domain_10_1_1()
    {
        var seen = new Captured();
        using var h = new Harness(seen.Configure);
        using Producer producer = h.Client.AddProducer(Small);
        h.Work();
        Assert.That(Count(seen.Control, ShmPoolAnnounceDecoder.TemplateId), Is.EqualTo(1), "announced at start");
        h.Clock.Advance(TimeSpan.FromMilliseconds(999));
        h.Work();
        Assert.That(Count(seen.Control, ShmPoolAnnounceDecoder.TemplateId), Is.EqualTo(1));
        h.Clock.Advance(TimeSpan.FromMilliseconds(1));
        h.Work();
        Assert.That(Count(seen.Control, ShmPoolAnnounceDecoder.TemplateId), Is.EqualTo(2), "and again after the period");

        Assert.That(ShmPoolAnnounceDecoder.TryWrap(seen.Control[^1], out ShmPoolAnnounceDecoder a), Is.True);
        Assert.That(a.AnnounceClockDomain, Is.EqualTo(ClockDomain.Monotonic));
        Assert.That(a.AnnounceTimestampNs, Is.EqualTo((ulong)h.Clock.NanoTime()));
        Assert.That(a.Epoch, Is.EqualTo(producer.Epoch));
        Assert.That(a.HeaderNslots, Is.EqualTo(8));
        Assert.That(a.HeaderSlotBytes, Is.EqualTo(256));
        Assert.That(a.LayoutVersion, Is.EqualTo(1));
        foreach (ShmPoolAnnounceDecoder.PayloadPoolsDecoder pool in a.PayloadPools)
        {
            Assert.That(pool.PoolNslots, Is.EqualTo(8), "§15.5: pools have the header ring's nslots");
            Assert.That(pool.GetRegionUriString(), Does.StartWith("shm:file?path=" + h.Dir.Path));
        }
        Assert.That(a.GetHeaderRegionUriString(), Does.EndWith($"/10000/{producer.Epoch}/header.ring|require_hugepages=false"));
    }

    [Test]
    public unsafe void Activity_timestamp_is_refreshed_at_announce_cadence_7_1()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(Small);
        h.Work();
        Assert.That(ReadActivity(producer), Is.EqualTo((ulong)h.Clock.NanoTime()));
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        h.Work();
        Assert.That(ReadActivity(producer), Is.EqualTo((ulong)h.Clock.NanoTime()));

        static ulong ReadActivity(Producer p) => Native.Internal.NativeMethods.tp_superblock_load_activity(p.Attachment.HeaderBase);
    }

    [Test]
    public void QosProducer_and_DataSourceAnnounce_carry_the_producer_state_10_4_2_10_3_1()
    {
        var seen = new Captured();
        using var h = new Harness(seen.Configure);
        using Producer producer = h.Client.AddProducer(Small);
        producer.TryOffer(new byte[3]);
        producer.TryOffer(new byte[3]);
        h.Work();
        byte[] qos = seen.Qos.Single(m => SbeMessageHeader.TryRead(m, out SbeMessageHeader x) && x.TemplateId == QosProducerDecoder.TemplateId);
        Assert.That(QosProducerDecoder.TryWrap(qos, out QosProducerDecoder q), Is.True);
        Assert.That(q.CurrentSeq, Is.EqualTo(2));
        Assert.That(q.Epoch, Is.EqualTo(producer.Epoch));
        Assert.That(q.ProducerId, Is.EqualTo(producer.ProducerId));
        Assert.That(DataSourceAnnounceDecoder.TryWrap(seen.Metadata.Single(), out DataSourceAnnounceDecoder d), Is.True);
        Assert.That(d.GetNameString(), Is.EqualTo("cam0"));
        Assert.That(d.GetSummaryString(), Is.EqualTo("uint8[64]"));
        Assert.That(d.StreamId, Is.EqualTo(producer.StreamId));
    }

    [Test]
    public void QosConsumer_reports_last_seq_and_drops_every_period_10_4_1()
    {
        var seen = new Captured();
        using var h = new Harness(seen.Configure);
        using var stream = new CraftedStream(h);
        using Consumer consumer = h.Client.AddConsumer(new ConsumerOptions { StreamId = stream.Options.StreamId, ConsumerId = 4242 });
        stream.Announce();
        h.Work();
        Harness.PollAll(consumer);
        foreach (ulong seq in new ulong[] { 0, 3 })
        {
            stream.WriteSlot(seq);
            stream.Describe(seq);
        }
        stream.WriteSlot(12); // overwrites slot 4 before frame 4 is read
        stream.Describe(4);
        Harness.PollAll(consumer);
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        h.Work();
        byte[] last = seen.Qos.Last(m => SbeMessageHeader.TryRead(m, out SbeMessageHeader x) && x.TemplateId == QosConsumerDecoder.TemplateId);
        Assert.That(QosConsumerDecoder.TryWrap(last, out QosConsumerDecoder q), Is.True);
        Assert.That(q.ConsumerId, Is.EqualTo(4242));
        Assert.That(q.StreamId, Is.EqualTo(stream.Options.StreamId));
        Assert.That(q.Epoch, Is.EqualTo(stream.Epoch));
        Assert.That(q.LastSeqSeen, Is.EqualTo(4));
        Assert.That(q.DropsGap, Is.EqualTo(2));
        Assert.That(q.DropsLate, Is.EqualTo(1));
        Assert.That(q.Mode, Is.EqualTo(Mode.Stream));
    }

    [Test]
    public void Exceptions_in_the_duty_cycle_go_to_the_error_handler()
    {
        using var h = new Harness(o => o.MetadataHandler = _ => throw new InvalidOperationException("user bug"));
        using Producer producer = h.Client.AddProducer(Small);
        h.Client.DoWork(); // the producer's DataSourceAnnounce reaches the throwing handler on the next poll
        h.Client.DoWork();
        Assert.That(h.Errors.OfType<InvalidOperationException>().Count(), Is.GreaterThanOrEqualTo(1));
        h.Errors.Clear();
    }

    [Test]
    public void Transport_refusing_offers_is_counted_not_thrown()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(Small);
        h.Transport.FailOffersWith = Transport.PublicationStatus.BackPressured;
        h.Work(1);
        Assert.That(h.Client.ConductorOfferFailures, Is.EqualTo(3));
        Assert.That(producer.TryOffer(new byte[4]), Is.True, "the frame is committed");
        Assert.That(producer.Counters.DescriptorOfferFailures, Is.EqualTo(1));
    }

    [Test]
    public void Duty_cycle_claim_commit_and_poll_allocate_nothing_in_steady_state() => AssertSteadyStateAllocatesNothing(new Harness());

    [Test]
    public void Steady_state_allocates_nothing_on_the_real_tp_ipc_transport() =>
        AssertSteadyStateAllocatesNothing(new Harness(o => o.Transport = null)); // null: the client's own tp:ipc transport

    private static void AssertSteadyStateAllocatesNothing(Harness harness)
    {
        using Harness h = harness;
        using Producer producer = h.Client.AddProducer(Small);
        using Consumer consumer = h.Client.AddConsumer(producer.StreamId);
        var handler = new Sum();
        h.Work();
        consumer.Poll(ref handler, 16);
        Assert.That(consumer.State, Is.EqualTo(MappingState.Mapped));

        void Cycle(ref Sum sum)
        {
            h.Clock.Advance(TimeSpan.FromMilliseconds(100)); // timers fire: announces, QoS, liveness
            h.Client.DoWork();
            if (producer.TryClaim(64, out FrameClaim claim))
            {
                claim.Payload.Fill(1);
                claim.SetTensor(Dtype.Uint8, [8, 8]);
                producer.Commit(ref claim);
            }
            consumer.Poll(ref sum, 16);
        }

        for (int i = 0; i < 200; i++)
        {
            Cycle(ref handler); // warm-up: JIT, tiering, first sends
        }
        (long allocated, int windows) = TensorPool.Testing.SteadyState.AllocatedBytes(() =>
        {
            for (int i = 0; i < 2000; i++)
            {
                Cycle(ref handler);
            }
        });
        Assert.That(allocated, Is.Zero, "bytes allocated by 2000 duty cycles with a frame each");
        long frames = 200 + (2000L * windows);
        Assert.That(consumer.Counters.FramesAccepted, Is.EqualTo(frames));
        Assert.That(handler.Total, Is.EqualTo(frames * 64));
    }

    [Test]
    public void Disposed_consumer_releases_its_mapping_on_the_next_duty_cycle()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(Small);
        Consumer consumer = h.Client.AddConsumer(producer.StreamId);
        h.Work();
        Harness.PollAll(consumer);
        consumer.Dispose();
        h.Work();
        Assert.That(h.Client.Conductor.Consumers, Is.Empty);
        Assert.Throws<ObjectDisposedException>(() => consumer.Poll(static (in Frame _) => { }, 1));
    }

    [Test]
    public void Client_dispose_disposes_what_is_left()
    {
        using var h = new Harness();
        Producer producer = h.Client.AddProducer(Small);
        Consumer consumer = h.Client.AddConsumer(producer.StreamId);
        h.Client.Dispose();
        Assert.That(producer.IsDisposed && consumer.IsDisposed, Is.True);
        Assert.That(Directory.GetFiles(h.Dir.Path, "*.ring", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public void Agent_runner_and_invoker_both_drive_the_conductor()
    {
        using var h = new Harness();
        Assert.That(h.Client.Conductor, Is.InstanceOf<IAgent>());
        long before = h.Client.Conductor.DutyCycles;
        h.Client.DoWork();
        Assert.That(h.Client.Conductor.DutyCycles, Is.EqualTo(before + 1));
    }

    private struct Sum : IFrameHandler
    {
        public long Total;

        public void OnFrame(in Frame frame)
        {
            foreach (byte b in frame.Payload)
            {
                Total += b;
            }
        }
    }
}
