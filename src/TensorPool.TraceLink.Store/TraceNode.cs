namespace TensorPool.TraceLink.Store;

/// <summary>
/// One row of <c>trace_nodes</c>: which process used a node id from when (TraceLink §6.2 recommends recording
/// <c>(node_id, process_id, start_time)</c> where node ids are allocated dynamically, so a reused id stays unambiguous).
/// </summary>
public readonly record struct TraceNode
{
    public required uint NodeId { get; init; }

    public required int ProcessId { get; init; }

    /// <summary>When the process started using the node id, in nanoseconds since the Unix epoch.</summary>
    public required long StartTimeNs { get; init; }
}
