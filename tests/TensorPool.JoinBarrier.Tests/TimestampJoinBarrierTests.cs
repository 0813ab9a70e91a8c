using TensorPool.JoinBarrier;
using TensorPool.Sbe.JoinBarrier;
using TensorPool.Time;
using static TensorPool.JoinBarrier.Tests.Maps;

namespace TensorPool.JoinBarrier.Tests;

/// <summary>TimestampJoinBarrier (§6.3, §8): rules, lateness, sources, nulls, monotonicity, clock domains.</summary>
public class TimestampJoinBarrierTests
{
    [Test]
    public void Ready_when_the_observed_time_reaches_required_in_time_8_1()
    {
        TimestampJoinBarrier barrier = Barrier(Timestamp(TimestampMergeRule.ForOffset(A, 0), TimestampMergeRule.ForOffset(B, 0)));
        barrier.Observe(A, Slot(0, 100));
        barrier.Observe(B, Slot(0, 99));
        Assert.That(barrier.Check(100).Status, Is.EqualTo(JoinStatus.NotReady));
        Assert.That(barrier.Input(B).Reason, Is.EqualTo(JoinInputReason.Behind));
        barrier.Observe(B, Slot(1, 100));
        Assert.That(barrier.Check(100).IsReady, Is.True);
    }

    [Test]
    public void Negative_offset_ns_is_not_ready_until_out_time_reaches_minus_offset_6_3_1()
    {
        TimestampJoinBarrier barrier = Barrier(Timestamp(TimestampMergeRule.ForOffset(A, -2_000_000)));
        barrier.Observe(A, Slot(0, 5_000_000));
        Assert.That(barrier.Check(1_999_999).Status, Is.EqualTo(JoinStatus.NotReady));
        Assert.That(barrier.Input(A).Reason, Is.EqualTo(JoinInputReason.BeforeOffset));
        Assert.That(barrier.Check(2_000_000).IsReady, Is.True, "in_time = 0");
        Assert.That(barrier.Input(A).RangeEnd, Is.Zero);
    }

    [Test]
    public void Negative_offset_ns_requires_the_input_time_offset_below_out_time_6_3_1()
    {
        TimestampJoinBarrier barrier = Barrier(Timestamp(TimestampMergeRule.ForOffset(A, -30)));
        barrier.Observe(A, Slot(0, 69));
        Assert.That(barrier.Check(100).Status, Is.EqualTo(JoinStatus.NotReady));
        barrier.Observe(A, Slot(1, 70));
        Assert.That(barrier.Check(100).IsReady, Is.True);
    }

    [Test]
    public void Offset_ns_beyond_the_time_range_is_never_ready()
    {
        TimestampJoinBarrier barrier = Barrier(Timestamp(TimestampMergeRule.ForOffset(A, 10)));
        barrier.Observe(A, Slot(0, ulong.MaxValue - 1));
        Assert.That(barrier.Check(ulong.MaxValue - 5).Status, Is.EqualTo(JoinStatus.NotReady));
        Assert.That(barrier.Input(A).Reason, Is.EqualTo(JoinInputReason.Unreachable));
    }

    [Test]
    public void Lateness_is_applied_only_in_the_readiness_inequality_6_3_1_8_1()
    {
        TimestampJoinBarrier barrier = Barrier(Timestamp(10, TimestampMergeRule.ForOffset(A, 5)));
        barrier.Observe(A, Slot(0, 94));
        Assert.That(barrier.Check(100).Status, Is.EqualTo(JoinStatus.NotReady), "in_time 105 - lateness 10 = 95");
        barrier.Observe(A, Slot(1, 95));
        Assert.That(barrier.Check(100).IsReady, Is.True);
        Assert.That(barrier.Input(A).RangeEnd, Is.EqualTo(105), "required_in_time itself is out_time + offset_ns");
    }

    [Test]
    public void Lateness_larger_than_the_required_time_clamps_at_zero_8_1()
    {
        TimestampJoinBarrier barrier = Barrier(Timestamp(1_000, TimestampMergeRule.ForOffset(A, 0)));
        barrier.Observe(A, Slot(0, 1));
        Assert.That(barrier.Check(500).IsReady, Is.True);
    }

    [Test]
    public void Window_ns_is_not_ready_while_out_time_is_below_the_window_6_3_2()
    {
        TimestampJoinBarrier barrier = Barrier(Timestamp(TimestampMergeRule.ForWindow(A, 10)));
        barrier.Observe(A, Slot(0, 1_000));
        Assert.That(barrier.Check(9).Status, Is.EqualTo(JoinStatus.NotReady));
        Assert.That(barrier.Input(A).Reason, Is.EqualTo(JoinInputReason.WindowNotFull));
        Assert.That(barrier.Check(10).IsReady, Is.True);
        Assert.That((barrier.Input(A).RangeStart, barrier.Input(A).RangeEnd), Is.EqualTo((0ul, 10ul)));
    }

