namespace TensorPool.Transport;

/// <summary>
/// A snapshot of a subscription's delivery and loss counters, counted since it joined the stream. Every message
/// published after the subscription joined is received, lost or skipped on request:
/// <c>Received + LostMessages + SkippedMessages</c> equals the messages published since (on tp:ipc, exactly;
/// docs/DECISIONS.md D18).
/// </summary>
/// <remarks>Counters types have named init-only properties only, so a new counter is not a breaking change (docs/DECISIONS.md D100).</remarks>
public readonly record struct SubscriptionCounters
{
    /// <summary>Messages delivered to handlers.</summary>
    public long Received { get; init; }

    /// <summary>Their payload bytes.</summary>
    public long ReceivedBytes { get; init; }

    /// <summary>
    /// Messages the subscriber can prove it missed: overwritten while it lagged (lapped), held by a stalled publisher past
    /// the stall timeout, or behind a corrupt record.
    /// </summary>
    public long LostMessages { get; init; }

    /// <summary>Bytes of stream the subscriber skipped over (record framing included).</summary>
    public long LostBytes { get; init; }

    /// <summary>Times the subscriber was overtaken by publishers and had to skip ahead.</summary>
    public long Lapped { get; init; }

    /// <summary>Records skipped because their publisher did not commit within the stall timeout.</summary>
    public long StalledSkips { get; init; }

    /// <summary>
    /// Records whose header failed validation (corrupt or hostile bytes in shared memory); their messages are in
    /// <see cref="LostMessages"/>.
    /// </summary>
    public long InvalidRecords { get; init; }

    /// <summary>Messages passed over by <see cref="ISubscription.SkipBacklog"/>.</summary>
    public long SkippedMessages { get; init; }

    /// <summary>Bytes of stream those skips passed over (record framing included).</summary>
    public long SkippedBytes { get; init; }
}
