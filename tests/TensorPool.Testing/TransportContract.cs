using System.Buffers.Binary;
using System.Diagnostics;
using NUnit.Framework;
using TensorPool.Transport;

namespace TensorPool.Testing;

/// <summary>
/// What every <see cref="ITransport"/> promises the protocol layers, as one suite: a fixture per transport derives from
/// it (tp:ipc and the loopback in TensorPool.Transport.Tests, Aeron IPC and UDP in TensorPool.Transport.Aeron.Tests)
/// and says how to create the transport and how its medium differs where the interface leaves room (Aeron connects a
/// subscription asynchronously; the loopback counts no bytes).
/// </summary>
public abstract class TransportContract
{
    private static int s_nextStream = 7000;

    /// <summary>The transport under test of the current test.</summary>
    protected ITransport Transport { get; private set; } = null!;

    /// <summary>The channel of every publication and subscription of the suite.</summary>
    protected abstract string Channel { get; }

    /// <summary>A new transport; disposed after each test.</summary>
    protected abstract ITransport CreateTransport();

    /// <summary>Polls of a disposed subscription throw <see cref="ObjectDisposedException"/> (test doubles may just return 0).</summary>
    protected virtual bool PollAfterDisposeThrows => true;

    /// <summary>
    /// A subscription added while a stream is running gets only what is published after it joined. Aeron does not
    /// promise it exactly: a subscription joins at the position the media driver last computed for the stream's
    /// consumers (IPC) or where the driver's image of it stands (UDP), so it may first get messages the others
    /// already had, in order.
    /// </summary>
    protected virtual bool JoinsAtTheLiveTail => true;

    /// <summary>Counters count received bytes as well as messages.</summary>
    protected virtual bool CountsReceivedBytes => true;

    /// <summary>How long a message may take to arrive on this medium.</summary>
    protected virtual TimeSpan ArrivalTimeout => TimeSpan.FromSeconds(20);

    /// <summary>Wait until messages offered on <paramref name="publication"/> reach <paramref name="subscription"/>.</summary>
    protected virtual void AwaitConnected(IPublication publication, ISubscription subscription)
    {
    }

    /// <summary>Release what <see cref="CreateTransport"/> set up besides the transport.</summary>
    protected virtual void CleanUp()
    {
    }

    [SetUp]
    public void CreateTransportUnderTest() => Transport = CreateTransport();

    [TearDown]
    public void DisposeTransportUnderTest()
    {
        Transport?.Dispose();
        CleanUp();
    }

    /// <summary>A stream id no other test of this process uses.</summary>
    protected static int NewStream() => Interlocked.Increment(ref s_nextStream);

    [Test]
    public void Messages_arrive_in_order_byte_for_byte()
    {
        (IPublication pub, ISubscription sub) = Pair();
        var sent = Enumerable.Range(0, 200).Select(i => Message(i, 1 + (i * 37 % 300))).ToList();
        Assert.That(SendAndReceive(pub, sub, sent), Is.EqualTo(sent));
    }

    [Test]
    public void Every_subscription_of_a_stream_receives_every_message()
    {
        int stream = NewStream();
        using ISubscription first = Transport.AddSubscription(Channel, stream);
        using ISubscription second = Transport.AddSubscription(Channel, stream);
        using IPublication pub = Transport.AddPublication(Channel, stream);
        AwaitConnected(pub, first);
        AwaitConnected(pub, second);
        var sent = Enumerable.Range(0, 50).Select(i => Message(i, 24)).ToList();
        foreach (byte[] m in sent)
        {
            OfferOrFail(pub, m);
        }
        Assert.That(Receive(first, sent.Count), Is.EqualTo(sent));
        Assert.That(Receive(second, sent.Count), Is.EqualTo(sent));
    }

