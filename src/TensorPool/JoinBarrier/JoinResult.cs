namespace TensorPool.JoinBarrier;

/// <summary>
/// The outcome of one readiness check and a count of the required inputs by state. The inputs themselves are in
/// <see cref="JoinBarrierBase.Inputs"/> until the next check (allocation-free: nothing is copied out).
/// </summary>
public readonly record struct JoinResult(
    JoinStatus Status,
    int Ready,
    int Waiting,
    int Stale,
    int Rejected,
    int Invalid,
    JoinRejectReason RejectReason = JoinRejectReason.None)
{
    /// <summary>The stage may attempt the output (slot validation then stays single-attempt, drop on failure: §7.2).</summary>
    public bool IsReady => Status == JoinStatus.Ready;

    /// <summary>Required inputs absent from this output: stale, invalid or rejected (§7.4).</summary>
    public int Absent => Stale + Rejected + Invalid;

    internal static JoinResult Blocked(JoinStatus status) => new(status, 0, 0, 0, 0, 0);
}
