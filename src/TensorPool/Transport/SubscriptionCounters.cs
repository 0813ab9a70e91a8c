namespace TensorPool.Transport;

/// <summary>
/// A snapshot of a subscription's delivery and loss counters, counted since it joined the stream. Every message
/// published after the subscription joined is received, lost or skipped on request:
/// <c>Received + LostMessages + SkippedMessages</c> equals the messages published since (on tp:ipc, exactly;
/// docs/DECISIONS.md D18).
/// </summary>
/// <param name="Received">Messages delivered to handlers.</param>
/// <param name="ReceivedBytes">Their payload bytes.</param>
/// <param name="LostMessages">Messages the subscriber can prove it missed: overwritten while it lagged (lapped), held by a stalled publisher past the stall timeout, or behind a corrupt record.</param>
/// <param name="LostBytes">Bytes of stream the subscriber skipped over (record framing included).</param>
/// <param name="Lapped">Times the subscriber was overtaken by publishers and had to skip ahead.</param>
/// <param name="StalledSkips">Records skipped because their publisher did not commit within the stall timeout.</param>
/// <param name="InvalidRecords">Records whose header failed validation (corrupt or hostile bytes in shared memory); their messages are in <paramref name="LostMessages"/>.</param>
/// <param name="SkippedMessages">Messages passed over by <see cref="ISubscription.SkipBacklog"/>.</param>
/// <param name="SkippedBytes">Bytes of stream those skips passed over (record framing included).</param>
public readonly record struct SubscriptionCounters(
    long Received,
    long ReceivedBytes,
    long LostMessages,
    long LostBytes,
    long Lapped,
    long StalledSkips,
    long InvalidRecords,
    long SkippedMessages,
    long SkippedBytes);
