using TensorPool.Consumers;
using TensorPool.Frames;
using TensorPool.JoinBarrier.Stage;
using TensorPool.Producers;
using TensorPool.Sbe;
using TensorPool.Sbe.TraceLink;
using TensorPool.TraceLink;
using TensorPool.Transport;
using static TensorPool.JoinBarrier.Tests.Stage.StageHarness;

namespace TensorPool.JoinBarrier.Tests.Stage;

/// <summary>
/// The join stage as a traced N→1 stage (TraceLink §6.3, §9): each output frame's trace id is minted from the trace ids
/// of the input frames it was made from, and its TraceLinkSet reaches the control stream.
/// </summary>
public class JoinStageTraceTests
{
    private const uint A = 11;
    private const uint B = 12;
    private const uint Out = 20000;
    private const uint NodeId = 41;

    /// <summary>Inputs in the order B, A: the parents' order is the stage's input order, not the streams' or the ids'.</summary>
    private static JoinStageOptions Options(bool trace) => new()
    {
        Inputs = [B, A],
        Output = new ProducerOptions { StreamId = Out, HeaderNslots = 64, Trace = trace },
        Barrier = JoinBarrierKind.Sequence,
    };

    [Test]
    public void A_traced_join_output_gets_a_new_trace_id_and_a_TraceLinkSet_naming_its_inputs_in_input_order_TraceLink_6_3_9_2()
    {
        using var h = new StageHarness(NodeId);
        using ISubscription control = h.Transport.AddSubscription(h.Client.Options.Channel, h.Client.Options.ControlStreamId);
        using Producer a = h.Input(A, trace: true);
        using Producer b = h.Input(B, trace: true);
        using Consumer fromA = h.Client.AddConsumer(A);
        using Consumer fromB = h.Client.AddConsumer(B);
        using var stage = new JoinStage(h.Client, Options(trace: true));
        using Consumer output = h.Client.AddConsumer(Out);
        var handler = new Collector();
        h.Pump(stage, ref handler);
        Receive(fromA);
        Receive(fromB);
        for (int i = 0; i < 3; i++)
        {
            Publish(a); // A's frames first: their ids are the lower ones
        }
        for (int i = 0; i < 3; i++)
        {
            Publish(b);
        }
        h.Pump(stage, ref handler);
        h.Pump(stage, ref handler);
        Dictionary<ulong, ulong> traceA = Receive(fromA).ToDictionary(f => f.Seq, f => f.TraceId);
        Dictionary<ulong, ulong> traceB = Receive(fromB).ToDictionary(f => f.Seq, f => f.TraceId);
        List<(ulong Seq, ulong TraceId)> outputs = Receive(output);
        List<(uint Stream, ulong Epoch, ulong Seq, ulong TraceId, ulong[] Parents)> sets = Sets(control);

        Assert.That(handler.Published.Select(p => p.Seq), Is.EqualTo(new ulong[] { 0, 1, 2 }));
        Assert.That(outputs.Select(o => o.Seq), Is.EqualTo(new ulong[] { 0, 1, 2 }));
        Assert.That(sets, Has.Count.EqualTo(3), "one TraceLinkSet per output frame");
        for (int n = 0; n < 3; n++)
        {
            ulong seq = (ulong)n;
            ulong id = outputs[n].TraceId;
            Assert.Multiple(() =>
            {
                Assert.That(id, Is.Not.EqualTo(TraceId.Null).And.Not.EqualTo(traceA[seq]).And.Not.EqualTo(traceB[seq]), "§6.3: N→1 mints a new id");
                Assert.That(handler.Published[n].TraceId, Is.EqualTo(id), "the handler is told the output's trace id");
                Assert.That((sets[n].Stream, sets[n].Epoch, sets[n].Seq, sets[n].TraceId), Is.EqualTo((Out, stage.Output!.Epoch, seq, id)),
                    "§9.2: the set names the output frame's stream, epoch, seq and trace id");
                Assert.That(sets[n].Parents, Is.EqualTo(new[] { traceB[seq], traceA[seq] }), "§9.2: the inputs' ids, in input order (B, A)");
            });
        }
    }

    [Test]
    public void A_traced_join_output_reuses_its_only_traced_input_s_id_and_mints_a_root_with_none_6_3_8_1()
    {
        using var h = new StageHarness(NodeId);
        using ISubscription control = h.Transport.AddSubscription(h.Client.Options.Channel, h.Client.Options.ControlStreamId);
        using Producer a = h.Input(A, trace: true);
        using Producer b = h.Input(B, trace: false);
        using Consumer fromA = h.Client.AddConsumer(A);
        using var stage = new JoinStage(h.Client, Options(trace: true));
        using Consumer output = h.Client.AddConsumer(Out);
        var handler = new Collector();
        h.Pump(stage, ref handler);
        Receive(fromA);
        Publish(a);
        Publish(b);
        h.Pump(stage, ref handler);
        h.Pump(stage, ref handler);
        ulong idA = Receive(fromA).Single().TraceId;
        List<(ulong Seq, ulong TraceId)> outputs = Receive(output);

        Assert.Multiple(() =>
        {
            Assert.That(outputs, Is.EqualTo(new[] { (0UL, idA) }), "one traced parent: its id is reused, as in a 1→1 stage (D152)");
            Assert.That(Sets(control), Is.Empty, "§7: a TraceLinkSet only for more than one parent");
        });
    }

