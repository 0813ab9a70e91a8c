namespace TensorPool.Supervisor.Configuration;

/// <summary>
/// A supervisor configuration that cannot be used: the message names the key as written in TOML
/// (<c>supervisor.force_mode</c>), the value found, the rule it breaks and where it came from.
/// </summary>
public sealed class SupervisorConfigurationException : Exception
{
    public SupervisorConfigurationException(string key, string? value, string rule, string? origin = null)
        : base(Format(key, value, rule, origin))
    {
        Key = key;
        Value = value;
        Rule = rule;
        Origin = origin;
    }

    public SupervisorConfigurationException()
        : this("(none)", null, "invalid configuration")
    {
    }

    public SupervisorConfigurationException(string message)
        : this("(none)", null, message)
    {
    }

    public SupervisorConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Key = "(none)";
        Rule = message;
    }

    public string Key { get; }

    public string? Value { get; }

    public string Rule { get; }

    public string? Origin { get; }

    internal static Exception Create(string key, string? value, string rule, string origin) => new SupervisorConfigurationException(key, value, rule, origin);

    private static string Format(string key, string? value, string rule, string? origin)
    {
        string where = origin is null ? "" : $" (from {origin})";
        string shown = value is null ? "is missing" : $"= {Quote(value)}";
        return $"{key} {shown}{where}: {rule}";
    }

    /// <summary>Values are quoted, cut and stripped of control characters so a hostile file cannot forge log lines.</summary>
    private static string Quote(string value)
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
