using TensorPool.JoinBarrier;
using TensorPool.Sbe.JoinBarrier;
using TensorPool.Time;
using static TensorPool.JoinBarrier.Tests.Maps;

namespace TensorPool.JoinBarrier.Tests;

/// <summary>LatestValueJoinBarrier (§9): as-of readiness, selection, validation, epochs, staleness.</summary>
public class LatestValueJoinBarrierTests
{
    private static LatestValueJoinBarrier Latest(SequenceMergeMap map, JoinBarrierOptions? options = null)
    {
        var registry = new MergeMapRegistry();
        registry.Apply(map);
        var barrier = new LatestValueJoinBarrier(registry, map.OutStreamId, options: options);
        barrier.SetOutputEpoch(map.Epoch);
        return barrier;
    }

    private static LatestValueJoinBarrier LatestByTime(TimestampMergeMap map)
    {
        var registry = new MergeMapRegistry();
        registry.Apply(map);
        var barrier = new LatestValueJoinBarrier(registry, map.OutStreamId, MergeMapKind.Timestamp, LatestValueOrdering.Timestamp);
        barrier.SetOutputEpoch(map.Epoch);
        return barrier;
    }

    [Test]
    public void Ready_when_each_required_input_has_an_observation_in_its_current_epoch_9_1()
    {
        LatestValueJoinBarrier barrier = Latest(Sequence(SequenceMergeRule.ForOffset(A, 0), SequenceMergeRule.ForOffset(B, 0)));
        var validator = new ScriptedValidator();
        barrier.Observe(A, Seq(3));
        Assert.That(barrier.Check(ref validator).Status, Is.EqualTo(JoinStatus.NotReady));
        Assert.That(barrier.Input(B).Reason, Is.EqualTo(JoinInputReason.NoObservation));
        barrier.Observe(B, Seq(1000));
        Assert.That(barrier.Check(ref validator).IsReady, Is.True, "no alignment of sequences is required");
    }

    [Test]
    public void Required_inputs_come_from_the_active_map_and_its_parameters_are_ignored_9_1()
    {
        LatestValueJoinBarrier barrier = Latest(Sequence(SequenceMergeRule.ForWindow(A, 1000), SequenceMergeRule.ForOffset(B, -50)));
        var validator = new ScriptedValidator();
        barrier.Observe(A, Seq(0));
        barrier.Observe(B, Seq(0));
        barrier.Observe(C, Seq(0)); // not in the map: not required
        Assert.That(barrier.Check(ref validator).IsReady, Is.True);
        Assert.That(barrier.Inputs.ToArray().Select(i => i.StreamId), Is.EqualTo(new[] { A, B }));
    }

    [Test]
    public void Selects_the_most_recent_frame_by_sequence_9_2()
    {
        LatestValueJoinBarrier barrier = Latest(Sequence(SequenceMergeRule.ForOffset(A, 0)));
        var validator = new ScriptedValidator();
        barrier.Observe(A, Seq(4));
        barrier.Observe(A, Seq(9));
        barrier.Observe(A, Seq(7));
        Assert.That(barrier.Check(ref validator).IsReady, Is.True);
        Assert.That(validator.Seen, Is.EqualTo(new[] { (A, 1ul, 9ul) }));
        Assert.That(barrier.Input(A).RangeStart, Is.EqualTo(9));
    }

    [Test]
    public void Selects_the_frame_with_the_newest_timestamp_when_ordering_by_time_9_2()
    {
        LatestValueJoinBarrier barrier = LatestByTime(Timestamp(TimestampMergeRule.ForOffset(A, 0, TimestampSource.FrameDescriptor)));
        var validator = new ScriptedValidator();
        barrier.Observe(A, Descriptor(1, 100));
        barrier.Observe(A, Descriptor(2, 300));
        barrier.Observe(A, Descriptor(3, null)); // newest by sequence, but without a time
        Assert.That(barrier.Check(ref validator).IsReady, Is.True);
        Assert.That(validator.Seen.Single().Seq, Is.EqualTo(2));
    }

    [Test]
    public void Timestamp_ordering_needs_a_timestamp_map_for_its_clock_domain_9_2()
    {
        Assert.Throws<ArgumentException>(() => _ = new LatestValueJoinBarrier(new MergeMapRegistry(), Out, MergeMapKind.Sequence, LatestValueOrdering.Timestamp));
    }

