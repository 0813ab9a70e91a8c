namespace TensorPool.JoinBarrier.Stage;

/// <summary>One output a <see cref="JoinStage"/> published.</summary>
public readonly record struct JoinOutput
{
    /// <summary>The output frame's sequence (FrameDescriptor.seq).</summary>
    public ulong Seq { get; init; }

    /// <summary>The output's epoch.</summary>
    public ulong Epoch { get; init; }

    /// <summary>Inputs present in the output.</summary>
    public int Present { get; init; }

    /// <summary>Inputs absent from the output (stale, §7.4).</summary>
    public int Absent { get; init; }

    /// <summary>
    /// From the newest present input's commit (its FrameDescriptor timestamp, else its SlotHeader timestamp) to the
    /// output's commit, in CLOCK_MONOTONIC nanoseconds; 0 when no input carried a time.
    /// </summary>
    public long LatencyNs { get; init; }

    /// <summary>The output frame's trace id (TraceLink §6.3); 0 when the output is not traced.</summary>
    public ulong TraceId { get; init; }
}
