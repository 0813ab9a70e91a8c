namespace TensorPool.TraceLink;

/// <summary>Sizes of a <see cref="TraceLinkQueue"/>, fixed when it is created (everything is preallocated then).</summary>
public sealed class TraceLinkQueueOptions
{
    public const int DefaultCapacity = 1024;
    public const int DefaultMaxParents = 256;

    /// <summary>The most parents a queue accepts in one set (stack scratch bounds it).</summary>
    public const int MaxMaxParents = 1024;

    /// <summary>Cells (a power of two from 2 to 2^20); a set takes one cell per <see cref="TraceLinkQueue.ParentsPerEntry"/> parents.</summary>
    public int Capacity { get; set; } = DefaultCapacity;

    /// <summary>The most parents of one TraceLinkSet (1..1024); larger sets are refused and counted.</summary>
    public int MaxParents { get; set; } = DefaultMaxParents;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option that breaks its rule.</summary>
    public void Validate()
    {
        if (Capacity < 2 || Capacity > (1 << 20) || (Capacity & (Capacity - 1)) != 0)
        {
            throw new ArgumentException($"TraceLinkQueueOptions.Capacity = {Capacity} must be a power of two from 2 to {1 << 20}", nameof(Capacity));
        }
        if (MaxParents < 1 || MaxParents > MaxMaxParents)
        {
            throw new ArgumentException($"TraceLinkQueueOptions.MaxParents = {MaxParents} must be from 1 to {MaxMaxParents}", nameof(MaxParents));
        }
        if ((MaxParents + TraceLinkQueue.ParentsPerEntry - 1) / TraceLinkQueue.ParentsPerEntry > Capacity)
        {
            throw new ArgumentException(
                $"TraceLinkQueueOptions.Capacity = {Capacity} cannot hold a set of MaxParents = {MaxParents} ({TraceLinkQueue.ParentsPerEntry} parents a cell)", nameof(Capacity));
        }
    }
}
