namespace TensorPool.Control;

/// <summary>What a <see cref="ConsumerRegistry"/> needs to know of its producer and client, resolved once.</summary>
internal sealed record RegistrySettings(
    uint StreamId,
    uint LayoutVersion,
    string Channel,
    int[] SharedStreamIds,
    long StaleTimeoutNs,
    int MaxPerConsumerStreams,
    string PayloadFallbackUri,
    long ProgressIntervalFloorNs,
    uint ProgressBytesDeltaFloor);
