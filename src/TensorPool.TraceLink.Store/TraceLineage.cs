namespace TensorPool.TraceLink.Store;

/// <summary>
/// Where a trace came from and what came of it (§11.2–§11.4): its frames, its ancestors and descendants up to a
/// depth, and the links between them.
/// </summary>
public sealed record TraceLineage
{
    public required ulong TraceId { get; init; }

    public required IReadOnlyList<TraceFrameRow> Frames { get; init; }

    /// <summary>Whether the trace has no parents recorded.</summary>
    public required bool IsRoot { get; init; }

    /// <summary>Parents, their parents, ...: nearest first.</summary>
    public required IReadOnlyList<LineageTrace> Ancestors { get; init; }

    /// <summary>Children, their children, ...: nearest first.</summary>
    public required IReadOnlyList<LineageTrace> Descendants { get; init; }

    /// <summary>Every link walked, child to parent.</summary>
    public required IReadOnlyList<TraceEdge> Links { get; init; }

    /// <summary>The depth asked for.</summary>
    public required int MaxDepth { get; init; }

    /// <summary>Whether links continue beyond <see cref="MaxDepth"/> (ask again with a larger depth to see them).</summary>
    public required bool Truncated { get; init; }

    /// <summary>The roots the trace descends from (itself when it is one).</summary>
    public IEnumerable<ulong> Roots => IsRoot ? [TraceId] : Ancestors.Where(a => a.IsRoot).Select(a => a.TraceId);
}
