using System.Globalization;
using Microsoft.Extensions.Logging;
using TensorPool.Agents;
using TensorPool.Sbe.Wire;
using TensorPool.Supervisor.Configuration.Internal;
using TensorPool.Time;
using TensorPool.Transport;

namespace TensorPool.Supervisor.Configuration;

/// <summary>
/// Everything a <see cref="TensorPoolSupervisor"/> runs with: the keys of the reference's <c>[supervisor]</c> section
/// (one property per key, named after it, with its meaning) plus the keys this implementation adds (policies, consumer
/// id assignment, the streams followed, the status file) and the runtime knobs an embedding process sets in code.
/// </summary>
/// <remarks>
/// Reference keys and meaning: on each ConsumerHello the supervisor answers with ConsumerConfig whose use_shm is
/// false when <see cref="ForceNoShm"/>, else the consumer's; whose mode is <see cref="ForceMode"/> when not 0, else the
/// consumer's; which assigns a per-consumer descriptor (control) stream when <see cref="PerConsumerEnabled"/> and the
/// consumer asked for one — on <see cref="PerConsumerDescriptorChannel"/> (or the consumer's channel) with id
/// <c>base + consumer_id % range</c> (or the consumer's id when base is 0); and whose payload_fallback_uri is
/// <see cref="PayloadFallbackUri"/>. Consumers not heard of for <see cref="ConsumerStaleMs"/> are forgotten; at most
/// <see cref="ConsumerCapacity"/> are tracked. Channels default to <c>tp:ipc</c> (the reference's are aeron:ipc),
/// and the announce stream to the control stream, as a driver's default (driver spec §17).
/// </remarks>
public sealed class SupervisorOptions
{
    public const string DefaultChannel = "tp:ipc";
    public const uint DefaultControlStreamId = 1000;
    public const uint DefaultMetadataStreamId = 1300;
    public const uint DefaultQosStreamId = 1200;
    public const uint DefaultDescriptorStreamId = 1100;
    public const uint DefaultConsumerCapacity = 256;
    public const uint DefaultConsumerStaleMs = 5000;

    /// <summary>The first consumer id of the range a hello asks for an assigned id from (docs/DECISIONS.md D147).</summary>
    public const uint AssignmentRequestStart = 0xFFFF_0000;

    // Reference keys.

    /// <summary><c>supervisor.control_channel</c>: hellos arrive and ConsumerConfig goes out here.</summary>
    public string ControlChannel { get; set; } = DefaultChannel;

    public uint ControlStreamId { get; set; } = DefaultControlStreamId;

    /// <summary><c>supervisor.announce_channel</c>: ShmPoolAnnounce; null is the control channel.</summary>
    public string? AnnounceChannel { get; set; }

    /// <summary><c>supervisor.announce_stream_id</c>; null is the control stream id.</summary>
    public uint? AnnounceStreamId { get; set; }

    /// <summary><c>supervisor.metadata_channel</c>: DataSourceAnnounce / DataSourceMeta; null is the control channel.</summary>
    public string? MetadataChannel { get; set; }

    public uint MetadataStreamId { get; set; } = DefaultMetadataStreamId;

    /// <summary><c>supervisor.qos_channel</c>: QosConsumer / QosProducer; null is the control channel.</summary>
    public string? QosChannel { get; set; }

    public uint QosStreamId { get; set; } = DefaultQosStreamId;

    /// <summary><c>supervisor.consumer_capacity</c>: consumers tracked at most; hellos of more are counted and ignored.</summary>
    public uint ConsumerCapacity { get; set; } = DefaultConsumerCapacity;

    /// <summary><c>supervisor.consumer_stale_ms</c>: a consumer with no hello or QoS for this long is forgotten.</summary>
    public uint ConsumerStaleMs { get; set; } = DefaultConsumerStaleMs;

    /// <summary><c>supervisor.per_consumer_enabled</c>: assign per-consumer streams to consumers that ask for them.</summary>
    public bool PerConsumerEnabled { get; set; }

    /// <summary><c>supervisor.per_consumer_descriptor_channel</c>: the channel assigned; empty: the consumer's.</summary>
    public string PerConsumerDescriptorChannel { get; set; } = "";

    /// <summary><c>supervisor.per_consumer_descriptor_base</c>: ids are base + consumer_id % range; 0: the consumer's id.</summary>
    public uint PerConsumerDescriptorBase { get; set; }

