using TensorPool.Transport;

namespace TensorPool.Transport.Tests;

/// <summary>Publish and receive through one tp:ipc log in one process: order, sizes, wrap-around, limits.</summary>
public class TpIpcPubSubTests
{
    [Test]
    public void Messages_arrive_whole_and_in_order()
    {
        using var f = new TransportFixture();
        using TpIpcSubscription sub = f.Subscription();
        using TpIpcPublication pub = f.Publication();
        long last = 0;
        for (int i = 0; i < 100; i++)
        {
            long position = pub.Offer(Payloads.Make(i, 4 + i % 50));
            Assert.That(position, Is.GreaterThan(last), "positions only grow");
            last = position;
        }
        var collector = new Collector();
        Assert.That(sub.Poll(ref collector, 1000), Is.EqualTo(100));
        for (int i = 0; i < 100; i++)
        {
            Assert.That(collector.Messages[i], Is.EqualTo(Payloads.Make(i, 4 + i % 50)));
        }
        Assert.That(sub.Poll(ref collector, 10), Is.Zero);
        Assert.That(sub.Counters, Is.EqualTo(new SubscriptionCounters { Received = 100, ReceivedBytes = collector.Messages.Sum(m => m.Length) }));
        Assert.That(pub.Counters.Offers, Is.EqualTo(100));
    }

    [Test]
    public void Poll_delivers_at_most_the_limit_and_keeps_the_rest()
    {
        using var f = new TransportFixture();
        using TpIpcSubscription sub = f.Subscription();
        using TpIpcPublication pub = f.Publication();
        for (int i = 0; i < 10; i++)
        {
            pub.Offer(Payloads.Make(i, 16));
        }
        var collector = new Collector();
        Assert.That(sub.Poll(ref collector, 3), Is.EqualTo(3));
        Assert.That(sub.Poll(ref collector, 0), Is.Zero);
        Assert.That(sub.Poll(ref collector, 100), Is.EqualTo(7));
        Assert.That(collector.Messages.Select(m => Payloads.SequenceOf(m)), Is.EqualTo(Enumerable.Range(0, 10)));
        Assert.Throws<ArgumentOutOfRangeException>(() => sub.Poll(ref collector, -1));
    }

    [Test]
    public void Empty_and_maximum_length_messages_are_carried()
    {
        using var f = new TransportFixture();
        using TpIpcSubscription sub = f.Subscription();
        using TpIpcPublication pub = f.Publication();
        Assert.That(pub.MaxMessageLength, Is.EqualTo(64 * 1024 / 8 - 32));
        Assert.That(pub.Offer([]), Is.GreaterThan(0));
        byte[] largest = Payloads.Make(7, pub.MaxMessageLength);
        Assert.That(pub.Offer(largest), Is.GreaterThan(0));
        var collector = new Collector();
        Assert.That(sub.Poll(ref collector, 10), Is.EqualTo(2));
        Assert.That(collector.Messages[0], Is.Empty);
        Assert.That(collector.Messages[1], Is.EqualTo(largest));
    }

    [Test]
    public void Too_long_a_message_is_refused_with_MaxMessageLengthExceeded_and_counted()
    {
        using var f = new TransportFixture();
        using TpIpcSubscription sub = f.Subscription();
        using TpIpcPublication pub = f.Publication();
        Assert.That(pub.Offer(new byte[pub.MaxMessageLength + 1]), Is.EqualTo(PublicationStatus.MaxMessageLengthExceeded));
        Assert.That(pub.TryClaim(pub.MaxMessageLength + 1, out Span<byte> buffer), Is.EqualTo(PublicationStatus.MaxMessageLengthExceeded));
        Assert.That(buffer.IsEmpty);
        Assert.That(pub.Counters.MaxLengthRejections, Is.EqualTo(2));
        Assert.That(pub.Counters.Offers, Is.Zero);
        var collector = new Collector();
        Assert.That(sub.Poll(ref collector, 10), Is.Zero, "nothing was published");
    }

