using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TensorPool.Agents;
using TensorPool.Driver.Configuration;
using TensorPool.Driver.Protocol;
using TensorPool.Driver.Shm;
using TensorPool.Interop;
using TensorPool.Native;
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
    private readonly ISubscription _control;
    private readonly IPublication _controlOut;
    private readonly IPublication _announceOut;
    private readonly DriverConductor _conductor;
    private readonly AgentRunner? _runner;
    private readonly AgentInvoker? _invoker;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _log;
    private int _drainRequested;
    private int _disposed;

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
            _ownsTransport = options.Transport is null;
            _transport = options.Transport ?? new TpIpcTransport(new TpIpcOptions { BaseDir = options.IpcBaseDir, Namespace = options.Namespace });
            if (_ownsTransport)
            {
                opened.Add(_transport);
            }
            // Subscribe before publishing anything: a request sent from now on is seen.
            _control = Open(opened, "driver.control_channel", options.ControlChannel,
                () => _transport.AddSubscription(options.ControlChannel, (int)options.ControlStreamId));
            _controlOut = Open(opened, "driver.control_channel", options.ControlChannel,
                () => _transport.AddPublication(options.ControlChannel, (int)options.ControlStreamId));
            _announceOut = Open(opened, "driver.announce_channel", options.EffectiveAnnounceChannel,
                () => _transport.AddPublication(options.EffectiveAnnounceChannel, (int)options.EffectiveAnnounceStreamId));
            ulong leaseSeed = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) >> 2;
            uint nodeSeed = (uint)RandomNumberGenerator.GetInt32(0, (int)Leases.NodeIdAllocator.MaxAutomaticId);
            var ctx = new DriverContext(options, shm, _controlOut, _announceOut, _allowedDirs, _log, leaseSeed, nodeSeed);
            _conductor = new DriverConductor(ctx, _control) { ShutdownCompleted = () => _completion.TrySetResult() };
            Action<Exception> errors = options.ErrorHandler ?? (e => DriverLog.DutyCycleFailed(_log, e));
            if (options.ThreadingMode == DriverThreadingMode.DedicatedThread)
            {
                _runner = new AgentRunner(new DrainingAgent(this), options.IdleStrategy ?? new BackoffIdleStrategy(), errors);
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
        DriverLog.Started(_log, options.InstanceId, options.ControlChannel, options.ControlStreamId, options.EffectiveAnnounceChannel,
            options.EffectiveAnnounceStreamId, options.ShmBaseDir, options.Namespace);
    }

    /// <summary>Validate <paramref name="options"/> (copied) and start the driver.</summary>
    /// <exception cref="DriverConfigurationException">The configuration breaks a rule (key, value and rule in the message).</exception>
    /// <exception cref="TensorPoolException">The shared-memory base directory or the transport could not be set up.</exception>
    public static TensorPoolDriver Start(DriverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        DriverOptions copy = options.Clone();
        copy.Validate();
        return new TensorPoolDriver(copy);
    }

    /// <summary>A copy of the options the driver runs with.</summary>
    public DriverOptions Options => _options.Clone();

    /// <summary>A snapshot of the driver's counters (any thread).</summary>
    public DriverCounters Counters => _conductor.Context.Counters.Snapshot();

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
    public void RequestShutdown() => Interlocked.Exchange(ref _drainRequested, 1);

    /// <summary>Shut down now: final announce, ShmDriverShutdown(NORMAL), epoch directories removed, transport closed.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
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
            if (_ownsTransport)
            {
                _transport.Dispose();
            }
            _allowedDirs.Dispose();
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

    /// <summary>shm.allowed_base_dirs, each canonicalised once (§15.21a.5).</summary>
    private static PathPolicyHandle CreateAllowedDirs(DriverOptions options)
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
