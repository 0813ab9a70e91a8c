namespace TensorPool.JoinBarrier.Stage;

/// <summary>What a <see cref="JoinStage"/> counted for one input (a snapshot).</summary>
public sealed record JoinInputCounters
{
    /// <summary>The input stream.</summary>
    public uint StreamId { get; init; }

    /// <summary>Descriptors observed (frames the input's consumer delivered).</summary>
    public long Observations { get; init; }

    /// <summary>Output attempts the input was present in.</summary>
    public long Ready { get; init; }

    /// <summary>Output attempts it was absent from because it was stale (§7.4).</summary>
    public long Stale { get; init; }

    /// <summary>Output attempts it was absent from otherwise (its selected frame failed validation, §9.1).</summary>
    public long Invalid { get; init; }

    /// <summary>Checks that rejected it (non-monotonic timestamps, another clock domain: §8.2).</summary>
    public long Rejected { get; init; }

    /// <summary>Its frame was overwritten or torn when the stage read it, dropping the output (§7.2).</summary>
    public long Dropped { get; init; }

    /// <summary>Absent from outputs: stale or invalid.</summary>
    public long Absent => Stale + Invalid;
}
