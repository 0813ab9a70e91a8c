using TensorPool.Transport;

namespace TensorPool.Client;

/// <summary>
/// The transport a client creates when none is given, chosen by its channel's scheme: tp:ipc over the client's shm
/// base dir, user and namespace, or Aeron (TensorPool.Transport.Aeron) over its Aeron directory.
/// </summary>
internal static class DefaultTransport
{
    public static ITransport Create(ClientOptions options) => TransportProviders.Create(options.Channel, new TransportSettings
    {
        BaseDir = options.ShmBaseDir,
        Namespace = options.Namespace,
        User = options.User,
        AeronDir = options.AeronDir,
        EmbeddedMediaDriver = options.EmbeddedMediaDriver,
        AeronLibraryPath = options.AeronLibraryPath,
        ErrorHandler = options.ErrorHandler,
    });
}
