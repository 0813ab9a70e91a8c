namespace TensorPool.Transport;

/// <summary>
/// A message transport keyed by (channel URI, stream id), shaped like an Aeron client: the protocol
/// layers (producer, consumer, driver, discovery) publish and subscribe SBE messages through it and
/// never know which medium carries them. <c>tp:ipc</c> (the embedded shared-memory log) is the
/// built-in default; <c>aeron:ipc</c> / <c>aeron:udp</c> bind libaeron when it is present.
/// </summary>
/// <remarks>
/// Implementations validate the channel and throw <see cref="ArgumentException"/> naming the scheme
/// or parameter they reject. Publications and subscriptions are owned by the caller and disposed by it;
/// disposing the transport closes any that remain.
/// </remarks>
public interface ITransport : IDisposable
{
    /// <summary>Open a publication on the stream; cheap to call once at start-up, not per message.</summary>
    IPublication AddPublication(string channel, int streamId);

    /// <summary>Open a subscription on the stream, joining at the live tail (older messages are not replayed).</summary>
    ISubscription AddSubscription(string channel, int streamId);
}
