using TensorPool.JoinBarrier;
using TensorPool.Sbe.JoinBarrier;

namespace TensorPool.JoinBarrier.Tests;

/// <summary>The rules a MergeMap must keep to be valid (§6.2, §6.3), for maps made locally and maps received.</summary>
public class MergeMapValidationTests
{
    private static MergeMapRejection Sequence(params SequenceMergeRule[] rules) => SequenceMergeMap.Validate(rules, null);

    private static MergeMapRejection Timestamp(params TimestampMergeRule[] rules) =>
        TimestampMergeMap.Validate(ClockDomain.Monotonic, rules, null, null);

    [Test]
    public void Offset_rule_carrying_a_window_size_too_is_rejected_6_2()
    {
        MergeMapRejection r = Sequence(SequenceMergeRule.ForOffset(1, 0), new SequenceMergeRule(2, MergeRuleType.Offset, 3, 4));
        Assert.That(r, Is.EqualTo(new MergeMapRejection(MergeMapRejectReason.BothParameters, 1)));
    }

    [Test]
    public void Window_rule_carrying_an_offset_too_is_rejected_6_2()
    {
        MergeMapRejection r = Sequence(new SequenceMergeRule(2, MergeRuleType.Window, 3, 4));
        Assert.That(r.Reason, Is.EqualTo(MergeMapRejectReason.BothParameters));
    }

