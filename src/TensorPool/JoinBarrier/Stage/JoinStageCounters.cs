namespace TensorPool.JoinBarrier.Stage;

/// <summary>What a <see cref="JoinStage"/> counted (a snapshot).</summary>
public sealed record JoinStageCounters
{
    /// <summary>Output frames published.</summary>
    public long Outputs { get; init; }

    /// <summary>Ready ticks whose output was dropped: an input frame overwritten or torn, or no pool held the output.</summary>
    public long DroppedOutputs { get; init; }

    /// <summary>Output sequences given up by a sequence join (each a dropped output; consumers count a gap).</summary>
    public long SkippedSequences { get; init; }

    /// <summary>Outputs larger than the output's slots.</summary>
    public long DropsNoPool { get; init; }

    /// <summary>Output epochs started (1 + restarts).</summary>
    public long OutputEpochs { get; init; }

    /// <summary>Readiness checks made.</summary>
    public long Checks { get; init; }

    /// <summary>Checks blocked: no output epoch, no map or an invalid map (§6.4, §7.3).</summary>
    public long Blocked { get; init; }

    /// <summary>Checks not ready.</summary>
    public long NotReady { get; init; }

    /// <summary>Checks rejected (§8.2, §9.2).</summary>
    public long Rejected { get; init; }

    /// <summary>Maps the barrier applied.</summary>
    public long MapsApplied { get; init; }

    /// <summary>MergeMap requests sent (§10.3, §10.5).</summary>
    public long MapRequests { get; init; }
}
