using TensorPool.Transport;

namespace TensorPool.TestHost.Scenarios;

/// <summary>
/// Checks every message a stress subscriber receives: whole (<see cref="TransportMessages.TryRead"/>), from a known
/// publisher, and in that publisher's order. When <c>requireEveryMessage</c>, any skipped sequence is a gap (the
/// subscriber was supposed to lose nothing); otherwise sequences need only increase.
/// </summary>
public struct StressChecker(int publishers, bool requireEveryMessage) : IMessageHandler
{
    private readonly int[] _next = new int[publishers];

    public long Checked { get; private set; }

    public long Corrupt { get; private set; }

    public long Gaps { get; private set; }

    public long Disorder { get; private set; }

    public void OnMessage(ReadOnlySpan<byte> message)
    {
        Checked++;
        if (!TransportMessages.TryRead(message, out int publisher, out int sequence) || publisher >= _next.Length)
        {
            Corrupt++;
            return;
        }
        int expected = _next[publisher];
        if (sequence < expected)
        {
            Disorder++;
            return;
        }
        if (sequence > expected && requireEveryMessage)
        {
            Gaps++;
        }
        _next[publisher] = sequence + 1;
    }

    public readonly string Report(SubscriptionCounters c) =>
        $"received={c.Received} lost={c.LostMessages} checked={Checked} corrupt={Corrupt} gaps={Gaps} disorder={Disorder} " +
        $"lapped={c.Lapped} stalled={c.StalledSkips} invalid={c.InvalidRecords}";
}
