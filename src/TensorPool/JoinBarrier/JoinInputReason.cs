namespace TensorPool.JoinBarrier;

/// <summary>Why a required input is not <see cref="JoinInputState.Ready"/> (the not-ready edges of §6.2, §6.3, §7.1, §8, §9).</summary>
public enum JoinInputReason
{
    /// <summary>Ready.</summary>
    None = 0,

    /// <summary>No frame of the input observed in its current epoch.</summary>
    NoObservation,

    /// <summary>The observed cursor (or time) is below what the rule requires (§7.1, §8.1).</summary>
    Behind,

    /// <summary>Observed far enough, but the processed cursor (or time) is not, and the barrier requires it (§7.1, §8.1).</summary>
    NotProcessed,

    /// <summary>out_seq + offset (or out_time + offset_ns) would be negative (§6.2.1, §6.3.1).</summary>
    BeforeOffset,

    /// <summary>The window is not full yet: out_seq + 1 &lt; N, or out_time &lt; window_ns (§6.2.2, §6.3.2).</summary>
    WindowNotFull,

    /// <summary>The input's newest frame has no timestamp in the rule's source (§8.2: null timestamps are never ready).</summary>
    NullTimestamp,

    /// <summary>The requirement exceeds the largest sequence or time there can be (out_seq + offset beyond uint64).</summary>
    Unreachable,

    /// <summary>Rejected: a timestamp of the rule's source went backwards in this epoch (§8.2).</summary>
    NonMonotonicTimestamps,

    /// <summary>Rejected: the input's timestamps are in another clock domain than the map's (§8.2, §14).</summary>
    ClockDomainMismatch,

    /// <summary>The selected frame failed validation (§9.1, §9.2).</summary>
    ValidationFailed,
}