    [Test]
    public void Streams_are_kept_apart_by_stream_id()
    {
        (IPublication pub, ISubscription sub) = Pair();
        using ISubscription other = Transport.AddSubscription(Channel, NewStream());
        OfferOrFail(pub, Message(1, 16));
        Assert.That(Receive(sub, 1), Has.Count.EqualTo(1));
        Assert.That(PollAll(other, TimeSpan.FromMilliseconds(300)), Is.Empty);
    }

    [Test]
    public void Poll_delivers_at_most_the_message_limit()
    {
        (IPublication pub, ISubscription sub) = Pair();
        for (int i = 0; i < 10; i++)
        {
            OfferOrFail(pub, Message(i, 16));
        }
        AwaitPending(sub);
        var collector = new Collecting();
        int first = sub.Poll(ref collector, 3);
        Assert.That(first, Is.InRange(1, 3));
        Assert.That(collector.Messages, Has.Count.EqualTo(first));
        Assert.That(sub.Poll(ref collector, 0), Is.Zero, "a limit of 0 delivers nothing");
        List<byte[]> rest = Receive(sub, 10 - first);
        Assert.That(collector.Messages.Concat(rest).ToList(), Is.EqualTo(Enumerable.Range(0, 10).Select(i => Message(i, 16)).ToList()));
    }

    [Test]
    public void A_poll_with_a_limit_of_one_delivers_one_whole_message_however_long()
    {
        (IPublication pub, ISubscription sub) = Pair();
        int length = Math.Min(pub.MaxMessageLength, 64 * 1024);
        OfferOrFail(pub, Message(1, length));
        OfferOrFail(pub, Message(2, length));
        AwaitAll(sub, 2);
        var collector = new Collecting();
        Assert.That(sub.Poll(ref collector, 1), Is.EqualTo(1), "one whole message, not none and not two");
        Assert.That(sub.Poll(ref collector, 1), Is.EqualTo(1));
        Assert.That(collector.Messages, Is.EqualTo(new[] { Message(1, length), Message(2, length) }));
    }

    [Test]
    public void Poll_with_nothing_published_delivers_nothing()
    {
        (_, ISubscription sub) = Pair();
        var collector = new Collecting();
        Assert.That(sub.Poll(ref collector, 10), Is.Zero);
        Assert.That(collector.Messages, Is.Empty);
    }

    [Test]
    public void An_empty_message_is_delivered_empty()
    {
        (IPublication pub, ISubscription sub) = Pair();
        OfferOrFail(pub, []);
        OfferOrFail(pub, Message(2, 8));
        List<byte[]> received = Receive(sub, 2);
        Assert.That(received[0], Is.Empty);
        Assert.That(received[1], Is.EqualTo(Message(2, 8)));
    }

    [Test]
    public void A_message_of_the_maximum_length_arrives_whole()
    {
        (IPublication pub, ISubscription sub) = Pair();
        int length = Math.Min(pub.MaxMessageLength, 4 << 20);
        byte[] big = Message(7, length);
        OfferOrFail(pub, big);
        OfferOrFail(pub, Message(8, 8));
        List<byte[]> received = Receive(sub, 2);
        Assert.That(received[0].Length, Is.EqualTo(big.Length));
        Assert.That(received[0].AsSpan().SequenceEqual(big), Is.True, "the long message arrived intact");
        Assert.That(received[1], Is.EqualTo(Message(8, 8)));
    }

    [Test]
    public void A_message_longer_than_the_maximum_is_refused_and_not_delivered()
    {
        (IPublication pub, ISubscription sub) = Pair();
        Assert.That(pub.Offer(new byte[pub.MaxMessageLength + 1]), Is.EqualTo(PublicationStatus.MaxMessageLengthExceeded));
        OfferOrFail(pub, Message(3, 8));
        Assert.That(Receive(sub, 1), Is.EqualTo(new[] { Message(3, 8) }));
        Assert.That(PollAll(sub, TimeSpan.FromMilliseconds(200)), Is.Empty);
    }

