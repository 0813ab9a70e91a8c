namespace TensorPool.Discovery;

/// <summary>
/// What a discovery provider has indexed, answered and refused since start (written by its duty cycle, readable from
/// any thread). Bad input is counted here, never thrown.
/// </summary>
public sealed class DiscoveryProviderCounters
{
    internal long RequestsCount;
    internal long OkCount;
    internal long NotFoundCount;
    internal long ErrorCount;
    internal long MalformedRequestsCount;
    internal long NoResponseChannelCount;
    internal long UnsupportedVersionCount;
    internal long EndpointRefusedCount;
    internal long EndpointThrottledCount;
    internal long OfferFailuresCount;
    internal long AnnouncesCount;
    internal long InvalidAnnouncesCount;
    internal long EpochRegressionsCount;
    internal long ExpiredCount;
    internal long OverflowedCount;
    internal long MetadataCount;
    internal long StaleMetadataCount;
    internal long InvalidMetadataCount;
    internal long DriverShutdownsCount;
    internal long QueriesLoggedCount;

    /// <summary>DiscoveryRequest messages read (well-formed or not).</summary>
    public long Requests => Volatile.Read(ref RequestsCount);

    public long AnsweredOk => Volatile.Read(ref OkCount);

    public long AnsweredNotFound => Volatile.Read(ref NotFoundCount);

    public long AnsweredError => Volatile.Read(ref ErrorCount);

    /// <summary>Requests no decoder accepted (truncated, bad group or length): dropped, nothing to answer to.</summary>
    public long MalformedRequests => Volatile.Read(ref MalformedRequestsCount);

    /// <summary>§5.1: requests with an empty response_channel, dropped without a response.</summary>
    public long DroppedWithoutResponseChannel => Volatile.Read(ref NoResponseChannelCount);

    /// <summary>§10: requests of a discovery schema version other than 1.</summary>
    public long UnsupportedVersions => Volatile.Read(ref UnsupportedVersionCount);

    /// <summary>Response endpoints the transport refused (not a channel, wrong scheme, I/O): request dropped.</summary>
    public long EndpointsRefused => Volatile.Read(ref EndpointRefusedCount);

    /// <summary>Requests naming a new response endpoint beyond the rate allowed: dropped.</summary>
    public long EndpointsThrottled => Volatile.Read(ref EndpointThrottledCount);

    /// <summary>Responses the transport refused (back pressure, too long).</summary>
    public long OfferFailures => Volatile.Read(ref OfferFailuresCount);

    /// <summary>ShmPoolAnnounce messages that updated the index.</summary>
    public long Announces => Volatile.Read(ref AnnouncesCount);

    /// <summary>ShmPoolAnnounce messages refused (malformed, header_slot_bytes not 256, pool_nslots not header_nslots, ...).</summary>
    public long InvalidAnnounces => Volatile.Read(ref InvalidAnnouncesCount);

    /// <summary>§6.3: announces whose epoch went backwards without a known driver restart, dropped.</summary>
    public long EpochRegressions => Volatile.Read(ref EpochRegressionsCount);

    /// <summary>§6.2: entries removed because no announce came within the expiry.</summary>
    public long Expired => Volatile.Read(ref ExpiredCount);

    /// <summary>Announces or metadata of new streams beyond <c>max_streams</c>, dropped.</summary>
    public long Overflowed => Volatile.Read(ref OverflowedCount);

    /// <summary>DataSourceAnnounce and DataSourceMeta messages applied.</summary>
    public long Metadata => Volatile.Read(ref MetadataCount);

    /// <summary>DataSourceAnnounce of an epoch older than the one indexed, ignored.</summary>
    public long StaleMetadata => Volatile.Read(ref StaleMetadataCount);

    /// <summary>Metadata messages refused (malformed, a name or tag too long, a bad data_source_id).</summary>
    public long InvalidMetadata => Volatile.Read(ref InvalidMetadataCount);

    /// <summary>ShmDriverShutdown seen from an indexed driver: its entries were removed (a restart is known, §6.3).</summary>
    public long DriverShutdowns => Volatile.Read(ref DriverShutdownsCount);

    /// <summary>Queries written to the log (one in <c>query_log_every</c>, §13).</summary>
    public long QueriesLogged => Volatile.Read(ref QueriesLoggedCount);
}
