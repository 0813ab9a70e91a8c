using TensorPool.Configuration;

namespace TensorPool.Supervisor.Configuration;

/// <summary>
/// A supervisor configuration that cannot be used: the message names the key as written in TOML
/// (<c>supervisor.force_mode</c>), the value found, the rule it breaks and where it came from.
/// </summary>
public sealed class SupervisorConfigurationException : ConfigurationException
{
    public SupervisorConfigurationException(string key, string? value, string rule, string? origin = null)
        : base(key, value, rule, origin)
    {
    }

    public SupervisorConfigurationException()
    {
    }

    public SupervisorConfigurationException(string message)
        : base(message)
    {
    }

    public SupervisorConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The factory the shared TOML reader fails through.</summary>
    internal static Exception Create(string key, string? value, string rule, string origin) => new SupervisorConfigurationException(key, value, rule, origin);
}
