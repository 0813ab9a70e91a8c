namespace TensorPool.TraceLink.Store;

/// <summary>
/// One row of <c>trace_windows</c> (TraceLink §10.4, §12.1, §14.2.3): the input frames of one input stream that a
/// windowed integrator's output trace consumed, given by sequence bounds, time bounds, or both (inclusive).
/// <see cref="TraceStore.ExpandWindows"/> later turns each into <c>trace_links</c> rows (§14.2.4).
/// </summary>
public readonly record struct TraceWindow
{
    /// <summary>The output trace.</summary>
    public required ulong TraceId { get; init; }

    public required uint InStreamId { get; init; }

    public required ulong Epoch { get; init; }

    public ulong? SeqStart { get; init; }

    public ulong? SeqEnd { get; init; }

    /// <summary>Bounds on the input frames' <c>t_ns</c>, in the clock the frames were recorded with.</summary>
    public long? TimeStartNs { get; init; }

    public long? TimeEndNs { get; init; }

    /// <summary>Null, or why the window is unusable (§10.4: the seq bounds or the time bounds are populated, start ≤ end).</summary>
    public string? Problem()
    {
        if (TraceId == 0)
        {
            return "the output trace id must not be 0";
        }
        bool seq = SeqStart.HasValue || SeqEnd.HasValue;
        bool time = TimeStartNs.HasValue || TimeEndNs.HasValue;
        if (!seq && !time)
        {
            return "a window needs its seq bounds or its time bounds (§10.4)";
        }
        if (seq && !(SeqStart.HasValue && SeqEnd.HasValue))
        {
            return "SeqStart and SeqEnd go together";
        }
        if (time && !(TimeStartNs.HasValue && TimeEndNs.HasValue))
        {
            return "TimeStartNs and TimeEndNs go together";
        }
        if (seq && SeqStart > SeqEnd)
        {
            return $"SeqStart {SeqStart} is after SeqEnd {SeqEnd}";
        }
        if (time && TimeStartNs > TimeEndNs)
        {
            return $"TimeStartNs {TimeStartNs} is after TimeEndNs {TimeEndNs}";
        }
        return null;
    }
}
