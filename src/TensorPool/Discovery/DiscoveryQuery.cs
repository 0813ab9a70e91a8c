namespace TensorPool.Discovery;

/// <summary>
/// What to look for (discovery spec §5.1): every filter given must match (AND); none lists every stream the provider
/// shows. Names and tags are compared byte for byte, case-sensitively; each character is one byte (Latin-1), as the
/// results give them back.
/// </summary>
public sealed class DiscoveryQuery
{
    /// <summary>§5.1: data_source_name SHOULD be at most 256 bytes; providers accept up to this many.</summary>
    public const int MaxNameLength = 1024;

    public const int MaxTagLength = 256;

    public const int MaxTags = 64;

    public uint? StreamId { get; init; }

    public uint? ProducerId { get; init; }

    public ulong? DataSourceId { get; init; }

    /// <summary>The exact data source name (DataSourceAnnounce.name); null or empty: any.</summary>
    public string? DataSourceName { get; init; }

    /// <summary>Tags every result must carry; a duplicate counts once (§5.1).</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>How long to wait for the response; null is <see cref="DiscoveryOptions.Timeout"/>.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the filter that breaks its rule.</summary>
    public void Validate()
    {
        if (StreamId == uint.MaxValue || ProducerId == uint.MaxValue || DataSourceId == ulong.MaxValue)
        {
            throw new ArgumentException("DiscoveryQuery: the all-ones value is the SBE null value (§5.0): leave the filter null instead");
        }
        if (DataSourceName is { } name && (name.Length > MaxNameLength || !IsLatin1(name)))
        {
            throw new ArgumentException($"DiscoveryQuery.DataSourceName must be at most {MaxNameLength} one-byte characters", nameof(DataSourceName));
        }
        if (Tags is null || Tags.Count > MaxTags)
        {
            throw new ArgumentException($"DiscoveryQuery.Tags must hold at most {MaxTags} tags", nameof(Tags));
        }
        foreach (string tag in Tags)
        {
            if (string.IsNullOrEmpty(tag) || tag.Length > MaxTagLength || !IsLatin1(tag))
            {
                throw new ArgumentException($"DiscoveryQuery.Tags entry '{tag}' must be 1 to {MaxTagLength} one-byte characters", nameof(Tags));
            }
        }
        if (Timeout is { } t && (t <= TimeSpan.Zero || t > TimeSpan.FromHours(1)))
        {
            throw new ArgumentException($"DiscoveryQuery.Timeout {t} must be positive and at most an hour", nameof(Timeout));
        }
    }

    internal static bool IsLatin1(string s) => s.All(c => c <= '\u00ff');
}
