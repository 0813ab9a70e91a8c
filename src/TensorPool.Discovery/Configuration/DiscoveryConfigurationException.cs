using TensorPool.Configuration;

namespace TensorPool.Discovery.Configuration;

/// <summary>
/// A discovery configuration that cannot be used: the message names the key as written in TOML
/// (<c>discovery.max_results</c>), the value found, the rule it breaks and where the value came from. Thrown before
/// anything is opened, so nothing needs cleaning up.
/// </summary>
public sealed class DiscoveryConfigurationException : ConfigurationException
{
    public DiscoveryConfigurationException(string key, string? value, string rule, string? origin = null)
        : base(key, value, rule, origin)
    {
    }

    public DiscoveryConfigurationException()
    {
    }

    public DiscoveryConfigurationException(string message)
        : base(message)
    {
    }

    public DiscoveryConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The factory the shared TOML reader fails through.</summary>
    internal static Exception Create(string key, string? value, string rule, string origin) => new DiscoveryConfigurationException(key, value, rule, origin);
}
