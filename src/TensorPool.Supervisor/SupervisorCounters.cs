namespace TensorPool.Supervisor;

/// <summary>What the supervisor has seen, sent and refused since start (written by its duty cycle, readable from any thread).</summary>
public sealed class SupervisorCounters
{
    internal long HellosCount;
    internal long ConfigsCount;
    internal long IdsAssignedCount;
    internal long AnnouncesCount;
    internal long MetadataCount;
    internal long QosConsumerCount;
    internal long QosProducerCount;
    internal long MalformedCount;
    internal long OverCapacityCount;
    internal long StaleCount;
    internal long RelayedCount;
    internal long RateCappedCount;
    internal long RelayOfferFailuresCount;
    internal long OfferFailuresCount;

    public long Hellos => Volatile.Read(ref HellosCount);

    /// <summary>ConsumerConfig messages published (§10.1.3).</summary>
    public long Configs => Volatile.Read(ref ConfigsCount);

    /// <summary>Consumer ids handed out on request (docs/DECISIONS.md D147).</summary>
    public long IdsAssigned => Volatile.Read(ref IdsAssignedCount);

    public long Announces => Volatile.Read(ref AnnouncesCount);

    public long Metadata => Volatile.Read(ref MetadataCount);

    public long QosConsumer => Volatile.Read(ref QosConsumerCount);

    public long QosProducer => Volatile.Read(ref QosProducerCount);

    /// <summary>Messages of the types followed that did not decode (counted, never thrown).</summary>
    public long Malformed => Volatile.Read(ref MalformedCount);

    /// <summary>Hellos of new consumers beyond consumer_capacity, ignored.</summary>
    public long OverCapacity => Volatile.Read(ref OverCapacityCount);

    /// <summary>Consumers forgotten after consumer_stale_ms without a hello or QoS.</summary>
    public long Stale => Volatile.Read(ref StaleCount);

    /// <summary>FrameDescriptor / FrameProgress messages forwarded to per-consumer streams the supervisor serves.</summary>
    public long Relayed => Volatile.Read(ref RelayedCount);

    /// <summary>Descriptors not forwarded because the consumer's rate cap was reached (§11).</summary>
    public long RateCapped => Volatile.Read(ref RateCappedCount);

    public long RelayOfferFailures => Volatile.Read(ref RelayOfferFailuresCount);

    /// <summary>ConsumerConfig / ControlResponse the transport refused.</summary>
    public long OfferFailures => Volatile.Read(ref OfferFailuresCount);
}
