namespace TensorPool.JoinBarrier;

/// <summary>
/// One required input after a readiness check: its state, why, and what the check asked of it.
/// </summary>
/// <param name="StreamId">The input stream.</param>
/// <param name="State">Ready, waiting, stale (absent), rejected or invalid (absent).</param>
/// <param name="Reason">Why the input is not ready (<see cref="JoinInputReason.None"/> when it is).</param>
/// <param name="Epoch">The input epoch the barrier follows (the highest observed); 0 before any observation.</param>
/// <param name="ObservedSeq">The observed cursor (the highest seq observed in <paramref name="Epoch"/>); null before any.</param>
/// <param name="RangeStart">
/// Sequence barrier: the first input sequence the rules make usable (in_seq for OFFSET, out_seq - N + 1 for WINDOW).
/// Timestamp barrier: the earliest input time (in_time, out_time - window_ns). Latest-value barrier: the selected seq.
/// Meaningful when the rules could be evaluated (ready, or behind / not processed).
/// </param>
/// <param name="RangeEnd">As <paramref name="RangeStart"/>, the last (the sequence or time readiness is checked against, before lateness).</param>
public readonly record struct JoinInputStatus(
    uint StreamId,
    JoinInputState State,
    JoinInputReason Reason,
    ulong Epoch,
    ulong? ObservedSeq,
    ulong RangeStart,
    ulong RangeEnd)
{
    /// <summary>Ready: the stage uses this input for the output.</summary>
    public bool IsPresent => State == JoinInputState.Ready;

    /// <summary>Absent for this output (stale, invalid or rejected): the stage must surface it (§7.4).</summary>
    public bool IsAbsent => State is JoinInputState.Stale or JoinInputState.Invalid or JoinInputState.Rejected;
}
