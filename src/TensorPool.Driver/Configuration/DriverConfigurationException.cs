namespace TensorPool.Driver.Configuration;

/// <summary>
/// A driver configuration that cannot be used: the message names the key (as written in TOML, e.g.
/// <c>profiles.camera.header_nslots</c>), the value found, the rule it breaks and where the value came from (the
/// file, an environment variable or code). Thrown before anything is created, so nothing needs cleaning up.
/// </summary>
public sealed class DriverConfigurationException : Exception
{
    public DriverConfigurationException(string key, string? value, string rule, string? source = null)
        : base(Format(key, value, rule, source))
    {
        Key = key;
        Value = value;
        Rule = rule;
        Origin = source;
    }

    public DriverConfigurationException()
        : this("(none)", null, "invalid configuration")
    {
    }

    public DriverConfigurationException(string message)
        : this("(none)", null, message)
    {
    }

    public DriverConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Key = "(none)";
        Rule = message;
    }

    private DriverConfigurationException(string message, string key, string rule, string? origin, bool _)
        : base(message)
    {
        Key = key;
        Rule = rule;
        Origin = origin;
    }

    /// <summary>A file that is not valid TOML: the parser's message carries the line and column.</summary>
    internal static DriverConfigurationException Syntax(string source, string detail) =>
        new($"{source}: not valid TOML: {detail}", "(toml)", "must be valid TOML 1.1", source, true);

    /// <summary>The key, as written in TOML (<c>driver.control_stream_id</c>).</summary>
    public string Key { get; }

    /// <summary>The offending value as text, or null when the key is missing.</summary>
    public string? Value { get; }

    /// <summary>The rule the value breaks.</summary>
    public string Rule { get; }

    /// <summary>Where the value came from: a file, an environment variable, or null for code.</summary>
    public string? Origin { get; }

    private static string Format(string key, string? value, string rule, string? source)
    {
        string where = source is null ? "" : $" (from {source})";
        string shown = value is null ? "is missing" : $"= {Quote(value)}";
        return $"{key} {shown}{where}: {rule}";
    }

    /// <summary>Values are quoted and control characters escaped so a hostile file cannot forge log lines.</summary>
    internal static string Quote(string value)
    {
        var sb = new System.Text.StringBuilder(value.Length + 2);
        sb.Append('\'');
        foreach (char c in value.Length > 256 ? value[..256] + "..." : value)
        {
            sb.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        }
        sb.Append('\'');
        return sb.ToString();
    }
}
