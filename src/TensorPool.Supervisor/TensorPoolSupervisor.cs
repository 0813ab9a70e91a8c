using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TensorPool.Agents;
using TensorPool.Diagnostics.Internal;
using TensorPool.Diagnostics;
using TensorPool.Interop;
using TensorPool.Supervisor.Configuration;
using TensorPool.Supervisor.Protocol;
using TensorPool.Transport;

namespace TensorPool.Supervisor;

/// <summary>
/// The supervisor of wire spec §10.5, on its own thread: follows ShmPoolAnnounce, DataSourceAnnounce/Meta, ConsumerHello
/// and QoS of the streams it is given, keeps a live model of streams, producers and consumers (<see cref="Snapshot"/>),
/// answers hellos with the ConsumerConfig its policy gives (§10.1.3), hands out consumer ids on request (§10.1.2) and
/// serves the per-consumer streams it assigns, rate-capped (§11). Run it as <c>tp supervisor --config FILE</c>, host it
/// (<see cref="Hosting.SupervisorHostedService"/>) or let <c>tp driver</c> embed it (<c>[supervisor] enabled = true</c>).
/// </summary>
/// <example>
/// <code>
/// using var supervisor = TensorPoolSupervisor.Start(SupervisorOptions.FromToml("driver.toml"));
/// SupervisorSnapshot model = supervisor.Snapshot;
/// </code>
/// </example>
public sealed class TensorPoolSupervisor : IDisposable
{
    private readonly SupervisorOptions _options;
    private readonly ITransport _transport;
    private readonly bool _ownsTransport;
    private readonly SupervisorConductor _conductor;
    private readonly AgentRunner _runner;
    private readonly ILogger _log;
    private int _disposed;
    private IDisposable? _metrics;

    private TensorPoolSupervisor(SupervisorOptions options)
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
            throw new SupervisorConfigurationException("(ipc base dir)", options.IpcBaseDir, e.Message, options.SourceName);
        }
        try
        {
            _conductor = new SupervisorConductor(options, _transport, _log);
            Action<Exception> errors = options.ErrorHandler ?? (e => SupervisorLog.DutyCycleFailed(_log, e));
            _runner = new AgentRunner(_conductor, options.IdleStrategy ?? new BackoffIdleStrategy(), errors);
            _runner.Start();
        }
        catch
        {
            if (_ownsTransport)
            {
                _transport.Dispose();
            }
            throw;
        }
        _metrics = MetricsRegistry.Register(new SupervisorMetrics(this));
        SupervisorLog.Started(_log, options.ControlChannel, options.ControlStreamId, options.EffectiveAnnounceChannel,
            options.EffectiveAnnounceStreamId, options.Policies.Count);
    }

    /// <summary>Validate <paramref name="options"/> (copied) and start the supervisor on its own thread.</summary>
    /// <exception cref="SupervisorConfigurationException">The configuration breaks a rule or the transport refuses a channel.</exception>
    /// <exception cref="TensorPoolException">A stream's log could not be opened.</exception>
    public static TensorPoolSupervisor Start(SupervisorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        SupervisorOptions copy = options.Clone();
        copy.Validate();
        return new TensorPoolSupervisor(copy);
    }

    /// <summary>The live model (published by the duty cycle a few times a second).</summary>
    public SupervisorSnapshot Snapshot => _conductor.Snapshot;

    public SupervisorCounters Counters => _conductor.Counters;

    /// <summary>A copy of the options the supervisor runs with.</summary>
    public SupervisorOptions Options => _options.Clone();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _metrics?.Dispose();
        _runner.Dispose();
        _conductor.Close();
        if (_ownsTransport)
        {
            _transport.Dispose();
        }
        SupervisorLog.Stopped(_log);
    }
}