    [Test]
    public void Offer_after_dispose_returns_Closed()
    {
        IPublication pub = Transport.AddPublication(Channel, NewStream());
        pub.Dispose();
        Assert.That(pub.IsClosed, Is.True);
        Assert.That(pub.Offer(Message(1, 8)), Is.EqualTo(PublicationStatus.Closed));
        pub.Dispose(); // twice is harmless
    }

    [Test]
    public void Poll_after_dispose_is_refused()
    {
        ISubscription sub = Transport.AddSubscription(Channel, NewStream());
        sub.Dispose();
        Assert.That(sub.IsClosed, Is.True);
        var collector = new Collecting();
        if (PollAfterDisposeThrows)
        {
            Assert.Throws<ObjectDisposedException>(() => sub.Poll(ref collector, 10));
        }
        else
        {
            Assert.That(sub.Poll(ref collector, 10), Is.Zero);
        }
        sub.Dispose();
    }

    [Test]
    public void A_handler_exception_propagates_and_the_next_poll_delivers_the_rest()
    {
        (IPublication pub, ISubscription sub) = Pair();
        for (int i = 0; i < 5; i++)
        {
            OfferOrFail(pub, Message(i, 16));
        }
        AwaitPending(sub);
        var seen = new List<byte[]>();
        int calls = 0;
        Assert.Throws<InvalidOperationException>(() => sub.Poll(m =>
        {
            seen.Add(m.ToArray());
            if (++calls == 2)
            {
                throw new InvalidOperationException("handler failed");
            }
        }, 10));
        Assert.That(seen, Has.Count.EqualTo(2));
        seen.AddRange(Receive(sub, 3));
        Assert.That(seen, Is.EqualTo(Enumerable.Range(0, 5).Select(i => Message(i, 16)).ToList()), "nothing lost, nothing twice");
        Assert.That(sub.Counters.Received, Is.EqualTo(5), "the message whose handler threw counts as received");
    }

    [Test]
    public void A_handler_may_dispose_its_own_subscription()
    {
        (IPublication pub, ISubscription sub) = Pair();
        for (int i = 0; i < 5; i++)
        {
            OfferOrFail(pub, Message(i, 16));
        }
        AwaitPending(sub);
        int calls = 0;
        int delivered = sub.Poll(_ =>
        {
            calls++;
            sub.Dispose();
        }, 10);
        Assert.That(calls, Is.EqualTo(1), "the poll ends with the handler that disposed the subscription");
        Assert.That(delivered, Is.EqualTo(1));
        Assert.That(sub.IsClosed, Is.True);
    }

    [Test]
    public void Counters_count_what_was_delivered()
    {
        (IPublication pub, ISubscription sub) = Pair();
        for (int i = 0; i < 12; i++)
        {
            OfferOrFail(pub, Message(i, 10));
        }
        Receive(sub, 12);
        SubscriptionCounters c = sub.Counters;
        Assert.That(c.Received, Is.EqualTo(12));
        Assert.That(c.LostMessages, Is.Zero);
        if (CountsReceivedBytes)
        {
            Assert.That(c.ReceivedBytes, Is.EqualTo(120));
        }
    }

    [Test]
    public void SkipBacklog_passes_over_what_is_pending_and_counts_it_as_skipped()
    {
        (IPublication pub, ISubscription sub) = Pair();
        for (int i = 0; i < 20; i++)
        {
            OfferOrFail(pub, Message(i, 16));
        }
        AwaitAll(sub, 20);
        long skipped = sub.SkipBacklog(5, 16);
        Assert.That(skipped, Is.EqualTo(15));
        Assert.That(sub.Counters.SkippedMessages, Is.EqualTo(15));
        List<byte[]> kept = Receive(sub, 5);
        Assert.That(kept, Is.EqualTo(Enumerable.Range(15, 5).Select(i => Message(i, 16)).ToList()), "the newest five are kept");
        OfferOrFail(pub, Message(99, 16));
        Assert.That(Receive(sub, 1), Is.EqualTo(new[] { Message(99, 16) }), "later messages still arrive");
        Assert.That(sub.SkipBacklog(0, 16), Is.Zero, "nothing left to skip");
    }

