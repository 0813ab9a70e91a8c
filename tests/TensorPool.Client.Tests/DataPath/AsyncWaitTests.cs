using TensorPool.Consumers;
using TensorPool.Frames;
using TensorPool.Producers;
using TensorPool.Testing;

namespace TensorPool.Client.Tests.DataPath;

/// <summary>
/// <see cref="Consumer.WaitForFramesAsync"/> and <see cref="Consumer.ReadFramesAsync"/> wait without a thread and
/// without polling: the process's async-wait thread sleeps on the consumer's futex words and completes the wait at a
/// commit, a Dispose or a cancellation (docs/DECISIONS.md D187). No timing is asserted; the bounds are generous.
/// </summary>
[NonParallelizable]
public class AsyncWaitTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static ClientOptions Options(TempDirectory dir) => new()
    {
        ShmBaseDir = dir.Path,
        Namespace = "async" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static ProducerOptions Small(uint stream) => new() { StreamId = stream, HeaderNslots = 1024, Pools = [new PayloadPoolOptions(1, 256)] };

    /// <summary>Poll until the conductor's mapping is taken (a consumer takes it at a poll), before anything is published.</summary>
    private static void WaitMapped(Consumer consumer)
    {
        var handler = new CountingHandler();
        Assert.That(SpinWait.SpinUntil(() =>
        {
            consumer.Poll(ref handler, 64);
            return consumer.State == MappingState.Mapped;
        }, Bound), Is.True, "mapped");
    }

    [Test]
    public async Task ReadFramesAsync_receives_every_frame_of_a_slow_producer()
    {
        using var dir = new TempDirectory();
        using TensorPoolClient client = TensorPoolClient.Connect(Options(dir));
        using Producer producer = client.AddProducer(Small(7201));
        using Consumer consumer = client.AddConsumer(7201);
        WaitMapped(consumer);
        const int frames = 40;
        using var cts = new CancellationTokenSource(Bound);
        Task<List<int>> reader = Task.Run(async () =>
        {
            var seen = new List<int>();
            await foreach (ReceivedFrame frame in consumer.ReadFramesAsync(cts.Token))
            {
                using (frame)
                {
                    seen.Add(BitConverter.ToInt32(frame.Payload.Span));
                }
                if (seen.Count == frames)
                {
                    break;
                }
            }
            return seen;
        });
        for (int i = 0; i < frames; i++)
        {
            Thread.Sleep(5); // the reader waits before each frame
            Assert.That(producer.TryOffer(BitConverter.GetBytes(i)), Is.True);
        }
        Assert.That(await reader, Is.EqualTo(Enumerable.Range(0, frames)));
    }

    [Test]
    public async Task An_async_wait_stays_pending_while_nothing_is_published_and_a_commit_completes_it_with_true()
    {
        using var dir = new TempDirectory();
        using TensorPoolClient client = TensorPoolClient.Connect(Options(dir));
        using Producer producer = client.AddProducer(Small(7202));
        using Consumer consumer = client.AddConsumer(7202);
        WaitMapped(consumer);
        var handler = new CountingHandler();
        while (consumer.Poll(ref handler, 64) > 0)
        {
        }
        Task<bool> wait = consumer.WaitForFramesAsync().AsTask();
        if (wait.IsCompleted)
        {
            Assert.That(await wait, Is.False, "woken since the last wait (the mapping was posted): poll, then wait again");
            wait = consumer.WaitForFramesAsync().AsTask();
        }
        Thread.Sleep(300); // no timer, no poll: nothing completes it
        Assert.That(wait.IsCompleted, Is.False, "an idle async wait is pending, not polling");
        Assert.That(producer.TryOffer(BitConverter.GetBytes(1)), Is.True);
        bool ready = await wait.WaitAsync(Bound);
        Assert.That(ready, Is.True, "the commit completed the wait with true");
        Assert.That(consumer.Poll(ref handler, 64), Is.EqualTo(1));
    }

    [Test]
    public void Dispose_ends_a_ReadFramesAsync_wait()
    {
        using var dir = new TempDirectory();
        using TensorPoolClient client = TensorPoolClient.Connect(Options(dir));
        using Producer producer = client.AddProducer(Small(7203));
        Consumer consumer = client.AddConsumer(7203);
        WaitMapped(consumer);
        Task reader = Task.Run(async () =>
        {
            await foreach (ReceivedFrame frame in consumer.ReadFramesAsync())
            {
                frame.Dispose();
            }
        });
        Thread.Sleep(300);
        Assert.That(reader.IsCompleted, Is.False, "nothing was published: the reader waits");
        consumer.Dispose();
        Assert.That(() => reader.Wait(Bound), Throws.InstanceOf<AggregateException>().With.InnerException.InstanceOf<ObjectDisposedException>(),
            "Dispose ended the wait");
    }

    [Test]
    public void Cancellation_ends_a_ReadFramesAsync_wait()
    {
        using var dir = new TempDirectory();
        using TensorPoolClient client = TensorPoolClient.Connect(Options(dir));
        using Producer producer = client.AddProducer(Small(7204));
        using Consumer consumer = client.AddConsumer(7204);
        WaitMapped(consumer);
        using var cts = new CancellationTokenSource();
        Task reader = Task.Run(async () =>
        {
            await foreach (ReceivedFrame frame in consumer.ReadFramesAsync(cts.Token))
            {
                frame.Dispose();
            }
        });
        Thread.Sleep(300);
        Assert.That(reader.IsCompleted, Is.False, "nothing was published: the reader waits");
        cts.Cancel();
        Assert.That(() => reader.Wait(Bound), Throws.InstanceOf<AggregateException>().With.InnerException.InstanceOf<OperationCanceledException>(),
            "the cancellation ended the wait");
        Task<bool> again = consumer.WaitForFramesAsync().AsTask(); // the cancelled wait ended: another may start
        consumer.Dispose();
        Assert.That(again.Wait(Bound), Is.True, "Dispose ended the new wait");
        Assert.That(again.Result, Is.False, "woken without a frame");
    }

    [Test]
    public async Task An_async_wait_allocates_nothing_in_steady_state()
    {
        using var dir = new TempDirectory();
        using TensorPoolClient client = TensorPoolClient.Connect(Options(dir));
        using Producer producer = client.AddProducer(Small(7205));
        using Consumer consumer = client.AddConsumer(7205);
        WaitMapped(consumer);
        var handler = new CountingHandler();
        byte[] payload = new byte[4];
        async Task Round(int n)
        {
            for (int i = 0; i < n; i++)
            {
                ValueTask<bool> wait = consumer.WaitForFramesAsync();
                producer.TryOffer(payload);
                await wait.ConfigureAwait(false); // completed by the async-wait thread, the continuation on the pool
                consumer.Poll(ref handler, 64);
            }
        }
        await Round(50); // warm up: JIT, tiering, the async-wait thread, the thread pool
        const int waits = 500;
        // Process-wide (the wait completes on other threads): any object per wait would be >= 24 bytes each, in every
        // window; a window that met a one-off allocation elsewhere in the process is measured again (up to five, D83).
        long allocated = long.MaxValue;
        for (int window = 0; window < 5 && allocated >= waits * 8; window++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            await Round(waits);
            allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        }
        Assert.That(allocated, Is.LessThan(waits * 8), $"{allocated} bytes over {waits} waits");
    }
}
