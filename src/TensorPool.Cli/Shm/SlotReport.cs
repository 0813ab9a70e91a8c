using TensorPool.Native.Internal;

namespace TensorPool.Cli.Shm;

/// <summary>One header slot as a consumer would see it now: its state and, when committed, its fields and verdict.</summary>
internal sealed record SlotReport
{
    /// <summary>The slot's index in the ring (0 for a bare slot file).</summary>
    public required uint Index { get; init; }

    public required SlotState State { get; init; }

    /// <summary>The seq_commit word as last read: (logical_sequence &lt;&lt; 1) | commit bit (§8.3).</summary>
    public required ulong SeqCommit { get; init; }

    /// <summary>logical_sequence = seq_commit &gt;&gt; 1 (§8.3).</summary>
    public ulong Seq => SeqCommit >> 1;

    /// <summary>The fields of the committed snapshot (null unless <see cref="SlotState.Committed"/>).</summary>
    public SlotHeaderView? Header { get; init; }

    /// <summary>A tp_frame_status_t: <c>TP_FRAME_OK</c> or the reason a consumer would DROP this frame.</summary>
    public TpFrameStatus Verdict { get; init; }

    /// <summary>Why, in words, when the verdict is a drop.</summary>
    public string? Reason { get; init; }

    /// <summary>
    /// False when the rules that need the payload pool (pool known, payload_slot in range, values_len_bytes
    /// within stride_bytes, §10.2.1) could not be checked because the pool was not available.
    /// </summary>
    public bool PoolChecked { get; init; }

    /// <summary>False for a bare slot: the rules that need its ring index (seq and payload_slot, §15.5) were not checked.</summary>
    public bool IndexChecked { get; init; } = true;
}
