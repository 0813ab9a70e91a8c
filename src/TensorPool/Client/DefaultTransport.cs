using TensorPool.Transport;

namespace TensorPool.Client;

/// <summary>The transport a client creates when none is given: tp:ipc over the client's shm base dir and namespace.</summary>
internal static class DefaultTransport
{
    public static ITransport Create(ClientOptions options) =>
        throw new NotSupportedException("the tp:ipc transport is not merged yet; pass ClientOptions.Transport");
}
