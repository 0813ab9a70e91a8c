namespace TensorPool.DriverClient;

/// <summary>
/// Told about a lease's life, on the thread that runs the connection's duty cycle. Keep the calls short: they run
/// inside the duty cycle.
/// </summary>
public interface IDriverLeaseListener
{
    /// <summary>The lease was granted, first or again after a loss: map these regions.</summary>
    void OnAttached(DriverLease lease, LeaseGrant grant);

    /// <summary>The lease is gone (§4.7): stop using its regions now and drop in-flight frames; a reattach follows.</summary>
    void OnLost(DriverLease lease, LeaseLossReason reason, string detail);

    /// <summary>
    /// The producer lease of the stream this consumer lease is for was revoked (§4.9): stop reading until an announce
    /// with a higher epoch arrives; <see cref="OnEpochWaitTimedOut"/> follows if none comes within 3 announce periods.
    /// </summary>
    void OnProducerRevoked(DriverLease lease, ulong producerLeaseId);

    /// <summary>No epoch-bumped announce came within 3 announce periods after a producer revocation (§4.9): unmap and back off.</summary>
    void OnEpochWaitTimedOut(DriverLease lease);
}
