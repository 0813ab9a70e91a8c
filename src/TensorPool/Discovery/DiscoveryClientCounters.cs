namespace TensorPool.Discovery;

/// <summary>What a client's discovery has sent, received and refused (readable from any thread).</summary>
public sealed class DiscoveryClientCounters
{
    internal long RequestsCount;
    internal long ResponsesCount;
    internal long UnknownRequestIdsCount;
    internal long InvalidResultsCount;
    internal long DuplicateResultsCount;
    internal long MalformedCount;
    internal long UnsupportedVersionsCount;
    internal long TimeoutsCount;

    public long Requests => Volatile.Read(ref RequestsCount);

    /// <summary>Responses matched to a pending request.</summary>
    public long Responses => Volatile.Read(ref ResponsesCount);

    /// <summary>§5.2: responses whose request_id is not pending here (another client's, a late one), dropped.</summary>
    public long UnknownRequestIds => Volatile.Read(ref UnknownRequestIdsCount);

    /// <summary>§5.2: results ignored because they break a rule.</summary>
    public long InvalidResults => Volatile.Read(ref InvalidResultsCount);

    /// <summary>§7: results ignored as duplicates or stale epochs.</summary>
    public long DuplicateResults => Volatile.Read(ref DuplicateResultsCount);

    /// <summary>Response bytes no decoder accepted, or with a status outside the schema.</summary>
    public long Malformed => Volatile.Read(ref MalformedCount);

    /// <summary>§10: responses of a discovery schema version other than 1, rejected.</summary>
    public long UnsupportedVersions => Volatile.Read(ref UnsupportedVersionsCount);

    public long Timeouts => Volatile.Read(ref TimeoutsCount);
}
