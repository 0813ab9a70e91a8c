using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TensorPool.Supervisor.Configuration;

namespace TensorPool.Supervisor.Hosting;

/// <summary>The supervisor as a hosted service (<c>tp supervisor</c>, systemd): started with the host, disposed when it stops.</summary>
public sealed class SupervisorHostedService : IHostedService, IDisposable
{
    private readonly SupervisorOptions _options;
    private readonly ILoggerFactory _loggers;
    private TensorPoolSupervisor? _supervisor;

    public SupervisorHostedService(SupervisorOptions options, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _loggers = loggers;
    }

    /// <summary>The running supervisor (null before start and after stop).</summary>
    public TensorPoolSupervisor? Supervisor => _supervisor;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        SupervisorOptions options = _options.Clone();
        options.Logger ??= _loggers.CreateLogger("TensorPool.Supervisor");
        _supervisor = TensorPoolSupervisor.Start(options);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => Interlocked.Exchange(ref _supervisor, null)?.Dispose();
}
