using TensorPool.Sbe.TraceLink;
using TensorPool.Sbe.Wire;
using TensorPool.TraceLink;
using TensorPool.Transport;

namespace TensorPool.TraceLink.Store.Tests;

/// <summary>FrameDescriptor and TraceLinkSet traffic published straight onto a transport, as producers would.</summary>
internal sealed class Traffic : IDisposable
{
    private readonly IPublication _descriptors;
    private readonly IPublication _control;

    public Traffic(ITransport transport, string channel = "tp:ipc", int descriptorStream = 1100, int controlStream = 1000)
    {
        _descriptors = transport.AddPublication(channel, descriptorStream);
        _control = transport.AddPublication(channel, controlStream);
    }

    public static byte[] Descriptor(uint stream, ulong epoch, ulong seq, ulong trace, ulong? timestampNs = null)
    {
        var buffer = new byte[64];
        var e = FrameDescriptorEncoder.WrapAndApplyHeader(buffer);
        e.StreamId = stream;
        e.Epoch = epoch;
        e.Seq = seq;
        e.TraceId = trace;
        if (timestampNs is { } t)
        {
            e.TimestampNs = t;
        }
        return buffer[..e.EncodedLength];
    }

    public static byte[] LinkSet(uint stream, ulong epoch, ulong seq, ulong trace, params ulong[] parents)
    {
        var buffer = new byte[TraceLinkQueue.MaxEncodedLength(parents.Length)];
        var e = TraceLinkSetEncoder.WrapAndApplyHeader(buffer);
        e.StreamId = stream;
        e.Epoch = epoch;
        e.Seq = seq;
        e.TraceId = trace;
        TraceLinkSetEncoder.ParentsEncoder g = e.ParentsCount(parents.Length);
        foreach (ulong p in parents)
        {
            g.Next();
            g.TraceId = p;
        }
        return buffer[..e.EncodedLength];
    }

    public void Frame(uint stream, ulong epoch, ulong seq, ulong trace, ulong? timestampNs = null) =>
        Assert.That(_descriptors.Offer(Descriptor(stream, epoch, seq, trace, timestampNs)), Is.GreaterThanOrEqualTo(0));

    public void Link(uint stream, ulong epoch, ulong seq, ulong trace, params ulong[] parents) =>
        Assert.That(_control.Offer(LinkSet(stream, epoch, seq, trace, parents)), Is.GreaterThanOrEqualTo(0));

    public void Control(byte[] message) => Assert.That(_control.Offer(message), Is.GreaterThanOrEqualTo(0));

    public void Dispose()
    {
        _descriptors.Dispose();
        _control.Dispose();
    }
}
