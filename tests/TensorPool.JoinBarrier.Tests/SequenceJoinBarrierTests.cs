using TensorPool.JoinBarrier;
using TensorPool.Time;
using static TensorPool.JoinBarrier.Tests.Maps;

namespace TensorPool.JoinBarrier.Tests;

/// <summary>SequenceJoinBarrier (§6.2, §6.4, §7): every rule, every not-ready edge, epochs, maps and staleness.</summary>
public class SequenceJoinBarrierTests
{
    [Test]
    public void Ready_when_every_observed_cursor_reaches_required_in_seq_7_1()
    {
        SequenceJoinBarrier barrier = Barrier(Sequence(SequenceMergeRule.ForOffset(A, 0), SequenceMergeRule.ForOffset(B, 0)));
        barrier.Observe(A, Seq(5));
        Assert.That(barrier.Check(5).Status, Is.EqualTo(JoinStatus.NotReady));
        Assert.That(barrier.Input(B).Reason, Is.EqualTo(JoinInputReason.NoObservation));
        barrier.Observe(B, Seq(4));
        Assert.That(barrier.Check(5).Status, Is.EqualTo(JoinStatus.NotReady));
        Assert.That(barrier.Input(B).Reason, Is.EqualTo(JoinInputReason.Behind));
        Assert.That(barrier.Input(A).State, Is.EqualTo(JoinInputState.Ready));
        barrier.Observe(B, Seq(5));
        JoinResult result = barrier.Check(5);
        Assert.That(result.IsReady, Is.True);
        Assert.That(result.Ready, Is.EqualTo(2));
    }

    [Test]
    public void Observed_cursor_is_the_highest_sequence_observed_4()
    {
        SequenceJoinBarrier barrier = Barrier(Sequence(SequenceMergeRule.ForOffset(A, 0)));
        barrier.Observe(A, Seq(9));
        barrier.Observe(A, Seq(3)); // a late descriptor does not move the cursor back
        Assert.That(barrier.Check(9).IsReady, Is.True);
        Assert.That(barrier.Input(A).ObservedSeq, Is.EqualTo(9));
    }

    [Test]
    public void Negative_offset_is_not_ready_until_out_seq_reaches_minus_offset_6_2_1()
    {
        SequenceJoinBarrier barrier = Barrier(Sequence(SequenceMergeRule.ForOffset(A, -3)));
        barrier.Observe(A, Seq(100));
        Assert.Multiple(() =>
        {
            Assert.That(barrier.Check(0).Status, Is.EqualTo(JoinStatus.NotReady));
            Assert.That(barrier.Check(2).Status, Is.EqualTo(JoinStatus.NotReady));
            Assert.That(barrier.Input(A).Reason, Is.EqualTo(JoinInputReason.BeforeOffset));
            Assert.That(barrier.Check(3).IsReady, Is.True, "out_seq == -offset: in_seq 0");
            Assert.That(barrier.Input(A).RangeStart, Is.Zero);
        });
    }

    [Test]
    public void Negative_offset_requires_the_input_sequence_offset_below_out_seq_6_2_1()
    {
        SequenceJoinBarrier barrier = Barrier(Sequence(SequenceMergeRule.ForOffset(A, 0), SequenceMergeRule.ForOffset(B, -2)));
        barrier.Observe(A, Seq(10));
        barrier.Observe(B, Seq(7));
        Assert.That(barrier.Check(10).Status, Is.EqualTo(JoinStatus.NotReady));
        Assert.That(barrier.Input(B).RangeEnd, Is.EqualTo(8));
        barrier.Observe(B, Seq(8));
        Assert.That(barrier.Check(10).IsReady, Is.True);
    }

    [Test]
    public void Positive_offset_requires_a_later_input_sequence_6_2_1()
    {
        SequenceJoinBarrier barrier = Barrier(Sequence(SequenceMergeRule.ForOffset(A, 2)));
        barrier.Observe(A, Seq(6));
        Assert.That(barrier.Check(5).Status, Is.EqualTo(JoinStatus.NotReady));
        barrier.Observe(A, Seq(7));
        Assert.That(barrier.Check(5).IsReady, Is.True);
    }

    [Test]
    public void Offset_beyond_the_sequence_space_is_never_ready()
    {
        SequenceJoinBarrier barrier = Barrier(Sequence(SequenceMergeRule.ForOffset(A, 5)));
        barrier.Observe(A, Seq(ulong.MaxValue));
        Assert.That(barrier.Check(ulong.MaxValue - 4).Status, Is.EqualTo(JoinStatus.NotReady));
        Assert.That(barrier.Input(A).Reason, Is.EqualTo(JoinInputReason.Unreachable));
        Assert.That(barrier.Check(ulong.MaxValue - 5).IsReady, Is.True);
    }

