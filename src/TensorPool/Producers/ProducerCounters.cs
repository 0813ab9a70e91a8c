namespace TensorPool.Producers;

/// <summary>A snapshot of a producer's counters.</summary>
/// <remarks>Counters types have named init-only properties only, so a new counter is not a breaking change (docs/DECISIONS.md D100).</remarks>
public readonly record struct ProducerCounters
{
    /// <summary>Frames committed (their descriptors offered).</summary>
    public long FramesPublished { get; init; }

    /// <summary>Frames dropped because no pool's stride holds them (§9: drop, never block).</summary>
    public long DropsNoPool { get; init; }

    /// <summary>Committed frames whose FrameDescriptor the transport refused (consumers see a sequence gap).</summary>
    public long DescriptorOfferFailures { get; init; }

    /// <summary>Claims aborted (by <see cref="Producer.Abort"/> or by a commit that broke a tensor rule).</summary>
    public long Aborts { get; init; }

    /// <summary>The sequence the next claim gets.</summary>
    public ulong NextSeq { get; init; }
}
