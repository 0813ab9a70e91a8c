using TensorPool.Sbe.JoinBarrier;

namespace TensorPool.JoinBarrier;

/// <summary>
/// What a join barrier learns of one input frame: the FrameDescriptor's epoch, seq and timestamp_ns, the SlotHeader's
/// timestamp_ns and the clock domain the input stream's timestamps are in. Barriers take nothing else from a consumer,
/// so they work the same fed by a <c>Consumer</c>, a test or a replay.
/// </summary>
/// <example><c>new JoinObservation { Epoch = frame.Epoch, Seq = frame.Seq, SlotTimestampNs = JoinObservation.SlotTimestamp(frame.TimestampNs) }</c></example>
public readonly record struct JoinObservation
{
    private readonly ClockDomain _clockDomain;

    /// <summary>The input producer's epoch (wire spec §15.2).</summary>
    public ulong Epoch { get; init; }

    /// <summary>FrameDescriptor.seq (§10.2.1).</summary>
    public ulong Seq { get; init; }

    /// <summary>FrameDescriptor.timestamp_ns; null when the descriptor carried the null value.</summary>
    public ulong? DescriptorTimestampNs { get; init; }

    /// <summary>SlotHeader.timestamp_ns; null when absent (see <see cref="SlotTimestamp"/>).</summary>
    public ulong? SlotTimestampNs { get; init; }

    /// <summary>The clock domain of both timestamps (JoinBarrier spec §8.2); <see cref="ClockDomain.Monotonic"/> unless set.</summary>
    public ClockDomain ClockDomain
    {
        // The schema's enum has no zero member: an observation that never set it is in the local monotonic clock.
        get => _clockDomain == default ? ClockDomain.Monotonic : _clockDomain;
        init => _clockDomain = value;
    }

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
