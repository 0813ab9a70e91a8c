using System.Reflection;

namespace TensorPool.Transport;

/// <summary>
/// Chooses the transport for a channel by its scheme: <c>tp:</c> is the built-in <see cref="TpIpcTransport"/>;
/// <c>aeron:</c> is served by the TensorPool.Transport.Aeron package, which registers itself when its assembly loads
/// (it is loaded on first need when the application references it). Clients and the driver use this when no transport
/// is given in their options.
/// </summary>
public static class TransportProviders
{
    /// <summary>The assembly that serves a scheme, loaded on demand.</summary>
    private static readonly Dictionary<string, string> KnownAssemblies = new(StringComparer.Ordinal)
    {
        ["aeron"] = "TensorPool.Transport.Aeron",
    };

    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, ITransportProvider> Providers = new(StringComparer.Ordinal);

    /// <summary>Serve channels of <paramref name="scheme"/> with <paramref name="provider"/> (replacing any earlier one).</summary>
    public static void Register(string scheme, ITransportProvider provider)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheme);
        ArgumentNullException.ThrowIfNull(provider);
        if (scheme == TpIpcChannel.Scheme)
        {
            throw new ArgumentException("the tp scheme is built in", nameof(scheme));
        }
        lock (Gate)
        {
            Providers[scheme] = provider;
        }
    }

    /// <summary>A new transport for <paramref name="channel"/>'s scheme, owned by the caller.</summary>
    /// <exception cref="ArgumentException">The channel is malformed, or no transport serves its scheme (the message says which package would).</exception>
    public static ITransport Create(string channel, TransportSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ChannelUri uri = ChannelUri.Parse(channel);
        if (uri.Scheme == TpIpcChannel.Scheme)
        {
            return new TpIpcTransport(new TpIpcOptions { BaseDir = settings.BaseDir, Namespace = settings.Namespace, User = settings.User });
        }
        return Find(uri.Scheme, channel).Create(settings);
    }

    /// <summary>
    /// Null when <paramref name="channel"/> is well formed, its scheme has a transport in this application and that
    /// transport's <see cref="ITransportProvider.Check"/> passes with <paramref name="settings"/>; otherwise what is
    /// wrong. Connects nothing. A <c>tp:</c> channel's name is checked by <see cref="TpIpcTransport"/> when its log path
    /// is resolved.
    /// </summary>
    public static string? Check(string channel, TransportSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!ChannelUri.TryParse(channel, out ChannelUri? uri, out string? error))
        {
            return error;
        }
        if (uri.Scheme == TpIpcChannel.Scheme)
        {
            return null;
        }
        return TryFind(uri.Scheme, out ITransportProvider? provider) ? provider.Check(channel, settings) : Unserved(uri.Scheme, channel);
    }

    /// <summary>Whether a transport for <paramref name="scheme"/> is registered or can be loaded.</summary>
    public static bool IsAvailable(string scheme) => scheme == TpIpcChannel.Scheme || TryFind(scheme, out _);

    private static ITransportProvider Find(string scheme, string channel)
    {
        if (TryFind(scheme, out ITransportProvider? provider))
        {
            return provider;
        }
        throw new ArgumentException(Unserved(scheme, channel), nameof(channel));
    }

    private static string Unserved(string scheme, string channel)
    {
        string hint = KnownAssemblies.TryGetValue(scheme, out string? assembly)
            ? $"the {scheme}: transport is in the {assembly} package, which this application does not reference"
            : $"no transport serves the scheme '{scheme}' (tp:ipc is built in; aeron: needs TensorPool.Transport.Aeron)";
        return $"channel '{channel}': {hint}";
    }

    private static bool TryFind(string scheme, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ITransportProvider? provider)
    {
        lock (Gate)
        {
            if (Providers.TryGetValue(scheme, out provider))
            {
                return true;
            }
        }
        if (KnownAssemblies.TryGetValue(scheme, out string? name))
        {
            try
            {
                // Loading runs the assembly's module initializer, which registers its provider.
                Assembly.Load(name).GetType(name + ".Registration")?.GetMethod("EnsureRegistered")?.Invoke(null, null);
            }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
            {
                provider = null;
                return false;
            }
        }
        lock (Gate)
        {
            return Providers.TryGetValue(scheme, out provider);
        }
    }
}
