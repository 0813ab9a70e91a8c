using TensorPool.Consumers;
using TensorPool.JoinBarrier.Stage;
using TensorPool.Producers;
using static TensorPool.JoinBarrier.Tests.Stage.StageHarness;

namespace TensorPool.JoinBarrier.Tests.Stage;

/// <summary>The join stage over real shared memory on a loopback transport: what it publishes, when, and what it drops.</summary>
public class JoinStageTests
{
    private const uint A = 11;
    private const uint B = 12;
    private const uint Out = 20000;

    private static JoinStageOptions Options(JoinBarrierKind kind) => new()
    {
        Inputs = [A, B],
        Output = new ProducerOptions { StreamId = Out, HeaderNslots = 64 },
        Barrier = kind,
    };

    [Test]
    public void Sequence_stage_stacks_frame_out_seq_of_each_input_into_output_out_seq_7_1()
    {
        using var h = new StageHarness();
        using Producer a = h.Input(A);
        using Producer b = h.Input(B);
        using var stage = new JoinStage(h.Client, Options(JoinBarrierKind.Sequence));
        using Consumer consumer = h.Client.AddConsumer(Out); // subscribed before the output's first announce
        var handler = new Collector();
        h.Pump(stage, ref handler); // the inputs' consumers map their producers' regions
        for (int i = 0; i < 5; i++)
        {
            Publish(a);
        }
        for (int i = 0; i < 3; i++)
        {
            Publish(b);
        }
        h.Pump(stage, ref handler);
        Assert.That(stage.Output, Is.Not.Null, "both inputs delivered a frame: the output is sized and started");
        h.Pump(stage, ref handler);
        var meta = new List<(ulong Seq, int[] Dims)>();
        List<float[]> rows = Read(consumer, meta); // maps, then reads outputs 0-2
        Publish(b);
        Publish(b);
        h.Pump(stage, ref handler);
        rows.AddRange(Read(consumer, meta));

        Assert.Multiple(() =>
        {
            Assert.That(handler.Published.Select(p => p.Seq), Is.EqualTo(new ulong[] { 0, 1, 2, 3, 4 }), "B's frames 3 and 4 made outputs 3 and 4");
            Assert.That(handler.Presence, Is.EqualTo(new[] { "00", "11", "22", "33", "44" }));
            Assert.That(meta.Select(m => m.Seq), Is.EqualTo(new ulong[] { 0, 1, 2, 3, 4 }));
            Assert.That(meta[0].Dims, Is.EqualTo(new[] { 2, 4 }), "two float32 [4] inputs stack to float32 [2, 4]");
            Assert.That(rows[3], Is.EqualTo(new[] { Value(A, 3, 0), Value(A, 3, 1), Value(A, 3, 2), Value(A, 3, 3), Value(B, 3, 0), Value(B, 3, 1), Value(B, 3, 2), Value(B, 3, 3) }));
            Assert.That(stage.Counters.Outputs, Is.EqualTo(5));
            Assert.That(stage.GetInputCounters(1).Ready, Is.EqualTo(5));
        });
    }

    [Test]
    public void Sequence_stage_waits_for_the_input_behind_7_1()
    {
        using var h = new StageHarness();
        using Producer a = h.Input(A);
        using Producer b = h.Input(B);
        using var stage = new JoinStage(h.Client, Options(JoinBarrierKind.Sequence));
        var handler = new Collector();
        h.Pump(stage, ref handler); // the inputs' consumers map their producers' regions
        Publish(a);
        Publish(a);
        Publish(a);
        Publish(b);
        h.Pump(stage, ref handler);
        Assert.That(handler.Published.Select(p => p.Seq), Is.EqualTo(new ulong[] { 0 }));
        Assert.That(stage.LastStatus, Is.EqualTo(JoinStatus.NotReady));
    }

    [Test]
    public void An_input_frame_overwritten_before_the_read_drops_the_output_and_gives_its_sequence_up_7_2()
    {
        using var h = new StageHarness();
        using Producer a = h.Input(A, nslots: 4);
        using Producer b = h.Input(B);
        using var stage = new JoinStage(h.Client, Options(JoinBarrierKind.Sequence));
        var handler = new Collector();
        h.Pump(stage, ref handler); // the inputs' consumers map their producers' regions
        Publish(a);
        Publish(b);
        h.Pump(stage, ref handler); // output 0 made; the output starts
        for (int i = 0; i < 8; i++)
        {
            Publish(a); // A's 1..8: slot of 1 now holds 5
        }
        h.Pump(stage, ref handler);
        Publish(b); // B's 1: out_seq 1 is ready, but A's frame 1 is gone
        Publish(b);
        h.Pump(stage, ref handler);

        Assert.Multiple(() =>
        {
            Assert.That(handler.Published.Select(p => p.Seq), Is.EqualTo(new ulong[] { 0 }), "A's frames 1 and 2 were overwritten");
            Assert.That(stage.Counters.DroppedOutputs, Is.EqualTo(2));
            Assert.That(stage.Counters.SkippedSequences, Is.EqualTo(2));
            Assert.That(stage.GetInputCounters(0).Dropped, Is.EqualTo(2));
            Assert.That(stage.Output!.Counters.NextSeq, Is.EqualTo(3), "out_seq 1 and 2 given up, 3 is next");
        });
    }

