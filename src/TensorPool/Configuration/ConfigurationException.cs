using System.Text;

namespace TensorPool.Configuration;

/// <summary>
/// A configuration that cannot be used: the message names the key as written in TOML (<c>driver.control_stream_id</c>),
/// the value found, the rule it breaks and where the value came from (a file, an environment variable, or null for
/// code). The driver, discovery and supervisor options throw their own subtypes; catch this type to handle any of
/// them. Thrown before anything is opened, so nothing needs cleaning up.
/// </summary>
public class ConfigurationException : Exception
{
    public ConfigurationException(string key, string? value, string rule, string? origin = null)
        : this(Format(key, value, rule, origin), key, value, rule, origin)
    {
    }

    public ConfigurationException()
        : this("(none)", null, "invalid configuration")
    {
    }

    public ConfigurationException(string message)
        : this("(none)", null, message)
    {
    }

    public ConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Key = "(none)";
        Rule = message;
    }

    /// <summary>A configuration error whose message is not the usual <c>key = value (from origin): rule</c>.</summary>
    protected ConfigurationException(string message, string key, string? value, string rule, string? origin)
        : base(message)
    {
        Key = key;
        Value = value;
        Rule = rule;
        Origin = origin;
    }

    /// <summary>The key, as written in TOML.</summary>
    public string Key { get; }

    /// <summary>The offending value as text, or null when the key is missing.</summary>
    public string? Value { get; }

    /// <summary>The rule the value breaks.</summary>
    public string Rule { get; }

    /// <summary>Where the value came from: a file, an environment variable, or null for code.</summary>
    public string? Origin { get; }

    private static string Format(string key, string? value, string rule, string? origin)
    {
        string where = origin is null ? "" : $" (from {origin})";
        string shown = value is null ? "is missing" : $"= {Quote(value)}";
        return $"{key} {shown}{where}: {rule}";
    }

    /// <summary>Values are quoted, cut and stripped of control characters so a hostile file cannot forge log lines.</summary>
    private static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2);
        sb.Append('\'');
        foreach (char c in value.Length > 256 ? value[..256] + "..." : value)
        {
            sb.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        }
        sb.Append('\'');
        return sb.ToString();
    }
}
