namespace TensorPool.Producers;

/// <summary>A snapshot of a producer's counters.</summary>
/// <param name="FramesPublished">Frames committed (their descriptors offered).</param>
/// <param name="DropsNoPool">Frames dropped because no pool's stride holds them (§9: drop, never block).</param>
/// <param name="DescriptorOfferFailures">Committed frames whose FrameDescriptor the transport refused (consumers see a sequence gap).</param>
/// <param name="Aborts">Claims aborted (by <see cref="Producer.Abort"/> or by a commit that broke a tensor rule).</param>
/// <param name="NextSeq">The sequence the next claim gets.</param>
public readonly record struct ProducerCounters(
    long FramesPublished,
    long DropsNoPool,
    long DescriptorOfferFailures,
    long Aborts,
    ulong NextSeq);
