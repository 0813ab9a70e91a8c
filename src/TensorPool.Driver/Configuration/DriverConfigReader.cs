using Tomlyn;
using Tomlyn.Parsing;
using Tomlyn.Model;

namespace TensorPool.Driver.Configuration;

/// <summary>
/// Reads the canonical TOML configuration of driver spec §17 into <see cref="DriverOptions"/> with Tomlyn's untyped
/// model, key by key: every key has its type and default, every environment override is applied, and any key that is
/// not known (usually a typo) is an error rather than silently ignored.
/// </summary>
internal static class DriverConfigReader
{
    private static readonly string[] Sections = ["driver", "shm", "policies", "profiles", "streams", "discovery", "supervisor"];

    /// <summary>
    /// Sections of the reference's driver files that configure another service (the supervisor): accepted as they are
    /// and not read, so those files load unchanged.
    /// </summary>
    private static readonly string[] IgnoredSections = ["supervisor"];
    private static readonly TomlSerializerOptions StrictToml = new() { DuplicateKeyHandling = TomlDuplicateKeyHandling.Error };

    public static DriverOptions Read(string toml, string source, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(toml);
        TomlTable root;
        try
        {
            // The syntax tree's semantic validation first: a key or table given twice is an error naming the second
            // occurrence's line, never "last one wins" (D173); the model deserializer alone keeps the last.
            _ = SyntaxParser.ParseStrict(toml, StrictToml, sourceName: "", validate: true);
            root = TomlSerializer.Deserialize<TomlTable>(toml, StrictToml) ?? new TomlTable();
        }
        catch (TomlException e)
        {
            throw DriverConfigurationException.Syntax(source, e.Message.ReplaceLineEndings(" ").Trim());
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException or InvalidOperationException)
        {
            // The parser's own failures on hostile text, such as "\uD800" (a surrogate is no character; found by the
            // driver-toml fuzz target): a syntax error to report, never a crash of `tp driver`.
            throw DriverConfigurationException.Syntax(source, e.Message.ReplaceLineEndings(" ").Trim());
        }

        var o = new DriverOptions { SourceName = source };
        var top = new TomlSection(root, "", source, environment, o.Origins, environmentOverrides: false);
        foreach (string name in Sections)
        {
            _ = top.Table(name);
        }
        foreach (string name in IgnoredSections)
        {
            if (top.Table(name) is not null)
            {
                o.IgnoredSections.Add(name);
            }
        }
        top.RejectUnknownKeys([.. Sections, .. IgnoredSections]);

        ReadDriver(new TomlSection(top.Table("driver"), "driver", source, environment, o.Origins), o);
        ReadShm(new TomlSection(top.Table("shm"), "shm", source, environment, o.Origins), o);
        ReadPolicies(new TomlSection(top.Table("policies"), "policies", source, environment, o.Origins), o);
        ReadProfiles(top.Table("profiles"), source, environment, o);
        o.Discovery = DiscoverySection.Read(top.Table("discovery"), source);
        o.Supervisor = SupervisorSection.Read(top.Table("supervisor"), source);
        ReadStreams(top.Table("streams"), source, environment, o);
        return o;
    }

    private static void ReadDriver(TomlSection s, DriverOptions o)
    {
        o.InstanceId = s.String("instance_id", o.InstanceId)!;
        o.ControlChannel = s.String("control_channel", o.ControlChannel)!;
        o.ControlStreamId = s.UInt32("control_stream_id", o.ControlStreamId);
        o.AnnounceChannel = s.String("announce_channel", null);
        o.AnnounceStreamId = s.UInt32OrNull("announce_stream_id");
        o.QosChannel = s.String("qos_channel", o.QosChannel)!;
        o.QosStreamId = s.UInt32("qos_stream_id", o.QosStreamId);
        o.AeronDir = s.String("aeron_dir", o.AeronDir)!;
        o.StreamIdRange = s.Ranges("stream_id_range");
        o.DescriptorStreamIdRange = s.Ranges("descriptor_stream_id_range");
        o.ControlStreamIdRange = s.Ranges("control_stream_id_range");
        o.IpcBaseDir = s.String("ipc_base_dir", o.IpcBaseDir)!;
        o.EmbeddedMediaDriver = s.Bool("embedded_media_driver", o.EmbeddedMediaDriver);
        s.RejectUnknownKeys(["instance_id", "control_channel", "control_stream_id", "announce_channel", "announce_stream_id",
            "qos_channel", "qos_stream_id", "aeron_dir", "stream_id_range", "descriptor_stream_id_range",
            "control_stream_id_range", "ipc_base_dir", "embedded_media_driver"]);
    }

    private static void ReadShm(TomlSection s, DriverOptions o)
    {
        o.ShmBaseDir = s.String("base_dir", o.ShmBaseDir)!;
        o.Namespace = s.String("namespace", o.Namespace)!;
        o.RequireHugepages = s.Bool("require_hugepages", o.RequireHugepages);
        o.PageSizeBytes = s.UInt32("page_size_bytes", o.PageSizeBytes);
        o.PermissionsMode = s.String("permissions_mode", o.PermissionsMode)!;
        o.AllowedBaseDirs = s.StringList("allowed_base_dirs");
        s.RejectUnknownKeys(["base_dir", "namespace", "require_hugepages", "page_size_bytes", "permissions_mode", "allowed_base_dirs"]);
    }

