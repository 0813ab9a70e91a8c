namespace TensorPool.Transport;

/// <summary>A snapshot of a subscription's delivery and loss counters.</summary>
/// <param name="Received">Messages delivered to handlers.</param>
/// <param name="LostMessages">Messages the subscriber can prove it missed (lapped or skipped).</param>
/// <param name="LostBytes">Bytes of stream the subscriber skipped over.</param>
/// <param name="Lapped">Times the subscriber was overtaken by publishers and had to skip ahead.</param>
/// <param name="StalledSkips">Records skipped because their publisher did not commit within the timeout.</param>
public readonly record struct SubscriptionCounters(
    long Received,
    long LostMessages,
    long LostBytes,
    long Lapped,
    long StalledSkips);