    [Test]
    public void Window_is_not_ready_while_out_seq_plus_one_is_below_N_6_2_2()
    {
        SequenceJoinBarrier barrier = Barrier(Sequence(SequenceMergeRule.ForWindow(A, 5)));
        barrier.Observe(A, Seq(50));
        Assert.Multiple(() =>
        {
            Assert.That(barrier.Check(0).Status, Is.EqualTo(JoinStatus.NotReady));
            Assert.That(barrier.Check(3).Status, Is.EqualTo(JoinStatus.NotReady));
            Assert.That(barrier.Input(A).Reason, Is.EqualTo(JoinInputReason.WindowNotFull));
            Assert.That(barrier.Check(4).IsReady, Is.True, "out_seq + 1 == N");
            Assert.That((barrier.Input(A).RangeStart, barrier.Input(A).RangeEnd), Is.EqualTo((0ul, 4ul)));
        });
    }

    [Test]
    public void Window_readiness_uses_only_the_upper_bound_6_2_2()
    {
        SequenceJoinBarrier barrier = Barrier(Sequence(SequenceMergeRule.ForWindow(A, 5)));
        barrier.Observe(A, Seq(9));
        Assert.That(barrier.Check(10).Status, Is.EqualTo(JoinStatus.NotReady));
        Assert.That(barrier.Input(A).Reason, Is.EqualTo(JoinInputReason.Behind));
        // Only out_seq itself was observed: the rest of the window may be missing; the stage tolerates that.
        var late = Barrier(Sequence(SequenceMergeRule.ForWindow(A, 5)));
        late.Observe(A, Seq(10));
        Assert.That(late.Check(10).IsReady, Is.True);
        Assert.That((late.Input(A).RangeStart, late.Input(A).RangeEnd), Is.EqualTo((6ul, 10ul)));
    }

    [Test]
    public void Window_of_one_is_out_seq_itself_6_2_2()
    {
        SequenceJoinBarrier barrier = Barrier(Sequence(SequenceMergeRule.ForWindow(A, 1)));
        barrier.Observe(A, Seq(0));
        Assert.That(barrier.Check(0).IsReady, Is.True);
        Assert.That(barrier.Check(1).Status, Is.EqualTo(JoinStatus.NotReady));
    }

    [Test]
    public void Processed_cursor_must_reach_required_in_seq_when_configured_7_1()
    {
        SequenceJoinBarrier barrier = Barrier(Sequence(SequenceMergeRule.ForOffset(A, 0)), new JoinBarrierOptions { RequireProcessed = true });
        barrier.Observe(A, Seq(5));
        Assert.That(barrier.Check(5).Status, Is.EqualTo(JoinStatus.NotReady));
        Assert.That(barrier.Input(A).Reason, Is.EqualTo(JoinInputReason.NotProcessed));
        barrier.MarkProcessed(A, Seq(4));
        Assert.That(barrier.Check(5).Status, Is.EqualTo(JoinStatus.NotReady));
        barrier.MarkProcessed(A, Seq(5));
        Assert.That(barrier.Check(5).IsReady, Is.True);
    }

    [Test]
    public void Processed_cursor_is_not_required_unless_configured_7_1()
    {
        SequenceJoinBarrier barrier = Barrier(Sequence(SequenceMergeRule.ForOffset(A, 0)));
        barrier.Observe(A, Seq(5));
        Assert.That(barrier.Check(5).IsReady, Is.True);
    }

    [Test]
    public void Processed_frames_of_another_epoch_do_not_count()
    {
        SequenceJoinBarrier barrier = Barrier(Sequence(SequenceMergeRule.ForOffset(A, 0)), new JoinBarrierOptions { RequireProcessed = true });
        barrier.Observe(A, Seq(5, epoch: 2));
        Assert.That(barrier.MarkProcessed(A, Seq(5, epoch: 1)), Is.False);
        Assert.That(barrier.Check(5).Status, Is.EqualTo(JoinStatus.NotReady));
    }

    [Test]
    public void No_map_for_the_output_epoch_blocks_7_3()
    {
        var registry = new MergeMapRegistry();
        var barrier = new SequenceJoinBarrier(registry, Out);
        Assert.That(barrier.Check(0).Status, Is.EqualTo(JoinStatus.NoOutputEpoch));
        barrier.SetOutputEpoch(Epoch);
        barrier.Observe(A, Seq(10));
        Assert.That(barrier.Check(0).Status, Is.EqualTo(JoinStatus.NoMap));
        Assert.That(barrier.Inputs.IsEmpty, Is.True);
        Assert.That(barrier.Counters.Blocked, Is.EqualTo(2));
    }

