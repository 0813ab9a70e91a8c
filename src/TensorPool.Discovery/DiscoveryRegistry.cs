using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TensorPool.Agents;
using TensorPool.Discovery.Configuration;
using TensorPool.Discovery.Protocol;
using TensorPool.Interop;
using TensorPool.Sbe;
using TensorPool.Transport;

namespace TensorPool.Discovery;

/// <summary>
/// A standalone discovery registry (discovery spec §2.2, §8): aggregates the announces and metadata of several drivers
/// into one index and answers DiscoveryRequest on its own endpoint, naming for each stream the driver that owns it.
/// Advisory only (§3): it neither proxies nor changes attach semantics. Runs on its own thread; run it as
/// <c>tp discovery --config registry.toml</c> or <see cref="Hosting.DiscoveryRegistryHostedService"/>.
/// </summary>
/// <example>
/// <code>
/// using var registry = DiscoveryRegistry.Start(DiscoveryRegistryOptions.FromToml("registry.toml"));
/// </code>
/// </example>
public sealed class DiscoveryRegistry : IDisposable
{
    private readonly DiscoveryRegistryOptions _options;
    private readonly ITransport _transport;
    private readonly bool _ownsTransport;
    private readonly DiscoveryProvider _provider;
    private readonly List<Tap> _taps = [];
    private readonly AgentRunner _runner;
    private readonly ILogger _log;
    private int _disposed;

    private DiscoveryRegistry(DiscoveryRegistryOptions options)
    {
        _options = options;
        _log = options.Logger ?? NullLogger.Instance;
        _ownsTransport = options.Transport is null;
        try
        {
            _transport = options.Transport ?? new TpIpcTransport(new TpIpcOptions { BaseDir = options.IpcBaseDir, Namespace = options.Namespace });
        }
        catch (ArgumentException e)
        {
            throw new DiscoveryConfigurationException("discovery.ipc_base_dir", options.IpcBaseDir, e.Message, options.SourceName);
        }
        try
        {
            _provider = new DiscoveryProvider(_transport, options.Provider, options.Clock, _log);
            // Subscribe to the drivers first: what they announce from now on is indexed before any request is read.
            foreach (DriverSourceOptions d in options.Drivers)
            {
                DriverIdentity identity = d.Identity;
                foreach ((uint streamId, IReadOnlyList<string> tags) in d.StreamTags)
                {
                    _provider.ConfigureTags(d.InstanceId, streamId, tags);
                }
                // Each endpoint is read for what it carries for this driver (§6.4); ShmDriverShutdown on the control
                // endpoint makes a restart known (§6.3).
                AddTap("announce_channel", d.EffectiveAnnounceChannel, d.EffectiveAnnounceStreamId).Add(identity, Roles.Announces);
                AddTap("metadata_channel", d.EffectiveMetadataChannel, d.EffectiveMetadataStreamId).Add(identity, Roles.Metadata);
                AddTap("driver_control_channel", d.ControlChannel, d.ControlStreamId).Add(identity, Roles.Shutdown);
            }
            AddTap("request_channel", options.RequestChannel, options.RequestStreamId).Requests = true;
            Action<Exception> errors = options.ErrorHandler ?? (e => DiscoveryLog.DutyCycleFailed(_log, e));
            _runner = new AgentRunner(new Agent(this), options.IdleStrategy ?? new BackoffIdleStrategy(), errors);
            _runner.Start();
        }
        catch
        {
            Close();
            throw;
        }
        DiscoveryLog.RegistryStarted(_log, options.RequestChannel, options.RequestStreamId, options.Drivers.Count,
            string.Join(", ", options.Drivers.Select(d => $"{d.InstanceId} ({d.ControlChannel}:{d.ControlStreamId})")));
    }

    /// <summary>Validate <paramref name="options"/> (copied) and start the registry on its own thread.</summary>
    /// <exception cref="DiscoveryConfigurationException">The configuration breaks a rule, or the transport refuses a channel.</exception>
    /// <exception cref="TensorPoolException">A stream's log could not be opened.</exception>
    public static DiscoveryRegistry Start(DiscoveryRegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        DiscoveryRegistryOptions copy = options.Clone();
        copy.Validate();
        return new DiscoveryRegistry(copy);
    }

