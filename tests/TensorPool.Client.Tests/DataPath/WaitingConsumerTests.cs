using TensorPool.Agents;
using TensorPool.Consumers;
using TensorPool.Frames;
using TensorPool.Producers;
using TensorPool.Testing;

namespace TensorPool.Client.Tests.DataPath;

/// <summary>
/// A consumer that sleeps between polls (<see cref="Consumer.WaitSource"/>, <see cref="WaitingIdleStrategy"/>) over
/// tp:ipc: it is woken for every frame, never misses a wake-up, and Dispose and cancellation end its sleep. The sleeps
/// here have no timeout of their own (spin window 0, no maximum), so a lost wake-up hangs the consumer and the test's
/// generous join bound fails it. No timing is asserted.
/// </summary>
[NonParallelizable]
public class WaitingConsumerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static ProducerOptions Small => new() { HeaderNslots = 1024, Pools = [new PayloadPoolOptions(1, 256)] };

    private static (Harness H, Producer P, Consumer C) Mapped()
    {
        var h = new Harness(o => o.Transport = null); // the client's own tp:ipc transport
        Producer p = h.Client.AddProducer(Small);
        Consumer c = h.Client.AddConsumer(p.StreamId);
        h.Work();
        Harness.PollAll(c);
        Assert.That(c.State, Is.EqualTo(MappingState.Mapped).Or.EqualTo(MappingState.Unmapped));
        return (h, p, c);
    }

    /// <summary>Poll, then sleep with no timeout, until <paramref name="frames"/> frames were accepted; the payloads in order.</summary>
    private static Thread StartSleepyReader(Consumer consumer, int frames, List<int> seen, Action<Exception> failed)
    {
        var thread = new Thread(() =>
        {
            try
            {
                using var idle = new WaitingIdleStrategy(consumer.WaitSource, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
                var handler = new IntCollector(seen);
                while (seen.Count < frames)
                {
                    idle.Idle(consumer.Poll(ref handler, 64));
                }
            }
            catch (Exception e)
            {
                failed(e);
            }
        })
        { IsBackground = true, Name = "sleepy-reader" };
        thread.Start();
        return thread;
    }

    [Test]
    public void A_waiting_consumer_receives_every_frame_of_a_slow_producer()
    {
        (Harness h, Producer p, Consumer c) = Mapped();
        using (h)
        using (p)
        using (c)
        {
            const int frames = 50;
            var seen = new List<int>();
            Exception? error = null;
            Thread reader = StartSleepyReader(c, frames, seen, e => error = e);
            for (int i = 0; i < frames; i++)
            {
                Thread.Sleep(5); // the reader is asleep before each frame
                Assert.That(p.TryOffer(BitConverter.GetBytes(i)), Is.True);
            }
            Assert.That(reader.Join(Bound), Is.True, $"the reader woke for {seen.Count} of {frames} frames");
            Assert.That(error, Is.Null, () => error!.ToString());
            Assert.That(seen, Is.EqualTo(Enumerable.Range(0, frames)));
        }
    }

    [Test]
    public void A_waiting_consumer_never_misses_a_wake_up_when_frames_race_its_sleeps()
    {
        // Frames at random short intervals land before, during and right after the reader's arm/re-check/sleep steps.
        (Harness h, Producer p, Consumer c) = Mapped();
        using (h)
        using (p)
        using (c)
        {
            const int frames = 3000;
            var seen = new List<int>();
            Exception? error = null;
            Thread reader = StartSleepyReader(c, frames, seen, e => error = e);
            var random = new Random(14);
            for (int i = 0; i < frames; i++)
            {
                Assert.That(p.TryOffer(BitConverter.GetBytes(i)), Is.True);
                int pause = random.Next(0, 4);
                if (pause == 0)
                {
                    Thread.Yield();
                }
                else
                {
                    Thread.SpinWait(random.Next(1, 2000));
                }
            }
            Assert.That(reader.Join(Bound), Is.True, $"the reader woke for {seen.Count} of {frames} frames (a lost wake-up)");
            Assert.That(error, Is.Null, () => error!.ToString());
            Assert.That(c.Counters.FramesAccepted + c.Counters.DropsTotal, Is.EqualTo(frames));
            Assert.That(seen, Is.Ordered);
        }
    }

    [Test]
    public void A_waiting_consumer_wakes_for_a_frame_after_a_long_idle()
    {
        (Harness h, Producer p, Consumer c) = Mapped();
        using (h)
        using (p)
        using (c)
        {
            var seen = new List<int>();
            Exception? error = null;
            Thread reader = StartSleepyReader(c, 1, seen, e => error = e);
            Thread.Sleep(TimeSpan.FromSeconds(2)); // long past any spin, and past the default maximum sleep
            Assert.That(reader.IsAlive, Is.True, "nothing was published: the reader is still asleep");
            Assert.That(p.TryOffer(BitConverter.GetBytes(42)), Is.True);
            Assert.That(reader.Join(Bound), Is.True, "the frame woke the reader");
            Assert.That(error, Is.Null, () => error!.ToString());
            Assert.That(seen, Is.EqualTo(new[] { 42 }));
        }
    }

    [Test]
    public void Dispose_ends_a_wait_with_no_timeout()
    {
        (Harness h, Producer p, Consumer c) = Mapped();
        using (h)
        using (p)
        {
            bool frameSeen = false;
            Exception? error = null;
            var waiter = new Thread(() =>
            {
                try
                {
                    // Wake-ups without a frame (the mapping being posted) return false: wait again, until disposed.
                    while (true)
                    {
                        frameSeen |= c.WaitForFrames(Timeout.InfiniteTimeSpan);
                    }
                }
                catch (Exception e)
                {
                    error = e;
                }
            })
            { IsBackground = true };
            waiter.Start();
            Thread.Sleep(200);
            c.Dispose();
            Assert.That(waiter.Join(Bound), Is.True, "Dispose woke the waiting thread");
            Assert.That(error, Is.InstanceOf<ObjectDisposedException>(), () => error?.ToString() ?? "no error");
            Assert.That(frameSeen, Is.False, "nothing was published");
            Assert.Throws<ObjectDisposedException>(() => c.WaitForFrames(TimeSpan.Zero));
        }
    }

    [Test]
    public void Cancellation_ends_a_wait_with_no_timeout()
    {
        (Harness h, Producer p, Consumer c) = Mapped();
        using (h)
        using (p)
        using (c)
        {
            using var cts = new CancellationTokenSource();
            Exception? error = null;
            var waiter = new Thread(() =>
            {
                try
                {
                    while (true)
                    {
                        c.WaitForFrames(Timeout.InfiniteTimeSpan, cts.Token); // false on a wake-up without a frame: again
                    }
                }
                catch (Exception e)
                {
                    error = e;
                }
            })
            { IsBackground = true };
            waiter.Start();
            Thread.Sleep(200);
            cts.Cancel();
            Assert.That(waiter.Join(Bound), Is.True, "the cancellation woke the waiting thread");
            Assert.That(error, Is.InstanceOf<OperationCanceledException>());
        }
    }

    [Test]
    public void Cancellation_ends_the_sleep_of_a_waiting_idle_strategy()
    {
        (Harness h, Producer p, Consumer c) = Mapped();
        using (h)
        using (p)
        using (c)
        {
            using var cts = new CancellationTokenSource();
            using var idle = new WaitingIdleStrategy(c.WaitSource, TimeSpan.Zero, Timeout.InfiniteTimeSpan, cts.Token);
            var waiter = new Thread(() =>
            {
                while (!cts.IsCancellationRequested)
                {
                    idle.Idle(0);
                }
                idle.Idle(0); // cancelled: returns without sleeping
            })
            { IsBackground = true };
            waiter.Start();
            Thread.Sleep(200);
            cts.Cancel();
            Assert.That(waiter.Join(Bound), Is.True, "the cancellation woke the idle strategy's sleep");
        }
    }

    [Test]
    public void The_wait_path_allocates_nothing()
    {
        (Harness h, Producer p, Consumer c) = Mapped();
        using (h)
        using (p)
        using (c)
        {
            using var idle = new WaitingIdleStrategy(c.WaitSource, TimeSpan.FromMicroseconds(5), TimeSpan.FromMilliseconds(1));
            var handler = new CountingHandler();
            for (int i = 0; i < 20; i++) // warm up: JIT, tiering, first native calls
            {
                p.TryOffer(BitConverter.GetBytes(i));
                idle.Idle(c.Poll(ref handler, 64));
                idle.Idle(0);
                c.WaitForFrames(TimeSpan.FromMilliseconds(1));
            }
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 200; i++)
            {
                idle.Idle(c.Poll(ref handler, 64)); // spins, then sleeps up to 1 ms on the futex words
                idle.Idle(0);
                c.WaitForFrames(TimeSpan.FromMilliseconds(1));
                c.WaitSource.Wake();
                c.WaitSource.Wait(1_000_000);
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.That(allocated, Is.Zero);
        }
    }

    [Test]
    public void A_producer_killed_while_the_consumer_waits_is_still_unmapped_by_the_liveness_timer_15_14()
    {
        // Real processes: the producer (a TestHost scenario) is killed; the consumer's conductor, asleep on its streams
        // with nothing arriving any more, must still wake for the liveness check (its default waiting strategy).
        using var dir = new TempDirectory();
        string ns = "wait" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using TensorPoolClient client = TensorPoolClient.Connect(new ClientOptions
        {
            ShmBaseDir = dir.Path,
            Namespace = ns,
            QosPeriod = TimeSpan.FromMilliseconds(200),
            LivenessTimeout = TimeSpan.FromSeconds(2),
        });
        using Consumer consumer = client.AddConsumer(10000);
        using var stop = new CancellationTokenSource();
        var reader = new Thread(() =>
        {
            using var idle = new WaitingIdleStrategy(consumer.WaitSource, stop.Token);
            var handler = new CountingHandler();
            while (!stop.IsCancellationRequested)
            {
                idle.Idle(consumer.Poll(ref handler, 64));
            }
        })
        { IsBackground = true, Name = "waiting-reader" };
        reader.Start();
        // 64-byte frames every 20 ms, once this consumer has mapped the producer's epoch.
        using var producer = ChildProcess.StartScenario("dp-produce", dir.Path, ns, "10000", "1000000000", "64", "64", "1", "1", "20");
        Assert.That(SpinWait.SpinUntil(() => consumer.Counters.FramesAccepted > 0, Bound), Is.True, "frames arrive");
        Assert.That(consumer.Counters.LivenessTimeouts, Is.Zero);
        producer.Kill();
        Assert.That(SpinWait.SpinUntil(() => consumer.Counters.LivenessTimeouts > 0, Bound), Is.True,
            "the conductor woke for the liveness timer with no message arriving");
        Assert.That(SpinWait.SpinUntil(() => consumer.State == MappingState.Unmapped, Bound), Is.True);
        stop.Cancel();
        Assert.That(reader.Join(Bound), Is.True);
    }
}
