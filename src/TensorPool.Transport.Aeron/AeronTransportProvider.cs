namespace TensorPool.Transport.Aeron;

/// <summary>Creates an <see cref="AeronTransport"/> from the settings of a client or driver (<see cref="TransportProviders"/>).</summary>
public sealed class AeronTransportProvider : ITransportProvider
{
    public ITransport Create(TransportSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new AeronTransport(new AeronTransportOptions
        {
            AeronDir = string.IsNullOrEmpty(settings.AeronDir) ? null : settings.AeronDir,
            EmbeddedMediaDriver = settings.EmbeddedMediaDriver,
            LibraryPath = settings.AeronLibraryPath,
            ErrorHandler = settings.ErrorHandler,
        });
    }
}
