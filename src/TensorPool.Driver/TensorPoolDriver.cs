using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TensorPool.Agents;
using TensorPool.Diagnostics.Internal;
using TensorPool.Driver.Claims;
using TensorPool.Driver.Configuration;
using TensorPool.Driver.Protocol;
using TensorPool.Driver.Shm;
using TensorPool.Interop.Internal;
using TensorPool.Interop;
using TensorPool.Native.Internal;
using TensorPool.Sbe.Driver;
using TensorPool.Transport;

namespace TensorPool.Driver;

/// <summary>
/// The SHM driver (driver model spec v1.0): sole owner of the region files, epochs and leases of its streams, and the
/// only source of their ShmPoolAnnounce. Embeddable in any process like Aeron's embedded media driver, or run as
/// <c>tp driver --config driver.toml</c>.
/// </summary>
/// <example>
/// <code>
/// using var driver = TensorPoolDriver.Start(DriverOptions.FromToml("driver.toml"));
/// // clients attach over driver.control_channel / driver.control_stream_id
/// </code>
/// </example>
/// <remarks>
/// The duty cycle runs on the driver's own thread (<see cref="DriverThreadingMode.DedicatedThread"/>) or is driven by
/// the embedding application through <see cref="DoWork"/> (<see cref="DriverThreadingMode.Invoker"/>). Disposing
/// shuts the driver down: a final announce, ShmDriverShutdown (reason NORMAL), and every epoch directory it created
/// is removed.
/// </remarks>
public sealed unsafe class TensorPoolDriver : IDisposable
{
    private readonly DriverOptions _options;
    private readonly ITransport _transport;
    private readonly bool _ownsTransport;
    private readonly PathPolicyHandle _allowedDirs;
    private readonly List<DriverClaim> _claims = [];
    private int _previousDriverPid;
    private readonly ISubscription _control;
    private readonly SubscriptionWaitSet _waitSet = new();
    private readonly IPublication _controlOut;
    private readonly IPublication _announceOut;
    private readonly ISubscription? _metadata;
    private readonly Discovery.Protocol.DiscoveryProvider? _discovery;
    private readonly Supervisor.TensorPoolSupervisor? _supervisor;
    private readonly DriverConductor _conductor;
    private readonly AgentRunner? _runner;
    private readonly AgentInvoker? _invoker;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _log;
    private int _drainRequested;
    private int _disposed;
    private IDisposable? _metrics;

