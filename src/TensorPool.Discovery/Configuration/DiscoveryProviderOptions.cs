using System.Globalization;

namespace TensorPool.Discovery.Configuration;

/// <summary>
/// How a discovery provider indexes and answers (discovery spec §5, §6, §12, §13), whether embedded in a driver
/// (<c>[discovery]</c> of the driver's file) or in a registry (<c>[discovery]</c> of the registry's file). Property
/// names follow the TOML keys.
/// </summary>
public sealed class DiscoveryProviderOptions
{
    public const uint DefaultAnnouncePeriodMs = 1000;
    public const uint DefaultMaxResults = 1000;
    public const int DefaultMaxStreams = 4096;
    public const int DefaultMaxResponseEndpoints = 64;
    public const int DefaultNewResponseEndpointsPerSecond = 32;
    public const uint DefaultQueryLogEvery = 100;

    /// <summary>§5.1: data_source_name SHOULD be at most 256 bytes; longer names are accepted up to this many bytes.</summary>
    public const int MaxNameBytes = 1024;

    /// <summary>The longest tag indexed or matched.</summary>
    public const int MaxTagBytes = 256;

    /// <summary>The most tags a stream carries and a request may name (more is ERROR for a request).</summary>
    public const int MaxTags = 64;

    /// <summary>§5.2: error_message SHOULD be at most 1024 bytes (UDP MTU safety).</summary>
    public const int MaxErrorMessageBytes = 1024;

    /// <summary><c>announce_period_ms</c>: the drivers' ShmPoolAnnounce period, which expiry is measured in.</summary>
    public uint AnnouncePeriodMs { get; set; } = DefaultAnnouncePeriodMs;

    /// <summary><c>expiry_ms</c> (added key): entries with no announce for this long expire (§6.2); null is 3 × announce period.</summary>
    public uint? ExpiryMs { get; set; }

    /// <summary><c>max_results</c>: more matches than this are answered with status=ERROR (§5.2: RECOMMENDED 1,000).</summary>
    public uint MaxResults { get; set; } = DefaultMaxResults;

    /// <summary><c>max_streams</c> (added key): bound on the streams indexed; announces of more are counted and dropped.</summary>
    public int MaxStreams { get; set; } = DefaultMaxStreams;

    /// <summary><c>max_response_endpoints</c> (added key): response publications kept open (least recently used closed first).</summary>
    public int MaxResponseEndpoints { get; set; } = DefaultMaxResponseEndpoints;

    /// <summary>
    /// <c>new_response_endpoints_per_second</c> (added key): response endpoints opened per second at most; requests
    /// naming yet another one beyond that are dropped and counted (a flood of random endpoints must not create files
    /// without bound).
    /// </summary>
    public int NewResponseEndpointsPerSecond { get; set; } = DefaultNewResponseEndpointsPerSecond;

    /// <summary><c>query_log_every</c> (added key): log one query in this many (§13: sampled); 0 logs none.</summary>
    public uint QueryLogEvery { get; set; } = DefaultQueryLogEvery;

    /// <summary><c>[discovery.access]</c>: which client ids see which streams (§12).</summary>
    public AccessPolicy Access { get; set; } = AccessPolicy.Open;

    /// <summary>The expiry in force, in nanoseconds.</summary>
    public long ExpiryNs => (long)(ExpiryMs ?? 3 * AnnouncePeriodMs) * 1_000_000L;

    public DiscoveryProviderOptions Clone() => (DiscoveryProviderOptions)MemberwiseClone();

    /// <summary>Throws a <see cref="DiscoveryConfigurationException"/> naming the first key that breaks its rule.</summary>
    public void Validate(string prefix = "discovery", string? origin = null)
    {
        if (AnnouncePeriodMs == 0)
        {
            throw new DiscoveryConfigurationException(prefix + ".announce_period_ms", "0", "must be positive", origin);
        }
        if (ExpiryMs is 0)
        {
            throw new DiscoveryConfigurationException(prefix + ".expiry_ms", "0", "must be positive (entries expire after it, §6.2)", origin);
        }
        if (ExpiryMs is { } e && e < AnnouncePeriodMs)
        {
            throw new DiscoveryConfigurationException(prefix + ".expiry_ms", e.ToString(CultureInfo.InvariantCulture),
                "must be at least announce_period_ms (an entry would expire between two announces)", origin);
        }
        if (MaxResults is 0 or > ushort.MaxValue)
        {
            throw new DiscoveryConfigurationException(prefix + ".max_results", MaxResults.ToString(CultureInfo.InvariantCulture),
                "must be from 1 to 65535 (the results group counts in 16 bits)", origin);
        }
        Positive(prefix + ".max_streams", MaxStreams, 1 << 20, origin);
        Positive(prefix + ".max_response_endpoints", MaxResponseEndpoints, 4096, origin);
        Positive(prefix + ".new_response_endpoints_per_second", NewResponseEndpointsPerSecond, 100_000, origin);
        if (Access is null)
        {
            throw new DiscoveryConfigurationException(prefix + ".access", null, "must be set (AccessPolicy.Open shows everything)", origin);
        }
    }

    private static void Positive(string key, int value, int max, string? origin)
    {
        if (value < 1 || value > max)
        {
            throw new DiscoveryConfigurationException(key, value.ToString(CultureInfo.InvariantCulture),
                $"must be from 1 to {max.ToString(CultureInfo.InvariantCulture)}", origin);
        }
    }
}
