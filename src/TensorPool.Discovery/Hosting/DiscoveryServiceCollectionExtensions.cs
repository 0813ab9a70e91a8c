using Microsoft.Extensions.DependencyInjection;
using TensorPool.Discovery.Configuration;

namespace TensorPool.Discovery.Hosting;

/// <summary>Registers the discovery registry in a generic host.</summary>
public static class DiscoveryServiceCollectionExtensions
{
    /// <summary>Run a <see cref="DiscoveryRegistry"/> with <paramref name="options"/> as a hosted service of the host.</summary>
    public static IServiceCollection AddTensorPoolDiscoveryRegistry(this IServiceCollection services, DiscoveryRegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton<DiscoveryRegistryHostedService>();
        services.AddHostedService(sp => sp.GetRequiredService<DiscoveryRegistryHostedService>());
        return services;
    }
}
