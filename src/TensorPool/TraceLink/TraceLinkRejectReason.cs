namespace TensorPool.TraceLink;

/// <summary>Why a TraceLinkSet was refused (TraceLink §9.2). Receivers count each reason and drop the set.</summary>
public enum TraceLinkRejectReason
{
    /// <summary>Accepted.</summary>
    None = 0,

    /// <summary>The SBE codec refused the bytes (too short, a group count beyond the message, a newer version).</summary>
    Malformed,

    /// <summary>trace_id is 0, the null sentinel (§9.2: it must identify the derived output frame).</summary>
    NullTraceId,

    /// <summary>The parents group is empty (§9.2: numInGroup is authoritative and must be at least 1).</summary>
    NoParents,

    /// <summary>A parent is 0 (§9.2: parents contain only non-zero values).</summary>
    NullParent,

    /// <summary>A parent appears twice (§9.2: parent trace ids are unique within a set).</summary>
    DuplicateParent,

    /// <summary>More parents than the receiver's limit (bounded work per message).</summary>
    TooManyParents,

    /// <summary>stream_id, epoch or seq do not match the FrameDescriptor of that output frame (§9.2).</summary>
    FrameMismatch,

    /// <summary>No FrameDescriptor with the set's stream_id, epoch and seq arrived in time to check it against (§9.2).</summary>
    Unmatched,
}
