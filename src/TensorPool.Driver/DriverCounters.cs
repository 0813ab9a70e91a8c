namespace TensorPool.Driver;

/// <summary>
/// A snapshot of what the driver has done and refused, counted since start (<see cref="TensorPoolDriver.Counters"/>).
/// Bad input from clients is counted here, never thrown.
/// </summary>
/// <remarks>Counters types have named init-only properties only, so a new counter is not a breaking change (docs/DECISIONS.md D100).</remarks>
public readonly record struct DriverCounters
{
    /// <summary>Attach requests answered with OK.</summary>
    public long AttachOk { get; init; }

    /// <summary>Attach requests answered with a code other than OK.</summary>
    public long AttachRejected { get; init; }

    /// <summary>Attach requests repeated with the correlation id of an active lease, answered with the same response (§4.8).</summary>
    public long DuplicateAttaches { get; init; }

    /// <summary>Detach requests that released a lease.</summary>
    public long Detaches { get; init; }

    /// <summary>Detach requests answered with a code other than OK.</summary>
    public long DetachesRejected { get; init; }

    /// <summary>Keepalives that matched a lease and extended it.</summary>
    public long Keepalives { get; init; }

    /// <summary>Keepalives for unknown or mismatched leases.</summary>
    public long KeepalivesRejected { get; init; }

    /// <summary>Leases that expired without a keepalive.</summary>
    public long LeasesExpired { get; init; }

    /// <summary>ShmLeaseRevoked notices sent, for any reason.</summary>
    public long LeasesRevoked { get; init; }

    /// <summary>Epochs created.</summary>
    public long EpochsCreated { get; init; }

    /// <summary>Epochs removed by the garbage collector (§15.21a.7).</summary>
    public long EpochsRemoved { get; init; }

    /// <summary>ShmPoolAnnounce messages offered.</summary>
    public long Announces { get; init; }

    /// <summary>Control messages of the driver schema (or ConsumerHello) that did not decode.</summary>
    public long Malformed { get; init; }

    /// <summary>Shutdown requests ignored: no token configured, or a wrong one (§4.13).</summary>
    public long ShutdownRequestsRejected { get; init; }

    /// <summary>ConsumerConfig messages sent.</summary>
    public long ConsumerConfigs { get; init; }

    /// <summary>Per-consumer stream requests declined: half-specified, outside the range, range unset or exhausted (§11).</summary>
    public long PerConsumerDeclined { get; init; }

    /// <summary>Messages the transport refused (back pressure, closed).</summary>
    public long OfferFailures { get; init; }

    /// <summary>Epochs that could not be created outside an attach (after a producer left).</summary>
    public long ProvisioningFailures { get; init; }
}
