using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TensorPool.Discovery.Configuration;

namespace TensorPool.Discovery.Hosting;

/// <summary>
/// The registry as a hosted service (<c>tp discovery</c>, systemd): started with the host and disposed when it stops
/// (SIGTERM, Ctrl-C).
/// </summary>
public sealed class DiscoveryRegistryHostedService : IHostedService, IDisposable
{
    private readonly DiscoveryRegistryOptions _options;
    private readonly ILoggerFactory _loggers;
    private DiscoveryRegistry? _registry;

    public DiscoveryRegistryHostedService(DiscoveryRegistryOptions options, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _loggers = loggers;
    }

    /// <summary>The running registry (null before start and after stop).</summary>
    public DiscoveryRegistry? Registry => _registry;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        DiscoveryRegistryOptions options = _options.Clone();
        options.Logger ??= _loggers.CreateLogger("TensorPool.Discovery");
        _registry = DiscoveryRegistry.Start(options);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => Interlocked.Exchange(ref _registry, null)?.Dispose();
}
