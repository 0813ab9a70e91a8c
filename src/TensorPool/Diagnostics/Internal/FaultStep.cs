using System.ComponentModel;

namespace TensorPool.Diagnostics.Internal;

/// <summary>
/// The protocol steps a process can be killed at by <see cref="FaultPoint"/> (tests only; docs/DECISIONS.md D205).
/// Named in <c>TP_FAULT_AT</c> by <see cref="FaultPoint.StepName"/>.
/// </summary>
/// <remarks>Pubternal: public for the project's own assemblies only, not covered by compatibility (docs/CONTRIBUTING.md, "Pubternal").</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum FaultStep
{
    None,

    /// <summary>A client: an attach response was accepted, nothing used yet. The driver: a lease recorded, its response not sent.</summary>
    Attach,

    /// <summary>A producer: the slot is marked in progress (wire §15.18 step 3), no payload byte written.</summary>
    Claim,

    /// <summary>A producer in <c>TryOffer</c>: half of the payload copied into the slot.</summary>
    PayloadWrite,

    /// <summary>A producer: the seqlock committed, the FrameDescriptor not offered (wire §8.3).</summary>
    Commit,

    /// <summary>A producer's conductor before its announces (QosProducer, DataSourceAnnounce); the driver before ShmPoolAnnounce.</summary>
    Announce,

    /// <summary>A client: a keepalive sent (driver §4.4). The driver: a keepalive received, the lease not yet extended.</summary>
    Keepalive,

    /// <summary>A client: a detach request sent (driver §4.9). The driver: a detach received, the lease not yet ended.</summary>
    Detach,

    /// <summary>A producer switched, or a consumer remapped, to a new epoch. The driver: a new epoch's files created, not announced.</summary>
    EpochChange,
}
