namespace TensorPool.DriverClient;

/// <summary>Why a lease stopped being valid (driver spec §4.7, §4.9, §4.13, §10); the client then reattaches.</summary>
public enum LeaseLossReason
{
    /// <summary>ShmLeaseRevoked: DETACHED (someone detached it).</summary>
    Detached,

    /// <summary>ShmLeaseRevoked: EXPIRED (keepalives did not arrive in time).</summary>
    Expired,

    /// <summary>ShmLeaseRevoked: REVOKED (driver policy, or a lease of an earlier driver run).</summary>
    Revoked,

    /// <summary>ShmDriverShutdown.</summary>
    DriverShutdown,

    /// <summary>No announce of the stream for the driver timeout: the driver is gone.</summary>
    DriverTimeout,

    /// <summary>A producer saw its stream announced with a newer epoch: the driver no longer knows its lease.</summary>
    EpochChanged,

    /// <summary>A keepalive could not be sent (§4.4: fatal).</summary>
    KeepaliveFailed,

    /// <summary>The attach response broke a rule of §4.2 (§4.7a: fail closed).</summary>
    ProtocolError,
}
