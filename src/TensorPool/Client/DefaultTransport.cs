using TensorPool.Transport;

namespace TensorPool.Client;

/// <summary>The transport a client creates when none is given: tp:ipc over the client's shm base dir, user and namespace.</summary>
internal static class DefaultTransport
{
    public static ITransport Create(ClientOptions options) => new TpIpcTransport(new TpIpcOptions
    {
        BaseDir = options.ShmBaseDir,
        Namespace = options.Namespace,
        User = options.User,
    });
}
