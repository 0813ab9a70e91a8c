namespace TensorPool.Driver.Protocol;

/// <summary>
/// The driver's live counts: incremented by the duty cycle only, read from any thread into a
/// <see cref="DriverCounters"/> snapshot.
/// </summary>
internal sealed class DriverTallies
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

    public DriverCounters Snapshot() => new()
    {
        AttachOk = Volatile.Read(ref AttachOkCount),
        AttachRejected = Volatile.Read(ref AttachRejectedCount),
        DuplicateAttaches = Volatile.Read(ref DuplicateAttachCount),
        Detaches = Volatile.Read(ref DetachCount),
        DetachesRejected = Volatile.Read(ref DetachRejectedCount),
        Keepalives = Volatile.Read(ref KeepaliveCount),
        KeepalivesRejected = Volatile.Read(ref KeepaliveRejectedCount),
        LeasesExpired = Volatile.Read(ref LeasesExpiredCount),
        LeasesRevoked = Volatile.Read(ref LeasesRevokedCount),
        EpochsCreated = Volatile.Read(ref EpochsCreatedCount),
        EpochsRemoved = Volatile.Read(ref EpochsRemovedCount),
        Announces = Volatile.Read(ref AnnouncesCount),
        Malformed = Volatile.Read(ref MalformedCount),
        ShutdownRequestsRejected = Volatile.Read(ref ShutdownRequestsRejectedCount),
        ConsumerConfigs = Volatile.Read(ref ConsumerConfigsCount),
        PerConsumerDeclined = Volatile.Read(ref PerConsumerDeclinedCount),
        OfferFailures = Volatile.Read(ref OfferFailuresCount),
        ProvisioningFailures = Volatile.Read(ref ProvisioningFailuresCount),
    };
}
