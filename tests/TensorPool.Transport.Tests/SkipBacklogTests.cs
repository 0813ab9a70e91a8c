using TensorPool.Transport;

namespace TensorPool.Transport.Tests;

/// <summary>
/// A subscriber too far behind gives up its backlog on request: it continues with the newest messages it asked to keep,
/// and every message passed over is counted as skipped, not lost (D84).
/// </summary>
public class SkipBacklogTests
{
    private const int Capacity = 4096;
    private const int Payload = 32; // 64-byte records
    private const int Frame = 64;

    [Test]
    public void Skipping_between_polls_keeps_the_newest_messages_asked_for()
    {
        using var f = new TransportFixture(Capacity);
        using TpIpcSubscription sub = f.Subscription();
        using TpIpcPublication pub = f.Publication();
        for (int i = 0; i < 20; i++)
        {
            pub.Offer(Payloads.Make(i, Payload));
        }
        Assert.That(sub.SkipBacklog(5, Payload), Is.EqualTo(15));
        var collector = new Collector();
        Assert.That(sub.Poll(ref collector, 100), Is.EqualTo(5));
        Assert.That(collector.Messages.Select(m => Payloads.SequenceOf(m)), Is.EqualTo(Enumerable.Range(15, 5)));
        SubscriptionCounters c = sub.Counters;
        Assert.That((c.Received, c.SkippedMessages, c.SkippedBytes, c.LostMessages), Is.EqualTo((5L, 15L, 15L * Frame, 0L)));
        Assert.That(c.Received + c.SkippedMessages + c.LostMessages, Is.EqualTo(20), "every message is accounted for once");
        Assert.That(sub.Position, Is.EqualTo(pub.Position));
    }

    [Test]
    public void Skipping_to_the_tail_from_a_lapped_position_reads_only_what_comes_next()
    {
        using var f = new TransportFixture(Capacity);
        using TpIpcSubscription sub = f.Subscription();
        using TpIpcPublication pub = f.Publication();
        for (int i = 0; i < 1000; i++)
        {
            pub.Offer(Payloads.Make(i, Payload));
        }
        Assert.That(sub.SkipBacklog(0, Payload), Is.EqualTo(1000));
        Assert.That(sub.Position, Is.EqualTo(pub.Position));
        pub.Offer(Payloads.Make(1000, Payload));
        var collector = new Collector();
        Assert.That(sub.Poll(ref collector, 100), Is.EqualTo(1));
        Assert.That(Payloads.SequenceOf(collector.Messages[0]), Is.EqualTo(1000));
        Assert.That(sub.Counters.Lapped, Is.Zero, "a skip is not a lap recovery");
    }

    [Test]
    public void A_handler_may_skip_and_the_same_poll_continues_after_the_skip()
    {
        using var f = new TransportFixture(Capacity);
        using TpIpcSubscription sub = f.Subscription();
        using TpIpcPublication pub = f.Publication();
        for (int i = 0; i < 30; i++)
        {
            pub.Offer(Payloads.Make(i, Payload));
        }
        var handler = new SkippingHandler(sub, skipAt: 2, keep: 3);
        Assert.That(sub.Poll(ref handler, 100), Is.EqualTo(6));
        Assert.That(handler.Seen, Is.EqualTo(new[] { 0, 1, 2, 27, 28, 29 }));
        Assert.That(handler.Skipped, Is.EqualTo(24));
        Assert.That(sub.Counters.SkippedMessages, Is.EqualTo(24));
    }

    [Test]
    public void Skipping_from_another_thread_during_a_poll_is_refused()
    {
        using var f = new TransportFixture(Capacity);
        using TpIpcSubscription sub = f.Subscription();
        using TpIpcPublication pub = f.Publication();
        pub.Offer(Payloads.Make(0, Payload));
        Exception? seen = null;
        Assert.That(sub.Poll(_ =>
        {
            var other = new Thread(() => seen = Assert.Catch(() => sub.SkipBacklog(0, Payload)));
            other.Start();
            other.Join();
        }, 10), Is.EqualTo(1));
        Assert.That(seen, Is.InstanceOf<InvalidOperationException>());
        Assert.That(sub.Counters.SkippedMessages, Is.Zero);
    }

    [Test]
    public void Negative_arguments_and_a_disposed_subscription_are_refused()
    {
        using var f = new TransportFixture(Capacity);
        TpIpcSubscription sub = f.Subscription();
        Assert.Throws<ArgumentOutOfRangeException>(() => sub.SkipBacklog(-1, Payload));
        Assert.Throws<ArgumentOutOfRangeException>(() => sub.SkipBacklog(1, -1));
        sub.Dispose();
        Assert.Throws<ObjectDisposedException>(() => sub.SkipBacklog(0, Payload));
    }

    private struct SkippingHandler(TpIpcSubscription subscription, int skipAt, int keep) : IMessageHandler
    {
        public List<int> Seen { get; } = [];

        public long Skipped { get; private set; }

        public void OnMessage(ReadOnlySpan<byte> message)
        {
            int seq = Payloads.SequenceOf(message);
            Seen.Add(seq);
            if (seq == skipAt)
            {
                Skipped = subscription.SkipBacklog(keep, Payload);
            }
        }
    }
}
