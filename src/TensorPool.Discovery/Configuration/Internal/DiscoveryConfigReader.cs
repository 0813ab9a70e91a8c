using System.ComponentModel;
using Tomlyn.Model;
using TensorPool.Configuration;

namespace TensorPool.Discovery.Configuration.Internal;

/// <summary>
/// Reads discovery configuration, key by key and strictly (an unknown key is an error, usually a typo): the registry
/// file (the reference's <c>discovery_example.toml</c> as it is, plus <c>[[discovery.drivers]]</c> for several
/// drivers) and the <c>[discovery]</c> section of a driver's file.
/// </summary>
/// <remarks>Pubternal: public for the project's own assemblies only, not covered by compatibility (docs/CONTRIBUTING.md, "Pubternal").</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class DiscoveryConfigReader
{
    private static readonly Func<string, string?, string, string, Exception> Fail = DiscoveryConfigurationException.Create;

    public static DiscoveryRegistryOptions ReadRegistry(string toml, string source)
    {
        ArgumentNullException.ThrowIfNull(toml);
        TomlTable root = TomlTableReader.Parse(toml, source, Fail);
        var top = new TomlTableReader(root, "", source, Fail);
        TomlTable? discoveryTable = top.Table("discovery")
            ?? throw new DiscoveryConfigurationException("discovery", null, "the [discovery] table is required", source);
        var driverSection = new TomlTableReader(top.Table("driver"), "driver", source, Fail);
        top.RejectUnknownKeys();

        var o = new DiscoveryRegistryOptions { SourceName = source };
        var d = new TomlTableReader(discoveryTable, "discovery", source, Fail);
        o.RequestChannel = d.String("request_channel", o.RequestChannel)!;
        o.RequestStreamId = d.UInt32("request_stream_id", o.RequestStreamId);
        o.IpcBaseDir = d.String("ipc_base_dir", o.IpcBaseDir)!;
        o.Namespace = d.String("namespace", o.Namespace)!;
        ReadProviderKeys(d, o.Provider, announcePeriod: true);

        var drivers = new List<DriverSourceOptions>();
        // The reference's single-driver form: driver_* and announce/metadata keys in [discovery] itself.
        if (d.Has("driver_instance_id") || d.Has("driver_control_channel") || d.Has("driver_control_stream_id"))
        {
            drivers.Add(new DriverSourceOptions
            {
                InstanceId = d.RequiredString("driver_instance_id"),
                ControlChannel = d.RequiredString("driver_control_channel"),
                ControlStreamId = RequiredId(d, "driver_control_stream_id"),
                AnnounceChannel = d.String("announce_channel", null),
                AnnounceStreamId = d.UInt32OrNull("announce_stream_id"),
                MetadataChannel = d.String("metadata_channel", null),
                MetadataStreamId = d.UInt32OrNull("metadata_stream_id"),
                StreamTags = ReadStreamTags(d),
            });
        }
        else if (d.Has("announce_channel") || d.Has("announce_stream_id") || d.Has("metadata_channel") || d.Has("metadata_stream_id"))
        {
            throw new DiscoveryConfigurationException("discovery.driver_instance_id", null,
                "announce and metadata endpoints in [discovery] belong to the driver named by driver_instance_id, driver_control_channel and driver_control_stream_id", source);
        }
        foreach (TomlTable table in d.Tables("drivers"))
        {
            var s = new TomlTableReader(table, $"discovery.drivers[{drivers.Count}]", source, Fail);
            drivers.Add(new DriverSourceOptions
            {
                InstanceId = s.RequiredString("instance_id"),
                ControlChannel = s.RequiredString("control_channel"),
                ControlStreamId = RequiredId(s, "control_stream_id"),
                AnnounceChannel = s.String("announce_channel", null),
                AnnounceStreamId = s.UInt32OrNull("announce_stream_id"),
                MetadataChannel = s.String("metadata_channel", null),
                MetadataStreamId = s.UInt32OrNull("metadata_stream_id"),
                StreamTags = ReadStreamTags(s),
            });
            s.RejectUnknownKeys();
        }
        o.Drivers = drivers;
        d.RejectUnknownKeys();

        o.AeronDir = driverSection.String("aeron_dir", o.AeronDir)!;
        driverSection.RejectUnknownKeys();
        return o;
    }

    /// <summary>The <c>[discovery]</c> section of a driver's file (null: absent, the defaults).</summary>
    public static EmbeddedDiscoveryOptions ReadEmbedded(TomlTable? table, string source)
    {
        var o = new EmbeddedDiscoveryOptions();
        var d = new TomlTableReader(table, "discovery", source, Fail);
        o.Enabled = d.Bool("enabled", o.Enabled);
        o.MetadataChannel = d.String("metadata_channel", null);
        o.MetadataStreamId = d.UInt32("metadata_stream_id", o.MetadataStreamId);
        ReadProviderKeys(d, o.Provider, announcePeriod: false);
        d.RejectUnknownKeys();
        if (o.MetadataStreamId == 0)
        {
            throw new DiscoveryConfigurationException("discovery.metadata_stream_id", "0", "must not be 0", source);
        }
        return o;
    }

    /// <summary>The tags of one <c>[streams.*]</c> table (read by the driver's reader): printable ASCII, no comma, at most 64.</summary>
    public static IReadOnlyList<string> CheckTags(List<string> tags, string key, string source)
    {
        foreach (string tag in tags)
        {
            if (!Protocol.DiscoveryProvider.IsTag(tag))
            {
                throw new DiscoveryConfigurationException(key, tag, "every tag must be 1 to 256 printable ASCII characters without ','", source);
            }
        }
        if (tags.Distinct(StringComparer.Ordinal).Count() > DiscoveryProviderOptions.MaxTags)
        {
            throw new DiscoveryConfigurationException(key, "[...]", $"at most {DiscoveryProviderOptions.MaxTags} tags", source);
        }
        return tags;
    }

    /// <summary><c>stream_tags = { 10000 = ["camera", "front"] }</c>: tags by stream id.</summary>
    private static Dictionary<uint, IReadOnlyList<string>> ReadStreamTags(TomlTableReader r)
    {
        var result = new Dictionary<uint, IReadOnlyList<string>>();
        if (r.Table("stream_tags") is not { } table)
        {
            return result;
        }
        var t = new TomlTableReader(table, r.Key("stream_tags"), r.Source, Fail);
        foreach (string key in table.Keys)
        {
            if (!uint.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uint id) || id == 0)
            {
                throw new DiscoveryConfigurationException(t.Key(key), key, "keys are stream ids (1 to 4294967295)", r.Source);
            }
            result[id] = CheckTags(t.StringList(key), t.Key(key), r.Source);
        }
        return result;
    }

    private static void ReadProviderKeys(TomlTableReader d, DiscoveryProviderOptions p, bool announcePeriod)
    {
        if (announcePeriod)
        {
            p.AnnouncePeriodMs = d.UInt32("announce_period_ms", p.AnnouncePeriodMs);
        }
        p.ExpiryMs = d.UInt32OrNull("expiry_ms");
        p.MaxResults = d.UInt32("max_results", p.MaxResults);
        p.MaxStreams = d.Int32("max_streams", p.MaxStreams);
        p.MaxResponseEndpoints = d.Int32("max_response_endpoints", p.MaxResponseEndpoints);
        p.NewResponseEndpointsPerSecond = d.Int32("new_response_endpoints_per_second", p.NewResponseEndpointsPerSecond);
        p.QueryLogEvery = d.UInt32("query_log_every", p.QueryLogEvery);
        if (d.Table("access") is { } access)
        {
            p.Access = ReadAccess(new TomlTableReader(access, d.Key("access"), d.Source, Fail));
        }
    }

    private static AccessPolicy ReadAccess(TomlTableReader a)
    {
        string visibility = a.String("default", "visible")!;
        if (visibility is not ("visible" or "hidden"))
        {
            throw new DiscoveryConfigurationException(a.Key("default"), visibility, "must be \"visible\" or \"hidden\"", a.Source);
        }
        var rules = new List<AccessRule>();
        foreach (TomlTable table in a.Tables("rules"))
        {
            var r = new TomlTableReader(table, $"{a.Prefix}.rules[{rules.Count}]", a.Source, Fail);
            rules.Add(new AccessRule
            {
                ClientIds = r.Ranges("client_ids"),
                StreamIds = r.Ranges("stream_ids"),
                Visible = r.Bool("visible", true),
            });
            r.RejectUnknownKeys();
        }
        var policy = new AccessPolicy
        {
            DefaultVisible = visibility == "visible",
            DenyWithError = a.Bool("deny_with_error", false),
            Rules = rules,
        };
        a.RejectUnknownKeys();
        return policy;
    }

    private static uint RequiredId(TomlTableReader r, string name)
    {
        if (!r.Has(name))
        {
            throw new DiscoveryConfigurationException(r.Key(name), null, "is required", r.Source);
        }
        return r.UInt32(name, 0);
    }
}
