namespace TensorPool.TraceLink;

/// <summary>The rules of §9.2 on a parents list, shared by the emitting and the receiving side.</summary>
internal static class TraceLinkParents
{
    /// <summary>Below this many parents duplicates are found pairwise; above it by sorting a copy.</summary>
    public const int PairwiseLimit = 16;

    /// <summary>
    /// The first rule of §9.2 the list breaks: at least one parent, none 0, none twice. <paramref name="scratch"/> holds
    /// at least <paramref name="parents"/>' length when that is over <see cref="PairwiseLimit"/>; nothing allocates.
    /// </summary>
    public static TraceLinkRejectReason Check(ReadOnlySpan<ulong> parents, Span<ulong> scratch)
    {
        if (parents.IsEmpty)
        {
            return TraceLinkRejectReason.NoParents;
        }
        if (parents.Contains(TraceId.Null))
        {
            return TraceLinkRejectReason.NullParent;
        }
        if (parents.Length <= PairwiseLimit)
        {
            for (int i = 1; i < parents.Length; i++)
            {
                if (parents[..i].Contains(parents[i]))
                {
                    return TraceLinkRejectReason.DuplicateParent;
                }
            }
            return TraceLinkRejectReason.None;
        }
        Span<ulong> sorted = scratch[..parents.Length];
        parents.CopyTo(sorted);
        sorted.Sort();
        for (int i = 1; i < sorted.Length; i++)
        {
            if (sorted[i] == sorted[i - 1])
            {
                return TraceLinkRejectReason.DuplicateParent;
            }
        }
        return TraceLinkRejectReason.None;
    }

    /// <summary>A short English description of a reason, for errors and reports.</summary>
    public static string Describe(TraceLinkRejectReason reason) => reason switch
    {
        TraceLinkRejectReason.None => "accepted",
        TraceLinkRejectReason.Malformed => "the bytes are not a valid TraceLinkSet",
        TraceLinkRejectReason.NullTraceId => "trace_id is 0 (§9.2)",
        TraceLinkRejectReason.NoParents => "no parents (§9.2: at least one)",
        TraceLinkRejectReason.NullParent => "a parent trace id is 0 (§9.2)",
        TraceLinkRejectReason.DuplicateParent => "a parent trace id appears twice (§9.2: unique)",
        TraceLinkRejectReason.TooManyParents => "more parents than the limit",
        TraceLinkRejectReason.FrameMismatch => "stream_id, epoch or seq do not match the output frame's FrameDescriptor (§9.2)",
        TraceLinkRejectReason.Unmatched => "no FrameDescriptor with its stream_id, epoch and seq was seen (§9.2)",
        _ => reason.ToString(),
    };
}
