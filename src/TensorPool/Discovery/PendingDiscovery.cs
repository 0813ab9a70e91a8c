namespace TensorPool.Discovery;

/// <summary>A request waiting for its response.</summary>
internal sealed class PendingDiscovery
{
    public TaskCompletionSource<DiscoveryResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
