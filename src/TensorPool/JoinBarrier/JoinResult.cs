namespace TensorPool.JoinBarrier;

/// <summary>
/// The outcome of one readiness check and a count of the required inputs by state. The inputs themselves are in
/// <see cref="JoinBarrierBase.Inputs"/> until the next check (allocation-free: nothing is copied out). Made by the
/// barriers only; the default value is a result nobody computed and is never ready.
/// </summary>
public readonly record struct JoinResult
{
    internal JoinResult(JoinStatus status, int ready, int waiting, int stale, int rejected, int invalid, JoinRejectReason rejectReason)
    {
        Status = status;
        Ready = ready;
        Waiting = waiting;
        Stale = stale;
        Rejected = rejected;
        Invalid = invalid;
        RejectReason = rejectReason;
    }

    /// <summary>Whether the stage may attempt the output, and if not why.</summary>
    public JoinStatus Status { get; }

    /// <summary>Required inputs that are ready.</summary>
    public int Ready { get; }

    /// <summary>Required inputs not ready yet (not absent: the check waits for them).</summary>
    public int Waiting { get; }

    /// <summary>Required inputs absent by the staleness policy (§7.4).</summary>
    public int Stale { get; }

    /// <summary>Required inputs rejected (§8.2, §9.2).</summary>
    public int Rejected { get; }

    /// <summary>Required inputs whose selected frame failed validation (§9.1).</summary>
    public int Invalid { get; }

    /// <summary>Why the check was rejected, when <see cref="Status"/> is <see cref="JoinStatus.Rejected"/>.</summary>
    public JoinRejectReason RejectReason { get; }

    /// <summary>The stage may attempt the output (slot validation then stays single-attempt, drop on failure: §7.2).</summary>
    public bool IsReady => Status == JoinStatus.Ready;

    /// <summary>Required inputs absent from this output: stale, invalid or rejected (§7.4).</summary>
    public int Absent => Stale + Rejected + Invalid;

    internal static JoinResult Blocked(JoinStatus status) => new(status, 0, 0, 0, 0, 0, JoinRejectReason.None);
}