    [Test]
    public void A_new_subscription_joins_at_the_live_tail()
    {
        (IPublication pub, ISubscription sub) = Pair();
        for (int i = 0; i < 5; i++)
        {
            OfferOrFail(pub, Message(i, 16));
        }
        Receive(sub, 5);
        using ISubscription late = Transport.AddSubscription(Channel, pub.StreamId);
        AwaitConnected(pub, late);
        OfferOrFail(pub, Message(5, 16));
        if (JoinsAtTheLiveTail)
        {
            Assert.That(Receive(late, 1), Is.EqualTo(new[] { Message(5, 16) }), "only what was published after it joined");
            Assert.That(PollAll(late, TimeSpan.FromMilliseconds(200)), Is.Empty);
            return;
        }
        List<byte[]> received = PollAll(late, TimeSpan.FromSeconds(2));
        List<byte[]> all = Enumerable.Range(0, 6).Select(i => Message(i, 16)).ToList();
        Assert.That(received, Is.EqualTo(all.Skip(all.Count - received.Count).ToList()), "in order, ending with the new message");
        Assert.That(received, Is.Not.Empty);
    }

    [Test]
    public void Two_publications_of_a_stream_both_arrive_each_in_order()
    {
        int stream = NewStream();
        using ISubscription sub = Transport.AddSubscription(Channel, stream);
        using IPublication a = Transport.AddPublication(Channel, stream);
        using IPublication b = Transport.AddPublication(Channel, stream);
        AwaitConnected(a, sub);
        AwaitConnected(b, sub);
        for (int i = 0; i < 100; i++)
        {
            OfferOrFail(a, Tagged(1, i));
            OfferOrFail(b, Tagged(2, i));
        }
        List<byte[]> received = Receive(sub, 200);
        foreach (byte tag in new byte[] { 1, 2 })
        {
            Assert.That(received.Where(m => m[0] == tag).Select(m => BinaryPrimitives.ReadInt32LittleEndian(m.AsSpan(1))),
                Is.EqualTo(Enumerable.Range(0, 100)), $"publisher {tag} in order");
        }
    }

    [Test]
    public void Offer_and_poll_allocate_nothing_in_steady_state()
    {
        (IPublication pub, ISubscription sub) = Pair();
        byte[] message = Message(1, 64);
        var handler = new Summing();
        void Window()
        {
            for (int i = 0; i < 2_000; i++)
            {
                while (pub.Offer(message) < 0)
                {
                    sub.Poll(ref handler, 64);
                }
                if ((i & 7) == 7)
                {
                    sub.Poll(ref handler, 64);
                }
            }
            while (sub.Poll(ref handler, 64) > 0)
            {
            }
            _ = sub.Counters;
        }
        for (int i = 0; i < 10; i++)
        {
            Window(); // warm up: tiered JIT, first laps
        }
        (long bytes, int windows) = SteadyState.AllocatedBytes(Window);
        Assert.That(bytes, Is.Zero, $"bytes allocated by 2000 offers and their polls (window {windows})");
        Assert.That(handler.Count, Is.GreaterThan(0));
    }

    // ---- helpers ----

    /// <summary>A publication and a subscription on a new stream, connected; disposed with the transport.</summary>
    protected (IPublication Publication, ISubscription Subscription) Pair()
    {
        int stream = NewStream();
        ISubscription sub = Transport.AddSubscription(Channel, stream);
        IPublication pub = Transport.AddPublication(Channel, stream);
        AwaitConnected(pub, sub);
        return (pub, sub);
    }