    [Test]
    public void Window_ns_readiness_uses_out_time_minus_lateness_as_the_upper_bound_8_2()
    {
        // Appendix A.4.2: cam OFFSET_NS 0, imu WINDOW_NS 10 ms, lateness 10 ms.
        TimestampJoinBarrier barrier = Barrier(Timestamp(10_000_000, TimestampMergeRule.ForOffset(A, 0), TimestampMergeRule.ForWindow(B, 10_000_000)));
        barrier.Observe(A, Slot(0, 100_000_000));
        barrier.Observe(B, Slot(0, 89_999_999));
        Assert.That(barrier.Check(100_000_000).Status, Is.EqualTo(JoinStatus.NotReady));
        barrier.Observe(B, Slot(1, 90_000_000));
        Assert.That(barrier.Check(100_000_000).IsReady, Is.True);
        Assert.That((barrier.Input(B).RangeStart, barrier.Input(B).RangeEnd), Is.EqualTo((90_000_000ul, 100_000_000ul)));
    }

    [Test]
    public void Without_lateness_a_window_still_requires_observed_time_to_reach_out_time_6_3_2()
    {
        TimestampJoinBarrier barrier = Barrier(Timestamp(TimestampMergeRule.ForWindow(A, 50)));
        barrier.Observe(A, Slot(0, 99));
        Assert.That(barrier.Check(100).Status, Is.EqualTo(JoinStatus.NotReady));
        barrier.Observe(A, Slot(1, 100));
        Assert.That(barrier.Check(100).IsReady, Is.True);
    }

    [Test]
    public void Processed_time_must_reach_the_threshold_when_configured_8_1()
    {
        TimestampJoinBarrier barrier = Barrier(Timestamp(TimestampMergeRule.ForOffset(A, 0)), new JoinBarrierOptions { RequireProcessed = true });
        barrier.Observe(A, Slot(3, 100));
        Assert.That(barrier.Check(100).Status, Is.EqualTo(JoinStatus.NotReady));
        Assert.That(barrier.Input(A).Reason, Is.EqualTo(JoinInputReason.NotProcessed));
        barrier.MarkProcessed(A, Slot(2, 90));
        Assert.That(barrier.Check(100).Status, Is.EqualTo(JoinStatus.NotReady));
        barrier.MarkProcessed(A, Slot(3, 100));
        Assert.That(barrier.Check(100).IsReady, Is.True);
    }

    [Test]
    public void Each_rule_reads_the_timestamp_source_it_declares_8_2()
    {
        TimestampJoinBarrier byDescriptor = Barrier(Timestamp(TimestampMergeRule.ForOffset(A, 0, TimestampSource.FrameDescriptor)));
        TimestampJoinBarrier bySlot = Barrier(Timestamp(TimestampMergeRule.ForOffset(A, 0, TimestampSource.SlotHeader)));
        var frame = new JoinObservation(1, 0, DescriptorTimestampNs: 50, SlotTimestampNs: 200);
        byDescriptor.Observe(A, frame);
        bySlot.Observe(A, frame);
        Assert.That(byDescriptor.Check(100).Status, Is.EqualTo(JoinStatus.NotReady));
        Assert.That(bySlot.Check(100).IsReady, Is.True);
    }

    [Test]
    public void A_null_frame_descriptor_timestamp_is_never_ready_8_2()
    {
        TimestampJoinBarrier barrier = Barrier(Timestamp(TimestampMergeRule.ForOffset(A, 0, TimestampSource.FrameDescriptor)));
        barrier.Observe(A, Descriptor(0, null));
        Assert.That(barrier.Check(0).Status, Is.EqualTo(JoinStatus.NotReady));
        Assert.That(barrier.Input(A).Reason, Is.EqualTo(JoinInputReason.NullTimestamp));
    }

    [Test]
    public void A_null_slot_header_timestamp_is_never_ready_8_2_D163()
    {
        TimestampJoinBarrier barrier = Barrier(Timestamp(TimestampMergeRule.ForOffset(A, 0)));
        barrier.Observe(A, new JoinObservation(1, 0, SlotTimestampNs: JoinObservation.SlotTimestamp(0)));
        Assert.That(barrier.Check(0).Status, Is.EqualTo(JoinStatus.NotReady));
        Assert.That(barrier.Input(A).Reason, Is.EqualTo(JoinInputReason.NullTimestamp));
    }

