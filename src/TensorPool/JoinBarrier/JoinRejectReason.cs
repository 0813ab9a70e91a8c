namespace TensorPool.JoinBarrier;

/// <summary>Why a check returned <see cref="JoinStatus.Rejected"/> (JoinBarrier spec §8.2).</summary>
public enum JoinRejectReason
{
    /// <summary>Not rejected.</summary>
    None = 0,

    /// <summary>A required input is rejected (non-monotonic timestamps, another clock domain): see the inputs.</summary>
    InputRejected,

    /// <summary>out_time is in another clock domain than the map's.</summary>
    OutputClockDomain,

    /// <summary>out_time went backwards: it must be monotonic non-decreasing for the output stream.</summary>
    OutputTimeRegressed,
}
