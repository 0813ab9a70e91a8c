using TensorPool.Transport;

namespace TensorPool.Control;

/// <summary>
/// One per-consumer stream a consumer asked for in its ConsumerHello (the descriptor or the control stream, wire spec
/// §5, §10.1.2) and the publication the producer opened for it. Both streams follow the same lifecycle
/// (<see cref="ConsumerRegistry"/>); conductor thread only.
/// </summary>
internal sealed class PerConsumerRequest(string field)
{
    private byte[] _channelBytes = [];

    /// <summary>"descriptor" or "control": the prefix of the hello's fields, for diagnostics.</summary>
    public string Field { get; } = field;

    /// <summary>The channel of the open publication, or empty.</summary>
    public string Channel { get; private set; } = "";

    /// <summary>The stream id of the open publication, or 0.</summary>
    public uint StreamId { get; private set; }

    /// <summary>The publication opened for the request, or null (not requested, declined or closed).</summary>
    public IPublication? Publication { get; private set; }

    /// <summary>Whether the open publication answers exactly this request: the channel's bytes are compared, nothing is allocated.</summary>
    public bool IsOpenFor(ReadOnlySpan<byte> channel, uint streamId) =>
        Publication is not null && StreamId == streamId && channel.SequenceEqual(_channelBytes);

    /// <summary>Whether the open publication is on (<paramref name="channel"/>, <paramref name="streamId"/>).</summary>
    public bool Uses(string channel, uint streamId) =>
        Publication is not null && StreamId == streamId && string.Equals(Channel, channel, StringComparison.Ordinal);

    public void Open(string channel, ReadOnlySpan<byte> channelBytes, uint streamId, IPublication publication)
    {
        Channel = channel;
        _channelBytes = channelBytes.ToArray();
        StreamId = streamId;
        Publication = publication;
    }

    /// <summary>Forget the publication and hand it back for disposal; null when none was open.</summary>
    public IPublication? Close()
    {
        IPublication? publication = Publication;
        Publication = null;
        Channel = "";
        _channelBytes = [];
        StreamId = 0;
        return publication;
    }
}
