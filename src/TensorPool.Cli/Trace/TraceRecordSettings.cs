namespace TensorPool.Cli.Trace;

/// <summary>What <c>tp trace record</c> was asked to do, checked.</summary>
internal sealed record TraceRecordSettings
{
    public required string Database { get; init; }

    public required string Channel { get; init; }

    public required int DescriptorStreamId { get; init; }

    public required int ControlStreamId { get; init; }

    public required IReadOnlyList<uint> Streams { get; init; }

    public required string Namespace { get; init; }

    public required string ShmDir { get; init; }

    public int StageId { get; init; }

    public TimeSpan FlushInterval { get; init; } = TensorPool.TraceLink.Store.TraceStoreOptions.DefaultFlushInterval;

    public TimeSpan MatchTimeout { get; init; } = TensorPool.TraceLink.Store.TraceRecorderOptions.DefaultMatchTimeout;

    /// <summary>Stop after this long (null: until a signal or the end of a piped standard input).</summary>
    public TimeSpan? Duration { get; init; }

    public bool Json { get; init; }
}
