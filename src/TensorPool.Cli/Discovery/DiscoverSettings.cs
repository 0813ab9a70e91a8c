using TensorPool.Discovery;

namespace TensorPool.Cli.Discovery;

/// <summary>What <c>tp discover</c> asks, where, and how it prints.</summary>
internal sealed record DiscoverSettings
{
    public required DiscoveryQuery Query { get; init; }

    public string Namespace { get; init; } = Client.ClientOptions.DefaultNamespace;

    public string ShmDir { get; init; } = Client.ClientOptions.DefaultShmBaseDir;

    /// <summary>The provider's request endpoint (default: the driver control endpoint, tp:ipc 1000).</summary>
    public string Channel { get; init; } = Client.ClientOptions.DefaultChannel;

    public int StreamId { get; init; } = Client.ClientOptions.DefaultControlStreamId;

    public int ResponseStreamId { get; init; } = DiscoveryOptions.DefaultResponseStreamId;

    public uint ClientId { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    public bool Json { get; init; }
}
