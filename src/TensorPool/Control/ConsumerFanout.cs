using TensorPool.Control.Internal;
using TensorPool.Transport;

namespace TensorPool.Control;

/// <summary>
/// What a producer sends besides its shared streams, rebuilt by the conductor whenever the set of consumers changes and
/// read by the producer's thread once per commit or progress report (copy-on-write: never mutated after publication).
/// </summary>
internal sealed class ConsumerFanout
{
    public static readonly ConsumerFanout Empty = new([], [], false, 0, 0, 0);

    public ConsumerFanout(PerConsumerStream[] descriptors, IPublication[] progressControls, bool progressShared,
        long progressIntervalNs, uint progressBytesDelta, uint progressMajorDeltaUnits)
    {
        Descriptors = descriptors;
        ProgressControls = progressControls;
        ProgressShared = progressShared;
        ProgressIntervalNs = progressIntervalNs;
        ProgressBytesDelta = progressBytesDelta;
        ProgressMajorDeltaUnits = progressMajorDeltaUnits;
    }

    /// <summary>Per-consumer descriptor streams (§5), each with its rate cap.</summary>
    public PerConsumerStream[] Descriptors { get; }

    /// <summary>Per-consumer control streams of consumers that support progress: FrameProgress only (§5).</summary>
    public IPublication[] ProgressControls { get; }

    /// <summary>Some consumer that supports progress has no control stream of its own: send on the shared one.</summary>
    public bool ProgressShared { get; }

    /// <summary>§10.2.2: publish FrameProgress only when at least one consumer supports it.</summary>
    public bool ProgressEnabled => ProgressShared || ProgressControls.Length > 0;

    /// <summary>The aggregated policy: smallest hints offered, never below the producer's floors (§10.2.2).</summary>
    public long ProgressIntervalNs { get; }

    public uint ProgressBytesDelta { get; }

    /// <summary>0 when no consumer gave a major-axis hint.</summary>
    public uint ProgressMajorDeltaUnits { get; }

    public bool IsEmpty => Descriptors.Length == 0 && !ProgressEnabled;
}
