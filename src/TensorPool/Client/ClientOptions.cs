using System.Globalization;
using TensorPool.Agents;
using TensorPool.Time;
using TensorPool.Transport;

namespace TensorPool.Client;

/// <summary>
/// Settings of a <see cref="TensorPoolClient"/>. The defaults run on a fresh machine: <c>tp:ipc</c> channels, the
/// stream ids of STREAM_ID_CONVENTIONS, shared memory under <c>/dev/shm</c>, 1 s announce and QoS periods. The client
/// copies the options and validates them when it starts (<see cref="Validate"/> names the option, its value and the
/// rule it breaks).
/// </summary>
public sealed class ClientOptions
{
    public const string DefaultChannel = "tp:ipc";
    public const string DefaultShmBaseDir = "/dev/shm";
    public const string DefaultNamespace = "default";
    public const int DefaultControlStreamId = 1000;
    public const int DefaultDescriptorStreamId = 1100;
    public const int DefaultQosStreamId = 1200;
    public const int DefaultMetadataStreamId = 1300;

    /// <summary>The transport to use; null creates a tp:ipc transport over <see cref="ShmBaseDir"/> that the client owns.</summary>
    public ITransport? Transport { get; set; }

    /// <summary>
    /// The channel of every stream (control, descriptors, QoS, metadata). Its scheme chooses the transport created when
    /// <see cref="Transport"/> is null: <c>tp:ipc</c>, or <c>aeron:ipc</c> / <c>aeron:udp</c> with TensorPool.Transport.Aeron.
    /// </summary>
    public string Channel { get; set; } = DefaultChannel;

    /// <summary>aeron: channels: the Aeron directory of the media driver; null is <c>$AERON_DIR</c>, else Aeron's default.</summary>
    public string? AeronDir { get; set; }

    /// <summary>aeron: channels: run an Aeron media driver inside this process instead of using a running aeronmd.</summary>
    public bool EmbeddedMediaDriver { get; set; }

    /// <summary>aeron: channels: libaeron (a file or its folder); null is <c>$TP_AERON_LIBRARY</c>, then the platform's search.</summary>
    public string? AeronLibraryPath { get; set; }

    /// <summary>ShmPoolAnnounce and other control messages (STREAM_ID_CONVENTIONS: 1000).</summary>
    public int ControlStreamId { get; set; } = DefaultControlStreamId;

    /// <summary>FrameDescriptor (1100).</summary>
    public int DescriptorStreamId { get; set; } = DefaultDescriptorStreamId;

    /// <summary>QosProducer and QosConsumer (1200).</summary>
    public int QosStreamId { get; set; } = DefaultQosStreamId;

    /// <summary>DataSourceAnnounce and DataSourceMeta (1300).</summary>
    public int MetadataStreamId { get; set; } = DefaultMetadataStreamId;

    /// <summary>Where producers create regions (§15.21a.2) and, by default, the one base dir consumers map from.</summary>
    public string ShmBaseDir { get; set; } = DefaultShmBaseDir;

    /// <summary>The application namespace of the canonical layout (§15.21a.3) and of the tp:ipc logs.</summary>
    public string Namespace { get; set; } = DefaultNamespace;

    /// <summary>The user of <c>tensorpool-&lt;user&gt;</c>; null is the effective user.</summary>
    public string? User { get; set; }

    /// <summary>
    /// Directories consumers accept announced regions under (§15.21a.5), canonicalised once at start-up. Empty means
    /// <see cref="ShmBaseDir"/> alone.
    /// </summary>
    public IList<string> AllowedBaseDirs { get; set; } = [];

    /// <summary>ShmPoolAnnounce and DataSourceAnnounce period, also the activity-timestamp refresh (§15.11: 1 Hz).</summary>
    public TimeSpan AnnouncePeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>QosProducer / QosConsumer period (§10.4: 1 Hz).</summary>
    public TimeSpan QosPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>ConsumerHello period (§10.1.2: at start, then periodically; default 1 s).</summary>
    public TimeSpan HelloPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A producer treats a consumer as stale, and closes its per-consumer streams, when neither ConsumerHello nor
    /// QosConsumer arrived for this long (§5, §10.1.3: 3–5× the hello/QoS interval); null is 3 × the longer of
    /// <see cref="HelloPeriod"/> and <see cref="QosPeriod"/>.
    /// </summary>
    public TimeSpan? ConsumerStaleTimeout { get; set; }

