using TensorPool.DriverClient;

namespace TensorPool.Consumers;

/// <summary>
/// Follows a consumer's lease (driver spec §4.9) on the conductor thread, through the consumer's announce tracker:
/// its own lease lost → unmap now and map nothing until the re-grant; the producer's lease of its stream revoked →
/// unmap and accept only an announce of a higher epoch (nothing of the old epoch is used again).
/// </summary>
internal sealed class DriverConsumerLink(AnnounceTracker tracker) : IDriverLeaseListener
{
    private long _losses;
    private long _producerRevocations;
    private long _epochWaitTimeouts;

    public long Losses => Interlocked.Read(ref _losses);

    public long ProducerRevocations => Interlocked.Read(ref _producerRevocations);

    public long EpochWaitTimeouts => Interlocked.Read(ref _epochWaitTimeouts);

    public void OnAttached(DriverLease lease, LeaseGrant grant) => tracker.RequireEpoch(grant.Epoch);

    public void OnLost(DriverLease lease, LeaseLossReason reason, string detail)
    {
        Interlocked.Increment(ref _losses);
        tracker.RequireEpoch(ulong.MaxValue);
    }

    public void OnProducerRevoked(DriverLease lease, ulong producerLeaseId)
    {
        Interlocked.Increment(ref _producerRevocations);
        tracker.RequireEpoch(Math.Max(lease.WaitAboveEpoch, tracker.MappedEpoch) + 1);
    }

    public void OnEpochWaitTimedOut(DriverLease lease)
    {
        // §4.9: unmapped already (at the revocation); keep waiting for the higher epoch, counted.
        Interlocked.Increment(ref _epochWaitTimeouts);
    }
}
