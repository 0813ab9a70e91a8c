using TensorPool.Sbe.JoinBarrier;

namespace TensorPool.JoinBarrier;

/// <summary>
/// What a join barrier learns of one input frame: the FrameDescriptor's epoch, seq and timestamp_ns, the SlotHeader's
/// timestamp_ns and the clock domain the input stream's timestamps are in. Barriers take nothing else from a consumer,
/// so they work the same fed by a <c>Consumer</c>, a test or a replay.
/// </summary>
/// <param name="Epoch">The input producer's epoch (wire spec §15.2).</param>
/// <param name="Seq">FrameDescriptor.seq (§10.2.1).</param>
/// <param name="DescriptorTimestampNs">FrameDescriptor.timestamp_ns; null when the descriptor carried the null value.</param>
/// <param name="SlotTimestampNs">SlotHeader.timestamp_ns; null when absent (see <see cref="SlotTimestamp"/>).</param>
/// <param name="ClockDomain">The clock domain of both timestamps (JoinBarrier spec §8.2).</param>
public readonly record struct JoinObservation(
    ulong Epoch,
    ulong Seq,
    ulong? DescriptorTimestampNs = null,
    ulong? SlotTimestampNs = null,
    ClockDomain ClockDomain = ClockDomain.Monotonic)
{
    /// <summary>
    /// SlotHeader.timestamp_ns as an observation carries it: the slot header has no null value in the schema, so 0
    /// (never written) and the uint64 null value read as absent (docs/DECISIONS.md D163).
    /// </summary>
    public static ulong? SlotTimestamp(ulong slotHeaderTimestampNs) =>
        slotHeaderTimestampNs == 0 || slotHeaderTimestampNs == ulong.MaxValue ? null : slotHeaderTimestampNs;

    /// <summary>FrameDescriptor.timestamp_ns as an observation carries it: the null value (uint64 max) reads as absent.</summary>
    public static ulong? DescriptorTimestamp(ulong descriptorTimestampNs) =>
        descriptorTimestampNs == ulong.MaxValue ? null : descriptorTimestampNs;
}
