using System.Globalization;
using TensorPool.Producers;

namespace TensorPool.JoinBarrier.Stage;

/// <summary>Settings of a <see cref="JoinStage"/>; copied and checked when the stage is made.</summary>
public sealed class JoinStageOptions
{
    /// <summary>The input streams, in the order the handler sees them (and the map's rule order).</summary>
    public IList<uint> Inputs { get; set; } = [];

    /// <summary>
    /// The output stream (its producer's stream id, header slots, metadata and <see cref="ProducerOptions.Trace"/>; its
    /// pools are the stage's). A traced output mints each frame's trace id from its inputs' (TraceLink §6.3 N→1).
    /// </summary>
    public ProducerOptions Output { get; set; } = new() { StreamId = 20000 };

    /// <summary>The barrier that gates outputs.</summary>
    public JoinBarrierKind Barrier { get; set; } = JoinBarrierKind.Sequence;

    /// <summary>
    /// Sequence rules of the map the stage publishes (sequence and latest-value barriers); null: OFFSET 0 for every input.
    /// Rules must name only <see cref="Inputs"/>.
    /// </summary>
    public IList<SequenceMergeRule>? SequenceRules { get; set; }

    /// <summary>Timestamp rules of the map the stage publishes (timestamp barrier); null: OFFSET_NS 0 on the SlotHeader time of every input.</summary>
    public IList<TimestampMergeRule>? TimestampRules { get; set; }

    /// <summary>The map's latenessNs (timestamp barrier, §8.2); null: strict readiness.</summary>
    public ulong? LatenessNs { get; set; }

    /// <summary>The map's staleTimeoutNs (§7.4); null: block on missing inputs.</summary>
    public ulong? StaleTimeoutNs { get; set; }

    /// <summary>
    /// True (default): the stage is the MergeMap authority of its output and publishes the map of every output epoch
    /// (§4, §10.1). False: another process is; the stage requests the map of its output epoch (§10.3) and stays blocked
    /// until it arrives (§7.3).
    /// </summary>
    public bool IsAuthority { get; set; } = true;

    /// <summary>The control stream MergeMaps travel on, and their timers.</summary>
    public MergeMapControlOptions Control { get; set; } = new();

    /// <summary>
    /// Bytes of each output slot; null: the number of inputs times the largest first frame of any input (the output
    /// producer then starts once every input delivered a frame).
    /// </summary>
    public int? OutputFrameBytes { get; set; }

    /// <summary>Most outputs made per duty cycle.</summary>
    public int MaxOutputsPerCycle { get; set; } = 16;

    /// <summary>Frames polled per input per duty cycle.</summary>
    public int PollLimit { get; set; } = 64;

    internal JoinStageOptions Validated()
    {
        if (Inputs.Count == 0)
        {
            throw new ArgumentException("a join stage needs at least one input", nameof(Inputs));
        }
        if (Inputs.Count > JoinBarrierOptions.DefaultMaxInputs)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{Inputs.Count} inputs: at most {JoinBarrierOptions.DefaultMaxInputs}"), nameof(Inputs));
        }
        if (Inputs.Distinct().Count() != Inputs.Count)
        {
            throw new ArgumentException("an input stream is named twice", nameof(Inputs));
        }
        ArgumentNullException.ThrowIfNull(Output);
        if (Inputs.Contains(Output.StreamId))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"the output stream {Output.StreamId} is also an input"), nameof(Output));
        }
        if (!Enum.IsDefined(Barrier))
        {
            throw new ArgumentOutOfRangeException(nameof(Barrier), Barrier, "not a join barrier");
        }
        if (SequenceRules is { } s && s.Any(r => !Inputs.Contains(r.InputStreamId)))
        {
            throw new ArgumentException("a sequence rule names a stream that is not an input", nameof(SequenceRules));
        }
        if (TimestampRules is { } t && t.Any(r => !Inputs.Contains(r.InputStreamId)))
        {
            throw new ArgumentException("a timestamp rule names a stream that is not an input", nameof(TimestampRules));
        }
        if (OutputFrameBytes is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(OutputFrameBytes), OutputFrameBytes, "must be positive");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxOutputsPerCycle, 1, nameof(MaxOutputsPerCycle));
        ArgumentOutOfRangeException.ThrowIfLessThan(PollLimit, 1, nameof(PollLimit));
        var copy = (JoinStageOptions)MemberwiseClone();
        copy.Inputs = [.. Inputs];
        copy.Output = Output.Clone();
        copy.SequenceRules = SequenceRules is null ? null : [.. SequenceRules];
        copy.TimestampRules = TimestampRules is null ? null : [.. TimestampRules];
        copy.Control.Validated();
        return copy;
    }
}