    [Test]
    public void A_newest_frame_without_its_timestamp_is_not_ready_even_after_timed_ones_8_2()
    {
        TimestampJoinBarrier barrier = Barrier(Timestamp(TimestampMergeRule.ForOffset(A, 0, TimestampSource.FrameDescriptor)));
        barrier.Observe(A, Descriptor(0, 500));
        Assert.That(barrier.Check(100).IsReady, Is.True);
        barrier.Observe(A, Descriptor(1, null));
        Assert.That(barrier.Check(100).Status, Is.EqualTo(JoinStatus.NotReady));
        barrier.Observe(A, Descriptor(2, 501));
        Assert.That(barrier.Check(100).IsReady, Is.True);
    }

    [Test]
    public void Timestamps_going_backwards_reject_the_stream_and_are_counted_8_2()
    {
        TimestampJoinBarrier barrier = Barrier(Timestamp(TimestampMergeRule.ForOffset(A, 0), TimestampMergeRule.ForOffset(B, 0)));
        barrier.Observe(B, Slot(0, 1_000));
        barrier.Observe(A, Slot(0, 200));
        barrier.Observe(A, Slot(1, 200)); // equal is non-decreasing: fine
        Assert.That(barrier.Check(100).IsReady, Is.True);
        barrier.Observe(A, Slot(2, 150));
        JoinResult result = barrier.Check(100);
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JoinStatus.Rejected));
            Assert.That(result.RejectReason, Is.EqualTo(JoinRejectReason.InputRejected));
            Assert.That(result.Rejected, Is.EqualTo(1));
            Assert.That(barrier.Input(A).State, Is.EqualTo(JoinInputState.Rejected));
            Assert.That(barrier.Input(A).Reason, Is.EqualTo(JoinInputReason.NonMonotonicTimestamps));
            Assert.That(barrier.Counters.NonMonotonicTimestamps, Is.EqualTo(1));
            Assert.That(barrier.Counters.Rejected, Is.EqualTo(1));
        });
        barrier.Observe(A, Slot(3, 300));
        Assert.That(barrier.Check(100).Status, Is.EqualTo(JoinStatus.Rejected), "rejected for the rest of the input's epoch");
    }

    [Test]
    public void A_rejected_stream_is_admitted_again_in_its_next_epoch_D163()
    {
        TimestampJoinBarrier barrier = Barrier(Timestamp(TimestampMergeRule.ForOffset(A, 0)));
        barrier.Observe(A, Slot(0, 200));
        barrier.Observe(A, Slot(1, 100));
        Assert.That(barrier.Check(100).Status, Is.EqualTo(JoinStatus.Rejected));
        barrier.Observe(A, Slot(0, 100, epoch: 2));
        Assert.That(barrier.Check(100).IsReady, Is.True);
    }

    [Test]
    public void Backward_timestamps_in_a_source_no_rule_reads_do_not_reject_8_2()
    {
        TimestampJoinBarrier barrier = Barrier(Timestamp(TimestampMergeRule.ForOffset(A, 0, TimestampSource.SlotHeader)));
        barrier.Observe(A, new JoinObservation(1, 0, DescriptorTimestampNs: 500, SlotTimestampNs: 100));
        barrier.Observe(A, new JoinObservation(1, 1, DescriptorTimestampNs: 400, SlotTimestampNs: 101));
        Assert.That(barrier.Check(100).IsReady, Is.True);
    }

    [Test]
    public void An_input_in_another_clock_domain_rejects_the_join_8_2_14()
    {
        TimestampJoinBarrier barrier = Barrier(Timestamp(TimestampMergeRule.ForOffset(A, 0), TimestampMergeRule.ForOffset(B, 0)));
        barrier.Observe(A, Slot(0, 100));
        barrier.Observe(B, Slot(0, 100, domain: ClockDomain.RealtimeSynced));
        JoinResult result = barrier.Check(100);
        Assert.That(result.Status, Is.EqualTo(JoinStatus.Rejected));
        Assert.That(barrier.Input(B).Reason, Is.EqualTo(JoinInputReason.ClockDomainMismatch));
        Assert.That(barrier.Counters.ClockDomainMismatches, Is.EqualTo(1));
        barrier.Observe(B, Slot(1, 100));
        Assert.That(barrier.Check(100).IsReady, Is.True, "the domain is judged on the newest frame");
    }

    [Test]
    public void Out_time_in_another_clock_domain_is_rejected_8_2()
    {
        TimestampJoinBarrier barrier = Barrier(Timestamp(TimestampMergeRule.ForOffset(A, 0)));
        barrier.Observe(A, Slot(0, 100));
        JoinResult result = barrier.Check(100, ClockDomain.RealtimeSynced);
        Assert.That(result.Status, Is.EqualTo(JoinStatus.Rejected));
        Assert.That(result.RejectReason, Is.EqualTo(JoinRejectReason.OutputClockDomain));
        Assert.That(barrier.Counters.OutputTimeRejections, Is.EqualTo(1));
    }

    [Test]
    public void Out_time_must_be_monotonic_non_decreasing_8_2()
    {
        TimestampJoinBarrier barrier = Barrier(Timestamp(TimestampMergeRule.ForOffset(A, 0)));
        barrier.Observe(A, Slot(0, 100));
        Assert.That(barrier.Check(100).IsReady, Is.True);
        Assert.That(barrier.Check(100).IsReady, Is.True, "equal out_time is fine");
        JoinResult back = barrier.Check(99);
        Assert.That(back.Status, Is.EqualTo(JoinStatus.Rejected));
        Assert.That(back.RejectReason, Is.EqualTo(JoinRejectReason.OutputTimeRegressed));
        Assert.That(barrier.LastOutTimeNs, Is.EqualTo(100));
    }

    [Test]
    public void A_new_output_epoch_restarts_out_time_6_4()
    {
        var registry = new MergeMapRegistry();
        registry.Apply(Timestamp(TimestampMergeRule.ForOffset(A, 0)));
        var barrier = new TimestampJoinBarrier(registry, Out);
        barrier.SetOutputEpoch(Epoch);
        barrier.Observe(A, Slot(0, 100));
        Assert.That(barrier.Check(100).IsReady, Is.True);
        barrier.SetOutputEpoch(Epoch + 1);
        Assert.That(barrier.Check(50).Status, Is.EqualTo(JoinStatus.NoMap), "a fresh map is required");
        registry.Apply(new TimestampMergeMap(Out, Epoch + 1, ClockDomain.Monotonic, [TimestampMergeRule.ForOffset(A, 0)]));
        Assert.That(barrier.Check(50).IsReady, Is.True);
    }

    [Test]
    public void A_map_with_an_undeclared_clock_domain_is_invalid_until_replaced_6_3()
    {
        var registry = new MergeMapRegistry();
        var barrier = new TimestampJoinBarrier(registry, Out);
        barrier.SetOutputEpoch(Epoch);
        Assert.That(registry.Offer(MergeMapRegistryTests.EncodeTimestamp(Out, Epoch, (ClockDomain)0, null, TimestampMergeRule.ForOffset(A, 0))),
            Is.EqualTo(MergeMapUpdate.Invalidated));
        Assert.That(barrier.Check(1).Status, Is.EqualTo(JoinStatus.MapInvalid));
        Assert.That(barrier.MapRejection.Reason, Is.EqualTo(MergeMapRejectReason.UnknownClockDomain));
    }

    [Test]
    public void A_timestamp_map_with_a_rule_of_both_or_neither_parameter_is_invalid_6_3()
    {
        var registry = new MergeMapRegistry();
        var barrier = new TimestampJoinBarrier(registry, Out);
        barrier.SetOutputEpoch(Epoch);
        registry.Offer(MergeMapRegistryTests.EncodeTimestamp(Out, Epoch, ClockDomain.Monotonic, null,
            new TimestampMergeRule(A, MergeTimeRuleType.WindowNs, TimestampSource.SlotHeader, 1, 2)));
        Assert.That(barrier.Check(1).Status, Is.EqualTo(JoinStatus.MapInvalid));
        registry.Offer(MergeMapRegistryTests.EncodeTimestamp(Out, Epoch, ClockDomain.Monotonic, null,
            new TimestampMergeRule(A, MergeTimeRuleType.OffsetNs, TimestampSource.SlotHeader, null, null)));
        Assert.That(barrier.Check(1).Status, Is.EqualTo(JoinStatus.MapInvalid));
        Assert.That(registry.Invalidated, Is.EqualTo(2));
    }

    [Test]
    public void A_stale_input_is_absent_in_timestamp_joins_too_7_4()
    {
        var clock = new ManualClock();
        TimestampMergeMap map = new(Out, Epoch, ClockDomain.Monotonic, [TimestampMergeRule.ForOffset(A, 0), TimestampMergeRule.ForOffset(B, 0)], staleTimeoutNs: 100);
        TimestampJoinBarrier barrier = Barrier(map, new JoinBarrierOptions { Clock = clock });
        barrier.Observe(B, Slot(0, 10));
        clock.AdvanceNanos(101);
        barrier.Observe(A, Slot(0, 50));
        JoinResult result = barrier.Check(50);
        Assert.That(result.IsReady, Is.True);
        Assert.That(barrier.Input(B).State, Is.EqualTo(JoinInputState.Stale));
    }
}
