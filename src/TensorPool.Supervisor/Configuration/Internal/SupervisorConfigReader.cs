using System.ComponentModel;
using Tomlyn.Model;
using TensorPool.Configuration;
using TensorPool.Sbe.Wire;

namespace TensorPool.Supervisor.Configuration.Internal;

/// <summary>
/// Reads the <c>[supervisor]</c> section — the reference's keys as they are (its driver files carry the section), the
/// keys this implementation adds, and <c>[[supervisor.policies]]</c> — strictly: an unknown key is an error. Other
/// sections of the document are not the supervisor's and are left alone.
/// </summary>
/// <remarks>Pubternal: public for the project's own assemblies only, not covered by compatibility (docs/CONTRIBUTING.md, "Pubternal").</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SupervisorConfigReader
{
    private static readonly Func<string, string?, string, string, Exception> Fail = SupervisorConfigurationException.Create;

    public static SupervisorOptions ReadDocument(string toml, string source)
    {
        ArgumentNullException.ThrowIfNull(toml);
        TomlTable root = TomlTableReader.Parse(toml, source, Fail);
        var top = new TomlTableReader(root, "", source, Fail);
        TomlTable section = top.Table("supervisor")
            ?? throw new SupervisorConfigurationException("supervisor", null, "the [supervisor] table is required", source);
        return ReadSection(section, source);
    }

    /// <summary>One <c>[supervisor]</c> table (the driver's reader hands its own over).</summary>
    public static SupervisorOptions ReadSection(TomlTable? table, string source)
    {
        var o = new SupervisorOptions { SourceName = source };
        var s = new TomlTableReader(table, "supervisor", source, Fail);
        o.ControlChannel = s.String("control_channel", o.ControlChannel)!;
        o.ControlStreamId = s.UInt32("control_stream_id", o.ControlStreamId);
        o.AnnounceChannel = s.String("announce_channel", null);
        o.AnnounceStreamId = s.UInt32OrNull("announce_stream_id");
        o.MetadataChannel = s.String("metadata_channel", null);
        o.MetadataStreamId = s.UInt32("metadata_stream_id", o.MetadataStreamId);
        o.QosChannel = s.String("qos_channel", null);
        o.QosStreamId = s.UInt32("qos_stream_id", o.QosStreamId);
        o.ConsumerCapacity = s.UInt32("consumer_capacity", o.ConsumerCapacity);
        o.ConsumerStaleMs = s.UInt32("consumer_stale_ms", o.ConsumerStaleMs);
        o.PerConsumerEnabled = s.Bool("per_consumer_enabled", o.PerConsumerEnabled);
        o.PerConsumerDescriptorChannel = s.String("per_consumer_descriptor_channel", o.PerConsumerDescriptorChannel)!;
        o.PerConsumerDescriptorBase = s.UInt32("per_consumer_descriptor_base", o.PerConsumerDescriptorBase);
        o.PerConsumerDescriptorRange = s.UInt32("per_consumer_descriptor_range", o.PerConsumerDescriptorRange);
        o.PerConsumerControlChannel = s.String("per_consumer_control_channel", o.PerConsumerControlChannel)!;
        o.PerConsumerControlBase = s.UInt32("per_consumer_control_base", o.PerConsumerControlBase);
        o.PerConsumerControlRange = s.UInt32("per_consumer_control_range", o.PerConsumerControlRange);
        o.ForceNoShm = s.Bool("force_no_shm", o.ForceNoShm);
        o.ForceMode = (byte)s.Integer("force_mode", 0, 0, 255);
        o.PayloadFallbackUri = s.String("payload_fallback_uri", o.PayloadFallbackUri)!;

        o.Enabled = s.Bool("enabled", o.Enabled);
        o.Streams = s.Ranges("streams");
        o.DescriptorChannel = s.String("descriptor_channel", null);
        o.DescriptorStreamId = s.UInt32("descriptor_stream_id", o.DescriptorStreamId);
        o.AssignConsumerIds = s.Bool("assign_consumer_ids", o.AssignConsumerIds);
        if (s.Has("consumer_id_range"))
        {
            List<(uint Start, uint End)> ranges = s.Ranges("consumer_id_range");
            if (ranges.Count != 1)
            {
                throw new SupervisorConfigurationException("supervisor.consumer_id_range", "[...]", "must be one \"start-end\" range", source);
            }
            o.ConsumerIdRange = ranges[0];
        }
        o.StatusFile = s.String("status_file", o.StatusFile)!;
        var policies = new List<ConsumerPolicy>();
        foreach (TomlTable p in s.Tables("policies"))
        {
            policies.Add(ReadPolicy(new TomlTableReader(p, $"supervisor.policies[{policies.Count}]", source, Fail)));
        }
        o.Policies = policies;
        s.RejectUnknownKeys();
        return o;
    }

    private static ConsumerPolicy ReadPolicy(TomlTableReader p)
    {
        var policy = new ConsumerPolicy
        {
            Name = p.String("name", "")!,
            Streams = p.Ranges("streams"),
            DataSourceName = p.String("data_source_name", null),
            ConsumerMode = ModeOf(p, "consumer_mode"),
            ConsumerIds = p.Ranges("consumer_ids"),
            Mode = ModeOf(p, "mode"),
            MaxRateHz = (uint)p.Integer("max_rate_hz", 0, 0, 1_000_000),
            UseShm = p.Has("use_shm") ? p.Bool("use_shm", true) : null,
            PayloadFallbackUri = p.String("payload_fallback_uri", null),
        };
        p.RejectUnknownKeys();
        return policy;
    }

    private static Mode? ModeOf(TomlTableReader p, string key) => p.String(key, null) switch
    {
        null => null,
        "stream" or "STREAM" => Mode.Stream,
        "rate_limited" or "RATE_LIMITED" => Mode.RateLimited,
        string other => throw new SupervisorConfigurationException(p.Key(key), other, "must be \"stream\" or \"rate_limited\"", p.Source),
    };
}
