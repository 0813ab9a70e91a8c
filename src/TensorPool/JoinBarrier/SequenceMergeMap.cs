using System.Diagnostics.CodeAnalysis;
using TensorPool.Sbe;
using TensorPool.Sbe.JoinBarrier;

namespace TensorPool.JoinBarrier;

/// <summary>
/// A sequence MergeMap (JoinBarrier spec §6.1, §6.2, §10.1): for the output stream <see cref="OutStreamId"/> in
/// <see cref="Epoch"/>, the input sequences each output sequence requires. Immutable and always valid: every rule has
/// exactly its one parameter, windows are positive (§6.2). Invalid maps exist only as a <see cref="MergeMapRejection"/>.
/// </summary>
public sealed class SequenceMergeMap : IEquatable<SequenceMergeMap>
{
    /// <summary>Most rules one announce can carry (the group's count is a uint16 whose top value is reserved).</summary>
    public const int MaxRules = 65534;

    private readonly SequenceMergeRule[] _rules;

    private SequenceMergeMap(uint outStreamId, ulong epoch, ulong? staleTimeoutNs, SequenceMergeRule[] rules)
    {
        OutStreamId = outStreamId;
        Epoch = epoch;
        StaleTimeoutNs = staleTimeoutNs;
        _rules = rules;
    }

    /// <summary>A map of <paramref name="rules"/>.</summary>
    /// <exception cref="ArgumentException">A rule or the stale timeout breaks §6.2 (the message names the rule and why).</exception>
    public SequenceMergeMap(uint outStreamId, ulong epoch, IEnumerable<SequenceMergeRule> rules, ulong? staleTimeoutNs = null)
        : this(outStreamId, epoch, staleTimeoutNs, [.. rules ?? throw new ArgumentNullException(nameof(rules))])
    {
        MergeMapRejection rejection = Validate(_rules, staleTimeoutNs);
        if (rejection.IsRejected)
        {
            throw new ArgumentException(Describe(rejection, _rules), nameof(rules));
        }
    }

    public uint OutStreamId { get; }

    public ulong Epoch { get; }

    /// <summary>Map-wide stale timeout (§7.4); null: inputs are never stale and the barrier blocks on missing inputs.</summary>
    public ulong? StaleTimeoutNs { get; }

    /// <summary>(<see cref="OutStreamId"/>, <see cref="Epoch"/>).</summary>
    public MergeMapKey Key => new(OutStreamId, Epoch);

    /// <summary>The rules in announce order.</summary>
    public ReadOnlySpan<SequenceMergeRule> Rules => _rules;

    /// <summary>Bytes of the SequenceMergeMapAnnounce that carries this map.</summary>
    public int EncodedLength => SbeMessageHeader.Size + SequenceMergeMapAnnounceDecoder.BlockLength + SbeGroupHeaderSize +
        (_rules.Length * SequenceMergeMapAnnounceDecoder.RulesDecoder.BlockLength);

    private const int SbeGroupHeaderSize = 4;

    /// <summary>Checks rules and stale timeout against §6.2 without making a map.</summary>
    public static MergeMapRejection Validate(ReadOnlySpan<SequenceMergeRule> rules, ulong? staleTimeoutNs)
    {
        if (rules.Length == 0)
        {
            return new(MergeMapRejectReason.NoRules);
        }
        if (rules.Length > MaxRules)
        {
            return new(MergeMapRejectReason.TooManyRules);
        }
        if (staleTimeoutNs == SequenceMergeMapAnnounceEncoder.StaleTimeoutNsNullValue)
        {
            return new(MergeMapRejectReason.NullValueParameter);
        }
        for (int i = 0; i < rules.Length; i++)
        {
            MergeMapRejectReason reason = Check(rules[i]);
            if (reason != MergeMapRejectReason.None)
            {
                return new(reason, i);
            }
        }
        return MergeMapRejection.None;
    }

    /// <summary>A map of <paramref name="rules"/>, or false with why it is invalid (§6.2).</summary>
    public static bool TryCreate(uint outStreamId, ulong epoch, ReadOnlySpan<SequenceMergeRule> rules, ulong? staleTimeoutNs,
        [NotNullWhen(true)] out SequenceMergeMap? map, out MergeMapRejection rejection)
    {
        rejection = Validate(rules, staleTimeoutNs);
        map = rejection.IsRejected ? null : new SequenceMergeMap(outStreamId, epoch, staleTimeoutNs, rules.ToArray());
        return map is not null;
    }

