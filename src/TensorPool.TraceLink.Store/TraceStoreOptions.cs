namespace TensorPool.TraceLink.Store;

/// <summary>How a <see cref="TraceStore"/> opens its database and batches its writes (TraceLink §14: 10–100 ms transactions).</summary>
public sealed class TraceStoreOptions
{
    public const int DefaultQueueCapacity = 1 << 18;
    public const int DefaultMaxBatch = 1 << 15;
    public static readonly TimeSpan DefaultFlushInterval = TimeSpan.FromMilliseconds(50);
    public static readonly TimeSpan MinFlushInterval = TimeSpan.FromMilliseconds(10);
    public static readonly TimeSpan MaxFlushInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The SQLite database file; created (with the spec's tables) when it does not exist.</summary>
    public required string Path { get; set; }

    /// <summary>How often the writer commits what was queued, in one transaction (10–100 ms, §14).</summary>
    public TimeSpan FlushInterval { get; set; } = DefaultFlushInterval;

    /// <summary>
    /// Records (a frame, one parent link, a window) the queue between the recording threads and the writer holds: a power
    /// of two from 1024 to 2^24. When the writer falls behind by more, records are dropped and counted, never waited for.
    /// </summary>
    public int QueueCapacity { get; set; } = DefaultQueueCapacity;

    /// <summary>The most records one transaction writes (1024 to 2^20).</summary>
    public int MaxBatch { get; set; } = DefaultMaxBatch;

    /// <summary>How long one statement waits for another connection's lock before the batch is put back and retried (whole seconds, 1–60).</summary>
    public int BusyTimeoutSeconds { get; set; } = 1;

    /// <summary>Open for queries only: never creates the file or its tables, never writes.</summary>
    public bool ReadOnly { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option that breaks its rule.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            throw new ArgumentException("TraceStoreOptions.Path must name the database file", nameof(Path));
        }
        if (FlushInterval < MinFlushInterval || FlushInterval > MaxFlushInterval)
        {
            throw new ArgumentException(
                $"TraceStoreOptions.FlushInterval = {FlushInterval.TotalMilliseconds} ms must be from 10 to 100 ms (TraceLink §14)", nameof(FlushInterval));
        }
        if (QueueCapacity < 1024 || QueueCapacity > (1 << 24) || (QueueCapacity & (QueueCapacity - 1)) != 0)
        {
            throw new ArgumentException($"TraceStoreOptions.QueueCapacity = {QueueCapacity} must be a power of two from 1024 to {1 << 24}", nameof(QueueCapacity));
        }
        if (MaxBatch < 1024 || MaxBatch > (1 << 20))
        {
            throw new ArgumentException($"TraceStoreOptions.MaxBatch = {MaxBatch} must be from 1024 to {1 << 20}", nameof(MaxBatch));
        }
        if (BusyTimeoutSeconds < 1 || BusyTimeoutSeconds > 60)
        {
            throw new ArgumentException($"TraceStoreOptions.BusyTimeoutSeconds = {BusyTimeoutSeconds} must be from 1 to 60", nameof(BusyTimeoutSeconds));
        }
    }
}
