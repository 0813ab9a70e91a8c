namespace TensorPool.Transport;

/// <summary>Creates the transport of one channel scheme (<see cref="TransportProviders"/>).</summary>
public interface ITransportProvider
{
    /// <summary>A transport for channels of this provider's scheme, set up from <paramref name="settings"/>.</summary>
    ITransport Create(TransportSettings settings);
}
