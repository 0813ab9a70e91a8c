namespace TensorPool.TraceLink;

/// <summary>
/// The 64-bit trace id (TraceLink §6.1) in the Agrona Snowflake layout: from the most significant bit, 1 unused (zero)
/// bit, a 41-bit millisecond timestamp, a 10-bit node id and a 12-bit per-millisecond sequence. Ids sort by their
/// timestamp; 0 is the null trace id (§8.1: unset).
/// </summary>
public static class TraceId
{
    /// <summary>The null trace id (§8.1): the frame carries no trace.</summary>
    public const ulong Null = 0;

    /// <summary>Bits of the millisecond timestamp.</summary>
    public const int TimestampBits = 41;

    /// <summary>Bits of the node id (§6.2).</summary>
    public const int NodeIdBits = 10;

    /// <summary>Bits of the sequence within one millisecond.</summary>
    public const int SequenceBits = 12;

    /// <summary>The largest node id the layout holds (1023).</summary>
    public const uint MaxNodeId = (1u << NodeIdBits) - 1;

    /// <summary>The largest sequence within one millisecond (4095).</summary>
    public const int MaxSequence = (1 << SequenceBits) - 1;

    /// <summary>How far the timestamp is shifted: node id and sequence bits together.</summary>
    public const int TimestampShift = NodeIdBits + SequenceBits;

    /// <summary>The timestamp part: milliseconds since the generator's epoch (the Unix epoch by default).</summary>
    public static long TimestampMs(ulong traceId) => (long)(traceId >> TimestampShift);

    /// <summary>The node id part (§6.2).</summary>
    public static uint NodeId(ulong traceId) => (uint)(traceId >> SequenceBits) & MaxNodeId;

    /// <summary>The sequence part.</summary>
    public static int Sequence(ulong traceId) => (int)(traceId & MaxSequence);

    /// <summary>The id with these parts; throws when a part does not fit its bits.</summary>
    public static ulong Compose(long timestampMs, uint nodeId, int sequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(timestampMs);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(timestampMs, 1L << TimestampBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nodeId, MaxNodeId);
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sequence, MaxSequence);
        return ((ulong)timestampMs << TimestampShift) | ((ulong)nodeId << SequenceBits) | (uint)sequence;
    }
}
