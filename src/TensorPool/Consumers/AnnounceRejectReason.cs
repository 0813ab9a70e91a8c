namespace TensorPool.Consumers;

/// <summary>
/// Why a consumer ignored or rejected a ShmPoolAnnounce for its stream (wire spec §10.1.1, §15.1, §15.5, §15.21a.5,
/// §15.22). Each is counted (<see cref="Consumer.GetAnnounceRejects"/>); nothing of a rejected announce is mapped.
/// </summary>
public enum AnnounceRejectReason
{
    /// <summary>The bytes did not decode as a ShmPoolAnnounce.</summary>
    Malformed,

    /// <summary>announce_clock_domain is neither MONOTONIC nor REALTIME_SYNCED.</summary>
    UnknownClockDomain,

    /// <summary>MONOTONIC announce stamped before this client joined (§10.1.1: log replay).</summary>
    BeforeJoin,

    /// <summary>announce_timestamp_ns outside the freshness window around local receipt time (§10.1.1, §15.1).</summary>
    Stale,

    /// <summary>An epoch lower than the one mapped (§10.1.1: prefer the highest epoch per stream).</summary>
    LowerEpoch,

    /// <summary>
    /// The announced layout is unusable: header_slot_bytes ≠ 256, layout_version ≠ 1, header_nslots not a power of two,
    /// no pools, a pool whose nslots differs from the header ring's (§15.5), a stride not a multiple of 64 (§15.22),
    /// duplicated pool ids.
    /// </summary>
    InvalidLayout,

    /// <summary>A region URI is not a valid shm:file URI (§15.22).</summary>
    UriInvalid,

    /// <summary>A region path failed containment: relative, outside the allowed base dirs, missing, not a regular file, a symlink (§15.21a.5).</summary>
    PathRejected,

    /// <summary>require_hugepages=true on a region that is not hugepage-backed (§15.22).</summary>
    HugepagesRejected,

    /// <summary>A region's superblock or size disagrees with the announce (§15.1).</summary>
    SuperblockMismatch,

    /// <summary>The header ring's activity_timestamp_ns is older than the freshness window (§15.1).</summary>
    ActivityStale,

    /// <summary>Mapping failed for another reason (I/O, memory).</summary>
    MapFailed,
}
