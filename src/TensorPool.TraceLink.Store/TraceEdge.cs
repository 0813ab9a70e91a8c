namespace TensorPool.TraceLink.Store;

/// <summary>One <c>trace_links</c> row (§10.2): <see cref="TraceId"/> was derived from <see cref="ParentTraceId"/>.</summary>
public readonly record struct TraceEdge(ulong TraceId, ulong ParentTraceId);
