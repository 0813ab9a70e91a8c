using TensorPool.Sbe.TraceLink;

namespace TensorPool.TraceLink.Tests;

/// <summary>TraceLinkSet bytes for tests, hostile ones included (the encoder writes whatever it is told).</summary>
internal static class Messages
{
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

    /// <summary>The parents of a TraceLinkSet, decoded with the plain codec (no §9.2 checks).</summary>
    public static (uint Stream, ulong Epoch, ulong Seq, ulong Trace, ulong[] Parents) Decode(ReadOnlySpan<byte> message)
    {
        Assert.That(TraceLinkSetDecoder.TryWrap(message, out TraceLinkSetDecoder d, out var reason), Is.True, reason.ToString());
        var parents = new List<ulong>();
        foreach (TraceLinkSetDecoder.ParentsDecoder p in d.Parents)
        {
            parents.Add(p.TraceId);
        }
        return (d.StreamId, d.Epoch, d.Seq, d.TraceId, [.. parents]);
    }
}
