using Microsoft.Extensions.Logging;
using TensorPool.Agents;
using TensorPool.Time;
using TensorPool.Transport;

namespace TensorPool.Driver.Configuration;

/// <summary>
/// Everything a <see cref="TensorPoolDriver"/> runs with: the canonical configuration of driver spec §17 (one
/// property per key, named after it, with the spec's default) plus the runtime knobs an embedding process sets in
/// code (clock, transport, threading, logging).
/// </summary>
/// <remarks>
/// <para>Load from TOML with <see cref="FromToml(string)"/> (environment variables override the file as §17 says:
/// <c>driver.control_stream_id</c> ← <c>DRIVER_CONTROL_STREAM_ID</c>), or build in code. <see cref="Validate"/> runs
/// when the driver starts and throws a <see cref="DriverConfigurationException"/> naming the key, its value and the
/// rule.</para>
/// <para>Channels default to <c>tp:ipc</c>, not the spec's <c>aeron:ipc?term-length=4m</c>: the embedded transport
/// needs no media driver (docs/DECISIONS.md); <c>aeron:</c> channels (the reference's files) use the Aeron transport
/// when TensorPool.Transport.Aeron and libaeron are present. Keys this implementation adds beyond §17:
/// <c>driver.ipc_base_dir</c>, <c>driver.embedded_media_driver</c>, <c>shm.namespace</c> and
/// <c>policies.node_id_reuse_cooldown_ms</c>. The reference's <c>[supervisor]</c> section is accepted and ignored.</para>
/// </remarks>
public sealed class DriverOptions
{
    public const string DefaultInstanceId = "driver-01";
    public const string DefaultChannel = "tp:ipc";
    public const uint DefaultControlStreamId = 1000;
    public const uint DefaultQosStreamId = 1200;
    public const string DefaultShmBaseDir = "/dev/shm/tensorpool";
    public const string DefaultIpcBaseDir = TpIpcOptions.DefaultBaseDir;
    public const string DefaultNamespace = "default";
    public const uint DefaultPageSizeBytes = 4096;
    public const string DefaultPermissionsMode = "660";
    public const uint DefaultAnnouncePeriodMs = 1000;
    public const uint DefaultLeaseKeepaliveIntervalMs = 1000;
    public const uint DefaultLeaseExpiryGraceIntervals = 3;
    public const uint DefaultEpochGcKeep = 2;
    public const uint DefaultShutdownTimeoutMs = 2000;
    public const uint DefaultNodeIdReuseCooldownMs = 1000;

    // [driver]

    /// <summary><c>driver.instance_id</c>: identifier for logs and diagnostics.</summary>
    public string InstanceId { get; set; } = DefaultInstanceId;

    /// <summary><c>driver.control_channel</c>: attach, detach, keepalive, revoke and shutdown messages (§4.5).</summary>
    public string ControlChannel { get; set; } = DefaultChannel;

    /// <summary><c>driver.control_stream_id</c>.</summary>
    public uint ControlStreamId { get; set; } = DefaultControlStreamId;

    /// <summary><c>driver.announce_channel</c>: ShmPoolAnnounce; null means <see cref="ControlChannel"/>.</summary>
    public string? AnnounceChannel { get; set; }

    /// <summary><c>driver.announce_stream_id</c>; null means <see cref="ControlStreamId"/>.</summary>
    public uint? AnnounceStreamId { get; set; }

    /// <summary><c>driver.qos_channel</c>: the deployment's QoS channel (the driver publishes no QoS; clients may read it here).</summary>
    public string QosChannel { get; set; } = DefaultChannel;

    /// <summary><c>driver.qos_stream_id</c>.</summary>
    public uint QosStreamId { get; set; } = DefaultQosStreamId;

    /// <summary><c>driver.aeron_dir</c>: the Aeron directory for aeron: channels (empty: <c>$AERON_DIR</c>, else Aeron's default). Unused by tp:ipc.</summary>
    public string AeronDir { get; set; } = "";

