using System.Globalization;
using TensorPool.Native.Internal;

namespace TensorPool.Producers;

/// <summary>
/// Settings of a <see cref="Producer"/>. <see cref="TensorPool.Client.TensorPoolClient.AddProducer(ProducerOptions)"/>
/// copies them and validates them then: <see cref="Validate"/> throws an <see cref="ArgumentException"/> naming the
/// option, its value and the rule.
/// </summary>
public sealed class ProducerOptions
{
    /// <summary>The primary pool stream of STREAM_ID_CONVENTIONS.</summary>
    public const uint DefaultStreamId = 10000;

    /// <summary>Header slots (and payload slots per pool) unless configured: 64.</summary>
    public const int DefaultHeaderNslots = 64;

    /// <summary>The most slots a ring may have (2^24): keeps every region length far inside what a mapping can hold.</summary>
    public const int MaxHeaderNslots = 1 << 24;

    /// <summary>The most payload pools a producer may announce.</summary>
    public const int MaxPools = 64;

    /// <summary>The longest DataSourceAnnounce name or summary accepted (ASCII bytes).</summary>
    public const int MaxTextLength = 1024;

    /// <summary>The data source (pool stream id); consumers subscribe to it.</summary>
    public uint StreamId { get; set; } = DefaultStreamId;

    /// <summary>The producer id in announces and QoS; 0 picks a random non-zero id when the producer is created.</summary>
    public uint ProducerId { get; set; }

    /// <summary>Slots in the header ring and in every pool (§15.5): a power of two.</summary>
    public int HeaderNslots { get; set; } = DefaultHeaderNslots;

    /// <summary>The payload pool size classes (§9). A frame goes to the smallest stride that holds it. Default: one 1 MiB pool, id 1.</summary>
    public IList<PayloadPoolOptions> Pools { get; set; } = [new PayloadPoolOptions(1, 1 << 20)];

    /// <summary>Reserve and touch every page when the regions are created (driver spec §17 policies.prefault_shm).</summary>
    public bool Prefault { get; set; } = true;

    /// <summary>
    /// Create region directories 2770 and files 0660 (shared-group use, §15.21a.6) instead of 0700/0600.
    /// </summary>
    public bool SharedGroupAccess { get; set; }

    /// <summary>Human-readable name in DataSourceAnnounce (§10.3.1), ASCII; empty means absent.</summary>
    public string Name { get; set; } = "";

    /// <summary>Nominal dtype/shape summary in DataSourceAnnounce, ASCII; empty means absent.</summary>
    public string Summary { get; set; } = "";

    /// <summary>The metadata version frames refer to unless a claim sets another (§10.3.2).</summary>
    public uint MetaVersion { get; set; }

    /// <summary>
    /// Stamp FrameDescriptor.timestamp_ns with the publish time (§10.2.1: SHOULD be left null unless publish-time
    /// alignment is needed). The capture time always goes into the slot.
    /// </summary>
    public bool PublishDescriptorTimestamp { get; set; }

    /// <summary>§10.2.2 recommended default progress interval, also the floor: 250 µs.</summary>
    public static readonly TimeSpan DefaultProgressIntervalFloor = TimeSpan.FromTicks(2500);

    /// <summary>§10.2.2 recommended default progress byte delta, also the floor: 64 KiB.</summary>
    public const uint DefaultProgressBytesDeltaFloor = 64 * 1024;

    /// <summary>DataSourceMeta attributes published when the producer starts (§10.3.2); <see cref="Producer.SetMetadata"/> replaces them.</summary>
    public IList<Control.MetaAttribute> Metadata { get; set; } = [];

    /// <summary>
    /// Smallest interval between FrameProgress PROGRESS messages whatever consumers ask (§10.2.2 producer minimum); also the
    /// interval when no consumer gives a hint.
    /// </summary>
    public TimeSpan ProgressIntervalFloor { get; set; } = DefaultProgressIntervalFloor;

    /// <summary>Smallest payload advance between PROGRESS messages whatever consumers ask (§10.2.2); also the default.</summary>
    public uint ProgressBytesDeltaFloor { get; set; } = DefaultProgressBytesDeltaFloor;

    /// <summary>The most per-consumer publications (descriptor and control) this producer opens (§5); further requests are REJECTED.</summary>
    public int MaxPerConsumerStreams { get; set; } = Control.ConsumerRegistry.DefaultMaxPerConsumerStreams;

    /// <summary>
    /// payload_fallback_uri sent in ConsumerConfig to consumers that cannot use shared memory (§10.1.3, §15.12), e.g.
    /// <c>aeron:udp?endpoint=...</c> or <c>bridge://id</c>; empty when this deployment has no fallback.
    /// </summary>
    public string PayloadFallbackUri { get; set; } = "";

