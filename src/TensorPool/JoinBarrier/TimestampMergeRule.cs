using System.Globalization;
using TensorPool.Sbe.JoinBarrier;

namespace TensorPool.JoinBarrier;

/// <summary>
/// One rule of a <see cref="TimestampMergeMap"/> (JoinBarrier spec §6.3): the input stream an output time needs, which
/// timestamp of its frames counts (§8.2) and how its input time is found. <see cref="MergeTimeRuleType.OffsetNs"/>:
/// <c>in_time = out_time + offset_ns</c> (§6.3.1); <see cref="MergeTimeRuleType.WindowNs"/>:
/// <c>in_time_range = [out_time - window_ns, out_time]</c> (§6.3.2).
/// </summary>
/// <remarks>As <see cref="SequenceMergeRule"/>: holds what the wire carries; the map checks it (§6.3).</remarks>
public readonly record struct TimestampMergeRule
{
    /// <summary>A rule as it would be on the wire; null parameters are the wire's null values.</summary>
    public TimestampMergeRule(uint inputStreamId, MergeTimeRuleType ruleType, TimestampSource timestampSource, long? offsetNs, ulong? windowNs)
    {
        InputStreamId = inputStreamId;
        RuleType = ruleType;
        TimestampSource = timestampSource;
        OffsetNs = offsetNs;
        WindowNs = windowNs;
    }

    /// <summary>The input stream the rule requires.</summary>
    public uint InputStreamId { get; }

    /// <summary>OFFSET_NS or WINDOW_NS; a raw value the schema does not define is kept (and rejected by the map).</summary>
    public MergeTimeRuleType RuleType { get; }

    /// <summary>Which timestamp of the input's frames the rule reads: FrameDescriptor.timestamp_ns or SlotHeader.timestamp_ns (§8.2).</summary>
    public TimestampSource TimestampSource { get; }

    /// <summary>Signed offset of an OFFSET_NS rule (§6.3.1); null for WINDOW_NS.</summary>
    public long? OffsetNs { get; }

    /// <summary>Window of a WINDOW_NS rule (§6.3.2), positive; null for OFFSET_NS.</summary>
    public ulong? WindowNs { get; }

    /// <summary>An OFFSET_NS rule: <c>in_time = out_time + offsetNs</c>.</summary>
    public static TimestampMergeRule ForOffset(uint inputStreamId, long offsetNs, TimestampSource source = TimestampSource.SlotHeader) =>
        new(inputStreamId, MergeTimeRuleType.OffsetNs, source, offsetNs, null);

    /// <summary>A WINDOW_NS rule: <c>in_time_range = [out_time - windowNs, out_time]</c>.</summary>
    public static TimestampMergeRule ForWindow(uint inputStreamId, ulong windowNs, TimestampSource source = TimestampSource.SlotHeader) =>
        new(inputStreamId, MergeTimeRuleType.WindowNs, source, null, windowNs);

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"{InputStreamId}: {RuleType.ToSbeName() ?? ((byte)RuleType).ToString(CultureInfo.InvariantCulture)} source={TimestampSource.ToSbeName() ?? ((byte)TimestampSource).ToString(CultureInfo.InvariantCulture)} offsetNs={OffsetNs?.ToString(CultureInfo.InvariantCulture) ?? "null"} windowNs={WindowNs?.ToString(CultureInfo.InvariantCulture) ?? "null"}");
}
