using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using TensorPool.Sbe;
using TensorPool.Sbe.JoinBarrier;

namespace TensorPool.JoinBarrier;

/// <summary>
/// A timestamp MergeMap (JoinBarrier spec §6.1, §6.3, §10.4): for the output stream <see cref="OutStreamId"/> in
/// <see cref="Epoch"/>, the input times each output time requires, in one declared <see cref="ClockDomain"/>, with a
/// map-wide lateness budget (§8.2) and stale timeout (§7.4). Immutable and always valid (§6.3).
/// </summary>
public sealed class TimestampMergeMap : IEquatable<TimestampMergeMap>
{
    /// <summary>Most rules one announce can carry.</summary>
    public const int MaxRules = SequenceMergeMap.MaxRules;

    private const int SbeGroupHeaderSize = 4;

    private readonly TimestampMergeRule[] _rules;

    private TimestampMergeMap(uint outStreamId, ulong epoch, ClockDomain clockDomain, ulong? latenessNs, ulong? staleTimeoutNs,
        TimestampMergeRule[] rules)
    {
        OutStreamId = outStreamId;
        Epoch = epoch;
        ClockDomain = clockDomain;
        LatenessNs = latenessNs;
        StaleTimeoutNs = staleTimeoutNs;
        _rules = rules;
    }

    /// <summary>A map of <paramref name="rules"/>.</summary>
    /// <exception cref="ArgumentException">A rule, the clock domain, the lateness or the stale timeout breaks §6.3 (the message says which and why).</exception>
    public TimestampMergeMap(uint outStreamId, ulong epoch, ClockDomain clockDomain, IEnumerable<TimestampMergeRule> rules,
        ulong? latenessNs = null, ulong? staleTimeoutNs = null)
        : this(outStreamId, epoch, clockDomain, latenessNs, staleTimeoutNs, [.. rules ?? throw new ArgumentNullException(nameof(rules))])
    {
        MergeMapRejection rejection = Validate(clockDomain, _rules, latenessNs, staleTimeoutNs);
        if (rejection.IsRejected)
        {
            throw new ArgumentException(Describe(rejection, _rules), nameof(rules));
        }
    }

    public uint OutStreamId { get; }

    public ulong Epoch { get; }

    /// <summary>The one clock domain of out_time and every observed and processed time (§8.1, §8.2).</summary>
    public ClockDomain ClockDomain { get; }

    /// <summary>Map-wide lateness budget (§8.2); null on the wire means zero (strict readiness).</summary>
    public ulong? LatenessNs { get; }

    /// <summary>The lateness the readiness inequality uses: <see cref="LatenessNs"/>, zero when absent (§8.2, §10.4).</summary>
    public ulong EffectiveLatenessNs => LatenessNs ?? 0;

    /// <summary>Map-wide stale timeout (§7.4); null: the barrier blocks on missing inputs.</summary>
    public ulong? StaleTimeoutNs { get; }

    /// <summary>(<see cref="OutStreamId"/>, <see cref="Epoch"/>).</summary>
    public MergeMapKey Key => new(OutStreamId, Epoch);

    /// <summary>The rules in announce order.</summary>
    public ReadOnlySpan<TimestampMergeRule> Rules => _rules;

    /// <summary>Bytes of the TimestampMergeMapAnnounce that carries this map.</summary>
    public int EncodedLength => SbeMessageHeader.Size + TimestampMergeMapAnnounceDecoder.BlockLength + SbeGroupHeaderSize +
        (_rules.Length * TimestampMergeMapAnnounceDecoder.RulesDecoder.BlockLength);

    /// <summary>Checks a map's parts against §6.3 and §8.2 without making it.</summary>
    public static MergeMapRejection Validate(ClockDomain clockDomain, ReadOnlySpan<TimestampMergeRule> rules, ulong? latenessNs, ulong? staleTimeoutNs)
    {
        if (!clockDomain.IsKnown())
        {
            return new(MergeMapRejectReason.UnknownClockDomain);
        }
        if (rules.Length == 0)
        {
            return new(MergeMapRejectReason.NoRules);
        }
        if (rules.Length > MaxRules)
        {
            return new(MergeMapRejectReason.TooManyRules);
        }
        if (latenessNs == TimestampMergeMapAnnounceEncoder.LatenessNsNullValue ||
            staleTimeoutNs == TimestampMergeMapAnnounceEncoder.StaleTimeoutNsNullValue)
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

    /// <summary>A map of <paramref name="rules"/>, or false with why it is invalid (§6.3).</summary>
    public static bool TryCreate(uint outStreamId, ulong epoch, ClockDomain clockDomain, ReadOnlySpan<TimestampMergeRule> rules,
        ulong? latenessNs, ulong? staleTimeoutNs, [NotNullWhen(true)] out TimestampMergeMap? map, out MergeMapRejection rejection)
    {
        rejection = Validate(clockDomain, rules, latenessNs, staleTimeoutNs);
        map = rejection.IsRejected ? null : new TimestampMergeMap(outStreamId, epoch, clockDomain, latenessNs, staleTimeoutNs, rules.ToArray());
        return map is not null;
    }

    /// <summary>
    /// Reads a TimestampMergeMapAnnounce (§10.4). Never throws on bad bytes: false with <paramref name="rejection"/>;
    /// <paramref name="key"/> is the announce's (out_stream_id, epoch) when its block was readable, else null.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> message, [NotNullWhen(true)] out TimestampMergeMap? map, out MergeMapKey? key,
        out MergeMapRejection rejection)
    {
        map = null;
        key = null;
        if (!TimestampMergeMapAnnounceDecoder.TryWrap(message, out TimestampMergeMapAnnounceDecoder d, out SbeRejectReason sbe))
        {
            rejection = new(MergeMapRejectReason.Malformed, SbeReason: sbe);
            return false;
        }
        key = new MergeMapKey(d.OutStreamId, d.Epoch);
        TimestampMergeMapAnnounceDecoder.RulesDecoder group = d.Rules;
        var rules = new TimestampMergeRule[group.Count];
        int i = 0;
        foreach (TimestampMergeMapAnnounceDecoder.RulesDecoder rule in group)
        {
            rules[i++] = new TimestampMergeRule(rule.InputStreamId, (MergeTimeRuleType)rule.RuleTypeRaw,
                (TimestampSource)rule.TimestampSourceRaw, rule.OffsetNs, rule.WindowNs);
        }
        return TryCreate(d.OutStreamId, d.Epoch, (ClockDomain)d.ClockDomainRaw, rules, d.LatenessNs, d.StaleTimeoutNs, out map, out rejection);
    }

