using TensorPool.Transport;

namespace TensorPool.Transport.Tests;

/// <summary>A claim that is never committed holds subscribers for the stall timeout only, then is skipped and counted (D20).</summary>
public class StallTests
{
    private static int PollUntil(TpIpcSubscription sub, ref Collector collector, int expected)
    {
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (collector.Messages.Count < expected && DateTime.UtcNow < deadline)
        {
            if (sub.Poll(ref collector, 100) == 0)
            {
                sub.WaitForMessages(TimeSpan.FromMilliseconds(50));
            }
        }
        return collector.Messages.Count;
    }

    [Test]
    public void An_abandoned_claim_is_skipped_after_the_stall_timeout_and_counted()
    {
        using var f = new TransportFixture(stallTimeout: TimeSpan.FromMilliseconds(50));
        using TpIpcSubscription sub = f.Subscription();
        using TpIpcPublication stuck = f.Publication();
        using TpIpcPublication live = f.Publication();
        Assert.That(stuck.TryClaim(16, out _), Is.GreaterThan(0));
        for (int i = 0; i < 5; i++)
        {
            live.Offer(Payloads.Make(i, 16));
        }
        var collector = new Collector();
        Assert.That(PollUntil(sub, ref collector, 5), Is.EqualTo(5));
        Assert.That(collector.Messages.Select(m => Payloads.SequenceOf(m)), Is.EqualTo(Enumerable.Range(0, 5)));
        SubscriptionCounters c = sub.Counters;
        Assert.That(c.StalledSkips, Is.EqualTo(1));
        Assert.That(c.LostMessages, Is.EqualTo(1));
        // The late commit lands in bytes no subscriber reads any more: nothing extra arrives, nothing breaks.
        Assert.That(stuck.Commit(), Is.GreaterThan(0));
        Assert.That(sub.Poll(ref collector, 10), Is.Zero);
    }

    [Test]
    public void A_publication_disposed_with_an_open_claim_stalls_subscribers_only_for_the_timeout()
    {
        using var f = new TransportFixture(stallTimeout: TimeSpan.FromMilliseconds(50));
        using TpIpcSubscription sub = f.Subscription();
        TpIpcPublication stuck = f.Publication();
        Assert.That(stuck.TryClaim(16, out _), Is.GreaterThan(0));
        stuck.Dispose();
        using TpIpcPublication live = f.Publication();
        live.Offer(Payloads.Make(9, 16));
        var collector = new Collector();
        Assert.That(PollUntil(sub, ref collector, 1), Is.EqualTo(1));
        Assert.That(sub.Counters.StalledSkips, Is.EqualTo(1));
    }
}
