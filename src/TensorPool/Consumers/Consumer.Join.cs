using TensorPool.Frames;
using TensorPool.Native.Internal;

namespace TensorPool.Consumers;

/// <summary>
/// Reads a frame by sequence outside a poll, for a join stage that reads the input frames its barrier names (JoinBarrier
/// spec §7.2, §9.1): one validation attempt, no waiting, no retry. Same thread as <see cref="Poll{THandler}(ref THandler, int)"/>
/// and never during one; nothing is counted in the consumer's counters (the stage counts its own drops).
/// </summary>
public sealed unsafe partial class Consumer
{
    /// <summary>
    /// Begins reading frame <paramref name="seq"/> of <paramref name="epoch"/> from the mapped regions: true when its
    /// slot holds that frame, committed and valid (§15.21); the view is then <see cref="JoinFrameView"/> until the next
    /// read or poll.
    /// </summary>
    internal bool TryBeginJoinRead(ulong epoch, ulong seq)
    {
        if (_polling || !_use.TryEnter(_pollResources))
        {
            return false;
        }
        try
        {
            ConsumerMapping mapping = _mapping;
            if (!mapping.IsMapped || _controlState != 0 || mapping.Epoch != epoch)
            {
                return false;
            }
            return NativeMethods.tp_frame_begin(_frame, mapping.Ring, mapping.Pools, mapping.PoolCount, seq) == (int)TpFrameStatus.Ok;
        }
        finally
        {
            _use.Exit(_pollResources);
        }
    }

    /// <summary>The frame begun by <see cref="TryBeginJoinRead"/>, in place (zero copy).</summary>
    internal Frame JoinFrameView(ulong epoch, ulong descriptorTimestampNs, ulong traceId) => new(this, _frame, epoch, descriptorTimestampNs, traceId);

    /// <summary>The seqlock re-check of the frame begun by <see cref="TryBeginJoinRead"/> (§8.3 step 4/6).</summary>
    internal bool EndJoinRead() => NativeMethods.tp_frame_end(_frame) == (int)TpFrameStatus.Ok;
}