    [Test]
    public void A_matching_announce_resumes_readiness_7_3()
    {
        var registry = new MergeMapRegistry();
        var barrier = new SequenceJoinBarrier(registry, Out);
        barrier.SetOutputEpoch(Epoch);
        barrier.Observe(A, Seq(10)); // observations before the map count once it arrives
        Assert.That(barrier.Check(3).Status, Is.EqualTo(JoinStatus.NoMap));
        registry.Offer(Sequence(SequenceMergeRule.ForOffset(A, 0)).ToArray());
        Assert.That(barrier.Check(3).IsReady, Is.True);
    }

    [Test]
    public void A_map_of_another_output_or_epoch_does_not_apply_6_4()
    {
        var registry = new MergeMapRegistry();
        registry.Apply(new SequenceMergeMap(Out, Epoch + 1, [SequenceMergeRule.ForOffset(A, 0)]));
        registry.Apply(new SequenceMergeMap(Out + 1, Epoch, [SequenceMergeRule.ForOffset(A, 0)]));
        var barrier = new SequenceJoinBarrier(registry, Out);
        barrier.SetOutputEpoch(Epoch);
        barrier.Observe(A, Seq(10));
        Assert.That(barrier.Check(3).Status, Is.EqualTo(JoinStatus.NoMap));
    }

    [Test]
    public void An_output_epoch_change_requires_a_fresh_map_6_4()
    {
        var registry = new MergeMapRegistry();
        registry.Apply(Sequence(SequenceMergeRule.ForOffset(A, 0)));
        var barrier = new SequenceJoinBarrier(registry, Out);
        barrier.SetOutputEpoch(Epoch);
        barrier.Observe(A, Seq(10));
        Assert.That(barrier.Check(3).IsReady, Is.True);

        barrier.SetOutputEpoch(Epoch + 1); // the output producer restarted
        Assert.That(barrier.Check(3).Status, Is.EqualTo(JoinStatus.NoMap));
        registry.Apply(new SequenceMergeMap(Out, Epoch + 1, [SequenceMergeRule.ForOffset(A, 0)]));
        Assert.That(barrier.Check(3).IsReady, Is.True);
    }

    [Test]
    public void A_map_change_invalidates_readiness_under_the_old_map_6_4()
    {
        var registry = new MergeMapRegistry();
        registry.Apply(Sequence(SequenceMergeRule.ForOffset(A, 0)));
        var barrier = new SequenceJoinBarrier(registry, Out);
        barrier.SetOutputEpoch(Epoch);
        barrier.Observe(A, Seq(5));
        barrier.Observe(B, Seq(1));
        Assert.That(barrier.Check(5).IsReady, Is.True);

        registry.Apply(Sequence(SequenceMergeRule.ForOffset(A, 0), SequenceMergeRule.ForOffset(B, 0)));
        Assert.That(barrier.Check(5).Status, Is.EqualTo(JoinStatus.NotReady), "the new map requires B too");
        Assert.That(barrier.Input(B).Reason, Is.EqualTo(JoinInputReason.Behind));
        Assert.That(barrier.Counters.MapsApplied, Is.EqualTo(2));
    }

    [Test]
    public void An_invalid_map_blocks_readiness_until_a_valid_one_replaces_it_6_2()
    {
        var registry = new MergeMapRegistry();
        registry.Apply(Sequence(SequenceMergeRule.ForOffset(A, 0)));
        var barrier = new SequenceJoinBarrier(registry, Out);
        barrier.SetOutputEpoch(Epoch);
        barrier.Observe(A, Seq(5));
        Assert.That(barrier.Check(5).IsReady, Is.True);

        registry.Offer(MergeMapRegistryTests.Encode(Out, Epoch, new SequenceMergeRule(A, Sbe.JoinBarrier.MergeRuleType.Window, null, null)));
        Assert.That(barrier.Check(5).Status, Is.EqualTo(JoinStatus.MapInvalid));
        Assert.That(barrier.MapRejection.Reason, Is.EqualTo(MergeMapRejectReason.MissingParameter));

        registry.Offer(MergeMapRegistryTests.Encode(Out, Epoch, SequenceMergeRule.ForWindow(A, 0)));
        Assert.That(barrier.Check(5).Status, Is.EqualTo(JoinStatus.MapInvalid), "a zero window is no better");

        registry.Offer(Sequence(SequenceMergeRule.ForWindow(A, 2)).ToArray());
        Assert.That(barrier.Check(5).IsReady, Is.True);
    }