    /// <summary>
    /// Reads a SequenceMergeMapAnnounce (§10.1). Never throws on bad bytes: false with <paramref name="rejection"/>.
    /// <paramref name="key"/> is the announce's (out_stream_id, epoch) when its block was readable (a map that breaks
    /// §6.2 still names the key it invalidates), else null.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> message, [NotNullWhen(true)] out SequenceMergeMap? map, out MergeMapKey? key,
        out MergeMapRejection rejection)
    {
        map = null;
        key = null;
        if (!SequenceMergeMapAnnounceDecoder.TryWrap(message, out SequenceMergeMapAnnounceDecoder d, out SbeRejectReason sbe))
        {
            rejection = new(MergeMapRejectReason.Malformed, SbeReason: sbe);
            return false;
        }
        key = new MergeMapKey(d.OutStreamId, d.Epoch);
        SequenceMergeMapAnnounceDecoder.RulesDecoder group = d.Rules;
        var rules = new SequenceMergeRule[group.Count];
        int i = 0;
        foreach (SequenceMergeMapAnnounceDecoder.RulesDecoder rule in group)
        {
            rules[i++] = new SequenceMergeRule(rule.InputStreamId, (MergeRuleType)rule.RuleTypeRaw, rule.Offset, rule.WindowSize);
        }
        return TryCreate(d.OutStreamId, d.Epoch, rules, d.StaleTimeoutNs, out map, out rejection);
    }

    /// <summary>Writes the SequenceMergeMapAnnounce of this map; returns its length.</summary>
    /// <exception cref="SbeBufferTooSmallException"><paramref name="buffer"/> is shorter than <see cref="EncodedLength"/>.</exception>
    public int Encode(Span<byte> buffer)
    {
        SequenceMergeMapAnnounceEncoder e = SequenceMergeMapAnnounceEncoder.WrapAndApplyHeader(buffer);
        e.OutStreamId = OutStreamId;
        e.Epoch = Epoch;
        e.StaleTimeoutNs = StaleTimeoutNs;
        SequenceMergeMapAnnounceEncoder.RulesEncoder group = e.RulesCount(_rules.Length);
        foreach (SequenceMergeRule rule in _rules)
        {
            group.Next();
            group.InputStreamId = rule.InputStreamId;
            group.RuleType = rule.RuleType;
            group.Offset = rule.Offset;
            group.WindowSize = rule.WindowSize;
        }
        return e.EncodedLength;
    }

    /// <summary>The announce as a new array (for code off the hot path).</summary>
    public byte[] ToArray()
    {
        byte[] bytes = new byte[EncodedLength];
        Encode(bytes);
        return bytes;
    }

    /// <summary>The SequenceMergeMapRequest for (<paramref name="outStreamId"/>, <paramref name="epoch"/>) (§10.3); returns its length.</summary>
    public static int EncodeRequest(Span<byte> buffer, uint outStreamId, ulong epoch)
    {
        SequenceMergeMapRequestEncoder e = SequenceMergeMapRequestEncoder.WrapAndApplyHeader(buffer);
        e.OutStreamId = outStreamId;
        e.Epoch = epoch;
        return e.EncodedLength;
    }

    /// <summary>Same output, epoch, stale timeout and rules in the same order.</summary>
    public bool Equals(SequenceMergeMap? other) =>
        other is not null && (ReferenceEquals(this, other) ||
            (OutStreamId == other.OutStreamId && Epoch == other.Epoch && StaleTimeoutNs == other.StaleTimeoutNs &&
             _rules.AsSpan().SequenceEqual(other._rules)));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as SequenceMergeMap);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(OutStreamId, Epoch, StaleTimeoutNs, _rules.Length);

    /// <inheritdoc/>
    public override string ToString() => $"sequence map {Key} staleTimeoutNs={StaleTimeoutNs?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"} rules=[{string.Join(", ", _rules)}]";

    internal static string Describe(MergeMapRejection rejection, ReadOnlySpan<SequenceMergeRule> rules) =>
        rejection.RuleIndex >= 0 && rejection.RuleIndex < rules.Length
            ? $"invalid sequence MergeMap: {rejection} ({rules[rejection.RuleIndex]})"
            : $"invalid sequence MergeMap: {rejection}";

    // §6.2: each rule names a known type and carries exactly its own parameter; windows are positive (§6.2.2).
    private static MergeMapRejectReason Check(SequenceMergeRule rule)
    {
        if (!rule.RuleType.IsKnown())
        {
            return MergeMapRejectReason.UnknownRuleType;
        }
        if (rule.Offset is not null && rule.WindowSize is not null)
        {
            return MergeMapRejectReason.BothParameters;
        }
        if (rule.RuleType == MergeRuleType.Offset)
        {
            if (rule.Offset is null)
            {
                return MergeMapRejectReason.MissingParameter;
            }
            return rule.Offset == SequenceMergeMapAnnounceEncoder.RulesEncoder.OffsetNullValue
                ? MergeMapRejectReason.NullValueParameter
                : MergeMapRejectReason.None;
        }
        if (rule.WindowSize is null)
        {
            return MergeMapRejectReason.MissingParameter;
        }
        if (rule.WindowSize == 0)
        {
            return MergeMapRejectReason.ZeroWindow;
        }
        return rule.WindowSize == SequenceMergeMapAnnounceEncoder.RulesEncoder.WindowSizeNullValue
            ? MergeMapRejectReason.NullValueParameter
            : MergeMapRejectReason.None;
    }
}
