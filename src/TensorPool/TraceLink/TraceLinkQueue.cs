using TensorPool.Sbe;
using TensorPool.Sbe.TraceLink;
using TensorPool.TraceLink.Internal;
using TensorPool.Transport;

namespace TensorPool.TraceLink;

/// <summary>
/// The TraceLinkSet emission queue (TraceLink §5, §14.1): stages hand it their N→1 links on the hot path with
/// <see cref="TryEnqueue"/> (lock-free, allocation-free, never waits; any number of threads), and a conductor publishes
/// them with <see cref="Drain"/>. Everything is preallocated; a set that does not fit is dropped and counted, never
/// waited for (§5: emission is best effort and non-blocking, and its loss never touches the pipeline).
/// </summary>
/// <remarks>
/// <para>Coalescing (§14.1): consecutive sets for the same output frame (same stream, epoch, seq and trace id: a stage
/// that reports its parents in parts, or twice) go out as one TraceLinkSet with their parents merged, in order, without
/// duplicates, up to <see cref="MaxParents"/>.</para>
/// <para>Back pressure (the transport cannot take the message now) leaves the sets queued for the next drain; a refusal
/// for good (not connected, closed, too long) drops them, counted.</para>
/// </remarks>
public sealed class TraceLinkQueue
{
    /// <summary>Parents one queue cell holds; a larger set takes consecutive cells.</summary>
    public const int ParentsPerEntry = 8;

    /// <summary>Messages one <see cref="Drain"/> publishes unless told otherwise.</summary>
    public const int DefaultDrainLimit = 64;

    private readonly BoundedMpscQueue<TraceLinkEntry> _queue;
    private readonly TraceIdSet _merged;
    private readonly ulong[] _parents;
    private readonly byte[] _buffer;

    public TraceLinkQueue(TraceLinkQueueOptions? options = null)
    {
        options ??= new TraceLinkQueueOptions();
        options.Validate();
        MaxParents = options.MaxParents;
        _queue = new BoundedMpscQueue<TraceLinkEntry>(options.Capacity);
        _merged = new TraceIdSet(MaxParents);
        _parents = new ulong[MaxParents];
        _buffer = new byte[MaxEncodedLength(MaxParents)];
    }

    /// <summary>The most parents of one set.</summary>
    public int MaxParents { get; }

    /// <summary>Cells in the queue.</summary>
    public int Capacity => _queue.Capacity;

    public TraceLinkQueueCounters Counters { get; } = new();

    /// <summary>The length of a TraceLinkSet with <paramref name="parents"/> parents.</summary>
    public static int MaxEncodedLength(int parents) =>
        SbeMessageHeader.Size + TraceLinkSetEncoder.BlockLength + SbeCodec.SectionHeaderSize + (parents * sizeof(ulong));

    /// <summary>
    /// Queues the TraceLinkSet of an output frame (§9): its stream id, epoch and seq as in its FrameDescriptor, its trace
    /// id, and its parents' trace ids in input order. From any thread; never waits, never allocates. False when the set
    /// was dropped (the queue is full, or it has more than <see cref="MaxParents"/> parents), counted in
    /// <see cref="Counters"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The trace id is 0, or the parents break §9.2 (none, a 0, a duplicate).</exception>
    public bool TryEnqueue(uint streamId, ulong epoch, ulong seq, ulong traceId, ReadOnlySpan<ulong> parents)
    {
        if (traceId == TraceId.Null)
        {
            throw new ArgumentException("the trace id must not be 0: it identifies the output frame (TraceLink §9.2)", nameof(traceId));
        }
        if (parents.Length > MaxParents)
        {
            Counters.AddDroppedOversize();
            return false;
        }
        Span<ulong> scratch = parents.Length > TraceLinkParents.PairwiseLimit ? stackalloc ulong[parents.Length] : default;
        TraceLinkRejectReason broken = TraceLinkParents.Check(parents, scratch);
        if (broken != TraceLinkRejectReason.None)
        {
            throw new ArgumentException("the parents break TraceLink §9.2: " + TraceLinkParents.Describe(broken), nameof(parents));
        }
        return TryEnqueueChecked(streamId, epoch, seq, traceId, parents);
    }

