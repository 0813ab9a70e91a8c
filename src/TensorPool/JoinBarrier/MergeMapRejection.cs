using System.Globalization;
using TensorPool.Sbe;

namespace TensorPool.JoinBarrier;

/// <summary>
/// The outcome of checking a MergeMap: <see cref="Reason"/>, the rule that broke it (<see cref="RuleIndex"/>, -1 for
/// the map as a whole) and, for bytes that are not a well-formed announce, the decoder's <see cref="SbeReason"/>.
/// </summary>
public readonly record struct MergeMapRejection
{
    // Stored one above the index so that the default value means "the map as a whole" (-1).
    private readonly int _ruleIndexPlusOne;

    /// <summary>No rejection.</summary>
    public static MergeMapRejection None => default;

    /// <summary>Why the map was rejected (<see cref="MergeMapRejectReason.None"/> when it was not).</summary>
    public MergeMapRejectReason Reason { get; init; }

    /// <summary>The rule that broke the map, or -1 when the map as a whole did.</summary>
    public int RuleIndex
    {
        get => _ruleIndexPlusOne - 1;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, -1);
            _ruleIndexPlusOne = value + 1;
        }
    }

    /// <summary>For <see cref="MergeMapRejectReason.Malformed"/>: why the decoder refused the bytes.</summary>
    public SbeRejectReason SbeReason { get; init; }

    /// <summary>True when the map was rejected.</summary>
    public bool IsRejected => Reason != MergeMapRejectReason.None;

    /// <inheritdoc/>
    public override string ToString() => Reason switch
    {
        MergeMapRejectReason.None => "accepted",
        MergeMapRejectReason.Malformed => $"malformed announce ({SbeReason})",
        _ when RuleIndex >= 0 => string.Create(CultureInfo.InvariantCulture, $"{Reason} in rule {RuleIndex}"),
        _ => Reason.ToString(),
    };

    internal static MergeMapRejection Of(MergeMapRejectReason reason, int ruleIndex = -1) => new() { Reason = reason, RuleIndex = ruleIndex };

    internal static MergeMapRejection Malformed(SbeRejectReason sbe) => new() { Reason = MergeMapRejectReason.Malformed, SbeReason = sbe };
}