    [Test]
    public void Timestamp_ordering_rejects_an_input_in_another_clock_domain_9_2()
    {
        LatestValueJoinBarrier barrier = LatestByTime(Timestamp(TimestampMergeRule.ForOffset(A, 0), TimestampMergeRule.ForOffset(B, 0)));
        var validator = new ScriptedValidator();
        barrier.Observe(A, Slot(0, 10));
        barrier.Observe(B, Slot(0, 10, domain: ClockDomain.RealtimeSynced));
        JoinResult result = barrier.Check(ref validator);
        Assert.That(result.Status, Is.EqualTo(JoinStatus.Rejected));
        Assert.That(barrier.Input(B).Reason, Is.EqualTo(JoinInputReason.ClockDomainMismatch));
    }

    [Test]
    public void An_overwritten_selected_frame_makes_its_input_absent_and_the_tick_not_ready_9_1()
    {
        LatestValueJoinBarrier barrier = Latest(Sequence(SequenceMergeRule.ForOffset(A, 0), SequenceMergeRule.ForOffset(B, 0)));
        var validator = new ScriptedValidator().Invalid(B, 5);
        barrier.Observe(A, Seq(1));
        barrier.Observe(B, Seq(5));
        JoinResult result = barrier.Check(ref validator);
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JoinStatus.NotReady));
            Assert.That(result.Invalid, Is.EqualTo(1));
            Assert.That(barrier.Input(B).State, Is.EqualTo(JoinInputState.Invalid));
            Assert.That(barrier.Input(B).IsAbsent, Is.True);
            Assert.That(barrier.Input(B).Reason, Is.EqualTo(JoinInputReason.ValidationFailed));
            Assert.That(barrier.Counters.ValidationFailures, Is.EqualTo(1));
        });
        barrier.Observe(B, Seq(6)); // retried on a later tick with the newer frame
        Assert.That(barrier.Check(ref validator).IsReady, Is.True);
    }

    [Test]
    public void Each_selected_frame_is_validated_once_per_check_never_retried_7_2_9_3()
    {
        LatestValueJoinBarrier barrier = Latest(Sequence(SequenceMergeRule.ForOffset(A, 0), SequenceMergeRule.ForOffset(B, 0)));
        var validator = new ScriptedValidator().Invalid(A, 1);
        barrier.Observe(A, Seq(1));
        barrier.Observe(B, Seq(1));
        barrier.Check(ref validator);
        Assert.That(validator.Calls, Is.EqualTo(2));
    }

    [Test]
    public void Never_uses_a_frame_of_an_earlier_epoch_9_1()
    {
        LatestValueJoinBarrier barrier = Latest(Sequence(SequenceMergeRule.ForOffset(A, 0)));
        var validator = new ScriptedValidator();
        barrier.Observe(A, Seq(50, epoch: 1));
        barrier.Observe(A, Seq(0, epoch: 2));
        barrier.Observe(A, Seq(60, epoch: 1)); // a late descriptor of the old epoch
        Assert.That(barrier.Check(ref validator).IsReady, Is.True);
        Assert.That(validator.Seen, Is.EqualTo(new[] { (A, 2ul, 0ul) }));
    }

    [Test]
    public void A_stale_input_is_absent_not_validated_and_the_others_proceed_A_5_1()
    {
        var clock = new ManualClock();
        LatestValueJoinBarrier barrier = Latest(Sequence(60_000, SequenceMergeRule.ForOffset(A, 0), SequenceMergeRule.ForOffset(B, 0)), new JoinBarrierOptions { Clock = clock });
        var validator = new ScriptedValidator();
        barrier.Observe(B, Seq(0)); // the slow configuration stream
        clock.AdvanceNanos(60_001);
        barrier.Observe(A, Seq(100));
        JoinResult result = barrier.Check(ref validator);
        Assert.That(result.IsReady, Is.True);
        Assert.That(barrier.Input(B).State, Is.EqualTo(JoinInputState.Stale));
        Assert.That(validator.Seen, Is.EqualTo(new[] { (A, 1ul, 100ul) }));
    }

    [Test]
    public void Blocked_without_a_map_for_the_output_epoch_7_3()
    {
        var barrier = new LatestValueJoinBarrier(new MergeMapRegistry(), Out);
        barrier.SetOutputEpoch(Epoch);
        barrier.Observe(A, Seq(1));
        var validator = new ScriptedValidator();
        Assert.That(barrier.Check(ref validator).Status, Is.EqualTo(JoinStatus.NoMap));
        Assert.That(validator.Calls, Is.Zero);
    }

    [Test]
    public void Takes_its_inputs_from_a_timestamp_map_when_told_to()
    {
        var registry = new MergeMapRegistry();
        registry.Apply(Timestamp(TimestampMergeRule.ForWindow(B, 5)));
        var barrier = new LatestValueJoinBarrier(registry, Out, MergeMapKind.Timestamp);
        barrier.SetOutputEpoch(Epoch);
        barrier.Observe(B, Seq(2));
        var validator = new AcceptAll();
        Assert.That(barrier.Check(ref validator).IsReady, Is.True);
    }
}
