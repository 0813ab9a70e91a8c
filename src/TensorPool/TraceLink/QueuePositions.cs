using System.Runtime.InteropServices;

namespace TensorPool.TraceLink;

/// <summary>
/// A queue's producers' tail and its consumer's head, each on a cache line of its own so producers claiming and the
/// consumer releasing do not slow each other down. (Not nested in the generic queue: generic types cannot have an
/// explicit layout.)
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 192)]
internal struct QueuePositions
{
    [FieldOffset(64)]
    public long Tail;

    [FieldOffset(128)]
    public long Head;
}
