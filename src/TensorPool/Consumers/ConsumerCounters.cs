namespace TensorPool.Consumers;

/// <summary>
/// A snapshot of a consumer's counters. Every FrameDescriptor of the consumer's stream that it receives ends in
/// exactly one of: accepted, late, epoch, unmapped, invalid, regressed, resync, rate-limited; sequences it never received a descriptor
/// for are counted in <see cref="DropsGap"/>. So for a consumer that saw sequences <c>first..last</c>:
/// <c>FramesAccepted + DropsGap + DropsLate + DropsOther + DropsResync + RateLimited = last - first + 1</c>.
/// </summary>
/// <remarks>Counters types have named init-only properties only, so a new counter is not a breaking change (docs/DECISIONS.md D100).</remarks>
public readonly record struct ConsumerCounters
{
    /// <summary>Frames delivered and still valid after the handler read them.</summary>
    public long FramesAccepted { get; init; }

    /// <summary>Sequences never received (§15.4 drops_gap).</summary>
    public long DropsGap { get; init; }

    /// <summary>Frames overwritten before or while being read: seqlock instability (§15.3, §15.4 drops_late).</summary>
    public long DropsLate { get; init; }

    /// <summary>Descriptors whose epoch is not the mapped one (§10.2.1, §15.21).</summary>
    public long DropsEpoch { get; init; }

    /// <summary>Descriptors received while nothing was mapped (state M0, §15.21).</summary>
    public long DropsUnmapped { get; init; }

    /// <summary>Slots that failed a header rule (<see cref="Frames.SlotRejectReason"/> 3..22; stale reuse included).</summary>
    public long DropsInvalid { get; init; }

    /// <summary>Descriptors whose sequence went backwards within an epoch (§15.2: a remap requirement).</summary>
    public long DropsRegressed { get; init; }

    /// <summary>Descriptors skipped unread by a resync (§15.4 max_outstanding_seq_gap); reported in QoS as drops_gap.</summary>
    public long DropsResync { get; init; }

    /// <summary>Times the consumer resynced.</summary>
    public long Resyncs { get; init; }

    /// <summary>
    /// Sequences skipped on purpose in RATE_LIMITED mode (§11): gated locally, or left out by the producer's max_rate_hz
    /// cap on a per-consumer stream. Not drops.
    /// </summary>
    public long RateLimited { get; init; }

    /// <summary>FrameDescriptors of this stream received.</summary>
    public long DescriptorsReceived { get; init; }

    /// <summary>Messages on the descriptor stream that did not decode (counted, never thrown).</summary>
    public long MalformedDescriptors { get; init; }

    /// <summary>The first sequence received, or null before any.</summary>
    public ulong? FirstSeqSeen { get; init; }

    /// <summary>The last sequence received, or null before any.</summary>
    public ulong? LastSeqSeen { get; init; }

    /// <summary>ShmPoolAnnounces of this stream accepted (fresh, mapped or refreshing the mapping).</summary>
    public long AnnouncesAccepted { get; init; }

    /// <summary>ShmPoolAnnounces of this stream ignored or rejected (by reason: <see cref="Consumer.GetAnnounceRejects"/>).</summary>
    public long AnnouncesRejected { get; init; }

    /// <summary>Times regions were mapped (the first epoch and every remap).</summary>
    public long Mappings { get; init; }

    /// <summary>Times the mapped producer's activity timestamp went stale and the regions were unmapped (§15.14).</summary>
    public long LivenessTimeouts { get; init; }

    /// <summary>Drops that are neither gaps, late frames nor resync skips: epoch, unmapped, invalid, regressed.</summary>
    public long DropsOther => DropsEpoch + DropsUnmapped + DropsInvalid + DropsRegressed;

    /// <summary>Every dropped sequence, whatever the cause.</summary>
    public long DropsTotal => DropsGap + DropsLate + DropsOther + DropsResync;
}
