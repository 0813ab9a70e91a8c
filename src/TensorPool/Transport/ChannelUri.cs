using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace TensorPool.Transport;

/// <summary>
/// A channel URI in Aeron's shape, <c>scheme:media[?key=value|key=value…]</c>: <c>tp:ipc</c>,
/// <c>tp:ipc?name=lab1</c>, <c>aeron:udp?endpoint=host:40123|interface=eth0</c>. This class checks the syntax only;
/// each transport then checks the scheme, media and parameters it understands (<see cref="TpIpcTransport"/>).
/// </summary>
/// <remarks>
/// Syntax, case-sensitive: scheme and media are <c>[a-z][a-z0-9-]*</c>; a parameter key is <c>[A-Za-z0-9._-]+</c> and
/// its value one or more printable ASCII characters other than <c>|</c>; keys are unique; at most
/// <see cref="MaxLength"/> characters in all. Channel strings come from configuration and the wire, so anything else is
/// rejected with a message that says what and where.
/// </remarks>
public sealed class ChannelUri
{
    /// <summary>The longest channel string accepted.</summary>
    public const int MaxLength = 4096;

    private readonly KeyValuePair<string, string>[] _parameters;

    private ChannelUri(string scheme, string media, KeyValuePair<string, string>[] parameters)
    {
        Scheme = scheme;
        Media = media;
        _parameters = parameters;
    }

    /// <summary>The part before the first <c>:</c> (<c>tp</c>, <c>aeron</c>).</summary>
    public string Scheme { get; }

    /// <summary>The part between <c>:</c> and <c>?</c> (<c>ipc</c>, <c>udp</c>).</summary>
    public string Media { get; }

    /// <summary>The parameters in the order written.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters => _parameters;

    /// <summary>The value of parameter <paramref name="key"/>, if present.</summary>
    public bool TryGetParameter(string key, [NotNullWhen(true)] out string? value)
    {
        foreach (KeyValuePair<string, string> p in _parameters)
        {
            if (p.Key == key)
            {
                value = p.Value;
                return true;
            }
        }
        value = null;
        return false;
    }

    /// <summary>Parse a channel string; throws <see cref="ArgumentException"/> (parameter <c>channel</c>) saying what is wrong.</summary>
    public static ChannelUri Parse(string channel)
    {
        return TryParse(channel, out ChannelUri? uri, out string? error)
            ? uri
            : throw new ArgumentException(error, nameof(channel));
    }

    /// <summary>Parse a channel string; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string? channel, [NotNullWhen(true)] out ChannelUri? uri, [NotNullWhen(false)] out string? error)
    {
        uri = null;
        error = Validate(channel, out string scheme, out string media, out KeyValuePair<string, string>[] parameters);
        if (error is not null)
        {
            return false;
        }
        uri = new ChannelUri(scheme, media, parameters);
        return true;
    }

    /// <summary>The canonical text: <c>scheme:media</c> and the parameters, in order, joined by <c>|</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Scheme).Append(':').Append(Media);
        for (int i = 0; i < _parameters.Length; i++)
        {
            text.Append(i == 0 ? '?' : '|').Append(_parameters[i].Key).Append('=').Append(_parameters[i].Value);
        }
        return text.ToString();
    }

    private static string? Validate(string? channel, out string scheme, out string media,
        out KeyValuePair<string, string>[] parameters)
    {
        scheme = media = string.Empty;
        parameters = [];
        if (string.IsNullOrEmpty(channel))
        {
            return "channel is empty; expected a URI such as tp:ipc";
        }
        if (channel.Length > MaxLength)
        {
            return $"channel is {channel.Length} characters long; at most {MaxLength} are accepted";
        }
        for (int i = 0; i < channel.Length; i++)
        {
            if (channel[i] is <= ' ' or > '~')
            {
                return $"channel '{Printable(channel)}' has a space, control or non-ASCII character at index {i}";
            }
        }
        int colon = channel.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return $"channel '{channel}' has no scheme; expected scheme:media such as tp:ipc";
        }
        int question = channel.IndexOf('?', StringComparison.Ordinal);
        if (question >= 0 && question < colon)
        {
            return $"channel '{channel}' has '?' before the scheme's ':'";
        }
        scheme = channel[..colon];
        media = question < 0 ? channel[(colon + 1)..] : channel[(colon + 1)..question];
        if (!IsToken(scheme))
        {
            return $"channel '{channel}' has an invalid scheme '{scheme}' (lower-case letters, digits and '-', starting with a letter)";
        }
        if (!IsToken(media))
        {
            return $"channel '{channel}' has an invalid media '{media}' after '{scheme}:' (lower-case letters, digits and '-', starting with a letter)";
        }
        if (question < 0)
        {
            return null;
        }
        string query = channel[(question + 1)..];
        if (query.Length == 0)
        {
            return $"channel '{channel}' ends with '?' but has no parameters";
        }
        string[] pairs = query.Split('|');
        var list = new KeyValuePair<string, string>[pairs.Length];
        for (int i = 0; i < pairs.Length; i++)
        {
            string pair = pairs[i];
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == pair.Length - 1)
            {
                return $"channel '{channel}' has a malformed parameter '{pair}'; expected key=value";
            }
            string key = pair[..equals];
            if (!IsKey(key))
            {
                return $"channel '{channel}' has an invalid parameter name '{key}' (letters, digits, '.', '_' and '-')";
            }
            for (int j = 0; j < i; j++)
            {
                if (list[j].Key == key)
                {
                    return $"channel '{channel}' gives parameter '{key}' more than once";
                }
            }
            list[i] = new KeyValuePair<string, string>(key, pair[(equals + 1)..]);
        }
        parameters = list;
        return null;
    }

    private static bool IsToken(string s)
    {
        if (s.Length == 0 || s[0] is < 'a' or > 'z')
        {
            return false;
        }
        foreach (char c in s)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsKey(string s)
    {
        foreach (char c in s)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '_' or '-'))
            {
                return false;
            }
        }
        return s.Length > 0;
    }

    // Error messages echo the channel; never echo control characters into logs.
    private static string Printable(string s)
    {
        var text = new StringBuilder(Math.Min(s.Length, 200));
        foreach (char c in s.Length > 200 ? s[..200] : s)
        {
            text.Append(c is < ' ' or > '~' ? '?' : c);
        }
        return text.ToString();
    }
}
