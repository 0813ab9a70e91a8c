namespace TensorPool.Cli.Status;

/// <summary>What <c>tp status</c> was asked to do, checked.</summary>
internal sealed record StatusSettings
{
    public required string Channel { get; init; }

    /// <summary>aeron: channels: the media driver's directory (null: $AERON_DIR, else Aeron's default).</summary>
    public string? AeronDir { get; init; }

    public required uint ControlStreamId { get; init; }

    public required uint QosStreamId { get; init; }

    public required uint MetadataStreamId { get; init; }

    public required string Namespace { get; init; }

    public required string ShmDir { get; init; }

    public bool Json { get; init; }

    /// <summary>Refresh until stopped instead of printing once.</summary>
    public bool Watch { get; init; }

    /// <summary>How long to listen before the one table (QoS and announces come once a second).</summary>
    public TimeSpan Wait { get; init; } = TimeSpan.FromSeconds(2.5);

    /// <summary>Time between refreshes with --watch.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>With --watch: stop after this long (null: until stopped).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Streams and consumers not heard of for this long are dropped from the table.</summary>
    public TimeSpan Forget { get; init; } = TimeSpan.FromSeconds(30);
}
