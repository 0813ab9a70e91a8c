using TensorPool.Time;

namespace TensorPool.TraceLink;

/// <summary>
/// Mints trace ids (TraceLink §6.1, §6.3) in the Agrona Snowflake layout of <see cref="TraceId"/>: lock-free (one
/// compare-and-swap), safe from any number of threads, strictly increasing for everyone who shares the generator,
/// never <see cref="TraceId.Null"/>, and never waiting for the clock.
/// </summary>
/// <remarks>
/// <para>The generator keeps one word, the last id's timestamp and sequence. When the clock has moved past that
/// millisecond the next id starts it at sequence 0; otherwise the sequence goes up by one. When the 4096 ids of a
/// millisecond are used up, or the clock stepped back (NTP, a VM restore), the generator moves its timestamp on by one
/// millisecond instead of waiting as Agrona does: the hot path never spins, ids stay unique and increasing, and their
/// timestamps run ahead of the clock only until it catches up (D150).</para>
/// <para>The node id is fixed for the generator's life (§6.2: stable for the process); see <see cref="TraceNodeId"/>.</para>
/// </remarks>
public sealed class TraceIdGenerator
{
    private const long NanosPerMilli = 1_000_000;

    private readonly IClock _clock;
    private readonly long _timestampOffsetMs;
    private readonly ulong _nodeBits;

    // timestamp << TimestampShift | sequence; the node bits are OR'ed in on the way out.
    private long _timestampSequence;

    /// <summary>A generator for <paramref name="nodeId"/> (0..1023).</summary>
    /// <param name="nodeId">The node id (§6.2), unique in the deployment: <see cref="TraceNodeId.Resolve"/>.</param>
    /// <param name="realtimeClock">Nanoseconds since the Unix epoch; null is CLOCK_REALTIME. Inject one in tests.</param>
    /// <param name="timestampOffsetMs">Milliseconds since the Unix epoch subtracted from the clock (Agrona's offset); 0 as the reference.</param>
    public TraceIdGenerator(uint nodeId, IClock? realtimeClock = null, long timestampOffsetMs = 0)
    {
        if (nodeId > TraceId.MaxNodeId)
        {
            throw new ArgumentOutOfRangeException(nameof(nodeId), nodeId,
                $"a node id must fit the {TraceId.NodeIdBits} node bits of the trace id (0..{TraceId.MaxNodeId}) (TraceLink §6.2)");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(timestampOffsetMs);
        NodeId = nodeId;
        _clock = realtimeClock ?? RealtimeClock.Instance;
        _timestampOffsetMs = timestampOffsetMs;
        _nodeBits = (ulong)nodeId << TraceId.SequenceBits;
    }

    /// <summary>The node id every id of this generator carries.</summary>
    public uint NodeId { get; }

    /// <summary>The next trace id: greater than every id this generator returned before, never 0.</summary>
    public ulong Next()
    {
        while (true)
        {
            long old = Volatile.Read(ref _timestampSequence);
            long nowMs = (_clock.NanoTime() / NanosPerMilli) - _timestampOffsetMs;
            long oldMs = old >> TraceId.TimestampShift;
            long next;
            if (nowMs > oldMs)
            {
                next = nowMs << TraceId.TimestampShift;
            }
            else if ((old & TraceId.MaxSequence) < TraceId.MaxSequence)
            {
                next = old + 1;
            }
            else
            {
                // The millisecond is used up (or the clock is behind it): take the next one rather than wait (D150).
                next = (oldMs + 1) << TraceId.TimestampShift;
            }
            if (Interlocked.CompareExchange(ref _timestampSequence, next, old) == old)
            {
                // Never 0: the word only ever grows from 0, so next > 0.
                return (ulong)next | _nodeBits;
            }
        }
    }
}