    /// <summary>Writes the TimestampMergeMapAnnounce of this map; returns its length.</summary>
    /// <exception cref="SbeBufferTooSmallException"><paramref name="buffer"/> is shorter than <see cref="EncodedLength"/>.</exception>
    public int Encode(Span<byte> buffer)
    {
        TimestampMergeMapAnnounceEncoder e = TimestampMergeMapAnnounceEncoder.WrapAndApplyHeader(buffer);
        e.OutStreamId = OutStreamId;
        e.Epoch = Epoch;
        e.StaleTimeoutNs = StaleTimeoutNs;
        e.ClockDomain = ClockDomain;
        e.LatenessNs = LatenessNs;
        TimestampMergeMapAnnounceEncoder.RulesEncoder group = e.RulesCount(_rules.Length);
        foreach (TimestampMergeRule rule in _rules)
        {
            group.Next();
            group.InputStreamId = rule.InputStreamId;
            group.RuleType = rule.RuleType;
            group.TimestampSource = rule.TimestampSource;
            group.OffsetNs = rule.OffsetNs;
            group.WindowNs = rule.WindowNs;
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

    /// <summary>The TimestampMergeMapRequest for (<paramref name="outStreamId"/>, <paramref name="epoch"/>) (§10.5); returns its length.</summary>
    public static int EncodeRequest(Span<byte> buffer, uint outStreamId, ulong epoch)
    {
        TimestampMergeMapRequestEncoder e = TimestampMergeMapRequestEncoder.WrapAndApplyHeader(buffer);
        e.OutStreamId = outStreamId;
        e.Epoch = epoch;
        return e.EncodedLength;
    }

    /// <summary>Same output, epoch, clock domain, lateness, stale timeout and rules in the same order.</summary>
    public bool Equals(TimestampMergeMap? other) =>
        other is not null && (ReferenceEquals(this, other) ||
            (OutStreamId == other.OutStreamId && Epoch == other.Epoch && ClockDomain == other.ClockDomain &&
             LatenessNs == other.LatenessNs && StaleTimeoutNs == other.StaleTimeoutNs && _rules.AsSpan().SequenceEqual(other._rules)));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TimestampMergeMap);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(OutStreamId, Epoch, ClockDomain, LatenessNs, StaleTimeoutNs, _rules.Length);

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"timestamp map {Key} clockDomain={ClockDomain.ToSbeName()} latenessNs={LatenessNs?.ToString(CultureInfo.InvariantCulture) ?? "null"} staleTimeoutNs={StaleTimeoutNs?.ToString(CultureInfo.InvariantCulture) ?? "null"} rules=[{string.Join(", ", _rules)}]");

    internal static string Describe(MergeMapRejection rejection, ReadOnlySpan<TimestampMergeRule> rules) =>
        rejection.RuleIndex >= 0 && rejection.RuleIndex < rules.Length
            ? $"invalid timestamp MergeMap: {rejection} ({rules[rejection.RuleIndex]})"
            : $"invalid timestamp MergeMap: {rejection}";

    // §6.3: each rule names a known type and source and carries exactly its own parameter; windows are positive (§6.3.2).
    private static MergeMapRejectReason Check(TimestampMergeRule rule)
    {
        if (!rule.RuleType.IsKnown())
        {
            return MergeMapRejectReason.UnknownRuleType;
        }
        if (!rule.TimestampSource.IsKnown())
        {
            return MergeMapRejectReason.UnknownTimestampSource;
        }
        if (rule.OffsetNs is not null && rule.WindowNs is not null)
        {
            return MergeMapRejectReason.BothParameters;
        }
        if (rule.RuleType == MergeTimeRuleType.OffsetNs)
        {
            if (rule.OffsetNs is null)
            {
                return MergeMapRejectReason.MissingParameter;
            }
            return rule.OffsetNs == TimestampMergeMapAnnounceEncoder.RulesEncoder.OffsetNsNullValue
                ? MergeMapRejectReason.NullValueParameter
                : MergeMapRejectReason.None;
        }
        if (rule.WindowNs is null)
        {
            return MergeMapRejectReason.MissingParameter;
        }
        if (rule.WindowNs == 0)
        {
            return MergeMapRejectReason.ZeroWindow;
        }
        return rule.WindowNs == TimestampMergeMapAnnounceEncoder.RulesEncoder.WindowNsNullValue
            ? MergeMapRejectReason.NullValueParameter
            : MergeMapRejectReason.None;
    }
}
