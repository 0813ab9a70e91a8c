using System.Globalization;
using TensorPool.Sbe.JoinBarrier;

namespace TensorPool.JoinBarrier;

/// <summary>
/// One rule of a <see cref="SequenceMergeMap"/> (JoinBarrier spec §6.2): the input stream an output sequence needs and
/// how its input sequence is found. <see cref="MergeRuleType.Offset"/>: <c>in_seq = out_seq + offset</c> (§6.2.1);
/// <see cref="MergeRuleType.Window"/>: <c>in_seq_range = [out_seq - N + 1, out_seq]</c> (§6.2.2).
/// </summary>
/// <remarks>
/// A rule holds what the wire carries, including combinations the spec forbids (both parameters, neither, a zero
/// window): a map checks its rules when it is made (<see cref="SequenceMergeMap.TryCreate"/>), so a received map that
/// breaks a rule is rejected whole (§6.2). Build valid rules with <see cref="ForOffset"/> and <see cref="ForWindow"/>.
/// </remarks>
public readonly record struct SequenceMergeRule
{
    /// <summary>A rule as it would be on the wire; null parameters are the wire's null values.</summary>
    public SequenceMergeRule(uint inputStreamId, MergeRuleType ruleType, int? offset, uint? windowSize)
    {
        InputStreamId = inputStreamId;
        RuleType = ruleType;
        Offset = offset;
        WindowSize = windowSize;
    }

    /// <summary>The input stream the rule requires.</summary>
    public uint InputStreamId { get; }

    /// <summary>OFFSET or WINDOW; a raw value the schema does not define is kept (and rejected by the map).</summary>
    public MergeRuleType RuleType { get; }

    /// <summary>Signed offset of an OFFSET rule (§6.2.1); null for WINDOW.</summary>
    public int? Offset { get; }

    /// <summary>Window size N of a WINDOW rule (§6.2.2), positive; null for OFFSET.</summary>
    public uint? WindowSize { get; }

    /// <summary>An OFFSET rule: <c>in_seq = out_seq + offset</c>.</summary>
    public static SequenceMergeRule ForOffset(uint inputStreamId, int offset) =>
        new(inputStreamId, MergeRuleType.Offset, offset, null);

    /// <summary>A WINDOW rule: <c>in_seq_range = [out_seq - windowSize + 1, out_seq]</c>.</summary>
    public static SequenceMergeRule ForWindow(uint inputStreamId, uint windowSize) =>
        new(inputStreamId, MergeRuleType.Window, null, windowSize);

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"{InputStreamId}: {RuleType.ToSbeName() ?? ((byte)RuleType).ToString(CultureInfo.InvariantCulture)} offset={Offset?.ToString(CultureInfo.InvariantCulture) ?? "null"} windowSize={WindowSize?.ToString(CultureInfo.InvariantCulture) ?? "null"}");
}
