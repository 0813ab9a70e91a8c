namespace TensorPool.JoinBarrier;

/// <summary>One required input after a readiness check: its state, why, and what the check asked of it. Made by the barriers.</summary>
public readonly record struct JoinInputStatus
{
    internal JoinInputStatus(uint streamId, JoinInputState state, JoinInputReason reason, ulong epoch, ulong? observedSeq,
        ulong rangeStart, ulong rangeEnd)
    {
        StreamId = streamId;
        State = state;
        Reason = reason;
        Epoch = epoch;
        ObservedSeq = observedSeq;
        RangeStart = rangeStart;
        RangeEnd = rangeEnd;
    }

    /// <summary>The input stream.</summary>
    public uint StreamId { get; }

    /// <summary>Ready, waiting, stale (absent), rejected or invalid (absent).</summary>
    public JoinInputState State { get; }

    /// <summary>Why the input is not ready (<see cref="JoinInputReason.None"/> when it is).</summary>
    public JoinInputReason Reason { get; }

    /// <summary>The input epoch the barrier follows (the highest observed); 0 before any observation.</summary>
    public ulong Epoch { get; }

    /// <summary>The observed cursor: the highest seq observed in <see cref="Epoch"/>; null before any.</summary>
    public ulong? ObservedSeq { get; }

    /// <summary>
    /// Sequence barrier: the first input sequence the rules make usable (in_seq for OFFSET, out_seq - N + 1 for WINDOW).
    /// Timestamp barrier: the earliest input time (in_time, out_time - window_ns). Latest-value barrier: the selected
    /// seq. Meaningful when the rules could be evaluated (ready, or behind / not processed / no timestamp); 0 otherwise.
    /// </summary>
    public ulong RangeStart { get; }

    /// <summary>As <see cref="RangeStart"/>, the last: the sequence or time readiness is checked against, before lateness.</summary>
    public ulong RangeEnd { get; }

    /// <summary>Ready: the stage uses this input for the output.</summary>
    public bool IsPresent => State == JoinInputState.Ready;

    /// <summary>Absent for this output (stale, invalid or rejected): the stage must surface it (§7.4).</summary>
    public bool IsAbsent => State is JoinInputState.Stale or JoinInputState.Invalid or JoinInputState.Rejected;
}