    public DiscoveryProviderCounters Counters => _provider.Counters;

    /// <summary>A copy of the options the registry runs with.</summary>
    public DiscoveryRegistryOptions Options => _options.Clone();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _runner.Dispose();
        Close();
        DiscoveryLog.RegistryStopped(_log);
    }

    private void Close()
    {
        foreach (Tap tap in _taps)
        {
            tap.Subscription.Dispose();
        }
        _provider?.Dispose();
        if (_ownsTransport)
        {
            _transport.Dispose();
        }
    }

    /// <summary>One subscription per distinct endpoint: it may carry requests and one driver's messages at once.</summary>
    private Tap AddTap(string key, string channel, uint streamId)
    {
        foreach (Tap t in _taps)
        {
            if (t.Subscription.StreamId == unchecked((int)streamId) && t.Subscription.Channel == channel)
            {
                return t;
            }
        }
        ISubscription subscription;
        try
        {
            subscription = _transport.AddSubscription(channel, unchecked((int)streamId));
        }
        catch (ArgumentException e)
        {
            throw new DiscoveryConfigurationException("discovery." + key, channel, e.Message, _options.SourceName);
        }
        var tap = new Tap(subscription);
        _taps.Add(tap);
        return tap;
    }

    private int DoWork()
    {
        int work = 0;
        foreach (Tap tap in _taps)
        {
            var handler = new TapHandler(_provider, tap);
            work += tap.Subscription.Poll(ref handler, 64);
        }
        work += _provider.DoWork(_options.Clock.NanoTime());
        return work;
    }

    [Flags]
    private enum Roles
    {
        None = 0,
        Announces = 1,
        Metadata = 2,
        Shutdown = 4,
    }

    private sealed class Tap(ISubscription subscription)
    {
        public ISubscription Subscription { get; } = subscription;

        public bool Requests { get; set; }

        public List<(DriverIdentity Driver, Roles Roles)> Drivers { get; } = [];

        public void Add(DriverIdentity driver, Roles roles)
        {
            int i = Drivers.FindIndex(d => d.Driver == driver);
            if (i < 0)
            {
                Drivers.Add((driver, roles));
            }
            else
            {
                Drivers[i] = (driver, Drivers[i].Roles | roles);
            }
        }
    }

    private readonly struct TapHandler(DiscoveryProvider provider, Tap tap) : IMessageHandler
    {
        public void OnMessage(ReadOnlySpan<byte> message)
        {
            if (tap.Requests)
            {
                provider.OnRequest(message);
            }
            if (tap.Drivers.Count == 0 || !SbeMessageHeader.TryRead(message, out SbeMessageHeader header))
            {
                return;
            }
            Roles role = RoleOf(header);
            foreach ((DriverIdentity driver, Roles roles) in tap.Drivers)
            {
                if ((roles & role) != 0)
                {
                    provider.OnDriverMessage(driver, message);
                }
            }
        }

        private static Roles RoleOf(SbeMessageHeader h) => (h.SchemaId, h.TemplateId) switch
        {
            (Sbe.Wire.ShmPoolAnnounceDecoder.SchemaId, Sbe.Wire.ShmPoolAnnounceDecoder.TemplateId) => Roles.Announces,
            (Sbe.Wire.DataSourceAnnounceDecoder.SchemaId, Sbe.Wire.DataSourceAnnounceDecoder.TemplateId) => Roles.Metadata,
            (Sbe.Wire.DataSourceMetaDecoder.SchemaId, Sbe.Wire.DataSourceMetaDecoder.TemplateId) => Roles.Metadata,
            (Sbe.Driver.ShmDriverShutdownDecoder.SchemaId, Sbe.Driver.ShmDriverShutdownDecoder.TemplateId) => Roles.Shutdown,
            _ => Roles.None,
        };
    }

    private sealed class Agent(DiscoveryRegistry registry) : IAgent
    {
        public string RoleName => "tensorpool-discovery-registry";

        public void OnStart()
        {
        }

        public int DoWork() => registry.DoWork();

        public void OnClose()
        {
        }
    }
}
