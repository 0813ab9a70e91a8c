namespace TensorPool.JoinBarrier;

/// <summary>Where one required input stands after a readiness check.</summary>
public enum JoinInputState
{
    /// <summary>The input satisfies every rule that names it (for the latest-value barrier: its selected frame validated).</summary>
    Ready = 0,

    /// <summary>A rule is not satisfied yet; <see cref="JoinInputStatus.Reason"/> says which edge.</summary>
    Waiting,

    /// <summary>
    /// Absent for this tick by the staleness policy (§7.4): nothing observed for longer than the map's staleTimeoutNs.
    /// The check proceeds without it; the stage must report it.
    /// </summary>
    Stale,

    /// <summary>Rejected for timestamp joins (§8.2): non-monotonic timestamps or another clock domain.</summary>
    Rejected,

    /// <summary>The selected frame was overwritten or failed validation: absent for this tick, not ready (§9.1).</summary>
    Invalid,
}