    /// <summary>The consumer stale timeout in force.</summary>
    public TimeSpan EffectiveConsumerStaleTimeout => ConsumerStaleTimeout ?? (HelloPeriod > QosPeriod ? HelloPeriod : QosPeriod) * 3;

    /// <summary>Announces older than this are ignored (§10.1.1); null is 3 × <see cref="AnnouncePeriod"/> (the spec's recommendation).</summary>
    public TimeSpan? FreshnessWindow { get; set; }

    /// <summary>A mapped producer whose activity timestamp is older than this is treated as dead and unmapped (§15.14); null is the freshness window.</summary>
    public TimeSpan? LivenessTimeout { get; set; }

    /// <summary>The monotonic clock of every timestamp and timer; inject a <see cref="ManualClock"/> in tests.</summary>
    public IClock Clock { get; set; } = MonotonicClock.Instance;

    /// <summary>The realtime clock REALTIME_SYNCED announces are judged against.</summary>
    public IClock RealtimeClock { get; set; } = Time.RealtimeClock.Instance;

    public ConductorMode ConductorMode { get; set; } = ConductorMode.DedicatedThread;

    /// <summary>
    /// The conductor thread's idle strategy (dedicated mode); null is a <see cref="WaitingIdleStrategy"/> on the
    /// conductor's streams and timers (it sleeps until a control, QoS or metadata message or its next timer).
    /// </summary>
    public IIdleStrategy? ConductorIdleStrategy { get; set; }

    /// <summary>Receives exceptions from the conductor's duty cycle (they never escape it); null writes them to stderr.</summary>
    public Action<Exception>? ErrorHandler { get; set; }

    /// <summary>Called on the conductor's thread with every message of the control stream (after the client's own handling).</summary>
    public MessageHandler? ControlHandler { get; set; }

    /// <summary>Called on the conductor's thread with every message of the QoS stream.</summary>
    public MessageHandler? QosHandler { get; set; }

    /// <summary>Called on the conductor's thread with every message of the metadata stream.</summary>
    public MessageHandler? MetadataHandler { get; set; }

    /// <summary>
    /// The driver model (driver spec §4): when set, producers lease their regions from the driver these options describe
    /// and consumers hold consumer leases (the UseDriver mode); null is the no-driver deployment (producers own their
    /// regions). Its <see cref="DriverClient.DriverClientOptions.Transport"/> defaults to the client's transport.
    /// </summary>
    public DriverClient.DriverClientOptions? Driver { get; set; }

    /// <summary>
    /// The TraceLink node id of this process (TraceLink §6.2): unique in the deployment, 0 to 1023. Traced producers
    /// (<see cref="Producers.ProducerOptions.Trace"/>) use it when the driver assigns none
    /// (<c>ShmAttachResponse.nodeId</c>); null: a traced producer needs the driver's.
    /// </summary>
    public uint? TraceNodeId { get; set; }

    /// <summary>The queue of TraceLinkSets this client's traced producers emit (TraceLink §5, §14.1); null: the defaults.</summary>
    public TraceLink.TraceLinkQueueOptions? TraceLinks { get; set; }

    /// <summary>
    /// Where <see cref="TensorPoolClient.DiscoverAsync"/> asks (discovery spec §4); null: the driver's control endpoint
    /// (or the client's control stream without a driver), responses on stream 7004, a 2 s timeout.
    /// </summary>
    public Discovery.DiscoveryOptions? Discovery { get; set; }

    public ClientOptions Clone()
    {
        var copy = (ClientOptions)MemberwiseClone();
        copy.AllowedBaseDirs = [.. AllowedBaseDirs];
        copy.Driver = Driver?.Clone();
        copy.TraceLinks = TraceLinks is null ? null : new TraceLink.TraceLinkQueueOptions { Capacity = TraceLinks.Capacity, MaxParents = TraceLinks.MaxParents };
        copy.Discovery = Discovery?.Clone();
        return copy;
    }