    /// <summary>
    /// Trace this stream (TraceLink §8.1): every FrameDescriptor carries a non-zero trace id, the one a claim or offer
    /// gives or else a new root id (§6.3). Needs a node id: the driver's, or <see cref="Client.ClientOptions.TraceNodeId"/>.
    /// </summary>
    public bool Trace { get; set; }

    /// <summary>A copy (the pool and metadata lists are copied too).</summary>
    public ProducerOptions Clone()
    {
        var copy = (ProducerOptions)MemberwiseClone();
        copy.Pools = [.. Pools];
        copy.Metadata = [.. Metadata];
        return copy;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option that breaks its rule.</summary>
    public void Validate()
    {
        if (HeaderNslots < 1 || HeaderNslots > MaxHeaderNslots || (HeaderNslots & (HeaderNslots - 1)) != 0)
        {
            throw Invalid(nameof(HeaderNslots), HeaderNslots.ToString(CultureInfo.InvariantCulture), $"must be a power of two from 1 to {MaxHeaderNslots} (§15.18 masking)");
        }
        if (Pools is null || Pools.Count == 0 || Pools.Count > MaxPools)
        {
            throw Invalid(nameof(Pools), Pools?.Count.ToString(CultureInfo.InvariantCulture) ?? "null", $"must hold 1 to {MaxPools} pools");
        }
        var ids = new HashSet<ushort>();
        var strides = new HashSet<uint>();
        foreach (PayloadPoolOptions? pool in Pools)
        {
            if (pool is null)
            {
                throw Invalid(nameof(Pools), "null", "must not contain null");
            }
            if (pool.StrideBytes == 0 || pool.StrideBytes % TpSuperblockConstants.PayloadStrideAlignment != 0)
            {
                throw Invalid(nameof(Pools), $"pool {pool.PoolId} stride {pool.StrideBytes}", "stride_bytes must be a positive multiple of 64 (§15.22)");
            }
            if (pool.StrideBytes > int.MaxValue)
            {
                throw Invalid(nameof(Pools), $"pool {pool.PoolId} stride {pool.StrideBytes}", "stride_bytes must fit a .NET span (at most 2^31 - 1)");
            }
            if (!ids.Add(pool.PoolId))
            {
                throw Invalid(nameof(Pools), $"pool {pool.PoolId}", "pool ids must be unique");
            }
            if (!strides.Add(pool.StrideBytes))
            {
                throw Invalid(nameof(Pools), $"stride {pool.StrideBytes}", "two pools with one stride make the pool choice ambiguous (§9)");
            }
        }
        CheckText(nameof(Name), Name);
        CheckText(nameof(Summary), Summary);
        CheckText(nameof(PayloadFallbackUri), PayloadFallbackUri);
        if (ProgressIntervalFloor < TimeSpan.Zero || ProgressIntervalFloor > TimeSpan.FromSeconds(10))
        {
            throw Invalid(nameof(ProgressIntervalFloor), ProgressIntervalFloor.ToString(), "must be from 0 to 10 s");
        }
        if (MaxPerConsumerStreams < 0)
        {
            throw Invalid(nameof(MaxPerConsumerStreams), MaxPerConsumerStreams.ToString(CultureInfo.InvariantCulture), "must not be negative");
        }
        if (Metadata is null)
        {
            throw Invalid(nameof(Metadata), "null", "must be a list (empty for none)");
        }
        CheckAttributes([.. Metadata]);
    }

    /// <summary>Keys and formats are ASCII (varAscii, §10.3.2); values are bytes.</summary>
    internal static void CheckAttributes(IReadOnlyList<Control.MetaAttribute> attributes)
    {
        foreach (Control.MetaAttribute? m in attributes)
        {
            if (m is null || m.Value is null)
            {
                throw Invalid(nameof(Metadata), "null", "must not contain null attributes or values");
            }
            CheckText(nameof(Metadata), m.Key);
            CheckText(nameof(Metadata), m.Format);
            if (m.Key.Length == 0)
            {
                throw Invalid(nameof(Metadata), m.Key, "keys must not be empty");
            }
        }
    }

    private static void CheckText(string option, string? value)
    {
        if (value is null || value.Length > MaxTextLength || !System.Text.Ascii.IsValid(value))
        {
            throw Invalid(option, value, $"must be ASCII text of at most {MaxTextLength} characters");
        }
    }

    private static ArgumentException Invalid(string option, string? value, string rule) =>
        new($"ProducerOptions.{option} = '{value}' {rule}", option);
}
