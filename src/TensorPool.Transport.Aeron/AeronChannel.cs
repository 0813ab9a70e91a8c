namespace TensorPool.Transport.Aeron;

/// <summary>
/// Checks an <c>aeron:ipc</c> / <c>aeron:udp</c> channel before it reaches Aeron, so a typo is an error naming it
/// rather than a parameter Aeron silently ignores or a failure from the media driver later: the syntax of
/// <see cref="ChannelUri"/>, the scheme and media, and parameter names from Aeron's channel URI vocabulary.
/// </summary>
public static class AeronChannel
{
    /// <summary>The parameters Aeron's channel URIs know (Aeron 1.50), for both media.</summary>
    public static readonly IReadOnlySet<string> KnownParameters = new HashSet<string>(StringComparer.Ordinal)
    {
        "alias", "ats", "cc", "channel-rcv-ts-offset", "channel-snd-ts-offset", "control", "control-mode", "endpoint",
        "eos", "fc", "group", "gtag", "init-term-id", "interface", "linger", "max-resend", "media-rcv-ts-offset", "mtu",
        "nak-delay", "pub-wnd", "rcv-wnd", "rejoin", "reliable", "response-correlation-id", "session-id", "so-rcvbuf",
        "so-sndbuf", "sparse", "ssc", "stream-id", "tags", "term-id", "term-length", "term-offset", "tether", "ttl",
        "untethered-linger-timeout", "untethered-resting-timeout", "untethered-window-limit-timeout",
    };

    /// <summary>Null when <paramref name="channel"/> is an acceptable Aeron channel, otherwise what is wrong with it.</summary>
    public static string? Check(string? channel)
    {
        if (!ChannelUri.TryParse(channel, out ChannelUri? uri, out string? error))
        {
            return error;
        }
        if (uri.Scheme != "aeron")
        {
            return $"channel '{channel}': scheme '{uri.Scheme}' is not aeron; the Aeron transport accepts aeron:ipc and aeron:udp";
        }
        if (uri.Media is not ("ipc" or "udp"))
        {
            return $"channel '{channel}': unknown media 'aeron:{uri.Media}'; Aeron's media are ipc and udp";
        }
        foreach (KeyValuePair<string, string> p in uri.Parameters)
        {
            if (!KnownParameters.Contains(p.Key))
            {
                return $"channel '{channel}': unknown parameter '{p.Key}' (Aeron's channel parameters: {string.Join(", ", KnownParameters.Order(StringComparer.Ordinal))})";
            }
        }
        if (uri.Media == "udp" && !uri.TryGetParameter("endpoint", out _) && !uri.TryGetParameter("control", out _)
            && !uri.TryGetParameter("control-mode", out _))
        {
            return $"channel '{channel}': aeron:udp needs endpoint=<host:port> (or control=<host:port> with control-mode)";
        }
        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> (parameter <c>channel</c>) when <see cref="Check"/> finds a problem.</summary>
    public static void Validate(string? channel)
    {
        string? problem = Check(channel);
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(channel));
        }
    }
}
