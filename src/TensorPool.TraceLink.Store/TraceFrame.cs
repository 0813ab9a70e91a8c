namespace TensorPool.TraceLink.Store;

/// <summary>One row of the <c>frames</c> table (TraceLink §10.1): a frame of a stream and the trace it belongs to.</summary>
public readonly record struct TraceFrame
{
    public required uint StreamId { get; init; }

    public required ulong Epoch { get; init; }

    public required ulong Seq { get; init; }

    /// <summary>The frame's trace id; 0 records an untraced frame (§10.1 allows either omitting or keeping those).</summary>
    public required ulong TraceId { get; init; }

    /// <summary>When the frame was published, in nanoseconds (t_ns; <c>tp trace record</c>: the descriptor's timestamp, else CLOCK_MONOTONIC on arrival; D155).</summary>
    public required long TimeNs { get; init; }

    /// <summary>Which pipeline stage produced or saw the frame, as the application numbers them (0: not said; D155).</summary>
    public int StageId { get; init; }

    /// <summary>What happened to the frame (<see cref="TraceFrameStatus"/>; other values are the application's).</summary>
    public int Status { get; init; }
}
