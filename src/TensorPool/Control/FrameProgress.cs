using TensorPool.Native.Internal;
using TensorPool.Sbe.Wire;

namespace TensorPool.Control;

/// <summary>Receives FrameProgress on the consumer's polling thread (opt in through ConsumerOptions.ProgressHandler).</summary>
public delegate void FrameProgressHandler(in FrameProgress progress);

/// <summary>
/// A FrameProgress (wire spec §10.2.2) that passed every consumer rule: same epoch as the mapping, payload_bytes_filled
/// monotonic within the frame and at most values_len_bytes, the slot still holding this sequence and its header passing
/// every rule of §8.2 (progress_unit / progress_stride_bytes included). Valid only during the handler call.
/// </summary>
/// <remarks>
/// Progress is a hint: the frame is committed only when <see cref="IsCommitted"/> (or its FrameDescriptor) says so
/// (§10.2.2: COMPLETE does not guarantee visibility). Read only <see cref="Prefix"/>, then call <see cref="IsStillValid"/>:
/// false means the producer moved on to another frame in this slot while you read.
/// </remarks>
public readonly unsafe ref struct FrameProgress
{
    private readonly TpFrame* _frame;
    private readonly ulong _safeBytes;
    private readonly bool _layoutSafe;

    internal FrameProgress(TpFrame* frame, uint streamId, ulong epoch, FrameProgressState state, ulong bytesFilled, bool layoutSafe, ulong safeBytes)
    {
        _layoutSafe = layoutSafe;
        _frame = frame;
        StreamId = streamId;
        Epoch = epoch;
        State = state;
        PayloadBytesFilled = bytesFilled;
        _safeBytes = safeBytes;
    }

    public uint StreamId { get; }

    public ulong Epoch { get; }

    public ulong Seq => _frame->Seq;

    public FrameProgressState State { get; }

    public ulong PayloadBytesFilled { get; }

    public uint ValuesLenBytes => _frame->Header.ValuesLenBytes;

    public ProgressUnit ProgressUnit => (ProgressUnit)_frame->Header.ProgressUnit;

    public uint ProgressStrideBytes => _frame->Header.ProgressStrideBytes;

    /// <summary>
    /// True when the prefix is layout-safe (§10.2.2): strides inferred contiguous with payload_offset 0, or progress in
    /// ROWS/COLUMNS with a valid stride (then only whole rows/columns count). False: the byte count is informational.
    /// </summary>
    public bool IsPrefixLayoutSafe => _layoutSafe;

    /// <summary>The bytes safe to read now: [0, filled) or the whole rows/columns within it; empty when not layout-safe.</summary>
    public ReadOnlySpan<byte> Prefix => _safeBytes == 0 ? default : new(_frame->Payload, (int)_safeBytes);

    /// <summary>The slot still holds this frame (in progress or committed): what was read from <see cref="Prefix"/> is its.</summary>
    public bool IsStillValid() => Volatile.Read(ref *(ulong*)_frame->Slot) >> 1 == _frame->Seq;

    /// <summary>The seqlock says committed for this sequence (§8.3): only then is the data final.</summary>
    public bool IsCommitted() => Volatile.Read(ref *(ulong*)_frame->Slot) == ((_frame->Seq << 1) | 1);
}