    /// <summary>Offer, retrying flow control (back pressure, not connected yet, admin action) until the arrival timeout.</summary>
    protected void OfferOrFail(IPublication publication, ReadOnlySpan<byte> message)
    {
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            long result = publication.Offer(message);
            if (result >= 0)
            {
                return;
            }
            if (result is not (PublicationStatus.BackPressured or PublicationStatus.NotConnected or PublicationStatus.AdminAction)
                || Stopwatch.GetElapsedTime(start) > ArrivalTimeout)
            {
                Assert.Fail($"offer failed: {PublicationStatus.Describe(result)}");
            }
            Thread.Yield();
        }
    }

    /// <summary>
    /// Offer every message, polling while the publication is back-pressured (a reliable transport slows its publisher
    /// down rather than dropping), then poll the rest; returns everything received.
    /// </summary>
    protected List<byte[]> SendAndReceive(IPublication publication, ISubscription subscription, IReadOnlyList<byte[]> messages)
    {
        var collector = new Collecting();
        long start = Stopwatch.GetTimestamp();
        foreach (byte[] message in messages)
        {
            long result;
            while ((result = publication.Offer(message)) < 0)
            {
                if (result is not (PublicationStatus.BackPressured or PublicationStatus.NotConnected or PublicationStatus.AdminAction)
                    || Stopwatch.GetElapsedTime(start) > ArrivalTimeout)
                {
                    Assert.Fail($"offer failed: {PublicationStatus.Describe(result)}");
                }
                subscription.Poll(ref collector, 64);
            }
        }
        collector.Messages.AddRange(Receive(subscription, messages.Count - collector.Messages.Count));
        return collector.Messages;
    }

    /// <summary>Poll until <paramref name="count"/> messages arrived (failing after the arrival timeout).</summary>
    protected List<byte[]> Receive(ISubscription subscription, int count)
    {
        var collector = new Collecting();
        long start = Stopwatch.GetTimestamp();
        while (collector.Messages.Count < count)
        {
            if (subscription.Poll(ref collector, count - collector.Messages.Count) == 0)
            {
                if (Stopwatch.GetElapsedTime(start) > ArrivalTimeout)
                {
                    Assert.Fail($"{collector.Messages.Count} of {count} messages arrived within {ArrivalTimeout}");
                }
                Thread.Sleep(1);
            }
        }
        return collector.Messages;
    }

    /// <summary>Everything that arrives within <paramref name="quiet"/>.</summary>
    protected static List<byte[]> PollAll(ISubscription subscription, TimeSpan quiet)
    {
        var collector = new Collecting();
        long start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < quiet)
        {
            if (subscription.Poll(ref collector, 100) == 0)
            {
                Thread.Sleep(5);
            }
        }
        return collector.Messages;
    }

    /// <summary>Wait until a message can be polled (without polling it): a short pause after offers on asynchronous media.</summary>
    protected virtual void AwaitPending(ISubscription subscription) => Thread.Sleep(AsyncSettle);

    /// <summary>Wait until all <paramref name="count"/> messages offered are pollable.</summary>
    protected virtual void AwaitAll(ISubscription subscription, int count) => Thread.Sleep(AsyncSettle);

    /// <summary>How long an asynchronous medium needs between an offer and the message being pollable.</summary>
    protected virtual TimeSpan AsyncSettle => TimeSpan.Zero;

    protected static byte[] Message(int seed, int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)((seed * 31) + (i * 7) + (i >> 8));
        }
        return bytes;
    }

    private static byte[] Tagged(byte tag, int sequence)
    {
        var bytes = new byte[8];
        bytes[0] = tag;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(1), sequence);
        return bytes;
    }

    private struct Collecting : IMessageHandler
    {
        public Collecting()
        {
        }

        public List<byte[]> Messages { get; } = [];

        public readonly void OnMessage(ReadOnlySpan<byte> message) => Messages.Add(message.ToArray());
    }

    private struct Summing : IMessageHandler
    {
        public long Count;

        public void OnMessage(ReadOnlySpan<byte> message) => Count += message.Length + 1;
    }
}