    public uint PerConsumerDescriptorRange { get; set; }

    /// <summary><c>supervisor.per_consumer_control_channel</c>: as the descriptor channel, for FrameProgress.</summary>
    public string PerConsumerControlChannel { get; set; } = "";

    public uint PerConsumerControlBase { get; set; }

    public uint PerConsumerControlRange { get; set; }

    /// <summary><c>supervisor.force_no_shm</c>: every ConsumerConfig says use_shm = 0.</summary>
    public bool ForceNoShm { get; set; }

    /// <summary><c>supervisor.force_mode</c>: 0 keeps the consumer's mode, 1 STREAM, 2 RATE_LIMITED.</summary>
    public byte ForceMode { get; set; }

    /// <summary><c>supervisor.payload_fallback_uri</c>: sent in every ConsumerConfig (empty: none).</summary>
    public string PayloadFallbackUri { get; set; } = "";

    // Added keys.

    /// <summary><c>supervisor.enabled</c> (added key, driver file only): run the supervisor inside <c>tp driver</c>.</summary>
    public bool Enabled { get; set; }

    /// <summary><c>supervisor.streams</c> (added key): the stream ids followed and supervised; empty: all.</summary>
    public IList<(uint Start, uint End)> Streams { get; set; } = [];

    /// <summary><c>supervisor.descriptor_channel</c> (added key): the shared descriptor stream relayed to per-consumer streams; null is the control channel.</summary>
    public string? DescriptorChannel { get; set; }

    /// <summary><c>supervisor.descriptor_stream_id</c> (added key, STREAM_ID_CONVENTIONS: 1100).</summary>
    public uint DescriptorStreamId { get; set; } = DefaultDescriptorStreamId;

    /// <summary><c>supervisor.assign_consumer_ids</c> (added key): answer hellos that ask for an id (docs/DECISIONS.md D147).</summary>
    public bool AssignConsumerIds { get; set; } = true;

    /// <summary><c>supervisor.consumer_id_range</c> (added key): ids handed out, per stream.</summary>
    public (uint Start, uint End) ConsumerIdRange { get; set; } = (1, 0x7FFF_FFFF);

    /// <summary><c>supervisor.status_file</c> (added key): where the live model is written for <c>tp status --supervisor</c>; empty: nowhere.</summary>
    public string StatusFile { get; set; } = "";

    /// <summary><c>[[supervisor.policies]]</c> (added): the first that matches a consumer applies on top of the force_* keys.</summary>
    public IList<ConsumerPolicy> Policies { get; set; } = [];

    // Runtime, not configuration.

    public IClock Clock { get; set; } = MonotonicClock.Instance;

    /// <summary>tp:ipc base dir of the transport the supervisor creates (<c>tp supervisor --shm-dir</c>).</summary>
    public string IpcBaseDir { get; set; } = TpIpcOptions.DefaultBaseDir;

    /// <summary>tp:ipc namespace of the transport the supervisor creates.</summary>
    public string Namespace { get; set; } = TpIpcOptions.DefaultNamespace;

    /// <summary>The transport; null creates a tp:ipc transport that the supervisor owns.</summary>
    public ITransport? Transport { get; set; }

    public IIdleStrategy? IdleStrategy { get; set; }

    public ILogger? Logger { get; set; }

    public Action<Exception>? ErrorHandler { get; set; }

    /// <summary>Where the options came from, for messages.</summary>
    public string? SourceName { get; set; }

    public string EffectiveAnnounceChannel => AnnounceChannel ?? ControlChannel;

    public uint EffectiveAnnounceStreamId => AnnounceStreamId ?? ControlStreamId;

    public string EffectiveMetadataChannel => MetadataChannel ?? ControlChannel;

    public string EffectiveQosChannel => QosChannel ?? ControlChannel;

    public string EffectiveDescriptorChannel => DescriptorChannel ?? ControlChannel;

    /// <summary>The mode <see cref="ForceMode"/> imposes, null for 0.</summary>
    public Mode? ForcedMode => ForceMode == 0 ? null : (Mode)ForceMode;

