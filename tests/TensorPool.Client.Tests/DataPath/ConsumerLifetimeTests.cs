using System.Collections.Concurrent;
using TensorPool.Control;
using TensorPool.Consumers;
using TensorPool.Frames;
using TensorPool.Producers;
using TensorPool.Testing;

namespace TensorPool.Client.Tests.DataPath;

/// <summary>
/// Disposing a consumer while it is being polled (from its own frame handler, or from another thread) never frees the
/// frame view or unmaps the regions under the poll: the release waits for the poll to end (D86).
/// </summary>
public class ConsumerLifetimeTests
{
    private static ProducerOptions Small => new() { HeaderNslots = 8, Pools = [new PayloadPoolOptions(1, 256)] };

    [Test]
    public void A_handler_may_dispose_its_consumer()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(Small);
        Consumer consumer = h.Client.AddConsumer(producer.StreamId);
        h.Work();
        Harness.PollAll(consumer);
        producer.TryOffer(new byte[64]);
        producer.TryOffer(new byte[64]);
        int frames = 0;
        bool stillValid = false;
        consumer.Poll((in Frame f) =>
        {
            frames++;
            consumer.Dispose();
            h.Work(); // the conductor drops its own reference to the mapping now
            stillValid = f.IsStillValid(); // the slot is still mapped: the consumer's release waits for the poll
        }, 10);
        Assert.That(frames, Is.EqualTo(1), "the poll ends after the handler that disposed the consumer");
        Assert.That(stillValid, Is.True);
        Assert.That(consumer.IsDisposed, Is.True);
        Assert.Throws<ObjectDisposedException>(() => consumer.Poll(static (in Frame _) => { }, 10));
    }

    [Test]
    public void A_handler_may_dispose_a_consumer_that_also_takes_progress()
    {
        // The poll reads the progress subscription after the descriptors: closed by the handler, it is left alone
        // (a closed tp:ipc subscription refuses polls).
        using var h = new Harness(o => o.Transport = null);
        using Producer producer = h.Client.AddProducer(Small);
        Consumer consumer = h.Client.AddConsumer(new ConsumerOptions { StreamId = producer.StreamId, ProgressHandler = static (in FrameProgress _) => { } });
        h.Work();
        Harness.PollAll(consumer);
        producer.TryOffer(new byte[64]);
        Assert.DoesNotThrow(() => consumer.Poll((in Frame _) => consumer.Dispose(), 10));
        Assert.That(consumer.IsDisposed, Is.True);
    }

    [Test]
    public void Dispose_from_another_thread_racing_polls_is_safe()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(Small);
        for (int round = 0; round < 100; round++)
        {
            Consumer consumer = h.Client.AddConsumer(producer.StreamId);
            h.Work();
            for (int i = 0; i < 4; i++)
            {
                producer.TryOffer(new byte[64]);
            }
            using var go = new ManualResetEventSlim();
            var poller = new Thread(() =>
            {
                go.Set();
                try
                {
                    while (true)
                    {
                        consumer.Poll(static (in Frame f) => f.IsStillValid(), 1);
                    }
                }
                catch (ObjectDisposedException)
                {
                    // The consumer was disposed between polls: the only way out.
                }
            });
            poller.Start();
            go.Wait();
            Thread.SpinWait(round * 50);
            consumer.Dispose();
            Assert.That(poller.Join(TimeSpan.FromSeconds(10)), Is.True, "the polling thread saw the disposal");
        }
    }

    [Test]
    public void Dispose_racing_a_descriptor_stream_switch_leaks_no_subscription_and_never_touches_freed_state_5()
    {
        // The conductor posts the per-consumer subscriptions (descriptors and progress) when the ConsumerConfig assigns
        // them; the polling thread installs them at its next poll. Another thread disposes the consumer around then.
        // A small loopback transport: every round opens four subscriptions.
        LoopbackTransport? transport = null;
        using var h = new Harness(o => o.Transport = transport = new LoopbackTransport(capacity: 256, maxMessageLength: 8192));
        using LoopbackTransport t = transport!;
        using Producer producer = h.Client.AddProducer(Small);
        string channel = h.Options.Channel;
        (string, int)[] streams =
        [
            (channel, h.Options.DescriptorStreamId), (channel, h.Options.ControlStreamId), (channel, PerConsumerId), (channel, PerConsumerId + 1),
        ];
        int[] baseline = [.. streams.Select(s => t.SubscriptionCount(s.Item1, s.Item2))];
        var failures = new ConcurrentQueue<Exception>();
        var random = new Random(17);
        int switched = 0;
        for (int round = 0; round < 100; round++)
        {
            Consumer consumer = h.Client.AddConsumer(new ConsumerOptions
            {
                StreamId = producer.StreamId,
                DescriptorChannel = channel, DescriptorStreamId = (uint)PerConsumerId,
                ControlChannel = channel, ControlStreamId = (uint)PerConsumerId + 1,
                ProgressHandler = static (in FrameProgress _) => { },
            });
            var poller = new Thread(() =>
            {
                try
                {
                    while (true)
                    {
                        if (consumer.Poll(static (in Frame f) => f.IsStillValid(), 4) == 0)
                        {
                            Thread.Yield(); // two cores: let the conductor and the disposer run
                        }
                    }
                }
                catch (ObjectDisposedException)
                {
                    // Disposed between polls: the only way out.
                }
                catch (Exception e)
                {
                    failures.Enqueue(e);
                }
            });
            // Anywhere from at once (before the switch is posted) to well after the poll took it.
            int spin = random.Next(2) == 0 ? random.Next(0, 500) : random.Next(0, 50_000);
            var disposer = new Thread(() =>
            {
                // The assignment is recorded just before the switch is posted to the polling thread.
                if (SpinWait.SpinUntil(() => consumer.OnPerConsumerStream, TimeSpan.FromSeconds(10)))
                {
                    Interlocked.Increment(ref switched);
                }
                Thread.SpinWait(spin);
                consumer.Dispose();
            });
            poller.Start();
            disposer.Start();
            // This thread is the conductor (hello, config, switch) and the producer meanwhile.
            while (disposer.IsAlive)
            {
                h.Client.DoWork();
                producer.TryOffer(new byte[64]);
            }
            Assert.That(disposer.Join(TimeSpan.FromSeconds(20)) && poller.Join(TimeSpan.FromSeconds(20)), Is.True, "both threads ended");
            h.Work(); // the conductor retires what the consumer left
            int[] open = [.. streams.Select(s => t.SubscriptionCount(s.Item1, s.Item2))];
            Assert.That(open, Is.EqualTo(baseline), $"round {round}: subscriptions open on (shared descriptors, shared control, own descriptors, own control)");
            Assert.That(failures, Is.Empty, () => $"round {round}: {string.Join("\n", failures)}");
            // The producer closes the disposed consumer's streams once it is stale (§5), so the next one may have them.
            h.Clock.Advance(TimeSpan.FromSeconds(4));
            h.Work();
        }
        Assert.That(switched, Is.GreaterThan(75), "most rounds disposed while the stream switch was under way");
    }

    [Test]
    public void Dispose_while_a_poll_installs_a_stream_switch_closes_the_new_subscription_and_ends_the_poll_5()
    {
        // One exact interleaving of the race above: the consumer is disposed at the instant its poll closes the shared
        // descriptor subscription to switch to the per-consumer one (the hook stands for another thread).
        HookedTransport? hooked = null;
        using var h = new Harness(o => o.Transport = hooked = new HookedTransport(o.Transport!));
        using Producer producer = h.Client.AddProducer(Small);
        Consumer consumer = h.Client.AddConsumer(new ConsumerOptions
        {
            StreamId = producer.StreamId, DescriptorChannel = h.Options.Channel, DescriptorStreamId = (uint)PerConsumerId,
        });
        h.Work(); // hello, ConsumerConfig: the conductor posts the switch
        Assert.That(consumer.OnPerConsumerStream, Is.True);
        hooked!.OnDispose = s =>
        {
            if (s.StreamId == h.Options.DescriptorStreamId)
            {
                consumer.Dispose();
            }
        };
        producer.TryOffer(new byte[64]); // on the per-consumer stream too
        int frames = 0;
        try
        {
            consumer.Poll((in Frame _) => frames++, 10);
        }
        catch (ObjectDisposedException)
        {
            // A transport that refuses polls once closed ends the poll this way.
        }
        Assert.That(consumer.IsDisposed, Is.True);
        Assert.That(frames, Is.Zero, "a poll that saw the disposal delivers nothing more");
        Assert.That(h.Transport.SubscriptionCount(h.Options.Channel, PerConsumerId), Is.Zero, "the switched-to subscription is closed");
        Assert.That(h.Transport.SubscriptionCount(h.Options.Channel, h.Options.DescriptorStreamId), Is.Zero);
    }

    private const int PerConsumerId = 6001;
}
