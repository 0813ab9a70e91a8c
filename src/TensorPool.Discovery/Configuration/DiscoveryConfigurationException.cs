namespace TensorPool.Discovery.Configuration;

/// <summary>
/// A discovery configuration that cannot be used: the message names the key as written in TOML
/// (<c>discovery.max_results</c>), the value found, the rule it breaks and where the value came from. Thrown before
/// anything is opened, so nothing needs cleaning up.
/// </summary>
public sealed class DiscoveryConfigurationException : Exception
{
    public DiscoveryConfigurationException(string key, string? value, string rule, string? origin = null)
        : base(Format(key, value, rule, origin))
    {
        Key = key;
        Value = value;
        Rule = rule;
        Origin = origin;
    }

    public DiscoveryConfigurationException()
        : this("(none)", null, "invalid configuration")
    {
    }

    public DiscoveryConfigurationException(string message)
        : this("(none)", null, message)
    {
    }

    public DiscoveryConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Key = "(none)";
        Rule = message;
    }

    /// <summary>The key, as written in TOML.</summary>
    public string Key { get; }

    /// <summary>The offending value as text, or null when the key is missing.</summary>
    public string? Value { get; }

    /// <summary>The rule the value breaks.</summary>
    public string Rule { get; }

    /// <summary>Where the value came from: a file, or null for code.</summary>
    public string? Origin { get; }

    /// <summary>The factory the shared TOML reader fails through.</summary>
    internal static Exception Create(string key, string? value, string rule, string origin) => new DiscoveryConfigurationException(key, value, rule, origin);

    private static string Format(string key, string? value, string rule, string? origin)
    {
        string where = origin is null ? "" : $" (from {origin})";
        string shown = value is null ? "is missing" : $"= {Quote(value)}";
        return $"{key} {shown}{where}: {rule}";
    }

    /// <summary>Values are quoted, cut and stripped of control characters so a hostile file cannot forge log lines.</summary>
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