    /// <summary><see cref="TryEnqueue"/> for parents already known to follow §9.2 and to fit.</summary>
    internal bool TryEnqueueChecked(uint streamId, ulong epoch, ulong seq, ulong traceId, ReadOnlySpan<ulong> parents)
    {
        int cells = (parents.Length + ParentsPerEntry - 1) / ParentsPerEntry;
        if (!_queue.TryClaim(cells, out long position))
        {
            Counters.AddDroppedFull();
            return false;
        }
        for (int c = 0; c < cells; c++)
        {
            ref TraceLinkEntry e = ref _queue[position + c];
            int from = c * ParentsPerEntry;
            int n = Math.Min(ParentsPerEntry, parents.Length - from);
            e.StreamId = streamId;
            e.Epoch = epoch;
            e.Seq = seq;
            e.TraceId = traceId;
            e.ParentCount = (ushort)n;
            e.Continues = c < cells - 1;
            parents.Slice(from, n).CopyTo(e.Parents);
        }
        _queue.Publish(position, cells);
        Counters.AddEnqueued();
        return true;
    }

    /// <summary>Cells queued and not yet published (a snapshot).</summary>
    public int Pending => _queue.Count;

    /// <summary>
    /// Publishes up to <paramref name="messageLimit"/> TraceLinkSet messages on <paramref name="publication"/>, coalescing
    /// consecutive sets of the same output frame. Call from one thread (the conductor's duty cycle). Returns the messages
    /// published (work done, for an idle strategy).
    /// </summary>
    public int Drain(IPublication publication, int messageLimit = DefaultDrainLimit)
    {
        ArgumentNullException.ThrowIfNull(publication);
        int messages = 0;
        while (messages < messageLimit)
        {
            long head = _queue.Head;
            if (!TryMeasureSet(head, out int cells, out _))
            {
                break; // empty, or a set whose cells are not all published yet: next time
            }
            _merged.Clear();
            int merged = AddParents(head, cells, 0);
            int sets = 1;
            ref TraceLinkEntry first = ref _queue[head];
            while (TryMeasureSet(head + cells, out int nextCells, out int nextParents) &&
                   _queue[head + cells].SameOutput(first) &&
                   merged + nextParents <= MaxParents)
            {
                merged = AddParents(head + cells, nextCells, merged);
                cells += nextCells;
                sets++;
            }
            int length = Encode(first, _parents.AsSpan(0, merged));
            long result = publication.Offer(_buffer.AsSpan(0, length));
            if (result >= 0)
            {
                Counters.AddPublished(sets);
            }
            else if (result is PublicationStatus.BackPressured or PublicationStatus.AdminAction)
            {
                Counters.AddBackPressured();
                break; // keep the sets; the transport may take them on the next duty cycle
            }
            else
            {
                Counters.AddDroppedPublication(sets);
            }
            _queue.Release(cells);
            messages++;
        }
        return messages;
    }

    // Whether the set starting at position is wholly published; its cells and parents.
    private bool TryMeasureSet(long position, out int cells, out int parents)
    {
        cells = 0;
        parents = 0;
        while (true)
        {
            if (cells >= _queue.Capacity || !_queue.IsPublished(position + cells))
            {
                return false;
            }
            ref TraceLinkEntry e = ref _queue[position + cells];
            parents += e.ParentCount;
            cells++;
            if (!e.Continues)
            {
                return true;
            }
        }
    }

    private int AddParents(long position, int cells, int count)
    {
        for (int c = 0; c < cells; c++)
        {
            ref TraceLinkEntry e = ref _queue[position + c];
            ReadOnlySpan<ulong> parents = e.Parents;
            foreach (ulong p in parents[..e.ParentCount])
            {
                if (_merged.Add(p))
                {
                    _parents[count++] = p;
                }
            }
        }
        return count;
    }

    private int Encode(in TraceLinkEntry output, ReadOnlySpan<ulong> parents)
    {
        var e = TraceLinkSetEncoder.WrapAndApplyHeader(_buffer);
        e.StreamId = output.StreamId;
        e.Epoch = output.Epoch;
        e.Seq = output.Seq;
        e.TraceId = output.TraceId;
        TraceLinkSetEncoder.ParentsEncoder group = e.ParentsCount(parents.Length);
        foreach (ulong p in parents)
        {
            group.Next();
            group.TraceId = p;
        }
        return e.EncodedLength;
    }
}
