namespace TensorPool.Frames;

/// <summary>What <see cref="Frame.CopyPayloadTo"/> did.</summary>
public enum FrameCopyResult
{
    /// <summary>The destination holds the whole payload, and the seqlock re-check after the copy passed: it is this frame.</summary>
    Copied,

    /// <summary>
    /// The destination is shorter than <see cref="Frame.ValuesLenBytes"/>: nothing was copied and the frame was not
    /// checked (as <see cref="Span{T}.TryCopyTo"/>, no exception).
    /// </summary>
    DestinationTooShort,

    /// <summary>
    /// A torn read: the producer overwrote the slot while it was copied (the seqlock re-check failed, §8.3), so the
    /// destination holds bytes of more than one frame. The frame is counted as late (drops_late), not accepted.
    /// </summary>
    Torn,
}
