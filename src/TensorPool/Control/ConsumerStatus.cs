using TensorPool.Sbe.Wire;

namespace TensorPool.Control;

/// <summary>One consumer of a stream as its QosConsumer messages describe it (§10.4), at a moment.</summary>
/// <param name="ConsumerId">QosConsumer.consumerId.</param>
/// <param name="Mode">STREAM or RATE_LIMITED, as last reported (a raw value the schema does not define is kept).</param>
/// <param name="Epoch">The producer epoch the consumer last reported.</param>
/// <param name="LastSeqSeen">The newest sequence it has seen.</param>
/// <param name="DropsGap">Frames it never received a descriptor for (§15.4).</param>
/// <param name="DropsLate">Frames overwritten before or while it read them (§15.4).</param>
/// <param name="FramesPerSecond">LastSeqSeen's growth per second between its last two reports of one epoch; null until there are two.</param>
/// <param name="Lag">Frames published after LastSeqSeen (currentSeq - 1 - LastSeqSeen, currentSeq being the producer's next sequence), when both are of one epoch (0 when the consumer's report is the newer); else null.</param>
/// <param name="LastSeenNs">When its last QosConsumer or ConsumerHello arrived, on the monitor's clock.</param>
/// <param name="Stale">Nothing heard of it within the monitor's stale window.</param>
public readonly record struct ConsumerStatus(
    uint ConsumerId,
    Mode Mode,
    ulong Epoch,
    ulong LastSeqSeen,
    ulong DropsGap,
    ulong DropsLate,
    double? FramesPerSecond,
    long? Lag,
    long LastSeenNs,
    bool Stale);
