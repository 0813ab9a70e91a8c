using TensorPool.Sbe.Wire;

namespace TensorPool.Supervisor.Protocol;

/// <summary>Encodes what the supervisor sends (ConsumerConfig, ControlResponse) into one reusable buffer.</summary>
internal sealed class SupervisorMessages
{
    private readonly byte[] _buffer = new byte[3 * 4096 + 256];

    /// <summary>ConsumerConfig (wire spec §10.1.3): empty channels with stream id 0 where nothing is assigned.</summary>
    public ReadOnlySpan<byte> Config(uint streamId, uint consumerId, ConsumerDecision d)
    {
        var c = ConsumerConfigEncoder.WrapAndApplyHeader(_buffer);
        c.StreamId = streamId;
        c.ConsumerId = consumerId;
        c.UseShm = d.UseShm ? Bool.True : Bool.False;
        c.Mode = d.Mode;
        c.DescriptorStreamId = d.DescriptorStreamId;
        c.ControlStreamId = d.ControlStreamId;
        c.PutPayloadFallbackUri(d.PayloadFallbackUri.AsSpan());
        c.PutDescriptorChannel(d.DescriptorChannel.AsSpan());
        c.PutControlChannel(d.ControlChannel.AsSpan());
        return _buffer.AsSpan(0, c.EncodedLength);
    }

    /// <summary>
    /// The answer to a hello that asked for an id (docs/DECISIONS.md D147): ControlResponse OK whose correlation_id holds
    /// the id asked with (high 32 bits) and the id assigned (low 32 bits).
    /// </summary>
    public ReadOnlySpan<byte> Assigned(uint requestedWith, uint assigned)
    {
        var r = ControlResponseEncoder.WrapAndApplyHeader(_buffer);
        r.CorrelationId = (long)(((ulong)requestedWith << 32) | assigned);
        r.Code = ResponseCode.Ok;
        r.PutErrorMessage("consumer_id assigned".AsSpan());
        return _buffer.AsSpan(0, r.EncodedLength);
    }
}
