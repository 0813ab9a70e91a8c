using Microsoft.Extensions.DependencyInjection;
using TensorPool.Supervisor.Configuration;

namespace TensorPool.Supervisor.Hosting;

/// <summary>Registers the supervisor in a generic host.</summary>
public static class SupervisorServiceCollectionExtensions
{
    /// <summary>Run a <see cref="TensorPoolSupervisor"/> with <paramref name="options"/> as a hosted service of the host.</summary>
    public static IServiceCollection AddTensorPoolSupervisor(this IServiceCollection services, SupervisorOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton<SupervisorHostedService>();
        services.AddHostedService(sp => sp.GetRequiredService<SupervisorHostedService>());
        return services;
    }
}
