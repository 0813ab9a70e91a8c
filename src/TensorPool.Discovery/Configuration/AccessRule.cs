namespace TensorPool.Discovery.Configuration;

/// <summary>
/// One rule of the access policy (discovery spec §12): streams whose id falls in <see cref="StreamIds"/> are
/// <see cref="Visible"/> or hidden to clients whose client_id falls in <see cref="ClientIds"/>. An empty list matches
/// every id. <c>client_id</c> is an opaque, unauthenticated identifier (§5.1): the policy filters what is shown, it
/// grants nothing (§12).
/// </summary>
public sealed record AccessRule
{
    /// <summary>Inclusive client id ranges the rule applies to; empty: every client.</summary>
    public IReadOnlyList<(uint Start, uint End)> ClientIds { get; init; } = [];

    /// <summary>Inclusive stream id ranges the rule applies to; empty: every stream.</summary>
    public IReadOnlyList<(uint Start, uint End)> StreamIds { get; init; } = [];

    /// <summary>Whether matching streams are shown to matching clients.</summary>
    public bool Visible { get; init; } = true;

    public bool Matches(uint clientId, uint streamId) => In(ClientIds, clientId) && In(StreamIds, streamId);

    private static bool In(IReadOnlyList<(uint Start, uint End)> ranges, uint id)
    {
        if (ranges.Count == 0)
        {
            return true;
        }
        foreach ((uint start, uint end) in ranges)
        {
            if (id >= start && id <= end)
            {
                return true;
            }
        }
        return false;
    }
}
