using System.Globalization;
using Microsoft.Extensions.Logging;
using TensorPool.Agents;
using TensorPool.Discovery.Configuration.Internal;
using TensorPool.Time;
using TensorPool.Transport;

namespace TensorPool.Discovery.Configuration;

/// <summary>
/// A standalone discovery registry (discovery spec §8): where it answers, the drivers it aggregates, and how it
/// indexes and answers (<see cref="Provider"/>). Loaded from the reference's discovery file (<c>[discovery]</c> with one
/// driver's keys, <c>[driver] aeron_dir</c>) and its extension to several drivers (<c>[[discovery.drivers]]</c>), or
/// built in code.
/// </summary>
public sealed class DiscoveryRegistryOptions
{
    /// <summary>STREAM_ID_CONVENTIONS §2: discovery requests on 7000.</summary>
    public const uint DefaultRequestStreamId = 7000;

    public const string DefaultChannel = "tp:ipc";

    /// <summary><c>discovery.request_channel</c>: where requests arrive.</summary>
    public string RequestChannel { get; set; } = DefaultChannel;

    /// <summary><c>discovery.request_stream_id</c>.</summary>
    public uint RequestStreamId { get; set; } = DefaultRequestStreamId;

    /// <summary>The drivers aggregated: the one of <c>[discovery]</c>'s <c>driver_*</c> keys, then <c>[[discovery.drivers]]</c>.</summary>
    public IList<DriverSourceOptions> Drivers { get; set; } = [];

    /// <summary>Expiry, limits, access policy and query log (<c>[discovery]</c> keys shared with the embedded provider).</summary>
    public DiscoveryProviderOptions Provider { get; set; } = new();

    /// <summary><c>discovery.ipc_base_dir</c> (added key): where tp:ipc logs live (the drivers' and clients' base dir).</summary>
    public string IpcBaseDir { get; set; } = TpIpcOptions.DefaultBaseDir;

    /// <summary><c>discovery.namespace</c> (added key): the deployment a plain <c>tp:ipc</c> channel means.</summary>
    public string Namespace { get; set; } = TpIpcOptions.DefaultNamespace;

    /// <summary><c>driver.aeron_dir</c>: the Aeron directory for aeron: channels (empty: Aeron's default).</summary>
    public string AeronDir { get; set; } = "";

    // Runtime, not configuration.

    public IClock Clock { get; set; } = MonotonicClock.Instance;

    /// <summary>The transport; null creates a tp:ipc transport over <see cref="IpcBaseDir"/> that the registry owns.</summary>
    public ITransport? Transport { get; set; }

    /// <summary>The registry thread's idle strategy; null is a <see cref="BackoffIdleStrategy"/>.</summary>
    public IIdleStrategy? IdleStrategy { get; set; }

    public ILogger? Logger { get; set; }

    /// <summary>Receives exceptions from the duty cycle (they never escape it); null logs them as errors.</summary>
    public Action<Exception>? ErrorHandler { get; set; }

    /// <summary>Where the options came from, for messages.</summary>
    public string? SourceName { get; set; }

    /// <summary>Load a registry file; the message of a failure names the key, its value and the rule.</summary>
    /// <exception cref="DiscoveryConfigurationException">The file cannot be read or breaks a rule.</exception>
    public static DiscoveryRegistryOptions FromToml(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new DiscoveryConfigurationException("(file)", path, "cannot be read: " + e.Message);
        }
        return FromTomlText(text, path);
    }

    /// <summary>Parse and validate registry TOML.</summary>
    public static DiscoveryRegistryOptions FromTomlText(string toml, string sourceName = "(text)")
    {
        DiscoveryRegistryOptions options = DiscoveryConfigReader.ReadRegistry(toml, sourceName);
        options.Validate();
        return options;
    }

    public DiscoveryRegistryOptions Clone()
    {
        var copy = (DiscoveryRegistryOptions)MemberwiseClone();
        copy.Drivers = [.. Drivers];
        copy.Provider = Provider.Clone();
        return copy;
    }

    /// <summary>Throws a <see cref="DiscoveryConfigurationException"/> naming the first key that breaks its rule.</summary>
    public void Validate()
    {
        string? origin = SourceName;
        if (string.IsNullOrEmpty(RequestChannel))
        {
            throw new DiscoveryConfigurationException("discovery.request_channel", RequestChannel, "must name a channel", origin);
        }
        if (RequestStreamId == 0)
        {
            throw new DiscoveryConfigurationException("discovery.request_stream_id", "0", "must not be 0", origin);
        }
        if (Drivers.Count == 0)
        {
            throw new DiscoveryConfigurationException("discovery.driver_instance_id", null,
                "at least one driver is required (discovery.driver_* keys or [[discovery.drivers]])", origin);
        }
        var control = new Dictionary<(string, uint), string>();
        var announce = new Dictionary<(string, uint), string>();
        var metadata = new Dictionary<(string, uint), string>();
        for (int i = 0; i < Drivers.Count; i++)
        {
            DriverSourceOptions d = Drivers[i];
            string key = $"discovery.drivers[{i.ToString(CultureInfo.InvariantCulture)}]";
            if (d.Identity.Problem() is { } problem)
            {
                throw new DiscoveryConfigurationException(key, d.InstanceId, problem, origin);
            }
            if (d.EffectiveAnnounceStreamId == 0 || d.EffectiveMetadataStreamId == 0)
            {
                throw new DiscoveryConfigurationException(key + ".announce_stream_id", "0", "stream ids must not be 0", origin);
            }
            if (control.TryGetValue((d.ControlChannel, d.ControlStreamId), out string? other) && other != d.InstanceId)
            {
                throw new DiscoveryConfigurationException(key + ".control_channel", $"{d.ControlChannel}:{d.ControlStreamId}",
                    $"is also the control endpoint of driver {other}: one endpoint, one driver", origin);
            }
            control[(d.ControlChannel, d.ControlStreamId)] = d.InstanceId;
            // Announces carry no driver identity: the endpoint is what attributes them, so two drivers never share one.
            if (!announce.TryAdd((d.EffectiveAnnounceChannel, d.EffectiveAnnounceStreamId), d.InstanceId))
            {
                throw new DiscoveryConfigurationException(key + ".announce_channel", $"{d.EffectiveAnnounceChannel}:{d.EffectiveAnnounceStreamId}",
                    $"is also the announce endpoint of driver {announce[(d.EffectiveAnnounceChannel, d.EffectiveAnnounceStreamId)]}: their streams would mix", origin);
            }
            if (!metadata.TryAdd((d.EffectiveMetadataChannel, d.EffectiveMetadataStreamId), d.InstanceId))
            {
                throw new DiscoveryConfigurationException(key + ".metadata_channel", $"{d.EffectiveMetadataChannel}:{d.EffectiveMetadataStreamId}",
                    $"is also the metadata endpoint of driver {metadata[(d.EffectiveMetadataChannel, d.EffectiveMetadataStreamId)]}: their names and tags would mix", origin);
            }
        }
        Provider.Validate("discovery", origin);
    }
}