    [Test]
    public void A_traced_join_output_of_untraced_inputs_carries_a_root_id_never_0_8_1()
    {
        using var h = new StageHarness(NodeId);
        using Producer a = h.Input(A);
        using Producer b = h.Input(B);
        using var stage = new JoinStage(h.Client, Options(trace: true));
        using Consumer output = h.Client.AddConsumer(Out);
        var handler = new Collector();
        h.Pump(stage, ref handler);
        Publish(a);
        Publish(b);
        Publish(a);
        Publish(b);
        h.Pump(stage, ref handler);
        h.Pump(stage, ref handler);
        List<(ulong Seq, ulong TraceId)> outputs = Receive(output);

        Assert.That(outputs.Select(o => o.Seq), Is.EqualTo(new ulong[] { 0, 1 }));
        Assert.That(outputs.Select(o => o.TraceId), Is.All.Not.EqualTo(TraceId.Null), "§8.1: a traced stream never carries 0");
        Assert.That(outputs.Select(o => o.TraceId), Is.Unique, "§6.3: each root is a new id");
    }

    [Test]
    public void An_untraced_join_output_carries_no_trace_id_and_emits_no_TraceLinkSet_8_1()
    {
        using var h = new StageHarness(NodeId);
        using ISubscription control = h.Transport.AddSubscription(h.Client.Options.Channel, h.Client.Options.ControlStreamId);
        using Producer a = h.Input(A, trace: true);
        using Producer b = h.Input(B, trace: true);
        using var stage = new JoinStage(h.Client, Options(trace: false));
        using Consumer output = h.Client.AddConsumer(Out);
        var handler = new Collector();
        h.Pump(stage, ref handler);
        Publish(a);
        Publish(b);
        h.Pump(stage, ref handler);
        h.Pump(stage, ref handler);

        Assert.That(Receive(output), Is.EqualTo(new[] { (0UL, TraceId.Null) }));
        Assert.That(Sets(control), Is.Empty);
    }

    [Test]
    public void A_traced_join_stage_mints_and_queues_its_links_without_allocating_in_steady_state_TraceLink_5_14_1()
    {
        using var h = new StageHarness(NodeId);
        using Producer a = h.Input(A, trace: true);
        using Producer b = h.Input(B, trace: true);
        using var stage = new JoinStage(h.Client, Options(trace: true));
        var handler = new Stacker();
        void Cycle()
        {
            Offer(a);
            Offer(b);
            h.Client.DoWork(); // the conductor drains the queued TraceLinkSets onto the control stream
            stage.DoWork(ref handler);
        }
        for (int i = 0; i < 5_000; i++)
        {
            Cycle(); // start-up: the output starts, its map is published, code tiers up
        }
        long before = stage.Counters.Outputs;
        (long bytes, int windows) = Testing.SteadyState.AllocatedBytes(() =>
        {
            for (int i = 0; i < 20_000; i++)
            {
                Cycle();
            }
        });
        Assert.That(bytes, Is.Zero, $"allocated over {windows} window(s)");
        Assert.That(stage.Counters.Outputs - before, Is.GreaterThan(10_000), "the measured cycles made outputs");
        Assert.That(h.Client.TraceLinks!.Counters.Enqueued, Is.GreaterThan(10_000), "and queued their TraceLinkSets");
    }

    /// <summary>A float32 [4] frame, published without the assertions of <see cref="StageHarness.Publish"/> (which allocate).</summary>
    private static void Offer(Producer producer)
    {
        if (producer.TryClaim(16, out FrameClaim claim))
        {
            claim.SetTensor(Sbe.Wire.Dtype.Float32, [4]);
            producer.Commit(ref claim);
        }
    }

    private static List<(ulong Seq, ulong TraceId)> Receive(Consumer consumer)
    {
        var seen = new List<(ulong, ulong)>();
        while (consumer.Poll((in Frame f) => seen.Add((f.Seq, f.TraceId)), 64) > 0)
        {
        }
        return seen;
    }

    private static List<(uint Stream, ulong Epoch, ulong Seq, ulong TraceId, ulong[] Parents)> Sets(ISubscription control)
    {
        var sets = new List<(uint, ulong, ulong, ulong, ulong[])>();
        var reader = new TraceLinkSetReader();
        while (control.Poll(m =>
        {
            if (SbeMessageHeader.TryRead(m, out SbeMessageHeader header) && header.SchemaId == TraceLinkSetDecoder.SchemaId)
            {
                Assert.That(reader.TryRead(m, out TraceLinkSetDecoder set, out TraceLinkRejectReason reason), Is.True, reason.ToString());
                sets.Add((set.StreamId, set.Epoch, set.Seq, set.TraceId, reader.Parents.ToArray()));
            }
        }, 1000) > 0)
        {
        }
        return sets;
    }

    /// <summary>Stacks the inputs and records nothing (a handler that allocates nothing).</summary>
    private readonly struct Stacker : IJoinHandler
    {
        public int OutputLength(in JoinFrames inputs) => StackedOutput.Length(in inputs);

        public void WriteOutput(in JoinFrames inputs, ref FrameClaim output) => StackedOutput.Write(in inputs, ref output);

        public void OnPublished(in JoinOutput output)
        {
        }
    }
}
