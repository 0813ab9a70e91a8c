using TensorPool.Consumers;
using TensorPool.Frames;
using TensorPool.Producers;
using TensorPool.Sbe;
using TensorPool.Sbe.TraceLink;
using TensorPool.Stages;
using TensorPool.Testing;
using TensorPool.TraceLink;
using TensorPool.Transport;

namespace TensorPool.Client.Tests.DataPath;

/// <summary>
/// TraceLink in the data path (TraceLink §5, §6.2, §6.3, §8.1, §8.2, §9): trace ids in FrameDescriptors, on the
/// consumer's frame, and TraceLinkSets published by the client's conductor on the control stream.
/// </summary>
public class TraceIdTests
{
    private static ProducerOptions Options(bool trace, uint streamId = ProducerOptions.DefaultStreamId) => new()
    {
        StreamId = streamId,
        HeaderNslots = 8,
        Pools = [new PayloadPoolOptions(1, 256)],
        Trace = trace,
    };

    private static List<(ulong Seq, ulong TraceId)> Receive(Consumer consumer)
    {
        var seen = new List<(ulong, ulong)>();
        while (consumer.Poll((in Frame f) => seen.Add((f.Seq, f.TraceId)), 64) > 0)
        {
        }
        return seen;
    }

    [Test]
    public void A_traced_stream_carries_a_non_zero_trace_id_in_every_descriptor_8_1()
    {
        using var f = new TraceFixture(traced: true);
        (Producer producer, Consumer consumer) = f.Pair(Options(trace: true));
        for (int i = 0; i < 5; i++)
        {
            Assert.That(producer.TryOffer([1, 2, 3]), Is.True);
        }
        List<(ulong Seq, ulong TraceId)> seen = Receive(consumer);

        Assert.That(producer.IsTraced, Is.True);
        Assert.That(seen.Select(s => s.Seq), Is.EqualTo(new ulong[] { 0, 1, 2, 3, 4 }));
        Assert.That(seen.Select(s => s.TraceId), Has.None.EqualTo(TraceId.Null));
        Assert.That(seen.Select(s => s.TraceId), Is.Ordered.Ascending.And.Unique, "§6.3: each root frame mints a new id");
        Assert.That(seen.Select(s => TraceId.NodeId(s.TraceId)), Has.All.EqualTo(TraceFixture.NodeId), "§6.2: the configured node id");
        Assert.That(consumer.Counters.FramesAccepted, Is.EqualTo(5));
    }

    [Test]
    public void An_untraced_stream_publishes_trace_id_0_and_its_consumers_see_0_8_1()
    {
        using var f = new TraceFixture(traced: false);
        (Producer producer, Consumer consumer) = f.Pair(Options(trace: false));
        producer.TryOffer([1, 2, 3]);
        Assert.That(producer.IsTraced, Is.False);
        Assert.That(producer.Tracing, Is.Null);
        Assert.That(Receive(consumer), Is.EqualTo(new[] { (0UL, TraceId.Null) }));
    }

    [Test]
    public void A_given_trace_id_is_published_unchanged_as_a_1_to_1_stage_must_6_3()
    {
        using var f = new TraceFixture(traced: true);
        (Producer traced, Consumer fromTraced) = f.Pair(Options(trace: true, streamId: 10010));
        (Producer untraced, Consumer fromUntraced) = f.Pair(Options(trace: false, streamId: 10011));
        const ulong Upstream = 0x1234_5678_9ABC;
        traced.TryOffer([1], Upstream);
        Assert.That(traced.TryClaim(1, out FrameClaim claim), Is.True);
        claim.TraceId = Upstream + 1;
        traced.Commit(ref claim);
        untraced.TryOffer([1], Upstream);

        Assert.That(Receive(fromTraced).Select(s => s.TraceId), Is.EqualTo(new[] { Upstream, Upstream + 1 }));
        Assert.That(Receive(fromUntraced).Select(s => s.TraceId), Is.EqualTo(new[] { Upstream }),
            "an untraced producer forwards a given id too");
    }