    /// <summary>
    /// <c>driver.embedded_media_driver</c> (added key): with aeron: channels, run an Aeron media driver inside the driver
    /// process (libaeron_driver) instead of using a running aeronmd.
    /// </summary>
    public bool EmbeddedMediaDriver { get; set; }

    /// <summary><c>driver.stream_id_range</c>: ids for dynamically created streams (§11); empty disables them.</summary>
    public IList<IdRange> StreamIdRange { get; set; } = [];

    /// <summary><c>driver.descriptor_stream_id_range</c>: per-consumer descriptor stream ids (§11).</summary>
    public IList<IdRange> DescriptorStreamIdRange { get; set; } = [];

    /// <summary><c>driver.control_stream_id_range</c>: per-consumer control stream ids (§11).</summary>
    public IList<IdRange> ControlStreamIdRange { get; set; } = [];

    /// <summary>
    /// <c>driver.ipc_base_dir</c> (added key): where tp:ipc logs of the control, announce and QoS channels live, by
    /// default the same <c>/dev/shm</c> every TensorPool client uses, so clients with default options reach the driver.
    /// </summary>
    public string IpcBaseDir { get; set; } = DefaultIpcBaseDir;

    // [shm]

    /// <summary><c>shm.base_dir</c>: root of the region files (§15.21a.3 layout below it).</summary>
    public string ShmBaseDir { get; set; } = DefaultShmBaseDir;

    /// <summary><c>shm.namespace</c> (added key, as the reference driver): the namespace of the canonical layout and of tp:ipc channels.</summary>
    public string Namespace { get; set; } = DefaultNamespace;

    /// <summary><c>shm.require_hugepages</c>: the policy when a request says UNSPECIFIED (§4.3).</summary>
    public bool RequireHugepages { get; set; }

    /// <summary><c>shm.page_size_bytes</c>: the backing page size (a power of two, at least 4096).</summary>
    public uint PageSizeBytes { get; set; } = DefaultPageSizeBytes;

    /// <summary><c>shm.permissions_mode</c>: octal POSIX mode of region files, e.g. "660" (§15.21a.6).</summary>
    public string PermissionsMode { get; set; } = DefaultPermissionsMode;

    /// <summary><c>shm.allowed_base_dirs</c>: the URI allowlist; empty means [<see cref="ShmBaseDir"/>].</summary>
    public IList<string> AllowedBaseDirs { get; set; } = [];

    // [policies]

    /// <summary><c>policies.allow_dynamic_streams</c>: create streams on demand (EXISTING_OR_CREATE, §4.3, §11).</summary>
    public bool AllowDynamicStreams { get; set; }

    /// <summary><c>policies.default_profile</c>: the profile of dynamic streams and of streams that name none; null is the first profile.</summary>
    public string? DefaultProfile { get; set; }

    /// <summary><c>policies.announce_period_ms</c>: ShmPoolAnnounce cadence.</summary>
    public uint AnnouncePeriodMs { get; set; } = DefaultAnnouncePeriodMs;

    /// <summary><c>policies.lease_keepalive_interval_ms</c>: the keepalive interval clients are expected to keep (§4.4).</summary>
    public uint LeaseKeepaliveIntervalMs { get; set; } = DefaultLeaseKeepaliveIntervalMs;

    /// <summary><c>policies.lease_expiry_grace_intervals</c>: missed keepalives before a lease expires (§4.4).</summary>
    public uint LeaseExpiryGraceIntervals { get; set; } = DefaultLeaseExpiryGraceIntervals;

    /// <summary><c>policies.prefault_shm</c>: reserve and touch every page of a new region.</summary>
    public bool PrefaultShm { get; set; } = true;

    /// <summary><c>policies.mlock_shm</c>: mlock new regions; a failure is fatal for that region (§17).</summary>
    public bool MlockShm { get; set; }

    /// <summary><c>policies.epoch_gc_enabled</c>: remove old epoch directories (§15.21a.7).</summary>
    public bool EpochGcEnabled { get; set; } = true;

