namespace TensorPool.Discovery.Configuration;

/// <summary>
/// The discovery provider a driver embeds (discovery spec §2.2, §4.2), from the <c>[discovery]</c> section of the
/// driver's file: on by default, answering on the driver's control endpoint, indexing the driver's own announces and
/// the metadata its producers publish.
/// </summary>
public sealed class EmbeddedDiscoveryOptions
{
    public const uint DefaultMetadataStreamId = 1300;

    /// <summary><c>discovery.enabled</c>: embed the provider (default true).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary><c>discovery.metadata_channel</c>: where the producers' DataSourceAnnounce/DataSourceMeta arrive; null is the driver's control channel.</summary>
    public string? MetadataChannel { get; set; }

    /// <summary><c>discovery.metadata_stream_id</c> (STREAM_ID_CONVENTIONS: 1300).</summary>
    public uint MetadataStreamId { get; set; } = DefaultMetadataStreamId;

    /// <summary>Expiry, limits, access policy and query log (<c>announce_period_ms</c> is the driver's own).</summary>
    public DiscoveryProviderOptions Provider { get; set; } = new();

    /// <summary>Tags of the driver's streams by stream id (<c>[streams.*] tags</c>), merged with their metadata's.</summary>
    public IDictionary<uint, IReadOnlyList<string>> StreamTags { get; set; } = new Dictionary<uint, IReadOnlyList<string>>();

    public EmbeddedDiscoveryOptions Clone()
    {
        var copy = (EmbeddedDiscoveryOptions)MemberwiseClone();
        copy.Provider = Provider.Clone();
        copy.StreamTags = new Dictionary<uint, IReadOnlyList<string>>(StreamTags);
        return copy;
    }
}
