using TensorPool.Sbe.TraceLink;

namespace TensorPool.TraceLink;

/// <summary>
/// Decodes received TraceLinkSet messages and enforces TraceLink §9.2 on them: a non-zero trace id and at least one
/// parent, every parent non-zero and unique. Bad bytes never throw; the reason comes back for the caller to count.
/// The last rule, that stream_id, epoch and seq match the output frame's FrameDescriptor, needs that descriptor:
/// <see cref="MatchFrame"/> checks it when the caller has it. One reader per thread; its buffers are preallocated.
/// </summary>
public sealed class TraceLinkSetReader
{
    /// <summary>The default limit on parents of one set: bounds the work and memory a hostile message can cost.</summary>
    public const int DefaultMaxParents = 4096;

    private readonly ulong[] _parents;
    private readonly ulong[] _scratch;
    private int _count;

    /// <param name="maxParents">Sets with more parents are refused (<see cref="TraceLinkRejectReason.TooManyParents"/>); 1..65534.</param>
    public TraceLinkSetReader(int maxParents = DefaultMaxParents)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxParents, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxParents, Sbe.SbeCodec.MaxGroupCount);
        MaxParents = maxParents;
        _parents = new ulong[maxParents];
        _scratch = new ulong[maxParents];
    }

    public int MaxParents { get; }

    /// <summary>The parents of the last set read successfully, in message order; valid until the next read.</summary>
    public ReadOnlySpan<ulong> Parents => _parents.AsSpan(0, _count);

    /// <summary>
    /// Decodes <paramref name="message"/> (with its SBE header) and checks §9.2's own rules. The caller gates on the
    /// header's schemaId first (§13); another schema or template comes back as <see cref="TraceLinkRejectReason.Malformed"/>.
    /// </summary>
    public bool TryRead(ReadOnlySpan<byte> message, out TraceLinkSetDecoder set, out TraceLinkRejectReason reason)
    {
        _count = 0;
        if (!TraceLinkSetDecoder.TryWrap(message, out set, out _))
        {
            reason = TraceLinkRejectReason.Malformed;
            return false;
        }
        if (set.TraceId == TraceId.Null)
        {
            reason = TraceLinkRejectReason.NullTraceId;
            return false;
        }
        TraceLinkSetDecoder.ParentsDecoder group = set.Parents;
        if (group.Count > MaxParents)
        {
            reason = TraceLinkRejectReason.TooManyParents;
            return false;
        }
        int n = 0;
        foreach (TraceLinkSetDecoder.ParentsDecoder p in group)
        {
            _parents[n++] = p.TraceId;
        }
        if (n != group.Count)
        {
            reason = TraceLinkRejectReason.Malformed; // the codec checked the count at wrap; defensive
            return false;
        }
        reason = TraceLinkParents.Check(_parents.AsSpan(0, n), _scratch);
        if (reason != TraceLinkRejectReason.None)
        {
            return false;
        }
        _count = n;
        return true;
    }

    /// <summary>
    /// §9.2: the set's stream_id, epoch and seq must be those of the FrameDescriptor of its output frame, whose trace id
    /// it names. <see cref="TraceLinkRejectReason.None"/> when they are, else <see cref="TraceLinkRejectReason.FrameMismatch"/>.
    /// </summary>
    public static TraceLinkRejectReason MatchFrame(in TraceLinkSetDecoder set, uint streamId, ulong epoch, ulong seq, ulong traceId) =>
        set.StreamId == streamId && set.Epoch == epoch && set.Seq == seq && set.TraceId == traceId
            ? TraceLinkRejectReason.None
            : TraceLinkRejectReason.FrameMismatch;
}
