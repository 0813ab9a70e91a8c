namespace TensorPool.Transport.Aeron;

/// <summary>
/// An image (one publisher's stream, by its session id) joined or left a subscription.
/// </summary>
/// <param name="Channel">The subscription's channel.</param>
/// <param name="StreamId">The subscription's stream id.</param>
/// <param name="SessionId">The publisher's session id.</param>
/// <param name="SourceIdentity">Where the image comes from: <c>aeron:ipc</c>, or the sender's address for UDP.</param>
/// <param name="Available">True when the image joined, false when it left (publisher gone, or timed out).</param>
public readonly record struct AeronImageEvent(string Channel, int StreamId, int SessionId, string SourceIdentity, bool Available);