    /// <summary>Read the <c>[supervisor]</c> section of a file (a driver's, or one of its own).</summary>
    /// <exception cref="SupervisorConfigurationException">The file cannot be read or breaks a rule.</exception>
    public static SupervisorOptions FromToml(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new SupervisorConfigurationException("(file)", path, "cannot be read: " + e.Message);
        }
        return FromTomlText(text, path);
    }

    /// <summary>Parse TOML text's <c>[supervisor]</c> section (other sections are left to their readers) and validate it.</summary>
    public static SupervisorOptions FromTomlText(string toml, string sourceName = "(text)")
    {
        SupervisorOptions options = SupervisorConfigReader.ReadDocument(toml, sourceName);
        options.Validate();
        return options;
    }

    public SupervisorOptions Clone()
    {
        var copy = (SupervisorOptions)MemberwiseClone();
        copy.Streams = [.. Streams];
        copy.Policies = [.. Policies];
        return copy;
    }

    /// <summary>Throws a <see cref="SupervisorConfigurationException"/> naming the first key that breaks its rule.</summary>
    public void Validate()
    {
        string? o = SourceName;
        if (string.IsNullOrEmpty(ControlChannel) || ControlStreamId == 0)
        {
            throw new SupervisorConfigurationException("supervisor.control_channel", $"{ControlChannel}:{ControlStreamId}", "must name a channel and a non-zero stream id", o);
        }
        if (ConsumerCapacity == 0 || ConsumerCapacity > 1 << 20)
        {
            throw new SupervisorConfigurationException("supervisor.consumer_capacity", I(ConsumerCapacity), "must be from 1 to 1048576", o);
        }
        if (ConsumerStaleMs == 0)
        {
            throw new SupervisorConfigurationException("supervisor.consumer_stale_ms", "0", "must be positive", o);
        }
        // Reference rules: a base needs a range; force_mode is 0, STREAM(1) or RATE_LIMITED(2).
        if (PerConsumerDescriptorBase != 0 && PerConsumerDescriptorRange == 0)
        {
            throw new SupervisorConfigurationException("supervisor.per_consumer_descriptor_range", "0", "is required with per_consumer_descriptor_base", o);
        }
        if (PerConsumerControlBase != 0 && PerConsumerControlRange == 0)
        {
            throw new SupervisorConfigurationException("supervisor.per_consumer_control_range", "0", "is required with per_consumer_control_base", o);
        }
        if ((ulong)PerConsumerDescriptorBase + PerConsumerDescriptorRange > uint.MaxValue + 1UL ||
            (ulong)PerConsumerControlBase + PerConsumerControlRange > uint.MaxValue + 1UL)
        {
            throw new SupervisorConfigurationException("supervisor.per_consumer_descriptor_base", I(PerConsumerDescriptorBase), "base + range must stay within stream ids", o);
        }
        if (ForceMode > 2)
        {
            throw new SupervisorConfigurationException("supervisor.force_mode", I(ForceMode), "must be 0 (keep), 1 (STREAM) or 2 (RATE_LIMITED)", o);
        }
        if (ConsumerIdRange.Start == 0 || ConsumerIdRange.End < ConsumerIdRange.Start || ConsumerIdRange.End >= AssignmentRequestStart)
        {
            throw new SupervisorConfigurationException("supervisor.consumer_id_range", $"{ConsumerIdRange.Start}-{ConsumerIdRange.End}",
                $"must be within 1-{AssignmentRequestStart - 1} (ids from {AssignmentRequestStart} ask for an assignment)", o);
        }
        for (int i = 0; i < Policies.Count; i++)
        {
            ConsumerPolicy p = Policies[i];
            string key = $"supervisor.policies[{i}]";
            if (p.MaxRateHz > 0 && PerConsumerDescriptorBase == 0)
            {
                throw new SupervisorConfigurationException(key + ".max_rate_hz", I(p.MaxRateHz),
                    "needs per_consumer_descriptor_base/range: the capped stream is one the supervisor assigns and serves (§11)", o);
            }
            if (p.UseShm == false && string.IsNullOrEmpty(p.PayloadFallbackUri) && PayloadFallbackUri.Length == 0)
            {
                throw new SupervisorConfigurationException(key + ".use_shm", "false", "needs a payload_fallback_uri to send the consumer to (§10.1.3)", o);
            }
        }
        if (PerConsumerEnabled && PerConsumerDescriptorBase == 0 && Policies.Any(p => p.MaxRateHz > 0))
        {
            throw new SupervisorConfigurationException("supervisor.per_consumer_descriptor_base", "0", "is required by a policy with max_rate_hz", o);
        }
    }

    private static string I(uint v) => v.ToString(CultureInfo.InvariantCulture);
}
