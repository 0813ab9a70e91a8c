using TensorPool.Transport;

namespace TensorPool.Transport.Tests;

/// <summary>A subscriber that falls more than a ring behind is lapped: it skips ahead and counts exactly what it lost (D18, D19).</summary>
public class LossTests
{
    // 32-byte payloads make 64-byte records that tile the 4 KiB ring: no padding, so every lost record is 64 lost bytes.
    private const int Capacity = 4096;
    private const int Payload = 32;
    private const int Frame = 64;

    [Test]
    public void A_lapped_subscriber_counts_exactly_the_messages_and_bytes_it_lost()
    {
        using var f = new TransportFixture(Capacity);
        using TpIpcSubscription sub = f.Subscription();
        using TpIpcPublication pub = f.Publication();
        const int published = 1000; // ~15 laps of the ring while the subscriber sleeps
        for (int i = 0; i < published; i++)
        {
            Assert.That(pub.Offer(Payloads.Make(i, Payload)), Is.GreaterThan(0));
        }
        var collector = new Collector();
        while (sub.Poll(ref collector, 100) > 0)
        {
        }
        SubscriptionCounters c = sub.Counters;
        Assert.That(c.Lapped, Is.EqualTo(1));
        Assert.That(c.Received + c.LostMessages, Is.EqualTo(published));
        Assert.That(c.LostBytes, Is.EqualTo(c.LostMessages * Frame));
        // It resumed half a ring behind the tail (D19) and then read everything after, in order, intact.
        Assert.That(c.Received, Is.EqualTo(Capacity / 2 / Frame));
        int[] sequences = [.. collector.Messages.Select(m => Payloads.SequenceOf(m))];
        Assert.That(sequences, Is.EqualTo(Enumerable.Range(published - sequences.Length, sequences.Length)));
        Assert.That(collector.Messages.All(m => Payloads.IsIntact(m)));
        Assert.That(sub.Position, Is.EqualTo(pub.Position));
    }

    [Test]
    public void A_subscriber_that_keeps_within_the_ring_loses_nothing_while_a_lagging_one_loses()
    {
        using var f = new TransportFixture(Capacity);
        using TpIpcSubscription keeping = f.Subscription();
        using TpIpcSubscription lagging = f.Subscription();
        using TpIpcPublication pub = f.Publication();
        var kept = new Collector();
        var lagged = new Collector();
        for (int i = 0; i < 5000; i++)
        {
            pub.Offer(Payloads.Make(i, Payload));
            if (i % 32 == 0)
            {
                keeping.Poll(ref kept, 1000);
            }
            if (i % 500 == 0)
            {
                lagging.Poll(ref lagged, 1000);
            }
        }
        keeping.Poll(ref kept, 1000);
        lagging.Poll(ref lagged, 1000);
        Assert.That(kept.Messages, Has.Count.EqualTo(5000));
        Assert.That(keeping.Counters.LostMessages, Is.Zero);
        SubscriptionCounters c = lagging.Counters;
        Assert.That(c.Lapped, Is.GreaterThan(1));
        Assert.That(c.Received, Is.EqualTo(lagged.Messages.Count));
        Assert.That(c.Received + c.LostMessages, Is.EqualTo(5000));
        Assert.That(c.LostBytes, Is.EqualTo(c.LostMessages * Frame));
        int[] sequences = [.. lagged.Messages.Select(m => Payloads.SequenceOf(m))];
        Assert.That(sequences, Is.Ordered.Ascending);
        Assert.That(sequences.Distinct().Count(), Is.EqualTo(sequences.Length));
    }

    [Test]
    public void Padding_at_the_ring_end_is_lost_bytes_but_never_a_lost_message()
    {
        // 100-byte payloads: 160-byte records leave a padding record at each lap's end.
        using var f = new TransportFixture(Capacity);
        using TpIpcSubscription sub = f.Subscription();
        using TpIpcPublication pub = f.Publication();
        for (int i = 0; i < 500; i++)
        {
            pub.Offer(Payloads.Make(i, 100));
        }
        var collector = new Collector();
        while (sub.Poll(ref collector, 100) > 0)
        {
        }
        SubscriptionCounters c = sub.Counters;
        Assert.That(c.Received + c.LostMessages, Is.EqualTo(500));
        Assert.That(c.LostBytes, Is.GreaterThan(c.LostMessages * 160), "padding skipped over is counted in bytes");
        Assert.That(Payloads.SequenceOf(collector.Messages[^1]), Is.EqualTo(499));
    }
}
