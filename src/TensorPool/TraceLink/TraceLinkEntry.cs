using System.Runtime.CompilerServices;

namespace TensorPool.TraceLink;

/// <summary>
/// One cell of a <see cref="TraceLinkQueue"/>: an output frame's key and trace id and up to
/// <see cref="TraceLinkQueue.ParentsPerEntry"/> parents. A set with more parents takes consecutive cells, all but the
/// last marked <see cref="Continues"/>.
/// </summary>
internal struct TraceLinkEntry
{
    public uint StreamId;
    public ushort ParentCount;
    public bool Continues;
    public ulong Epoch;
    public ulong Seq;
    public ulong TraceId;
    public ParentBlock Parents;

    public readonly bool SameOutput(in TraceLinkEntry other) =>
        StreamId == other.StreamId && Epoch == other.Epoch && Seq == other.Seq && TraceId == other.TraceId;

    [InlineArray(TraceLinkQueue.ParentsPerEntry)]
    internal struct ParentBlock
    {
        private ulong _element0;
    }
}
