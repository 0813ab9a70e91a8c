namespace TensorPool.Driver;

/// <summary>
/// What the driver has done and refused, counted since start (written by the duty cycle, readable from any thread).
/// Bad input from clients is counted here, never thrown.
/// </summary>
public sealed class DriverCounters
{
    internal long AttachOkCount;
    internal long AttachRejectedCount;
    internal long DuplicateAttachCount;
    internal long DetachCount;
    internal long DetachRejectedCount;
    internal long KeepaliveCount;
    internal long KeepaliveRejectedCount;
    internal long LeasesExpiredCount;
    internal long LeasesRevokedCount;
    internal long EpochsCreatedCount;
    internal long EpochsRemovedCount;
    internal long AnnouncesCount;
    internal long MalformedCount;
    internal long ShutdownRequestsRejectedCount;
    internal long ConsumerConfigsCount;
    internal long PerConsumerDeclinedCount;
    internal long OfferFailuresCount;
    internal long ProvisioningFailuresCount;

    public long AttachOk => Volatile.Read(ref AttachOkCount);

    /// <summary>Attach requests answered with a code other than OK.</summary>
    public long AttachRejected => Volatile.Read(ref AttachRejectedCount);

    /// <summary>Attach requests repeated with the correlation id of an active lease, answered with the same response (§4.8).</summary>
    public long DuplicateAttaches => Volatile.Read(ref DuplicateAttachCount);

    public long Detaches => Volatile.Read(ref DetachCount);

    public long DetachesRejected => Volatile.Read(ref DetachRejectedCount);

    public long Keepalives => Volatile.Read(ref KeepaliveCount);

    /// <summary>Keepalives for unknown or mismatched leases.</summary>
    public long KeepalivesRejected => Volatile.Read(ref KeepaliveRejectedCount);

    public long LeasesExpired => Volatile.Read(ref LeasesExpiredCount);

    /// <summary>ShmLeaseRevoked notices sent, for any reason.</summary>
    public long LeasesRevoked => Volatile.Read(ref LeasesRevokedCount);

    public long EpochsCreated => Volatile.Read(ref EpochsCreatedCount);

    public long EpochsRemoved => Volatile.Read(ref EpochsRemovedCount);

    public long Announces => Volatile.Read(ref AnnouncesCount);

    /// <summary>Control messages of the driver schema (or ConsumerHello) that did not decode.</summary>
    public long Malformed => Volatile.Read(ref MalformedCount);

    /// <summary>Shutdown requests ignored: no token configured, or a wrong one (§4.13).</summary>
    public long ShutdownRequestsRejected => Volatile.Read(ref ShutdownRequestsRejectedCount);

    public long ConsumerConfigs => Volatile.Read(ref ConsumerConfigsCount);

    /// <summary>Per-consumer stream requests declined: half-specified, outside the range, range unset or exhausted (§11).</summary>
    public long PerConsumerDeclined => Volatile.Read(ref PerConsumerDeclinedCount);

    /// <summary>Messages the transport refused (back pressure, closed).</summary>
    public long OfferFailures => Volatile.Read(ref OfferFailuresCount);

    /// <summary>Epochs that could not be created outside an attach (after a producer left).</summary>
    public long ProvisioningFailures => Volatile.Read(ref ProvisioningFailuresCount);
}
