using TensorPool.Sbe.Wire;

namespace TensorPool.Driver.Tests;

/// <summary>ConsumerHello bytes asking for per-consumer streams with any channel/id combination (wire §10.1.2).</summary>
internal static class ConsumerHellos
{
    public static byte[] Encode(uint stream, uint consumerId, string descriptorChannel, uint descriptorId, string controlChannel = "", uint controlId = 0)
    {
        byte[] buffer = new byte[512];
        var e = ConsumerHelloEncoder.WrapAndApplyHeader(buffer);
        e.StreamId = stream;
        e.ConsumerId = consumerId;
        e.SupportsShm = Bool.True;
        e.SupportsProgress = Bool.False;
        e.Mode = Mode.Stream;
        e.DescriptorStreamId = descriptorId;
        e.ControlStreamId = controlId;
        e.PutDescriptorChannel(descriptorChannel.AsSpan());
        e.PutControlChannel(controlChannel.AsSpan());
        return buffer.AsSpan(0, e.EncodedLength).ToArray();
    }
}