    [Test]
    public void A_traced_stream_mints_a_root_for_an_untraced_input_rather_than_publish_0_8_1()
    {
        using var f = new TraceFixture(traced: true);
        (Producer producer, Consumer consumer) = f.Pair(Options(trace: true));
        producer.TryOffer([1], TraceId.Null);
        Assert.That(Receive(consumer).Single().TraceId, Is.Not.EqualTo(TraceId.Null));
    }

    [Test]
    public void An_N_to_1_frame_gets_a_new_trace_id_and_the_conductor_publishes_its_TraceLinkSet_on_the_control_stream_6_3_9_2()
    {
        using var f = new TraceFixture(traced: true);
        using ISubscription control = f.Harness.Transport.AddSubscription(f.Harness.Options.Channel, f.Harness.Options.ControlStreamId);
        (Producer producer, Consumer consumer) = f.Pair(Options(trace: true));
        producer.TryOffer([0]); // seq 0, a root
        const ulong A = 0x7000_0001, B = 0x7000_0002;
        Assert.That(producer.TryClaim(4, out FrameClaim claim), Is.True);
        ulong seq = claim.Seq;
        ulong traceId = producer.LinkTrace(ref claim, [B, A, B]);
        Assert.That(claim.TraceId, Is.EqualTo(traceId));
        producer.Commit(ref claim);
        f.Harness.Work(1);

        var sets = new List<(uint Stream, ulong Epoch, ulong Seq, ulong TraceId, ulong[] Parents)>();
        var reader = new TraceLinkSetReader();
        control.Poll(m =>
        {
            if (SbeMessageHeader.TryRead(m, out SbeMessageHeader header) && header.SchemaId == TraceLinkSetDecoder.SchemaId)
            {
                Assert.That(reader.TryRead(m, out TraceLinkSetDecoder set, out TraceLinkRejectReason reason), Is.True, reason.ToString());
                sets.Add((set.StreamId, set.Epoch, set.Seq, set.TraceId, reader.Parents.ToArray()));
            }
        }, 1000);

        List<(ulong Seq, ulong TraceId)> frames = Receive(consumer);
        Assert.That(traceId, Is.Not.EqualTo(TraceId.Null).And.Not.EqualTo(A).And.Not.EqualTo(B), "§6.3: N→1 mints");
        Assert.That(frames[^1], Is.EqualTo((seq, traceId)));
        Assert.That(sets, Has.Count.EqualTo(1), "one set: only the N→1 frame has parents");
        Assert.That((sets[0].Stream, sets[0].Epoch, sets[0].Seq, sets[0].TraceId), Is.EqualTo((producer.StreamId, producer.Epoch, seq, traceId)),
            "§9.2: stream, epoch and seq of the frame's descriptor");
        Assert.That(sets[0].Parents, Is.EqualTo(new[] { B, A }), "§9.2: unique, in input order");
        Assert.That(f.Harness.Client.TraceLinks!.Counters.Published, Is.EqualTo(1));
    }