    [Test]
    public void The_same_map_reapplied_after_an_invalid_one_binds_again()
    {
        SequenceMergeMap map = Sequence(SequenceMergeRule.ForOffset(A, 0));
        var registry = new MergeMapRegistry();
        registry.Apply(map);
        var barrier = new SequenceJoinBarrier(registry, Out);
        barrier.SetOutputEpoch(Epoch);
        barrier.Observe(A, Seq(5));
        Assert.That(barrier.Check(5).IsReady, Is.True);
        registry.Offer(MergeMapRegistryTests.Encode(Out, Epoch));
        Assert.That(barrier.Check(5).Status, Is.EqualTo(JoinStatus.MapInvalid));
        registry.Apply(map);
        Assert.That(barrier.Check(5).IsReady, Is.True);
    }

    [Test]
    public void A_stale_input_is_absent_and_the_others_proceed_7_4()
    {
        var clock = new ManualClock();
        SequenceJoinBarrier barrier = Barrier(Sequence(1_000_000, SequenceMergeRule.ForOffset(A, 0), SequenceMergeRule.ForOffset(B, 0)),
            new JoinBarrierOptions { Clock = clock });
        barrier.Observe(B, Seq(0));
        clock.AdvanceNanos(1_000_000);
        barrier.Observe(A, Seq(1));
        Assert.That(barrier.Check(1).Status, Is.EqualTo(JoinStatus.NotReady), "B is behind but observed exactly staleTimeoutNs ago: not stale yet");
        clock.AdvanceNanos(1);
        JoinResult result = barrier.Check(1);
        Assert.Multiple(() =>
        {
            Assert.That(result.IsReady, Is.True);
            Assert.That((result.Ready, result.Stale, result.Absent), Is.EqualTo((1, 1, 1)));
            Assert.That(barrier.Input(B).State, Is.EqualTo(JoinInputState.Stale));
            Assert.That(barrier.Input(B).IsAbsent, Is.True);
            Assert.That(barrier.Input(B).Reason, Is.EqualTo(JoinInputReason.Behind));
            Assert.That(barrier.Counters.StaleAbsences, Is.EqualTo(1));
        });
        barrier.Observe(B, Seq(1));
        Assert.That(barrier.Check(1).Stale, Is.Zero, "a new frame makes it fresh again");
    }

    [Test]
    public void Without_a_stale_timeout_a_missing_input_blocks_7_4()
    {
        var clock = new ManualClock();
        SequenceJoinBarrier barrier = Barrier(Sequence(SequenceMergeRule.ForOffset(A, 0), SequenceMergeRule.ForOffset(B, 0)), new JoinBarrierOptions { Clock = clock });
        barrier.Observe(A, Seq(1));
        clock.Advance(TimeSpan.FromDays(1));
        Assert.That(barrier.Check(1).Status, Is.EqualTo(JoinStatus.NotReady));
        Assert.That(barrier.Input(B).State, Is.EqualTo(JoinInputState.Waiting));
    }

    [Test]
    public void A_stale_input_whose_rule_holds_stays_ready_D164()
    {
        var clock = new ManualClock();
        SequenceJoinBarrier barrier = Barrier(Sequence(1_000, SequenceMergeRule.ForOffset(A, 0), SequenceMergeRule.ForOffset(B, -10)), new JoinBarrierOptions { Clock = clock });
        barrier.Observe(B, Seq(5));
        clock.AdvanceNanos(5_000);
        barrier.Observe(A, Seq(15));
        JoinResult result = barrier.Check(15);
        Assert.That(result.IsReady, Is.True);
        Assert.That(result.Stale, Is.Zero);
        Assert.That(barrier.Input(B).State, Is.EqualTo(JoinInputState.Ready));
    }

    [Test]
    public void A_never_observed_input_is_stale_once_the_timeout_passed_since_the_map_applied_D164()
    {
        var clock = new ManualClock();
        SequenceJoinBarrier barrier = Barrier(Sequence(1_000, SequenceMergeRule.ForOffset(A, 0), SequenceMergeRule.ForOffset(B, 0)), new JoinBarrierOptions { Clock = clock });
        barrier.Observe(A, Seq(0));
        Assert.That(barrier.Check(0).Status, Is.EqualTo(JoinStatus.NotReady)); // the map applies now
        clock.AdvanceNanos(1_001);
        barrier.Observe(A, Seq(1));
        JoinResult result = barrier.Check(1);
        Assert.That(result.IsReady, Is.True);
        Assert.That(barrier.Input(B).Reason, Is.EqualTo(JoinInputReason.NoObservation));
        Assert.That(barrier.Input(B).State, Is.EqualTo(JoinInputState.Stale));
    }

