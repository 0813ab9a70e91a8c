namespace TensorPool.JoinBarrier;

/// <summary>How a <see cref="LatestValueJoinBarrier"/> picks "the most recent" frame of each input (§9.2), the same for every input of a stage.</summary>
public enum LatestValueOrdering
{
    /// <summary>The highest FrameDescriptor.seq observed in the input's current epoch.</summary>
    Sequence = 0,

    /// <summary>
    /// The frame with the highest timestamp in the source its rule declares; needs a timestamp map, whose clock domain
    /// every input must share (§9.2).
    /// </summary>
    Timestamp,
}
