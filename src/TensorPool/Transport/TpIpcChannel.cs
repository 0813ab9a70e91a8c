namespace TensorPool.Transport;

/// <summary>
/// A validated <c>tp:ipc</c> channel: <c>tp:ipc</c> (the options' namespace) or <c>tp:ipc?name=&lt;deployment&gt;</c>.
/// The name selects the namespace directory the stream's log lives in (docs/DECISIONS.md, "tp:ipc log paths"), so two
/// deployments on one host never share a log.
/// </summary>
internal readonly record struct TpIpcChannel(string Name)
{
    public const string Scheme = "tp";
    public const string Media = "ipc";
    public const string NameParameter = "name";
    public const int MaxNameLength = 64;

    /// <summary>
    /// Parse and check <paramref name="channel"/>; <paramref name="defaultName"/> applies when it names no deployment.
    /// Throws <see cref="ArgumentException"/> (parameter <c>channel</c>) naming the scheme, media or parameter refused.
    /// </summary>
    public static TpIpcChannel Parse(string channel, string defaultName)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ChannelUri uri = ChannelUri.Parse(channel);
        if (uri.Scheme == "aeron")
        {
            throw new ArgumentException(
                $"channel '{channel}': this is the tp:ipc transport; {uri.Scheme}:{uri.Media} channels are served by the Aeron " +
                "transport (TensorPool.Transport.Aeron, with libaeron); use tp:ipc[?name=<deployment>] here",
                nameof(channel));
        }
        if (uri.Scheme != Scheme)
        {
            throw new ArgumentException(
                $"channel '{channel}': unknown scheme '{uri.Scheme}'; this transport accepts tp:ipc[?name=<deployment>]",
                nameof(channel));
        }
        if (uri.Media != Media)
        {
            throw new ArgumentException(
                $"channel '{channel}': unknown media 'tp:{uri.Media}'; the only tp media is ipc (tp:ipc)", nameof(channel));
        }
        string name = defaultName;
        foreach (KeyValuePair<string, string> p in uri.Parameters)
        {
            if (p.Key != NameParameter)
            {
                throw new ArgumentException(
                    $"channel '{channel}': unknown parameter '{p.Key}'; tp:ipc accepts only name=<deployment>", nameof(channel));
            }
            name = p.Value;
        }
        string? problem = CheckName(name);
        if (problem is not null)
        {
            throw new ArgumentException($"channel '{channel}': {problem}", nameof(channel));
        }
        return new TpIpcChannel(name);
    }

    /// <summary>
    /// Null when <paramref name="name"/> is a valid deployment name: 1 to 64 of <c>[A-Za-z0-9._-]</c>, not starting
    /// with '.' (so never "." or ".."; it becomes a directory name); otherwise what is wrong with it.
    /// </summary>
    public static string? CheckName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            return $"name must be 1 to {MaxNameLength} characters, was {name?.Length ?? 0}";
        }
        if (name[0] == '.')
        {
            return $"name '{name}' may not start with '.'";
        }
        foreach (char c in name)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '_' or '-'))
            {
                return $"name '{name}' may hold only letters, digits, '.', '_' and '-'";
            }
        }
        return null;
    }
}
