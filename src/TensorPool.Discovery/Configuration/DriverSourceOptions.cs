namespace TensorPool.Discovery.Configuration;

/// <summary>
/// One driver a registry aggregates (discovery spec §6.4, §8): its identity and control endpoint (what results name as
/// the authority) and the endpoints its ShmPoolAnnounce and DataSourceAnnounce/DataSourceMeta arrive on. Messages are
/// attributed to a driver by the endpoint they arrive on, so no two drivers may share an announce or metadata endpoint.
/// </summary>
public sealed record DriverSourceOptions
{
    /// <summary><c>driver_instance_id</c> / <c>instance_id</c>: the driver's identity in results (§5.2).</summary>
    public string InstanceId { get; init; } = "";

    /// <summary><c>driver_control_channel</c> / <c>control_channel</c>: where clients attach (§5.2); also watched for ShmDriverShutdown.</summary>
    public string ControlChannel { get; init; } = "";

    /// <summary><c>driver_control_stream_id</c> / <c>control_stream_id</c>: never 0 (§5.2).</summary>
    public uint ControlStreamId { get; init; }

    /// <summary><c>announce_channel</c>: the driver's ShmPoolAnnounce; null is the control channel.</summary>
    public string? AnnounceChannel { get; init; }

    /// <summary><c>announce_stream_id</c>; null is the control stream id.</summary>
    public uint? AnnounceStreamId { get; init; }

    /// <summary><c>metadata_channel</c>: DataSourceAnnounce and DataSourceMeta of the driver's producers; null is the announce channel.</summary>
    public string? MetadataChannel { get; init; }

    /// <summary><c>metadata_stream_id</c>; null is 1300 (STREAM_ID_CONVENTIONS).</summary>
    public uint? MetadataStreamId { get; init; }

    public const uint DefaultMetadataStreamId = 1300;

    /// <summary>
    /// <c>stream_tags</c> (added key): tags of the driver's streams by stream id (<c>{ 10000 = ["camera"] }</c>),
    /// merged with their metadata's; what a driver's own <c>[streams.*] tags</c> give its embedded provider.
    /// </summary>
    public IReadOnlyDictionary<uint, IReadOnlyList<string>> StreamTags { get; init; } = new Dictionary<uint, IReadOnlyList<string>>();

    public string EffectiveAnnounceChannel => AnnounceChannel ?? ControlChannel;

    public uint EffectiveAnnounceStreamId => AnnounceStreamId ?? ControlStreamId;

    public string EffectiveMetadataChannel => MetadataChannel ?? EffectiveAnnounceChannel;

    public uint EffectiveMetadataStreamId => MetadataStreamId ?? DefaultMetadataStreamId;

    public DriverIdentity Identity => new(InstanceId, ControlChannel, ControlStreamId);
}
