namespace TensorPool.JoinBarrier.Stage;

/// <summary>Which join barrier a <see cref="JoinStage"/> gates its outputs with.</summary>
public enum JoinBarrierKind
{
    /// <summary>Outputs by sequence (§7): out_seq is the output's FrameDescriptor.seq.</summary>
    Sequence,

    /// <summary>Outputs by time (§8): each new frame of the first input gives an out_time (its SlotHeader timestamp).</summary>
    Timestamp,

    /// <summary>As-of join (§9): an output whenever an input has a new frame, from each input's latest frame.</summary>
    LatestValue,
}
