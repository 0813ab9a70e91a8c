using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TensorPool.Driver.Configuration;

namespace TensorPool.Driver.Hosting;

/// <summary>
/// The driver as a hosted service (<c>tp driver</c>, systemd): started with the host, disposed when the host stops
/// (SIGTERM, Ctrl-C: ShmDriverShutdown and file cleanup), and stopping the host itself when a shutdown request with
/// the configured token has drained (§4.13).
/// </summary>
public sealed class DriverHostedService : IHostedService, IDisposable
{
    private readonly DriverOptions _options;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILoggerFactory _loggers;
    private TensorPoolDriver? _driver;

    public DriverHostedService(DriverOptions options, IHostApplicationLifetime lifetime, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _lifetime = lifetime;
        _loggers = loggers;
    }

    /// <summary>The running driver (null before start and after stop).</summary>
    public TensorPoolDriver? Driver => _driver;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        DriverOptions options = _options.Clone();
        options.Logger ??= _loggers.CreateLogger("TensorPool.Driver");
        _driver = TensorPoolDriver.Start(options);
        // A requested shutdown (token, §4.13) ends the process the way SIGTERM does.
        _driver.Completion.ContinueWith(_ => _lifetime.StopApplication(), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        TensorPoolDriver? driver = Interlocked.Exchange(ref _driver, null);
        driver?.Dispose();
    }
}
