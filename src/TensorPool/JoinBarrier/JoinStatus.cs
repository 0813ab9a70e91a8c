namespace TensorPool.JoinBarrier;

/// <summary>The outcome of a readiness check.</summary>
public enum JoinStatus
{
    /// <summary>An input is not ready yet (see the inputs' <see cref="JoinInputStatus.Reason"/>); check again later. The default: a result nobody computed is never ready.</summary>
    NotReady = 0,

    /// <summary>Every required input is ready or absent by the staleness policy, and at least one is ready: the stage may attempt the output.</summary>
    Ready,

    /// <summary>The output's epoch is not known yet (<see cref="JoinBarrierBase.SetOutputEpoch"/>): no MergeMap can apply (§6.4).</summary>
    NoOutputEpoch,

    /// <summary>No MergeMap for (out_stream_id, epoch): blocked until one is announced (§7.3); request it (§10.3).</summary>
    NoMap,

    /// <summary>The last announce for (out_stream_id, epoch) broke §6.2 / §6.3: the map is invalid until replaced.</summary>
    MapInvalid,

    /// <summary>The join is rejected: a required input or the output breaks a timestamp rule (§8.2); see <see cref="JoinResult.RejectReason"/>.</summary>
    Rejected,
}
