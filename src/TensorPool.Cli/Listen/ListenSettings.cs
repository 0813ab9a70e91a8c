namespace TensorPool.Cli.Listen;

/// <summary>What <c>tp listen</c> was asked to do, checked.</summary>
internal sealed record ListenSettings
{
    public required string Channel { get; init; }

    public required uint StreamId { get; init; }

    public required string Namespace { get; init; }

    public required string ShmDir { get; init; }

    /// <summary>aeron: channels: the media driver's directory (null: $AERON_DIR, else Aeron's default).</summary>
    public string? AeronDir { get; init; }

    public bool Json { get; init; }

    /// <summary>Stop after this many messages (null: no limit).</summary>
    public long? Count { get; init; }

    /// <summary>Stop after this long (null: no limit).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>At most this many bytes of a message not decoded are printed as hex.</summary>
    public int HexLimit { get; init; } = ListenRun.DefaultHexLimit;
}
