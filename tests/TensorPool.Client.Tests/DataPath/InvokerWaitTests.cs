using TensorPool.Agents;
using TensorPool.Consumers;
using TensorPool.Frames;
using TensorPool.Producers;
using TensorPool.Sbe;
using TensorPool.Sbe.Wire;
using TensorPool.Testing;
using TensorPool.Transport;

namespace TensorPool.Client.Tests.DataPath;

/// <summary>
/// One application thread runs a <see cref="ConductorMode.Invoker"/> client's conductor and polls its consumer, sleeping
/// between cycles on a <see cref="CombinedWaitSource"/> of <see cref="TensorPoolClient.ConductorWaitSource"/> and the
/// consumer's <see cref="Consumer.WaitSource"/> (docs/DECISIONS.md D186). The sleeps have no timeout of their own (spin
/// window 0, no maximum): a stream or timer the combined wait does not watch hangs the thread, and the generous bounds
/// fail the test. No timing is asserted.
/// </summary>
[NonParallelizable]
public class InvokerWaitTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static ProducerOptions Small(uint stream) => new() { StreamId = stream, HeaderNslots = 1024, Pools = [new PayloadPoolOptions(1, 256)] };

    private static ClientOptions Options(TempDirectory dir, ConductorMode mode) => new()
    {
        ShmBaseDir = dir.Path,
        Namespace = "inv" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ConductorMode = mode,
        AnnouncePeriod = TimeSpan.FromMilliseconds(100),
        QosPeriod = TimeSpan.FromMilliseconds(100),
        HelloPeriod = TimeSpan.FromMilliseconds(100),
    };

    /// <summary>The invoker thread: conductor duty cycle, consumer poll, then one combined sleep, until <paramref name="done"/>.</summary>
    private static Thread StartInvokerLoop(TensorPoolClient client, Consumer consumer, IWaitSource wait, Func<bool> done,
        List<int> seen, Action<Exception> failed, CancellationToken token = default)
    {
        var thread = new Thread(() =>
        {
            try
            {
                using var idle = new WaitingIdleStrategy(wait, TimeSpan.Zero, Timeout.InfiniteTimeSpan, token);
                var handler = new IntCollector(seen);
                while (!done() && !token.IsCancellationRequested)
                {
                    int work = client.DoWork();
                    work += consumer.IsDisposed ? 0 : consumer.Poll(ref handler, 64);
                    idle.Idle(work);
                }
            }
            catch (Exception e)
            {
                failed(e);
            }
        })
        { IsBackground = true, Name = "invoker-loop" };
        thread.Start();
        return thread;
    }

    [Test]
    public void An_invoker_thread_on_the_combined_wait_maps_and_receives_every_frame_of_a_slow_producer()
    {
        using var dir = new TempDirectory();
        using TensorPoolClient producing = TensorPoolClient.Connect(Options(dir, ConductorMode.DedicatedThread));
        using TensorPoolClient invoker = TensorPoolClient.Connect(Options(dir, ConductorMode.Invoker));
        using Producer producer = producing.AddProducer(Small(7101));
        using Consumer consumer = invoker.AddConsumer(7101);
        using var wait = new CombinedWaitSource(invoker.ConductorWaitSource, consumer.WaitSource);
        const int frames = 40;
        var seen = new List<int>();
        Exception? error = null;
        // The announce that maps the consumer arrives on the conductor's control stream: only the combined wait wakes for it.
        Thread loop = StartInvokerLoop(invoker, consumer, wait, () => Volatile.Read(ref error) is null && seen.Count >= frames, seen, e => error = e);
        Assert.That(SpinWait.SpinUntil(() => consumer.State == MappingState.Mapped, Bound), Is.True, "the invoker thread mapped the producer");
        for (int i = 0; i < frames; i++)
        {
            Thread.Sleep(5); // the invoker thread is asleep before each frame
            Assert.That(producer.TryOffer(BitConverter.GetBytes(i)), Is.True);
        }
        Assert.That(loop.Join(Bound), Is.True, $"the invoker thread woke for {seen.Count} of {frames} frames");
        Assert.That(error, Is.Null, () => error!.ToString());
        Assert.That(seen, Is.EqualTo(Enumerable.Range(0, frames)));
    }

    [Test]
    public void Conductor_timers_fire_while_the_invoker_thread_sleeps_on_the_combined_wait_10_4_1()
    {
        // Nothing is published: only the conductor's QoS timer can wake the thread. An observer counts the QosConsumer
        // messages the sleeping thread's conductor sends (§10.4.1, every QosPeriod).
        using var dir = new TempDirectory();
        int qos = 0;
        ClientOptions observing = Options(dir, ConductorMode.DedicatedThread);
        observing.QosHandler = message =>
        {
            if (SbeMessageHeader.TryRead(message, out SbeMessageHeader header) && header.TemplateId == QosConsumerDecoder.TemplateId
                && header.SchemaId == QosConsumerDecoder.SchemaId)
            {
                Interlocked.Increment(ref qos);
            }
        };
        using TensorPoolClient observer = TensorPoolClient.Connect(observing);
        using TensorPoolClient invoker = TensorPoolClient.Connect(Options(dir, ConductorMode.Invoker));
        using Consumer consumer = invoker.AddConsumer(7102);
        using var wait = new CombinedWaitSource(invoker.ConductorWaitSource, consumer.WaitSource);
        using var stop = new CancellationTokenSource();
        Exception? error = null;
        Thread loop = StartInvokerLoop(invoker, consumer, wait, () => false, [], e => error = e, stop.Token);
        Assert.That(SpinWait.SpinUntil(() => Volatile.Read(ref qos) >= 5, Bound), Is.True,
            $"the sleeping thread's conductor sent {Volatile.Read(ref qos)} QosConsumer messages");
        stop.Cancel();
        Assert.That(loop.Join(Bound), Is.True, "the cancellation woke the combined sleep");
        Assert.That(error, Is.Null, () => error!.ToString());
    }

    [Test]
    public void Disposing_a_member_consumer_ends_the_combined_sleep()
    {
        using var dir = new TempDirectory();
        using TensorPoolClient invoker = TensorPoolClient.Connect(Options(dir, ConductorMode.Invoker));
        Consumer consumer = invoker.AddConsumer(7103);
        using var wait = new CombinedWaitSource(consumer.WaitSource); // no conductor: nothing else ends the sleep
        Exception? error = null;
        var sleeper = new Thread(() =>
        {
            try
            {
                while (!consumer.IsDisposed)
                {
                    wait.Wait(-1);
                }
            }
            catch (Exception e)
            {
                error = e;
            }
        })
        { IsBackground = true };
        sleeper.Start();
        Thread.Sleep(200);
        Assert.That(sleeper.IsAlive, Is.True, "nothing was published: the thread sleeps");
        consumer.Dispose();
        Assert.That(sleeper.Join(Bound), Is.True, "the consumer's Dispose woke the combined sleep");
        Assert.That(error, Is.Null, () => error!.ToString());
    }

    [Test]
    public void Disposing_the_combined_source_ends_its_sleep_and_later_waits_throw()
    {
        using var dir = new TempDirectory();
        using TensorPoolClient invoker = TensorPoolClient.Connect(Options(dir, ConductorMode.Invoker));
        using Consumer consumer = invoker.AddConsumer(7104);
        var wait = new CombinedWaitSource(consumer.WaitSource);
        Exception? error = null;
        var sleeper = new Thread(() =>
        {
            try
            {
                while (true)
                {
                    wait.Wait(-1);
                }
            }
            catch (Exception e)
            {
                error = e;
            }
        })
        { IsBackground = true };
        sleeper.Start();
        Thread.Sleep(200);
        wait.Dispose();
        Assert.That(sleeper.Join(Bound), Is.True, "Dispose woke the combined sleep");
        Assert.That(error, Is.InstanceOf<ObjectDisposedException>(), () => error?.ToString() ?? "no error");
        Assert.That(wait.Sources, Is.Empty, "a disposed source leaves its members");
    }

    [Test]
    public void A_combined_wait_allocates_nothing()
    {
        using var dir = new TempDirectory();
        using TensorPoolClient producing = TensorPoolClient.Connect(Options(dir, ConductorMode.DedicatedThread));
        using TensorPoolClient invoker = TensorPoolClient.Connect(Options(dir, ConductorMode.Invoker));
        using Producer producer = producing.AddProducer(Small(7105));
        using Consumer consumer = invoker.AddConsumer(7105);
        using var wait = new CombinedWaitSource(invoker.ConductorWaitSource, consumer.WaitSource);
        using var idle = new WaitingIdleStrategy(wait, TimeSpan.FromMicroseconds(5), TimeSpan.FromMilliseconds(1));
        var handler = new IntCollector([]);
        Assert.That(SpinWait.SpinUntil(() =>
        {
            idle.Idle(invoker.DoWork() + consumer.Poll(ref handler, 64));
            return consumer.State == MappingState.Mapped;
        }, Bound), Is.True, "mapped");
        var counting = new CountingHandler();
        for (int i = 0; i < 20; i++) // warm up: JIT, tiering, first native calls
        {
            producer.TryOffer(BitConverter.GetBytes(i));
            idle.Idle(consumer.Poll(ref counting, 64));
            idle.Idle(0);
            wait.Wake();
            wait.Wait(1_000_000);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++)
        {
            idle.Idle(consumer.Poll(ref counting, 64)); // spins, then sleeps up to 1 ms on every member's words
            idle.Idle(0);
            wait.Wake();
            wait.Wait(1_000_000);
            wait.Wait(1_000_000);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.Zero);
    }

    [Test]
    public void Only_the_librarys_wait_sources_combine_and_the_conductors_is_for_invoker_mode()
    {
        using var dir = new TempDirectory();
        using TensorPoolClient dedicated = TensorPoolClient.Connect(Options(dir, ConductorMode.DedicatedThread));
        Assert.Throws<InvalidOperationException>(() => _ = dedicated.ConductorWaitSource);
        using var wait = new CombinedWaitSource();
        Assert.Throws<ArgumentException>(() => wait.Add(new ForeignSource()));
        var set = new SubscriptionWaitSet();
        wait.Add(set);
        wait.Add(set);
        Assert.That(wait.Sources, Has.Count.EqualTo(1), "a member added twice is one member");
        Assert.That(wait.Remove(set), Is.True);
        Assert.That(wait.Remove(set), Is.False);
    }

    private sealed class ForeignSource : IWaitSource
    {
        public void Wait(long timeoutNs)
        {
        }

        public void Wake()
        {
        }
    }
}
