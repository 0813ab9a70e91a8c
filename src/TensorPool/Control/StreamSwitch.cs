using TensorPool.Transport;

namespace TensorPool.Control;

/// <summary>Subscriptions the conductor opened for a consumer, handed to its polling thread (which disposes the ones replaced).</summary>
internal sealed class StreamSwitch(ISubscription? descriptors, ISubscription? progress, bool descriptorsPerConsumer)
{
    /// <summary>The new descriptor subscription (per-consumer or back to shared), or null for no change.</summary>
    public ISubscription? Descriptors { get; } = descriptors;

    /// <summary>Whether <see cref="Descriptors"/> is a per-consumer stream (the producer applies max_rate_hz) or the shared one.</summary>
    public bool DescriptorsPerConsumer { get; } = descriptorsPerConsumer;

    /// <summary>The new FrameProgress subscription, or null for no change.</summary>
    public ISubscription? Progress { get; } = progress;

    public void Dispose()
    {
        Descriptors?.Dispose();
        Progress?.Dispose();
    }
}
