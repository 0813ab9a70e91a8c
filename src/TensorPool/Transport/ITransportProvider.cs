namespace TensorPool.Transport;

/// <summary>Creates the transport of one channel scheme (<see cref="TransportProviders"/>).</summary>
public interface ITransportProvider
{
    /// <summary>A transport for channels of this provider's scheme, set up from <paramref name="settings"/>.</summary>
    ITransport Create(TransportSettings settings);

    /// <summary>
    /// Null when start-up with <paramref name="channel"/> and <paramref name="settings"/> would pass what can be known
    /// without connecting (the channel's text, the transport's own prerequisites such as a native library), otherwise
    /// what is wrong. Connects nothing and starts nothing, so a configuration check can refuse what start-up would
    /// refuse. The default accepts everything.
    /// </summary>
    string? Check(string channel, TransportSettings settings) => null;
}
