using TensorPool.Sbe.TraceLink;
using TensorPool.Sbe.Wire;
using TensorPool.Testing;
using TensorPool.Transport;

namespace TensorPool.Cli.Tests.Trace;

/// <summary>FrameDescriptors and TraceLinkSets published with the transport directly, as traced producers would.</summary>
internal sealed class TraceTraffic : IDisposable
{
    private readonly TpIpcTransport _transport;
    private readonly TpIpcPublication _descriptors;
    private readonly TpIpcPublication _control;

    public TraceTraffic(TempDirectory dir, string ns)
    {
        _transport = new TpIpcTransport(new TpIpcOptions { BaseDir = dir.Path, Namespace = ns });
        _descriptors = _transport.AddPublication("tp:ipc", 1100);
        _control = _transport.AddPublication("tp:ipc", 1000);
    }

    public void Frame(uint stream, ulong epoch, ulong seq, ulong trace)
    {
        var buffer = new byte[64];
        var e = FrameDescriptorEncoder.WrapAndApplyHeader(buffer);
        e.StreamId = stream;
        e.Epoch = epoch;
        e.Seq = seq;
        e.TraceId = trace;
        Assert.That(_descriptors.Offer(buffer.AsSpan(0, e.EncodedLength)), Is.GreaterThanOrEqualTo(0));
    }

    public void Link(uint stream, ulong epoch, ulong seq, ulong trace, params ulong[] parents)
    {
        var buffer = new byte[64 + (8 * parents.Length)];
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
        Assert.That(_control.Offer(buffer.AsSpan(0, e.EncodedLength)), Is.GreaterThanOrEqualTo(0));
    }

    public void Dispose()
    {
        _descriptors.Dispose();
        _control.Dispose();
        _transport.Dispose();
    }
}