    [Test]
    public void Offset_rule_without_its_offset_is_rejected_6_2()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Sequence(new SequenceMergeRule(2, MergeRuleType.Offset, null, null)).Reason, Is.EqualTo(MergeMapRejectReason.MissingParameter));
            Assert.That(Sequence(new SequenceMergeRule(2, MergeRuleType.Offset, null, 5)).Reason, Is.EqualTo(MergeMapRejectReason.MissingParameter));
        });
    }

    [Test]
    public void Window_rule_without_its_window_size_is_rejected_6_2()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Sequence(new SequenceMergeRule(2, MergeRuleType.Window, null, null)).Reason, Is.EqualTo(MergeMapRejectReason.MissingParameter));
            Assert.That(Sequence(new SequenceMergeRule(2, MergeRuleType.Window, -1, null)).Reason, Is.EqualTo(MergeMapRejectReason.MissingParameter));
        });
    }

    [Test]
    public void Rule_with_an_unknown_rule_type_is_rejected_6_2()
    {
        Assert.That(Sequence(new SequenceMergeRule(2, (MergeRuleType)7, 1, null)).Reason, Is.EqualTo(MergeMapRejectReason.UnknownRuleType));
    }

    [Test]
    public void Zero_window_is_rejected_window_size_must_be_positive_6_2_2()
    {
        Assert.That(Sequence(SequenceMergeRule.ForWindow(2, 0)), Is.EqualTo(new MergeMapRejection(MergeMapRejectReason.ZeroWindow, 0)));
    }

    [Test]
    public void Map_without_rules_is_rejected_D160()
    {
        Assert.That(Sequence().Reason, Is.EqualTo(MergeMapRejectReason.NoRules));
        Assert.That(Timestamp().Reason, Is.EqualTo(MergeMapRejectReason.NoRules));
    }

    [Test]
    public void Offsets_are_signed_32_bit_and_survive_the_wire_6_2_1()
    {
        var map = new SequenceMergeMap(1, 2, [SequenceMergeRule.ForOffset(3, int.MinValue + 1), SequenceMergeRule.ForOffset(4, int.MaxValue), SequenceMergeRule.ForOffset(5, -2)]);
        Assert.That(SequenceMergeMap.TryDecode(map.ToArray(), out SequenceMergeMap? back, out _, out _), Is.True);
        Assert.That(back!.Rules.ToArray().Select(r => r.Offset), Is.EqualTo(new int?[] { int.MinValue + 1, int.MaxValue, -2 }));
    }

    [Test]
    public void An_offset_equal_to_the_wire_null_value_cannot_be_sent_and_is_refused_D160()
    {
        Assert.That(Sequence(SequenceMergeRule.ForOffset(2, int.MinValue)).Reason, Is.EqualTo(MergeMapRejectReason.NullValueParameter));
        Assert.That(Sequence(SequenceMergeRule.ForWindow(2, uint.MaxValue)).Reason, Is.EqualTo(MergeMapRejectReason.NullValueParameter));
        Assert.That(SequenceMergeMap.Validate([SequenceMergeRule.ForOffset(2, 0)], ulong.MaxValue).Reason, Is.EqualTo(MergeMapRejectReason.NullValueParameter));
    }

    [Test]
    public void Constructor_names_the_rule_and_the_reason()
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new SequenceMergeMap(1, 2, [SequenceMergeRule.ForOffset(3, 0), SequenceMergeRule.ForWindow(9, 0)]));
        Assert.That(e!.Message, Does.Contain("ZeroWindow in rule 1").And.Contain("9: WINDOW"));
    }

    [Test]
    public void Duplicate_inputs_are_allowed_each_rule_is_checked_D160()
    {
        Assert.That(Sequence(SequenceMergeRule.ForOffset(2, 0), SequenceMergeRule.ForOffset(2, -3)).IsRejected, Is.False);
    }

    [Test]
    public void Timestamp_rule_with_both_parameters_is_rejected_6_3()
    {
        Assert.That(Timestamp(new TimestampMergeRule(2, MergeTimeRuleType.OffsetNs, TimestampSource.SlotHeader, 5, 6)).Reason,
            Is.EqualTo(MergeMapRejectReason.BothParameters));
        Assert.That(Timestamp(new TimestampMergeRule(2, MergeTimeRuleType.WindowNs, TimestampSource.SlotHeader, 5, 6)).Reason,
            Is.EqualTo(MergeMapRejectReason.BothParameters));
    }

    [Test]
    public void Timestamp_rule_with_neither_parameter_is_rejected_6_3()
    {
        Assert.That(Timestamp(new TimestampMergeRule(2, MergeTimeRuleType.OffsetNs, TimestampSource.SlotHeader, null, null)).Reason,
            Is.EqualTo(MergeMapRejectReason.MissingParameter));
        Assert.That(Timestamp(new TimestampMergeRule(2, MergeTimeRuleType.WindowNs, TimestampSource.FrameDescriptor, null, null)).Reason,
            Is.EqualTo(MergeMapRejectReason.MissingParameter));
        Assert.That(Timestamp(new TimestampMergeRule(2, MergeTimeRuleType.OffsetNs, TimestampSource.SlotHeader, null, 6)).Reason,
            Is.EqualTo(MergeMapRejectReason.MissingParameter));
    }

    [Test]
    public void Zero_window_ns_is_rejected_window_must_be_positive_6_3_2()
    {
        Assert.That(Timestamp(TimestampMergeRule.ForWindow(2, 0)).Reason, Is.EqualTo(MergeMapRejectReason.ZeroWindow));
    }

    [Test]
    public void Timestamp_source_must_be_frame_descriptor_or_slot_header_8_2()
    {
        Assert.That(Timestamp(new TimestampMergeRule(2, MergeTimeRuleType.OffsetNs, (TimestampSource)3, 0, null)).Reason,
            Is.EqualTo(MergeMapRejectReason.UnknownTimestampSource));
    }

    [Test]
    public void Timestamps_must_use_a_declared_clock_domain_6_3()
    {
        MergeMapRejection r = TimestampMergeMap.Validate((ClockDomain)9, [TimestampMergeRule.ForOffset(2, 0)], null, null);
        Assert.That(r.Reason, Is.EqualTo(MergeMapRejectReason.UnknownClockDomain));
    }

    [Test]
    public void Timestamp_offsets_are_signed_64_bit_and_survive_the_wire_6_3_1()
    {
        var map = new TimestampMergeMap(1, 2, ClockDomain.RealtimeSynced,
            [TimestampMergeRule.ForOffset(3, long.MinValue + 1), TimestampMergeRule.ForOffset(4, -30_000_000_000, TimestampSource.FrameDescriptor)],
            latenessNs: 5, staleTimeoutNs: 6);
        Assert.That(TimestampMergeMap.TryDecode(map.ToArray(), out TimestampMergeMap? back, out _, out _), Is.True);
        Assert.That(back, Is.EqualTo(map));
        Assert.That(back!.Rules[1].TimestampSource, Is.EqualTo(TimestampSource.FrameDescriptor));
    }

    [Test]
    public void Absent_lateness_means_zero_8_2_10_4()
    {
        TimestampMergeMap map = Maps.Timestamp(TimestampMergeRule.ForOffset(2, 0));
        Assert.That(map.LatenessNs, Is.Null);
        Assert.That(map.EffectiveLatenessNs, Is.Zero);
    }
}