    private TensorPoolDriver(DriverOptions options)
    {
        _options = options;
        _log = options.Logger ?? NullLogger.Instance;
        ShmPolicy shm = ShmPolicy.From(options);
        var opened = new List<IDisposable>();
        try
        {
            _allowedDirs = CreateAllowedDirs(options);
            opened.Add(_allowedDirs);
            PrepareBaseDir(options, shm, _allowedDirs);
            // Claim the namespace before touching anything in it (epoch GC on startup would remove a running
            // driver's epochs), then the control endpoint (D170).
            ClaimNamespace(options, shm, opened);
            _ownsTransport = options.Transport is null;
            _transport = options.Transport ?? TransportProviders.Create(options.ControlChannel, TransportSettingsOf(options));
            if (_ownsTransport)
            {
                opened.Add(_transport);
            }
            ClaimControlEndpoint(options, shm, _transport, opened);
            // Subscribe before publishing anything: a request sent from now on is seen.
            _control = Open(opened, "driver.control_channel", options.ControlChannel,
                () => _transport.AddSubscription(options.ControlChannel, (int)options.ControlStreamId));
            _controlOut = Open(opened, "driver.control_channel", options.ControlChannel,
                () => _transport.AddPublication(options.ControlChannel, (int)options.ControlStreamId));
            _announceOut = Open(opened, "driver.announce_channel", options.EffectiveAnnounceChannel,
                () => _transport.AddPublication(options.EffectiveAnnounceChannel, (int)options.EffectiveAnnounceStreamId));
            ulong leaseSeed = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) >> 2;
            uint nodeSeed = (uint)RandomNumberGenerator.GetInt32(0, (int)Leases.NodeIdAllocator.MaxAutomaticId);
            if (options.Discovery.Enabled)
            {
                // Discovery §2.2, §4.2: the embedded provider answers on the control endpoint and indexes this driver's
                // announces and its producers' metadata.
                string metadataChannel = options.Discovery.MetadataChannel ?? options.ControlChannel;
                _metadata = Open(opened, "discovery.metadata_channel", metadataChannel,
                    () => _transport.AddSubscription(metadataChannel, (int)options.Discovery.MetadataStreamId));
                _discovery = new Discovery.Protocol.DiscoveryProvider(_transport, DiscoveryValidation.ProviderOptions(options), options.Clock, _log);
                opened.Add(_discovery);
                foreach ((uint streamId, IReadOnlyList<string> tags) in options.Discovery.StreamTags)
                {
                    _discovery.ConfigureTags(options.InstanceId, streamId, tags);
                }
            }
            var ctx = new DriverContext(options, shm, _controlOut, _announceOut, _allowedDirs, _log, leaseSeed, nodeSeed)
            {
                DeadPredecessorPid = _previousDriverPid,
                Discovery = _discovery,
                Identity = DiscoveryValidation.Identity(options),
            };
            _conductor = new DriverConductor(ctx, _control, _metadata) { ShutdownCompleted = () => _completion.TrySetResult() };
            if (options.Supervisor is { Enabled: true } supervisorOptions)
            {
                // Wire spec §10.5: the supervisor runs beside the driver, on its transport and its own thread.
                Supervisor.Configuration.SupervisorOptions embedded = supervisorOptions.Clone();
                embedded.Transport = _transport;
                embedded.Clock = options.Clock;
                embedded.Logger ??= _log;
                try
                {
                    _supervisor = global::TensorPool.Supervisor.TensorPoolSupervisor.Start(embedded);
                }
                catch (Supervisor.Configuration.SupervisorConfigurationException e)
                {
                    throw new DriverConfigurationException(e.Key, e.Value, e.Rule, e.Origin);
                }
                opened.Add(_supervisor);
            }
            Action<Exception> errors = options.ErrorHandler ?? (e => DriverLog.DutyCycleFailed(_log, e));
            if (options.ThreadingMode == DriverThreadingMode.DedicatedThread)
            {
                _runner = new AgentRunner(new DrainingAgent(this), options.IdleStrategy ?? CreateWaitingStrategy(options), errors);
                _runner.Start();
            }
            else
            {
                _invoker = new AgentInvoker(new DrainingAgent(this), errors);
            }
        }
        catch
        {
            for (int i = opened.Count - 1; i >= 0; i--)
            {
                opened[i].Dispose();
            }
            throw;
        }
        _metrics = global::TensorPool.Diagnostics.Internal.MetricsRegistry.Register(new DriverMetrics(this));
        DriverLog.Started(_log, options.InstanceId, options.ControlChannel, options.ControlStreamId, options.EffectiveAnnounceChannel,
            options.EffectiveAnnounceStreamId, options.ShmBaseDir, options.Namespace);
    }

    /// <summary>The settings the driver's own transport is created with (no <see cref="DriverOptions.Transport"/> given).</summary>
    internal static TransportSettings TransportSettingsOf(DriverOptions options) => new()
    {
        BaseDir = options.IpcBaseDir,
        Namespace = options.Namespace,
        AeronDir = options.AeronDir,
        EmbeddedMediaDriver = options.EmbeddedMediaDriver,
        ErrorHandler = options.ErrorHandler,
    };

    /// <summary>Validate <paramref name="options"/> (copied) and start the driver.</summary>
    /// <exception cref="DriverConfigurationException">The configuration breaks a rule (key, value and rule in the message).</exception>
    /// <exception cref="DriverAlreadyRunningException">Another driver serves the namespace or the control stream (D170).</exception>
    /// <exception cref="TensorPoolException">The shared-memory base directory or the transport could not be set up.</exception>
    public static TensorPoolDriver Start(DriverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        DriverOptions copy = options.Clone();
        StartupChecks.Run(copy);
        return new TensorPoolDriver(copy);
    }

    /// <summary>
    /// Run every check <see cref="Start"/> runs, creating nothing (<c>tp driver --check</c>): the options' rules, the
    /// permissions mode, the allowed base dirs, whether the namespace directory can be created inside them, the channels
    /// the transport must accept, and whether another driver already serves the namespace or the control stream.
    /// </summary>
    /// <exception cref="DriverConfigurationException">A key's value cannot be used (key, value and rule in the message).</exception>
    /// <exception cref="DriverAlreadyRunningException">Another driver holds the namespace or the control stream.</exception>
    public static void Check(DriverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        StartupChecks.Run(options.Clone());
    }

    /// <summary>A copy of the options the driver runs with.</summary>
    public DriverOptions Options => _options.Clone();

    /// <summary>A snapshot of the driver's counters (any thread).</summary>
    public DriverCounters Counters => _conductor.Context.Counters.Snapshot();

    /// <summary>The supervisor the driver runs (<c>[supervisor] enabled = true</c>), null otherwise.</summary>
    public Supervisor.TensorPoolSupervisor? Supervisor => _supervisor;

    /// <summary>The embedded discovery provider's counters (discovery spec §2.2); null when <c>discovery.enabled = false</c>.</summary>
    public Discovery.DiscoveryProviderCounters? DiscoveryCounters => _discovery?.Counters;

    /// <summary>The leases and streams as of the last change (published by the duty cycle).</summary>
    public DriverStatus Status => _conductor.Status;

    /// <summary>Completes when a requested shutdown (token or <see cref="RequestShutdown"/>) has drained and ShmDriverShutdown was sent.</summary>
    public Task Completion => _completion.Task;

    /// <summary>The transport the driver publishes and subscribes through.</summary>
    public ITransport Transport => _transport;

    /// <summary>Run one duty cycle on this thread (<see cref="DriverThreadingMode.Invoker"/> only).</summary>
    public int DoWork()
    {
        if (_invoker is null)
        {
            throw new InvalidOperationException("the driver runs on its own thread (DriverThreadingMode.DedicatedThread)");
        }
        return _invoker.Invoke();
    }

    /// <summary>Begin a drained shutdown (§4.13) as an accepted ShmDriverShutdownRequest would; thread-safe.</summary>
    public void RequestShutdown()
    {
        Interlocked.Exchange(ref _drainRequested, 1);
        _waitSet.Wake(); // the duty cycle takes it now, not at its next timer
    }

    /// <summary>
    /// The default: sleep on the control stream between duty cycles, waking for a request at once and for the timers
    /// (announces, keepalive expiry, epoch GC) at least every quarter of the shorter period, and at most every 100 ms.
    /// </summary>
    private WaitingIdleStrategy CreateWaitingStrategy(DriverOptions options)
    {
        _waitSet.Add(_control);
        long periodMs = Math.Min(options.AnnouncePeriodMs, options.LeaseKeepaliveIntervalMs);
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(periodMs / 4, 1, 100));
        return new WaitingIdleStrategy(_waitSet, WaitingIdleStrategy.DefaultSpinWindow, tick);
    }

    /// <summary>Shut down now: final announce, ShmDriverShutdown(NORMAL), epoch directories removed, transport closed.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _metrics?.Dispose();
        _supervisor?.Dispose();
        _runner?.Dispose();
        _invoker?.Dispose();
        // The duty cycle has stopped: this thread now owns the driver's state.
        try
        {
            _conductor.CloseNow(ShutdownReason.Normal, "driver closed");
        }
        finally
        {
            _completion.TrySetResult();
            _control.Dispose();
            _controlOut.Dispose();
            _announceOut.Dispose();
            _metadata?.Dispose();
            _discovery?.Dispose();
            if (_ownsTransport)
            {
                _transport.Dispose();
            }
            _allowedDirs.Dispose();
            for (int i = _claims.Count - 1; i >= 0; i--)
            {
                _claims[i].Dispose();
            }
            DriverLog.Stopped(_log, _options.InstanceId);
        }
    }

    private static T Open<T>(List<IDisposable> opened, string key, string channel, Func<T> open)
        where T : IDisposable
    {
        try
        {
            T item = open();
            opened.Add(item);
            return item;
        }
        catch (ArgumentException e)
        {
            // The transport refuses the channel (an aeron: channel in a build without Aeron, a bad tp:ipc name).
            throw new DriverConfigurationException(key, channel, e.Message);
        }
    }

    /// <summary>The claim on <c>&lt;shm.base_dir&gt;/tensorpool-&lt;user&gt;/&lt;namespace&gt;</c>: one driver per namespace (D170).</summary>
    private void ClaimNamespace(DriverOptions options, ShmPolicy shm, List<IDisposable> opened)
    {
        string nsDir = ShmPaths.NamespaceDir(shm);
        DriverClaim claim = DriverClaim.Acquire(Path.Combine(nsDir, ClaimFileName), "namespace " + nsDir, options.InstanceId, shm.FileMode);
        _claims.Add(claim);
        opened.Add(claim);
        _previousDriverPid = claim.PreviousHolderPid;
    }

    /// <summary>
    /// The claim on a tp:ipc control stream, beside its log (<c>…/ipc/&lt;stream&gt;.driver.claim</c>): two drivers in
    /// different shm namespaces must not answer one control stream either. Other transports name their endpoints
    /// their own way; the namespace claim covers them.
    /// </summary>
    private void ClaimControlEndpoint(DriverOptions options, ShmPolicy shm, ITransport transport, List<IDisposable> opened)
    {
        if (transport is not TpIpcTransport ipc)
        {
            return;
        }
        string log;
        try
        {
            log = ipc.GetLogPath(options.ControlChannel, (int)options.ControlStreamId);
        }
        catch (ArgumentException e)
        {
            throw new DriverConfigurationException("driver.control_channel", options.ControlChannel, e.Message, options.OriginOf("driver.control_channel"));
        }
        string path = Path.ChangeExtension(log, ControlClaimExtension);
        string baseDir = ipc.Options.BaseDir;
        int rc = NativeMethods.tp_region_create_parent_dirs(baseDir, path, shm.DirMode);
        NativeError.Check(rc, $"creating the directory of {path}");
        DriverClaim claim = DriverClaim.Acquire(path, $"control stream {options.ControlChannel}:{options.ControlStreamId}", options.InstanceId, shm.FileMode);
        _claims.Add(claim);
        opened.Add(claim);
    }

    /// <summary>The namespace claim's file name: not a stream id, so never taken for a stream directory.</summary>
    internal const string ClaimFileName = "driver.claim";

    /// <summary>The control stream's claim replaces its log's extension: <c>ipc/1000.driver.claim</c>.</summary>
    internal const string ControlClaimExtension = ".driver.claim";

    /// <summary>shm.allowed_base_dirs, each canonicalised once (§15.21a.5).</summary>
    internal static PathPolicyHandle CreateAllowedDirs(DriverOptions options)
    {
        TpPathPolicy* raw;
        NativeError.Check(NativeMethods.tp_path_policy_create(&raw), "creating the path policy");
        var policy = new PathPolicyHandle();
        policy.Adopt(raw);
        using NativeHandleLease<TpPathPolicy> lease = policy.Lease();
        foreach (string dir in options.EffectiveAllowedBaseDirs)
        {
            int rc = NativeMethods.tp_path_policy_add_base_dir(lease.Pointer, dir);
            if (rc < 0)
            {
                string why = NativeError.Create(rc, $"allowing {dir}").Message;
                policy.Dispose();
                throw new DriverConfigurationException("shm.allowed_base_dirs", dir, "cannot be used: " + why, options.OriginOf("shm.allowed_base_dirs"));
            }
        }
        return policy;
    }

    /// <summary>
    /// Create the base dir and the namespace directories now (fail fast, not at the first attach), and check that they
    /// resolve inside shm.allowed_base_dirs (driver spec §9: a base dir whose canonical path leaves the allowlist would
    /// hand out URIs every consumer refuses).
    /// </summary>
    private static void PrepareBaseDir(DriverOptions options, ShmPolicy shm, PathPolicyHandle allowed)
    {
        string nsDir = ShmPaths.NamespaceDir(shm);
        int rc = NativeMethods.tp_region_create_parent_dirs(shm.BaseDir, Path.Combine(nsDir, "probe"), shm.DirMode);
        if (rc < 0)
        {
            throw new DriverConfigurationException("shm.base_dir", options.ShmBaseDir,
                "cannot be used: " + NativeError.Create(rc, $"creating {nsDir}").Message, options.OriginOf("shm.base_dir"));
        }
        byte* canonical = stackalloc byte[TpUriConstants.ShmPathMax];
        using NativeHandleLease<TpPathPolicy> lease = allowed.Lease();
        rc = NativeMethods.tp_path_policy_check(lease.Pointer, nsDir, canonical, TpUriConstants.ShmPathMax);
        if (rc < 0)
        {
            throw new DriverConfigurationException("shm.base_dir", options.ShmBaseDir,
                "resolves outside shm.allowed_base_dirs: " + NativeError.Create(rc, $"checking {nsDir}").Message, options.OriginOf("shm.base_dir"));
        }
    }

    /// <summary>The conductor, plus a drain requested from another thread picked up on the duty cycle's thread.</summary>
    private sealed class DrainingAgent(TensorPoolDriver driver) : IAgent
    {
        public string RoleName => driver._conductor.RoleName;

        public void OnStart() => driver._conductor.OnStart();

        public int DoWork()
        {
            if (Volatile.Read(ref driver._drainRequested) == 1 && Interlocked.Exchange(ref driver._drainRequested, 2) == 1)
            {
                driver._conductor.BeginDrain(ShutdownReason.Admin);
            }
            return driver._conductor.DoWork();
        }

        public void OnClose() => driver._conductor.OnClose();
    }
}