    [Test]
    public void LinkTrace_on_an_untraced_stream_is_refused()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(Options(trace: false));
        Assert.That(producer.TryClaim(1, out FrameClaim claim), Is.True);
        InvalidOperationException? refused = null;
        try
        {
            producer.LinkTrace(ref claim, [1, 2]);
        }
        catch (InvalidOperationException e)
        {
            refused = e;
        }
        producer.Abort(ref claim);
        Assert.That(refused?.Message, Does.Contain("ProducerOptions.Trace"));
    }

    [Test]
    public void A_traced_producer_without_a_driver_or_a_configured_node_id_is_refused_6_2()
    {
        using var h = new Harness();
        Assert.That(() => h.Client.AddProducer(Options(trace: true)),
            Throws.InvalidOperationException.With.Message.Contains("§6.2").And.Message.Contains("node id"));
        Assert.That(h.Client.Conductor.Producers, Is.Empty);
    }

    [Test]
    public void A_configured_node_id_beyond_10_bits_is_refused_6_2() =>
        Assert.That(() => new Harness(o => o.TraceNodeId = TraceId.MaxNodeId + 1),
            Throws.ArgumentException.With.Message.Contains("TraceNodeId"));

    [Test]
    public void Producers_of_one_client_share_the_configured_node_ids_generator_so_their_ids_never_collide_6_2()
    {
        // The realtime clock stands still: two generators of one node id would mint the same ids.
        using var f = new TraceFixture(traced: true);
        (Producer p1, Consumer c1) = f.Pair(Options(trace: true, streamId: 10020));
        (Producer p2, Consumer c2) = f.Pair(Options(trace: true, streamId: 10021));
        for (int i = 0; i < 4; i++)
        {
            p1.TryOffer([1]);
            p2.TryOffer([2]);
        }
        ulong[] ids = [.. Receive(c1).Select(s => s.TraceId), .. Receive(c2).Select(s => s.TraceId)];
        Assert.That(ids, Has.Length.EqualTo(8).And.Unique);
        Assert.That(p1.Tracing!.Generator, Is.SameAs(p2.Tracing!.Generator));
    }

    [Test]
    public void Sets_the_control_stream_refuses_are_dropped_and_counted_and_the_pipeline_goes_on_5()
    {
        using var f = new TraceFixture(traced: true);
        (Producer producer, Consumer consumer) = f.Pair(Options(trace: true));
        f.Harness.Transport.FailOffersWith = PublicationStatus.Closed;
        Assert.That(producer.TryClaim(1, out FrameClaim claim), Is.True);
        producer.LinkTrace(ref claim, [11, 12]);
        producer.Commit(ref claim);
        f.Harness.Client.DoWork();
        f.Harness.Transport.FailOffersWith = null;

        Assert.That(f.Harness.Client.TraceLinks!.Counters.DroppedPublication, Is.EqualTo(1));
        Assert.That(f.Harness.Client.TraceLinks.Pending, Is.Zero);
        Assert.That(producer.TryOffer([1]), Is.True);
    }

    [Test]
    public void Traced_claims_N_to_1_links_the_conductors_drain_and_a_relay_allocate_nothing_in_steady_state_14_1()
    {
        using var f = new TraceFixture(traced: true);
        (Producer joined, Consumer input) = f.Pair(Options(trace: true, streamId: 10030));
        (Producer relayed, Consumer output) = f.Pair(Options(trace: false, streamId: 10031));
        var relay = new FrameRelay(input, relayed);
        ulong[] parents = [0x1111, 0x2222];
        var last = new LastTraceId(new ulong[1]);
        void Cycle()
        {
            f.Harness.Clock.Advance(TimeSpan.FromMilliseconds(10));
            if (joined.TryClaim(32, out FrameClaim claim))
            {
                parents[0]++;
                joined.LinkTrace(ref claim, parents);
                joined.Commit(ref claim);
            }
            f.Harness.Client.DoWork(); // drains the TraceLinkSet onto the control stream
            relay.Poll();
            output.Poll(ref last, 16);
        }
        for (int i = 0; i < 200; i++)
        {
            Cycle();
        }
        (long allocated, int windows) = SteadyState.AllocatedBytes(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                Cycle();
            }
        });

        Assert.That(allocated, Is.Zero, "bytes allocated by 1000 traced N→1 frames, drains and relays");
        long frames = 200 + (1000L * windows);
        Assert.That(f.Harness.Client.TraceLinks!.Counters.Published, Is.EqualTo(frames));
        Assert.That(relay.Relayed, Is.EqualTo(frames));
        Assert.That(last.Value[0], Is.Not.EqualTo(TraceId.Null));
    }

    private readonly struct LastTraceId(ulong[] value) : IFrameHandler
    {
        public ulong[] Value { get; } = value;

        public void OnFrame(in Frame frame) => Value[0] = frame.TraceId;
    }
}
