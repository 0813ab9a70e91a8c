namespace TensorPool.TraceLink;

/// <summary>
/// The propagation rules of TraceLink §6.3 and §8.1 for one traced stage, one call per output frame, from any thread,
/// without allocating or waiting:
/// <list type="bullet">
/// <item><see cref="Root"/>: a frame that starts a lineage (a camera frame) gets a new trace id;</item>
/// <item><see cref="Forward"/>: a 1→1 stage (a filter) passes its input's trace id on unchanged;</item>
/// <item><see cref="Join"/>: an N→1 stage gets a new trace id and queues a TraceLinkSet naming its inputs' trace ids,
/// in input order, for the conductor to publish.</item>
/// </list>
/// Trace ids do not restart on an epoch change (§8.1): they come from the generator, which knows nothing of epochs,
/// so they stay unique and increasing across a producer's epochs (D152).
/// </summary>
public sealed class TraceLinker
{
    public TraceLinker(TraceIdGenerator generator, TraceLinkQueue links)
    {
        Generator = generator ?? throw new ArgumentNullException(nameof(generator));
        Links = links ?? throw new ArgumentNullException(nameof(links));
    }

    public TraceIdGenerator Generator { get; }

    /// <summary>Where <see cref="Join"/> queues its TraceLinkSets; its counters hold every set dropped.</summary>
    public TraceLinkQueue Links { get; }

    /// <summary>§6.3: a root frame mints a new trace id.</summary>
    public ulong Root() => Generator.Next();

    /// <summary>
    /// §6.3, §8.1: a 1→1 frame reuses its input's trace id. An untraced input (0) makes the output a root: a traced
    /// stream carries a non-zero trace id on every frame (§8.1).
    /// </summary>
    public ulong Forward(ulong inputTraceId) => inputTraceId != TraceId.Null ? inputTraceId : Generator.Next();

    /// <summary>
    /// §6.3, §8.1, §9: the trace id of an N→1 output frame, whose FrameDescriptor carries <paramref name="streamId"/>,
    /// <paramref name="epoch"/> and <paramref name="seq"/>. The parents are the inputs' trace ids in input order, without
    /// untraced inputs (0) and repeats (§9.2). Two or more parents: a new trace id, and a TraceLinkSet naming them is
    /// queued. One parent: its trace id, reused as in a 1→1 stage, with no TraceLinkSet (§7: only for more than one
    /// parent; D152). None: a new root trace id. A set the queue cannot take is counted there; the trace id is valid
    /// either way (§5: tracing loss never affects the pipeline).
    /// </summary>
    public ulong Join(uint streamId, ulong epoch, ulong seq, ReadOnlySpan<ulong> inputTraceIds)
    {
        Span<ulong> parents = stackalloc ulong[Math.Min(inputTraceIds.Length, Links.MaxParents)];
        int count = 0;
        foreach (ulong input in inputTraceIds)
        {
            if (input == TraceId.Null || parents[..count].Contains(input))
            {
                continue;
            }
            if (count == Links.MaxParents)
            {
                Links.Counters.AddDroppedOversize(); // more distinct parents than a set may hold
                return Generator.Next();
            }
            parents[count++] = input;
        }
        if (count <= 1)
        {
            return count == 1 ? parents[0] : Generator.Next();
        }
        ulong traceId = Generator.Next();
        Links.TryEnqueueChecked(streamId, epoch, seq, traceId, parents[..count]);
        return traceId;
    }
}
