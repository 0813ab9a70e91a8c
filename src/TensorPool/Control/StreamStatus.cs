namespace TensorPool.Control;

/// <summary>
/// One stream as its announces and QoS describe it, at a moment (<see cref="QosMonitor.Snapshot"/>). Fields a
/// message has not reported yet are null.
/// </summary>
public sealed record StreamStatus
{
    public required uint StreamId { get; init; }

    /// <summary>The producer's epoch from its newest announce or QosProducer.</summary>
    public ulong? Epoch { get; init; }

    public uint? ProducerId { get; init; }

    /// <summary>DataSourceAnnounce.name, when the producer sends one.</summary>
    public string? Name { get; init; }

    public uint? HeaderNslots { get; init; }

    public IReadOnlyList<PoolStatus> Pools { get; init; } = [];

    /// <summary>QosProducer.currentSeq.</summary>
    public ulong? CurrentSeq { get; init; }

    /// <summary>currentSeq's growth per second between the producer's last two QosProducer reports of one epoch.</summary>
    public double? FramesPerSecond { get; init; }

    /// <summary>When the last ShmPoolAnnounce arrived, on the monitor's clock.</summary>
    public long? LastAnnounceNs { get; init; }

    /// <summary>When the last QosProducer arrived, on the monitor's clock.</summary>
    public long? LastProducerQosNs { get; init; }

    /// <summary>No QosProducer within the monitor's stale window, or none ever (§10.4.2: producers report every QoS period).</summary>
    public bool ProducerStale { get; init; }

    /// <summary>When the last message about the stream arrived, on the monitor's clock.</summary>
    public long LastSeenNs { get; init; }

    public IReadOnlyList<ConsumerStatus> Consumers { get; init; } = [];
}