    private static void ReadPolicies(TomlSection s, DriverOptions o)
    {
        o.AllowDynamicStreams = s.Bool("allow_dynamic_streams", o.AllowDynamicStreams);
        o.DefaultProfile = s.String("default_profile", null);
        o.AnnouncePeriodMs = s.UInt32("announce_period_ms", o.AnnouncePeriodMs);
        o.LeaseKeepaliveIntervalMs = s.UInt32("lease_keepalive_interval_ms", o.LeaseKeepaliveIntervalMs);
        o.LeaseExpiryGraceIntervals = s.UInt32("lease_expiry_grace_intervals", o.LeaseExpiryGraceIntervals);
        o.PrefaultShm = s.Bool("prefault_shm", o.PrefaultShm);
        o.MlockShm = s.Bool("mlock_shm", o.MlockShm);
        o.EpochGcEnabled = s.Bool("epoch_gc_enabled", o.EpochGcEnabled);
        o.EpochGcKeep = s.UInt32("epoch_gc_keep", o.EpochGcKeep);
        o.EpochGcMinAgeNs = s.UInt64OrNull("epoch_gc_min_age_ns");
        o.EpochGcOnStartup = s.Bool("epoch_gc_on_startup", o.EpochGcOnStartup);
        o.ShutdownTimeoutMs = s.UInt32("shutdown_timeout_ms", o.ShutdownTimeoutMs);
        o.ShutdownToken = s.String("shutdown_token", o.ShutdownToken)!;
        o.NodeIdReuseCooldownMs = s.UInt32("node_id_reuse_cooldown_ms", o.NodeIdReuseCooldownMs);
        s.RejectUnknownKeys(["allow_dynamic_streams", "default_profile", "announce_period_ms", "lease_keepalive_interval_ms",
            "lease_expiry_grace_intervals", "prefault_shm", "mlock_shm", "epoch_gc_enabled", "epoch_gc_keep",
            "epoch_gc_min_age_ns", "epoch_gc_on_startup", "shutdown_timeout_ms", "shutdown_token", "node_id_reuse_cooldown_ms"]);
    }

    private static void ReadProfiles(TomlTable? profiles, string source, IReadOnlyDictionary<string, string> environment, DriverOptions o)
    {
        var list = new List<ProfileDefinition>();
        foreach ((string name, object? value) in profiles ?? [])
        {
            string prefix = "profiles." + name;
            if (value is not TomlTable table)
            {
                throw new DriverConfigurationException(prefix, TomlSection.Describe(value),
                    $"must be a table ([{prefix}]), not {TomlSection.TypeName(value!)}", source);
            }
            var s = new TomlSection(table, prefix, source, environment, o.Origins);
            uint nslots = s.UInt32("header_nslots", ProfileDefinition.DefaultHeaderNslots);
            List<TomlTable> pools = s.Tables("payload_pools")
                ?? throw new DriverConfigurationException(prefix + ".payload_pools", null,
                    "is required: at least one { pool_id, stride_bytes } entry (§17)", source);
            var definitions = new List<PayloadPoolDefinition>();
            foreach (TomlTable pool in pools)
            {
                var p = new TomlSection(pool, prefix + ".payload_pools", source, environment, o.Origins, environmentOverrides: false);
                if (!p.Has("pool_id") || !p.Has("stride_bytes"))
                {
                    throw new DriverConfigurationException(prefix + ".payload_pools", "{...}",
                        "every pool needs pool_id and stride_bytes (§17)", source);
                }
                definitions.Add(new PayloadPoolDefinition(p.UInt16("pool_id", 0), p.UInt32("stride_bytes", 0)));
                p.RejectUnknownKeys(["pool_id", "stride_bytes"]);
            }
            s.RejectUnknownKeys(["header_nslots", "payload_pools"]);
            list.Add(new ProfileDefinition(name, nslots, definitions));
        }
        o.Profiles = list;
    }

    private static void ReadStreams(TomlTable? streams, string source, IReadOnlyDictionary<string, string> environment, DriverOptions o)
    {
        var list = new List<StreamDefinition>();
        foreach ((string name, object? value) in streams ?? [])
        {
            string prefix = "streams." + name;
            if (value is not TomlTable table)
            {
                throw new DriverConfigurationException(prefix, TomlSection.Describe(value),
                    $"must be a table ([{prefix}]), not {TomlSection.TypeName(value!)}", source);
            }
            var s = new TomlSection(table, prefix, source, environment, o.Origins);
            if (!s.Has("stream_id"))
            {
                throw new DriverConfigurationException(prefix + ".stream_id", null, "is required (§17)", source);
            }
            var stream = new StreamDefinition(name, s.UInt32("stream_id", 0), s.String("profile", null));
            list.Add(stream);
            IReadOnlyList<string> tags = DiscoverySection.Tags(s.StringList("tags"), prefix + ".tags", source);
            if (tags.Count > 0)
            {
                o.Discovery.StreamTags[stream.StreamId] = tags;
            }
            s.RejectUnknownKeys(["stream_id", "profile", "tags"]);
        }
        o.Streams = list;
    }
}
