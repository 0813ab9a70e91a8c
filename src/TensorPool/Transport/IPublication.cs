namespace TensorPool.Transport;

/// <summary>
/// Sends messages on one (channel, stream id). <see cref="Offer"/> never blocks: it returns a
/// non-negative position on success or one of the negative <see cref="PublicationStatus"/> codes.
/// Safe to use from one thread at a time; open one publication per thread to publish concurrently.
/// </summary>
public interface IPublication : IDisposable
{
    string Channel { get; }

    int StreamId { get; }

    /// <summary>The largest message <see cref="Offer"/> accepts, in bytes.</summary>
    int MaxMessageLength { get; }

    bool IsClosed { get; }

    /// <summary>
    /// Publish one message. Returns the new stream position (≥ 0) or a negative
    /// <see cref="PublicationStatus"/> value; never throws for back pressure or size.
    /// </summary>
    long Offer(ReadOnlySpan<byte> message);
}