    [Test]
    public void Latest_value_stage_makes_an_output_per_fresh_frame_from_each_input_s_latest_9_2()
    {
        using var h = new StageHarness();
        using Producer a = h.Input(A);
        using Producer b = h.Input(B);
        using var stage = new JoinStage(h.Client, Options(JoinBarrierKind.LatestValue));
        var handler = new Collector();
        h.Pump(stage, ref handler); // the inputs' consumers map their producers' regions
        Publish(a);
        h.Pump(stage, ref handler);
        Assert.That(handler.Published, Is.Empty, "B has no frame in its epoch yet (§9.1)");
        Publish(b);
        h.Pump(stage, ref handler);
        Publish(a);
        Publish(a);
        h.Pump(stage, ref handler);
        Assert.That(handler.Presence, Is.EqualTo(new[] { "00", "20" }), "A's latest (2) with B's latest (0)");
    }

    [Test]
    public void Timestamp_stage_paces_on_the_first_input_and_reads_the_frame_at_in_time_8_1()
    {
        using var h = new StageHarness();
        using Producer a = h.Input(A);
        using Producer b = h.Input(B);
        JoinStageOptions options = Options(JoinBarrierKind.Timestamp);
        options.LatenessNs = 15;
        using var stage = new JoinStage(h.Client, options);
        var handler = new Collector();
        h.Pump(stage, ref handler); // the inputs' consumers map their producers' regions
        Publish(b, 1000); // B 0 @1000
        Publish(a, 1000); // A 0 @1000
        h.Pump(stage, ref handler);
        Publish(b, 1020); // B 1 @1020
        Publish(a, 1010); // A 1 @1010: B's newest (1020) is past it; B's frame at or before 1010 is 0
        h.Pump(stage, ref handler);
        Publish(a, 1040); // A 2 @1040: B observed 1020 < 1040 - 15: not ready
        h.Pump(stage, ref handler);
        int before = handler.Published.Count;
        Publish(b, 1030); // B 2 @1030 >= 1025: ready; B's frame at or before 1040 is 2
        h.Pump(stage, ref handler);
        Assert.Multiple(() =>
        {
            Assert.That(before, Is.EqualTo(2));
            Assert.That(handler.Presence, Is.EqualTo(new[] { "00", "10", "22" }));
        });
    }
    [Test]
    public void A_restarted_input_restarts_the_output_with_a_new_epoch_and_its_fresh_map_6_4()
    {
        using var h = new StageHarness();
        using Producer a = h.Input(A);
        Producer b = h.Input(B);
        using var stage = new JoinStage(h.Client, Options(JoinBarrierKind.Sequence));
        var handler = new Collector();
        h.Pump(stage, ref handler);
        Publish(a);
        Publish(b);
        h.Pump(stage, ref handler);
        ulong firstEpoch = stage.Output!.Epoch;
        b.Dispose();
        using Producer restarted = h.Input(B); // a new epoch of B: its sequences start at 0 again
        h.Pump(stage, ref handler);
        Publish(a); // A's 1, then B's new 0: the restart is seen with A's newest at 1
        Publish(restarted);
        h.Pump(stage, ref handler);
        ulong secondEpoch = stage.Output!.Epoch;
        stage.Registry.GetSequence(Out, secondEpoch, out SequenceMergeMap? map, out _);
        SequenceMergeRule[] rules = map is null ? [] : map.Rules.ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(stage.Counters.OutputEpochs, Is.EqualTo(2));
            Assert.That(secondEpoch, Is.GreaterThan(firstEpoch));
            Assert.That(stage.Registry.GetState(MergeMapKind.Sequence, Out, secondEpoch), Is.EqualTo(MergeMapState.Valid), "its fresh map is published");
            Assert.That(rules, Is.EqualTo(new[] { SequenceMergeRule.ForOffset(A, 1), SequenceMergeRule.ForOffset(B, 0) }),
                "D225: A did not restart, its OFFSET 0 is anchored at its newest sequence; B's counts from its new 0");
            Assert.That(handler.Published.Select(p => (p.Epoch == firstEpoch, p.Seq)), Is.EqualTo(new[] { (true, 0UL), (false, 0UL) }));
            Assert.That(handler.Presence, Is.EqualTo(new[] { "00", "10" }), "out_seq 0 of the new epoch: A's 1 with B's new 0");
        });
    }

    [Test]
    public void A_sequence_join_resumes_after_an_input_restart_when_the_other_input_has_wrapped_its_ring_6_4_D225()
    {
        using var h = new StageHarness();
        using Producer a = h.Input(A, nslots: 16);
        Producer b = h.Input(B, nslots: 16);
        using var stage = new JoinStage(h.Client, Options(JoinBarrierKind.Sequence));
        var handler = new Collector();
        h.Pump(stage, ref handler);
        for (int i = 0; i < 40; i++)
        {
            Publish(a);
            Publish(b);
            h.Pump(stage, ref handler, cycles: 2);
        }
        int before = handler.Published.Count;
        b.Dispose();
        using Producer restarted = h.Input(B, nslots: 16);
        h.Pump(stage, ref handler);
        for (int i = 0; i < 5; i++)
        {
            Publish(a); // A's 40..44: its frames 0..4, which the unanchored OFFSET 0 would name, are long overwritten
            Publish(restarted);
            h.Pump(stage, ref handler, cycles: 2);
        }

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.EqualTo(40));
            Assert.That(stage.Counters.OutputEpochs, Is.EqualTo(2));
            Assert.That(handler.Published.Count - before, Is.EqualTo(5), "one output per new pair, nothing given up");
            Assert.That(handler.Presence.Skip(before), Is.EqualTo(new[] { "00", "11", "22", "33", "44" }), "A's 40..44 with B's new 0..4");
            Assert.That(stage.Counters.DroppedOutputs, Is.Zero);
        });
    }
}
