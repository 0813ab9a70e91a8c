namespace TensorPool.TraceLink.Store;

/// <summary>A trace met while walking a lineage, with its frames.</summary>
/// <param name="TraceId">The trace.</param>
/// <param name="Depth">How many links away from the trace asked about (1: a parent or child).</param>
/// <param name="IsRoot">Whether the trace has no parents recorded (a root, §6.3).</param>
/// <param name="Frames">The trace's frames, by time (§11.1).</param>
public sealed record LineageTrace(ulong TraceId, int Depth, bool IsRoot, IReadOnlyList<TraceFrameRow> Frames);