    /// <summary>The freshness window in force.</summary>
    public TimeSpan EffectiveFreshnessWindow => FreshnessWindow ?? AnnouncePeriod * 3;

    /// <summary>The liveness timeout in force.</summary>
    public TimeSpan EffectiveLivenessTimeout => LivenessTimeout ?? EffectiveFreshnessWindow;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option that breaks its rule.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Channel))
        {
            throw Invalid(nameof(Channel), Channel, "must name a channel (tp:ipc by default)");
        }
        CheckStream(nameof(ControlStreamId), ControlStreamId);
        CheckStream(nameof(DescriptorStreamId), DescriptorStreamId);
        CheckStream(nameof(QosStreamId), QosStreamId);
        CheckStream(nameof(MetadataStreamId), MetadataStreamId);
        if (string.IsNullOrEmpty(ShmBaseDir) || ShmBaseDir[0] != '/')
        {
            throw Invalid(nameof(ShmBaseDir), ShmBaseDir, "must be an absolute path");
        }
        if (string.IsNullOrEmpty(Namespace) || Namespace.Length > 255 || Namespace[0] == '.' ||
            !Namespace.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            throw Invalid(nameof(Namespace), Namespace, "must be 1 to 255 of [A-Za-z0-9._-], not starting with '.' (§15.21a.3)");
        }
        foreach (string dir in AllowedBaseDirs ?? [])
        {
            if (string.IsNullOrEmpty(dir) || dir[0] != '/')
            {
                throw Invalid(nameof(AllowedBaseDirs), dir, "must hold absolute paths (§15.21a.5)");
            }
        }
        CheckPeriod(nameof(AnnouncePeriod), AnnouncePeriod);
        CheckPeriod(nameof(QosPeriod), QosPeriod);
        CheckPeriod(nameof(HelloPeriod), HelloPeriod);
        CheckPeriod(nameof(ConsumerStaleTimeout), EffectiveConsumerStaleTimeout);
        if (EffectiveConsumerStaleTimeout < (HelloPeriod > QosPeriod ? HelloPeriod : QosPeriod) * 3)
        {
            throw Invalid(nameof(ConsumerStaleTimeout), EffectiveConsumerStaleTimeout.ToString(),
                "must be at least 3 × the longer of HelloPeriod and QosPeriod (§5: stale only after 3–5 intervals)");
        }
        CheckPeriod(nameof(FreshnessWindow), EffectiveFreshnessWindow);
        CheckPeriod(nameof(LivenessTimeout), EffectiveLivenessTimeout);
        if (Clock is null || RealtimeClock is null)
        {
            throw Invalid(Clock is null ? nameof(Clock) : nameof(RealtimeClock), "null", "must be set");
        }
        Driver?.Validate();
        if (TraceNodeId is > TraceLink.TraceId.MaxNodeId)
        {
            throw Invalid(nameof(TraceNodeId), TraceNodeId.Value.ToString(CultureInfo.InvariantCulture),
                $"must fit the {TraceLink.TraceId.NodeIdBits} node bits of a trace id (0 to {TraceLink.TraceId.MaxNodeId}, TraceLink §6.2)");
        }
        TraceLinks?.Validate();
        Discovery?.Validate();
    }

    private static void CheckStream(string option, int id)
    {
        if (id <= 0)
        {
            throw Invalid(option, id.ToString(CultureInfo.InvariantCulture), "must be a positive stream id");
        }
    }

    private static void CheckPeriod(string option, TimeSpan value)
    {
        if (value <= TimeSpan.Zero || value > TimeSpan.FromHours(1))
        {
            throw Invalid(option, value.ToString(), "must be positive and at most an hour");
        }
    }

    private static ArgumentException Invalid(string option, string? value, string rule) =>
        new($"ClientOptions.{option} = '{value}' {rule}", option);
}
