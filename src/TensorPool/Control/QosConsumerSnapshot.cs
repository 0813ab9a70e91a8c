namespace TensorPool.Control;

/// <summary>One consumer's last QosConsumer (§10.4.1) as a <see cref="QosMonitor"/> holds it.</summary>
/// <param name="ConsumerId">The consumer id.</param>
/// <param name="Epoch">The epoch the consumer reported.</param>
/// <param name="LastSeqSeen">last_seq_seen.</param>
/// <param name="DropsGap">drops_gap (sequence gaps and resync skips).</param>
/// <param name="DropsLate">drops_late (overwritten before or while read).</param>
/// <param name="Mode">STREAM or RATE_LIMITED (the raw value when unknown).</param>
/// <param name="Lag">Frames published after last_seq_seen (current_seq - 1 - last_seq_seen) when the epochs match, else null.</param>
/// <param name="Stale">No QosConsumer within the stale window.</param>
public sealed record QosConsumerSnapshot(uint ConsumerId, ulong Epoch, ulong LastSeqSeen, ulong DropsGap, ulong DropsLate,
    Sbe.Wire.Mode Mode, ulong? Lag, bool Stale);
