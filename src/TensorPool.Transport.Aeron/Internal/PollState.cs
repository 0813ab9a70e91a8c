using System.Runtime.InteropServices;

namespace TensorPool.Transport.Aeron.Internal;

/// <summary>
/// What a poll hands to the fragment callback, in native memory (the fragment assembler keeps its address): the
/// handler (a copy on the polling thread's stack) and the generic method that calls it, the message limit, and the
/// subscription's delivery and skip counters. Written by the polling thread only; the counters are read from any
/// thread (whole aligned longs).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PollState
{
    /// <summary>The handler of the poll in progress.</summary>
    public void* Handler;

    /// <summary>Calls <see cref="Handler"/> (<c>Dispatch&lt;THandler&gt;</c> of the poll's handler type).</summary>
    public delegate*<void*, ReadOnlySpan<byte>, void> Invoke;

    /// <summary>The subscription's GCHandle, to hand a handler's exception back to the poll.</summary>
    public nint Owner;

    public int Delivered;

    public int Limit;

    /// <summary>Non-zero: leave every further fragment of this poll where it is (limit reached, fault, close).</summary>
    public int Stop;

    /// <summary>Non-zero: the subscription was disposed from one of its handlers.</summary>
    public int Closed;

    public long Received;

    public long ReceivedBytes;

    public long Skipped;

    public long SkippedBytes;

    /// <summary>Messages a skip still has to pass over.</summary>
    public long SkipRemaining;

    /// <summary>Messages a count found.</summary>
    public long Counted;
}
