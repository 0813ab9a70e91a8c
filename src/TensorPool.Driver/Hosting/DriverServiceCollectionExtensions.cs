using Microsoft.Extensions.DependencyInjection;
using TensorPool.Driver.Configuration;

namespace TensorPool.Driver.Hosting;

/// <summary>Registers the driver in a generic host.</summary>
public static class DriverServiceCollectionExtensions
{
    /// <summary>Run a <see cref="TensorPoolDriver"/> with <paramref name="options"/> as a hosted service of the host.</summary>
    public static IServiceCollection AddTensorPoolDriver(this IServiceCollection services, DriverOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton<DriverHostedService>();
        services.AddHostedService(sp => sp.GetRequiredService<DriverHostedService>());
        return services;
    }
}
