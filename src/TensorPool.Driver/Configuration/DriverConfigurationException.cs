using TensorPool.Configuration;

namespace TensorPool.Driver.Configuration;

/// <summary>
/// A driver configuration that cannot be used: the message names the key (as written in TOML, e.g.
/// <c>profiles.camera.header_nslots</c>), the value found, the rule it breaks and where the value came from (the
/// file, an environment variable or code). Thrown before anything is created, so nothing needs cleaning up.
/// </summary>
public sealed class DriverConfigurationException : ConfigurationException
{
    public DriverConfigurationException(string key, string? value, string rule, string? source = null)
        : base(key, value, rule, source)
    {
    }

    public DriverConfigurationException()
    {
    }

    public DriverConfigurationException(string message)
        : base(message)
    {
    }

    public DriverConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    // The unused flag tells this constructor from the public (key, value, rule, source) one.
    private DriverConfigurationException(string message, string key, string rule, string? origin, bool _)
        : base(message, key, null, rule, origin)
    {
    }

    /// <summary>A file that is not valid TOML: the parser's message carries the line and column.</summary>
    internal static DriverConfigurationException Syntax(string source, string detail) =>
        new($"{source}: not valid TOML: {detail}", "(toml)", "must be valid TOML 1.1", source, true);
}
