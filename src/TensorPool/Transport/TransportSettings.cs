namespace TensorPool.Transport;

/// <summary>
/// What a transport created for a channel needs to know (<see cref="TransportProviders.Create"/>): the shared-memory
/// location of tp:ipc logs, and the Aeron directory, library and media driver of aeron: channels.
/// </summary>
public sealed class TransportSettings
{
    /// <summary>tp:ipc: the shared-memory base directory of the logs.</summary>
    public string BaseDir { get; init; } = TpIpcOptions.DefaultBaseDir;

    /// <summary>tp:ipc: the deployment name of channels that give none.</summary>
    public string Namespace { get; init; } = TpIpcOptions.DefaultNamespace;

    /// <summary>tp:ipc: the user of <c>tensorpool-&lt;user&gt;</c>; null is the effective user.</summary>
    public string? User { get; init; }

    /// <summary>aeron: the Aeron directory; null or empty is <c>$AERON_DIR</c>, else Aeron's default.</summary>
    public string? AeronDir { get; init; }

    /// <summary>aeron: run a media driver inside this process instead of using a running aeronmd.</summary>
    public bool EmbeddedMediaDriver { get; init; }

    /// <summary>aeron: libaeron (a file or its folder); null is <c>$TP_AERON_LIBRARY</c>, then the platform's search.</summary>
    public string? AeronLibraryPath { get; init; }

    /// <summary>aeron: receives the transport's asynchronous errors (driver timeouts and the like); null writes them to stderr.</summary>
    public Action<Exception>? ErrorHandler { get; init; }
}
