namespace TensorPool.Cli.Shm;

/// <summary>Counts over the slots of a ring, and the pools its slots named.</summary>
internal sealed record SlotSummary
{
    public long Empty { get; init; }
    public long Writing { get; init; }
    public long Committed { get; init; }

    /// <summary>Committed slots every checked rule accepts.</summary>
    public long Accepted { get; init; }

    /// <summary>Committed slots a consumer would DROP.</summary>
    public long Dropped { get; init; }

    /// <summary>Committed slots whose pool rules could not be checked (pool missing or rejected).</summary>
    public long PoolUnchecked { get; init; }

    public IReadOnlyList<PoolReport> Pools { get; init; } = [];
}