    [Test]
    public void All_inputs_stale_is_not_ready_D164()
    {
        var clock = new ManualClock();
        SequenceJoinBarrier barrier = Barrier(Sequence(1_000, SequenceMergeRule.ForOffset(A, 0)), new JoinBarrierOptions { Clock = clock });
        barrier.Observe(A, Seq(0));
        clock.AdvanceNanos(10_000);
        JoinResult result = barrier.Check(1);
        Assert.That(result.Status, Is.EqualTo(JoinStatus.NotReady));
        Assert.That(result.Stale, Is.EqualTo(1));
    }

    [Test]
    public void A_new_input_epoch_starts_its_cursor_again_D162()
    {
        SequenceJoinBarrier barrier = Barrier(Sequence(SequenceMergeRule.ForOffset(A, 0)));
        barrier.Observe(A, Seq(100, epoch: 1));
        Assert.That(barrier.Check(50).IsReady, Is.True);
        barrier.Observe(A, Seq(0, epoch: 2));
        Assert.That(barrier.Check(50).Status, Is.EqualTo(JoinStatus.NotReady));
        Assert.That(barrier.Input(A).Epoch, Is.EqualTo(2));
        Assert.That(barrier.Input(A).ObservedSeq, Is.Zero);
        Assert.That(barrier.Counters.InputEpochChanges, Is.EqualTo(1));
    }

    [Test]
    public void Observations_of_an_older_input_epoch_are_ignored_D162()
    {
        SequenceJoinBarrier barrier = Barrier(Sequence(SequenceMergeRule.ForOffset(A, 0)));
        barrier.Observe(A, Seq(1, epoch: 2));
        Assert.That(barrier.Observe(A, Seq(100, epoch: 1)), Is.False);
        Assert.That(barrier.Check(50).Status, Is.EqualTo(JoinStatus.NotReady));
        Assert.That(barrier.Counters.OldEpochObservations, Is.EqualTo(1));
    }

    [Test]
    public void Every_rule_naming_an_input_must_hold_D160()
    {
        SequenceJoinBarrier barrier = Barrier(Sequence(SequenceMergeRule.ForOffset(A, 0), SequenceMergeRule.ForOffset(A, 2)));
        barrier.Observe(A, Seq(6));
        Assert.That(barrier.Check(5).Status, Is.EqualTo(JoinStatus.NotReady));
        Assert.That(barrier.Inputs.Length, Is.EqualTo(1), "one input, two rules");
        Assert.That((barrier.Input(A).RangeStart, barrier.Input(A).RangeEnd), Is.EqualTo((5ul, 7ul)));
        barrier.Observe(A, Seq(7));
        Assert.That(barrier.Check(5).IsReady, Is.True);
    }

    [Test]
    public void Observations_of_more_streams_than_the_barrier_tracks_are_counted_and_dropped()
    {
        SequenceJoinBarrier barrier = Barrier(Sequence(SequenceMergeRule.ForOffset(A, 0)), new JoinBarrierOptions { MaxInputs = 2 });
        barrier.Check(0); // binds A
        Assert.That(barrier.Observe(B, Seq(1)), Is.True);
        Assert.That(barrier.Observe(C, Seq(1)), Is.False);
        Assert.That(barrier.Counters.ObservationsOverCapacity, Is.EqualTo(1));
    }

    [Test]
    public void A_map_naming_more_inputs_than_the_barrier_tracks_is_refused()
    {
        SequenceJoinBarrier barrier = Barrier(Sequence(SequenceMergeRule.ForOffset(A, 0), SequenceMergeRule.ForOffset(B, 0), SequenceMergeRule.ForOffset(C, 0)),
            new JoinBarrierOptions { MaxInputs = 2 });
        Assert.That(barrier.Check(0).Status, Is.EqualTo(JoinStatus.MapInvalid));
        Assert.That(barrier.MapRejection.Reason, Is.EqualTo(MergeMapRejectReason.TooManyInputs));
        Assert.That(barrier.Counters.MapsRefused, Is.EqualTo(1));
    }

    [Test]
    public void A_result_nobody_computed_is_never_ready()
    {
        Assert.That(default(JoinResult).IsReady, Is.False);
    }
}
