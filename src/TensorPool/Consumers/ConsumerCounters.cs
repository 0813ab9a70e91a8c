namespace TensorPool.Consumers;

/// <summary>
/// A snapshot of a consumer's counters. Every FrameDescriptor of the consumer's stream that it receives ends in
/// exactly one of: accepted, late, epoch, unmapped, invalid, regressed, resync, rate-limited; sequences it never received a descriptor
/// for are counted in <see cref="DropsGap"/>. So for a consumer that saw sequences <c>first..last</c>:
/// <c>FramesAccepted + DropsGap + DropsLate + DropsOther + DropsResync + RateLimited = last - first + 1</c>.
/// </summary>
/// <param name="FramesAccepted">Frames delivered and still valid after the handler read them.</param>
/// <param name="DropsGap">Sequences never received (§15.4 drops_gap).</param>
/// <param name="DropsLate">Frames overwritten before or while being read: seqlock instability (§15.3, §15.4 drops_late).</param>
/// <param name="DropsEpoch">Descriptors whose epoch is not the mapped one (§10.2.1, §15.21).</param>
/// <param name="DropsUnmapped">Descriptors received while nothing was mapped (state M0, §15.21).</param>
/// <param name="DropsInvalid">Slots that failed a header rule (<see cref="Frames.SlotRejectReason"/> 3..22; stale reuse included).</param>
/// <param name="DropsRegressed">Descriptors whose sequence went backwards within an epoch (§15.2: a remap requirement).</param>
/// <param name="DropsResync">Descriptors skipped unread by a resync (§15.4 max_outstanding_seq_gap); reported in QoS as drops_gap.</param>
/// <param name="Resyncs">Times the consumer resynced.</param>
/// <param name="RateLimited">Sequences skipped on purpose in RATE_LIMITED mode (§11): gated locally, or left out by the producer's max_rate_hz cap on a per-consumer stream. Not drops.</param>
/// <param name="DescriptorsReceived">FrameDescriptors of this stream received.</param>
/// <param name="MalformedDescriptors">Messages on the descriptor stream that did not decode (counted, never thrown).</param>
/// <param name="FirstSeqSeen">The first sequence received, or null before any.</param>
/// <param name="LastSeqSeen">The last sequence received, or null before any.</param>
/// <param name="AnnouncesAccepted">ShmPoolAnnounces of this stream accepted (fresh, mapped or refreshing the mapping).</param>
/// <param name="AnnouncesRejected">ShmPoolAnnounces of this stream ignored or rejected (by reason: <see cref="Consumer.GetAnnounceRejects"/>).</param>
/// <param name="Mappings">Times regions were mapped (the first epoch and every remap).</param>
/// <param name="LivenessTimeouts">Times the mapped producer's activity timestamp went stale and the regions were unmapped (§15.14).</param>
public readonly record struct ConsumerCounters(
    long FramesAccepted,
    long DropsGap,
    long DropsLate,
    long DropsEpoch,
    long DropsUnmapped,
    long DropsInvalid,
    long DropsRegressed,
    long DropsResync,
    long Resyncs,
    long RateLimited,
    long DescriptorsReceived,
    long MalformedDescriptors,
    ulong? FirstSeqSeen,
    ulong? LastSeqSeen,
    long AnnouncesAccepted,
    long AnnouncesRejected,
    long Mappings,
    long LivenessTimeouts)
{
    /// <summary>Drops that are neither gaps, late frames nor resync skips: epoch, unmapped, invalid, regressed.</summary>
    public long DropsOther => DropsEpoch + DropsUnmapped + DropsInvalid + DropsRegressed;

    /// <summary>Every dropped sequence, whatever the cause.</summary>
    public long DropsTotal => DropsGap + DropsLate + DropsOther + DropsResync;
}
