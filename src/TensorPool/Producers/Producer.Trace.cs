using System.Runtime.CompilerServices;
using TensorPool.TraceLink;

namespace TensorPool.Producers;

/// <summary>TraceLink (TraceLink v1.0 §6.3, §8.1, §9): the trace ids this producer's FrameDescriptors carry.</summary>
public sealed unsafe partial class Producer
{
    private readonly TraceLinker? _tracing;

    /// <summary>True when the stream is traced (<see cref="ProducerOptions.Trace"/>): every descriptor carries a non-zero trace id.</summary>
    public bool IsTraced => _tracing is not null;

    /// <summary>
    /// The propagation rules with this stream's generator and its client's TraceLinkSet queue (§6.3); null when the
    /// stream is not traced. Its generator's node id is the driver's or the configured one (§6.2).
    /// </summary>
    public TraceLinker? Tracing => _tracing;

    /// <summary>
    /// §6.3 N→1: gives the claimed output frame the trace id of a frame made from inputs with
    /// <paramref name="inputTraceIds"/> (in input order) and queues the TraceLinkSet naming them, with this frame's
    /// stream id, epoch and seq (§9.2), for the client's conductor to publish on the control stream. The rules of
    /// <see cref="TraceLinker.Join"/> apply: two or more distinct traced inputs make a new id and a set; one is reused; none
    /// makes a root. Never waits or allocates; a set the queue cannot take is counted, the trace id stays valid (§5).
    /// </summary>
    /// <returns>The trace id now in <see cref="FrameClaim.TraceId"/>.</returns>
    /// <exception cref="InvalidOperationException">The stream is not traced, or the claim is not this producer's open claim.</exception>
    public ulong LinkTrace(ref FrameClaim claim, ReadOnlySpan<ulong> inputTraceIds)
    {
        CheckClaim(ref claim);
        TraceLinker tracing = _tracing ?? throw NotTraced();
        ulong traceId = tracing.Join(StreamId, Epoch, claim.Seq, inputTraceIds);
        claim.TraceId = traceId;
        return traceId;
    }

    /// <summary>
    /// <see cref="TryOffer(ReadOnlySpan{byte})"/> with the trace id the descriptor carries: a 1→1 stage passes its input
    /// frame's <see cref="Frames.Frame.TraceId"/> (§6.3), an N→1 stage an id from <see cref="TraceLinker.Join"/>. 0 on a
    /// traced stream mints a root id.
    /// </summary>
    public bool TryOffer(ReadOnlySpan<byte> payload, ulong traceId)
    {
        if (!TryClaim(payload.Length, out FrameClaim claim))
        {
            return false;
        }
        payload.CopyTo(claim.Payload);
        claim.TraceId = traceId;
        Commit(ref claim);
        return true;
    }

    /// <summary>
    /// §8.1: a given id is published as given; a traced stream never publishes 0, so it mints a root id (§6.3). Ids
    /// continue across epochs (D152): the generator is the producer's for its life, re-grants included.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong TraceIdToPublish(ulong given) =>
        given != TraceId.Null || _tracing is null ? given : _tracing.Generator.Next();

    private static InvalidOperationException NotTraced() =>
        new("this producer does not trace its stream: set ProducerOptions.Trace to give its frames trace ids (TraceLink §8.1)");
}
