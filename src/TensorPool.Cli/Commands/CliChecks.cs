using System.Globalization;
using TensorPool.Transport;

namespace TensorPool.Cli.Commands;

/// <summary>Checks of option values several commands share; each returns null or the one-line error.</summary>
internal static class CliChecks
{
    /// <summary>A duration in seconds: positive, at most a year.</summary>
    public static string? Seconds(string option, double? value) =>
        value is { } s && (!(s > 0) || s > 31_536_000)
            ? string.Create(CultureInfo.InvariantCulture, $"{option} {s} must be positive (at most a year)")
            : null;

    /// <summary>A channel URI's syntax (the transport checks its scheme and parameters when it opens it).</summary>
    public static string? Channel(string channel) =>
        ChannelUri.TryParse(channel, out _, out string? error) ? null : "--channel: " + error;
}
