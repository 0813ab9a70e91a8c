using TensorPool.Time;

namespace TensorPool.JoinBarrier;

/// <summary>Settings of a join barrier; copied and checked when the barrier is made.</summary>
public sealed class JoinBarrierOptions
{
    /// <summary>Default bound on the input streams one barrier tracks.</summary>
    public const int DefaultMaxInputs = 64;

    /// <summary>
    /// Input streams the barrier tracks (1 to 4096), allocated once when it is made: observations of further streams are
    /// counted and dropped, and a map naming more distinct inputs is refused (<see cref="MergeMapRejectReason.TooManyInputs"/>).
    /// </summary>
    public int MaxInputs { get; set; } = DefaultMaxInputs;

    /// <summary>
    /// Also require the processed cursor (sequence barrier) or processed time (timestamp barrier) to reach the
    /// requirement (§7.1, §8.1 "if configured"): the stage reports what it consumed with <see cref="JoinBarrierBase.MarkProcessed"/>.
    /// </summary>
    public bool RequireProcessed { get; set; }

    /// <summary>The local monotonic clock that times staleness (§7.4); the process's CLOCK_MONOTONIC when null.</summary>
    public IClock? Clock { get; set; }

    internal JoinBarrierOptions Validated()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxInputs, 1, nameof(MaxInputs));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxInputs, 4096, nameof(MaxInputs));
        return (JoinBarrierOptions)MemberwiseClone();
    }
}