    [Test]
    public void Messages_survive_many_wraps_of_the_ring_with_padding()
    {
        // 1 KiB-aligned sizes that never divide the ring evenly force padding records at every lap's end.
        using var f = new TransportFixture(capacity: 4096);
        using TpIpcSubscription sub = f.Subscription();
        using TpIpcPublication pub = f.Publication();
        var collector = new Collector();
        int sent = 0;
        for (int round = 0; round < 500; round++)
        {
            for (int k = 0; k < 3; k++, sent++)
            {
                Assert.That(pub.Offer(Payloads.Make(sent, 4 + (sent * 37) % (pub.MaxMessageLength - 4))), Is.GreaterThan(0));
            }
            sub.Poll(ref collector, 10);
        }
        Assert.That(collector.Messages, Has.Count.EqualTo(sent));
        for (int i = 0; i < sent; i++)
        {
            Assert.That(Payloads.IsIntact(collector.Messages[i]) && Payloads.SequenceOf(collector.Messages[i]) == i, $"message {i}");
        }
        Assert.That(pub.Position, Is.GreaterThan(100 * 4096), "the ring wrapped many times");
        Assert.That(sub.Counters.LostMessages, Is.Zero);
    }

    [Test]
    public void A_subscriber_joins_at_the_live_tail()
    {
        using var f = new TransportFixture();
        using TpIpcPublication pub = f.Publication();
        pub.Offer(Payloads.Make(1, 8));
        using TpIpcSubscription late = f.Subscription();
        Assert.That(late.Position, Is.EqualTo(pub.Position));
        pub.Offer(Payloads.Make(2, 8));
        var collector = new Collector();
        Assert.That(late.Poll(ref collector, 10), Is.EqualTo(1));
        Assert.That(Payloads.SequenceOf(collector.Messages[0]), Is.EqualTo(2));
    }

    [Test]
    public void Every_subscriber_receives_every_message()
    {
        using var f = new TransportFixture();
        using TpIpcSubscription a = f.Subscription();
        using TpIpcSubscription b = f.Subscription();
        using TpIpcPublication pub = f.Publication();
        for (int i = 0; i < 20; i++)
        {
            pub.Offer(Payloads.Make(i, 12));
        }
        var ca = new Collector();
        var cb = new Collector();
        a.Poll(ref ca, 100);
        b.Poll(ref cb, 100);
        Assert.That(ca.Messages, Is.EqualTo(cb.Messages));
        Assert.That(ca.Messages, Has.Count.EqualTo(20));
    }

    [Test]
    public void Delegate_poll_delivers_like_the_struct_handler()
    {
        using var f = new TransportFixture();
        using TpIpcSubscription sub = f.Subscription();
        using TpIpcPublication pub = f.Publication();
        pub.Offer(Payloads.Make(5, 9));
        var seen = new List<byte[]>();
        Assert.That(sub.Poll(m => seen.Add(m.ToArray()), 10), Is.EqualTo(1));
        Assert.That(seen.Single(), Is.EqualTo(Payloads.Make(5, 9)));
        Assert.Throws<ArgumentNullException>(() => sub.Poll(null!, 1));
    }

    [Test]
    public void A_throwing_handler_propagates_and_the_next_poll_continues_after_its_message()
    {
        using var f = new TransportFixture();
        using TpIpcSubscription sub = f.Subscription();
        using TpIpcPublication pub = f.Publication();
        for (int i = 0; i < 3; i++)
        {
            pub.Offer(Payloads.Make(i, 8));
        }
        Assert.Throws<InvalidOperationException>(() => sub.Poll(_ => throw new InvalidOperationException("handler"), 10));
        var collector = new Collector();
        Assert.That(sub.Poll(ref collector, 10), Is.EqualTo(2));
        Assert.That(collector.Messages.Select(m => Payloads.SequenceOf(m)), Is.EqualTo(new[] { 1, 2 }));
    }

    [Test]
    public void Claimed_messages_are_written_in_place_and_published_by_commit()
    {
        using var f = new TransportFixture();
        using TpIpcSubscription sub = f.Subscription();
        using TpIpcPublication pub = f.Publication();
        long end = pub.TryClaim(40, out Span<byte> buffer);
        Assert.That(end, Is.GreaterThan(0));
        Assert.That(buffer.Length, Is.EqualTo(40));
        Payloads.Fill(buffer, 77);
        var collector = new Collector();
        Assert.That(sub.Poll(ref collector, 10), Is.Zero, "not visible before the commit");
        Assert.Throws<InvalidOperationException>(() => pub.Offer(Payloads.Make(1, 8)), "an offer while a claim is open is misuse");
        Assert.Throws<InvalidOperationException>(() => pub.TryClaim(8, out _));
        Assert.That(pub.Commit(), Is.EqualTo(end));
        Assert.Throws<InvalidOperationException>(() => pub.Commit());
        Assert.That(sub.Poll(ref collector, 10), Is.EqualTo(1));
        Assert.That(collector.Messages[0], Is.EqualTo(Payloads.Make(77, 40)));
        Assert.Throws<ArgumentOutOfRangeException>(() => pub.TryClaim(-1, out _));
    }
}
