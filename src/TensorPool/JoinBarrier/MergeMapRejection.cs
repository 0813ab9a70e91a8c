using System.Globalization;
using TensorPool.Sbe;

namespace TensorPool.JoinBarrier;

/// <summary>
/// The outcome of checking a MergeMap: <see cref="Reason"/>, the rule that broke it (<see cref="RuleIndex"/>, -1 for
/// the map as a whole) and, for bytes that are not a well-formed announce, the decoder's <see cref="SbeReason"/>.
/// </summary>
public readonly record struct MergeMapRejection(MergeMapRejectReason Reason, int RuleIndex = -1, SbeRejectReason SbeReason = SbeRejectReason.None)
{
    /// <summary>No rejection.</summary>
    public static MergeMapRejection None => default;

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
}
