namespace TensorPool.TraceLink.Store;

/// <summary>
/// One row waiting for the writer, of any table: a fixed-size value so the queue between the recording threads and the
/// writer is one preallocated array. u64 fields travel as their bit pattern in a long, as SQLite stores them (D154).
/// </summary>
internal struct StoreRecord
{
    public StoreRecordKind Kind;

    /// <summary>Windows: which bounds are present (<see cref="HasSeq"/>, <see cref="HasTime"/>).</summary>
    public byte Flags;

    public long A;
    public long B;
    public long C;
    public long D;
    public long E;
    public long F;
    public long G;

    public const byte HasSeq = 1;
    public const byte HasTime = 2;

    // Frame: A stream_id, B epoch, C seq, D stage_id, E t_ns, F trace_id, G status.
    public static StoreRecord Frame(in TraceFrame f) => new()
    {
        Kind = StoreRecordKind.Frame,
        A = f.StreamId,
        B = unchecked((long)f.Epoch),
        C = unchecked((long)f.Seq),
        D = f.StageId,
        E = f.TimeNs,
        F = unchecked((long)f.TraceId),
        G = f.Status,
    };

    // Link: A trace_id, B parent_trace_id.
    public static StoreRecord Link(ulong traceId, ulong parentTraceId) => new()
    {
        Kind = StoreRecordKind.Link,
        A = unchecked((long)traceId),
        B = unchecked((long)parentTraceId),
    };

    // Window: A trace_id, B in_stream_id, C epoch, D seq_start, E seq_end, F t_start_ns, G t_end_ns.
    public static StoreRecord Window(in TraceWindow w) => new()
    {
        Kind = StoreRecordKind.Window,
        Flags = (byte)((w.SeqStart.HasValue ? HasSeq : 0) | (w.TimeStartNs.HasValue ? HasTime : 0)),
        A = unchecked((long)w.TraceId),
        B = w.InStreamId,
        C = unchecked((long)w.Epoch),
        D = unchecked((long)w.SeqStart.GetValueOrDefault()),
        E = unchecked((long)w.SeqEnd.GetValueOrDefault()),
        F = w.TimeStartNs.GetValueOrDefault(),
        G = w.TimeEndNs.GetValueOrDefault(),
    };

    // Node: A node_id, B process_id, C start_time_ns.
    public static StoreRecord Node(in TraceNode n) => new()
    {
        Kind = StoreRecordKind.Node,
        A = n.NodeId,
        B = n.ProcessId,
        C = n.StartTimeNs,
    };
}