    /// <summary><c>policies.epoch_gc_keep</c>: epochs kept per stream, the current one included.</summary>
    public uint EpochGcKeep { get; set; } = DefaultEpochGcKeep;

    /// <summary><c>policies.epoch_gc_min_age_ns</c>: an epoch younger than this is never removed; null is 3 × announce period.</summary>
    public ulong? EpochGcMinAgeNs { get; set; }

    /// <summary><c>policies.epoch_gc_on_startup</c>: collect epochs left by earlier runs when the driver starts.</summary>
    public bool EpochGcOnStartup { get; set; }

    /// <summary><c>policies.shutdown_timeout_ms</c>: how long a requested shutdown drains before ShmDriverShutdown (§4.13).</summary>
    public uint ShutdownTimeoutMs { get; set; } = DefaultShutdownTimeoutMs;

    /// <summary><c>policies.shutdown_token</c>: the token ShmDriverShutdownRequest must carry; empty disables the request.</summary>
    public string ShutdownToken { get; set; } = "";

    /// <summary><c>policies.node_id_reuse_cooldown_ms</c> (added key, as the reference): a released node id stays unused this long (TraceLink §6.2).</summary>
    public uint NodeIdReuseCooldownMs { get; set; } = DefaultNodeIdReuseCooldownMs;

    // [profiles.*], [streams.*]

    /// <summary><c>profiles.*</c>: at least one; the order is the file's (the first is the default profile).</summary>
    public IList<ProfileDefinition> Profiles { get; set; } = [];

    /// <summary><c>streams.*</c>: statically provisioned streams.</summary>
    public IList<StreamDefinition> Streams { get; set; } = [];

    // [discovery]

    /// <summary>
    /// <c>[discovery]</c> (added section): the discovery provider the driver embeds, on by default, answering on the
    /// control endpoint (discovery spec §4.2); <c>[streams.*] tags</c> land in its <c>StreamTags</c>.
    /// </summary>
    public Discovery.Configuration.EmbeddedDiscoveryOptions Discovery { get; set; } = new();

    // [supervisor]

    /// <summary>
    /// <c>[supervisor]</c>: the reference's supervisor keys (wire spec §10.5); the driver runs the supervisor itself when
    /// <c>supervisor.enabled = true</c> (added key), on its own transport; null when the file has no such section.
    /// </summary>
    public Supervisor.Configuration.SupervisorOptions? Supervisor { get; set; }

    // Runtime, not configuration.

    /// <summary>The monotonic clock of leases, epochs, announces and timers; a <see cref="ManualClock"/> in tests.</summary>
    public IClock Clock { get; set; } = MonotonicClock.Instance;

    /// <summary>The transport to use; null creates a tp:ipc transport over <see cref="IpcBaseDir"/> that the driver owns.</summary>
    public ITransport? Transport { get; set; }

    /// <summary>Run the duty cycle on the driver's own thread (default) or from the caller through <see cref="TensorPoolDriver.DoWork"/>.</summary>
    public DriverThreadingMode ThreadingMode { get; set; } = DriverThreadingMode.DedicatedThread;

    /// <summary>
    /// The driver thread's idle strategy; null is a <see cref="WaitingIdleStrategy"/> on the control stream (woken by
    /// each request, and at least every quarter of the shorter of the announce period and keepalive interval for timers).
    /// </summary>
    public IIdleStrategy? IdleStrategy { get; set; }

    /// <summary>Where the driver logs (attach, detach, expiry, epochs, GC); null logs nothing.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>Receives exceptions from the duty cycle (they never escape it); null logs them as errors.</summary>
    public Action<Exception>? ErrorHandler { get; set; }

    /// <summary>Where the options came from, for messages (a file path); null for code.</summary>
    public string? SourceName { get; set; }

