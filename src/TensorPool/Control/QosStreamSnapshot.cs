namespace TensorPool.Control;

/// <summary>One stream as a <see cref="QosMonitor"/> sees it.</summary>
/// <param name="StreamId">The data source.</param>
/// <param name="Name">DataSourceAnnounce name, empty when unknown.</param>
/// <param name="ProducerId">From QosProducer, null before any.</param>
/// <param name="Epoch">The producer's epoch from QosProducer.</param>
/// <param name="CurrentSeq">QosProducer.current_seq: the next sequence the producer will publish.</param>
/// <param name="AnnouncedEpoch">The epoch of the last ShmPoolAnnounce, null before any.</param>
/// <param name="ProducerStale">No QosProducer within the stale window (or none ever).</param>
/// <param name="Consumers">Consumers by id.</param>
public sealed record QosStreamSnapshot(uint StreamId, string Name, uint? ProducerId, ulong? Epoch, ulong? CurrentSeq, ulong? AnnouncedEpoch,
    bool ProducerStale, IReadOnlyList<QosConsumerSnapshot> Consumers);