    /// <summary>
    /// Sections of the file this driver accepts but does not act on (the reference's <c>[supervisor]</c>, which
    /// configures another service), for the driver to mention when it starts.
    /// </summary>
    public IList<string> IgnoredSections { get; set; } = [];

    /// <summary>Per key, the environment variable that set it (filled by the TOML loader), for messages.</summary>
    internal Dictionary<string, string> Origins { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The announce channel in force.</summary>
    public string EffectiveAnnounceChannel => AnnounceChannel ?? ControlChannel;

    /// <summary>The announce stream id in force.</summary>
    public uint EffectiveAnnounceStreamId => AnnounceStreamId ?? ControlStreamId;

    /// <summary>The GC minimum age in force: 3 × announce period unless set (§17).</summary>
    public ulong EffectiveEpochGcMinAgeNs => EpochGcMinAgeNs ?? 3UL * AnnouncePeriodMs * 1_000_000UL;

    /// <summary>The allowed base dirs in force.</summary>
    public IReadOnlyList<string> EffectiveAllowedBaseDirs => AllowedBaseDirs.Count > 0 ? [.. AllowedBaseDirs] : [ShmBaseDir];

    /// <summary>How long a lease lives without a keepalive: interval × grace intervals (§4.4).</summary>
    public long LeaseExpiryNs => (long)LeaseKeepaliveIntervalMs * LeaseExpiryGraceIntervals * 1_000_000L;

    /// <summary>The profile of dynamic streams and of streams that name none.</summary>
    public ProfileDefinition? EffectiveDefaultProfile =>
        DefaultProfile is null ? Profiles.FirstOrDefault() : Profiles.FirstOrDefault(p => p.Name == DefaultProfile);

    /// <summary>Load a TOML file (§17 keys), with environment-variable overrides, and validate it.</summary>
    /// <exception cref="DriverConfigurationException">The file cannot be read or breaks a rule; the message names the key, value and rule.</exception>
    public static DriverOptions FromToml(string path) => FromToml(path, null);

    /// <summary>As <see cref="FromToml(string)"/> with the environment given as a dictionary (null: the process environment).</summary>
    public static DriverOptions FromToml(string path, IReadOnlyDictionary<string, string>? environment)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new DriverConfigurationException("(file)", path, "cannot be read: " + e.Message);
        }
        return FromTomlText(text, path, environment);
    }

    /// <summary>Parse TOML text (§17 keys), apply environment overrides, validate.</summary>
    public static DriverOptions FromTomlText(string toml, string sourceName = "(text)", IReadOnlyDictionary<string, string>? environment = null)
    {
        DriverOptions options = DriverConfigReader.Read(toml, sourceName, environment ?? DriverEnvironment.Process());
        options.Validate();
        return options;
    }

    /// <summary>A copy (lists copied; profiles and streams are immutable).</summary>
    public DriverOptions Clone()
    {
        var copy = (DriverOptions)MemberwiseClone();
        copy.StreamIdRange = [.. StreamIdRange];
        copy.DescriptorStreamIdRange = [.. DescriptorStreamIdRange];
        copy.ControlStreamIdRange = [.. ControlStreamIdRange];
        copy.AllowedBaseDirs = [.. AllowedBaseDirs];
        copy.Profiles = [.. Profiles];
        copy.Streams = [.. Streams];
        copy.IgnoredSections = [.. IgnoredSections];
        copy.Origins = new Dictionary<string, string>(Origins, StringComparer.Ordinal);
        copy.Discovery = Discovery.Clone();
        copy.Supervisor = Supervisor?.Clone();
        return copy;
    }

    /// <summary>Throws a <see cref="DriverConfigurationException"/> naming the first key that breaks its rule.</summary>
    public void Validate()
    {
        DriverOptionsValidator.Validate(this);
        DiscoveryValidation.Validate(this);
        SupervisorSection.Validate(this);
    }

    /// <summary>Where key <paramref name="key"/> came from, for messages.</summary>
    internal string? OriginOf(string key) => Origins.TryGetValue(key, out string? env) ? env : SourceName;
}
