using TensorPool.Client;
using TensorPool.Processes;
using TensorPool.Producers;

namespace TensorPool.Bench.Matrix;

/// <summary>
/// One tp:ipc cell: this process is the producer (pinned to the parent CPU), the consumers are child processes.
/// Latency phase: frames at a fixed rate, timed by each consumer from the claim to delivery. Throughput phase: frames
/// as fast as the slowest consumer takes them (the producer stays within half the ring of it: the lossless rate).
/// With an Aeron directory it measures the aeron:ipc column: the same cell with the clients' streams on aeron:ipc.
/// </summary>
public static unsafe class IpcCell
{
    /// <summary>Measure the cell with <paramref name="peers"/> as consumers; stops them as consumers when done.</summary>
    public static TransportResult Run(Session session, CellPeers peers, BenchSettings settings, int size, LatencyPlan latency, string? aeronDir = null)
    {
        int consumers = peers.Count;
        SharedPage page = peers.Page;
        (int slots, uint stride) = Geometry(size);
        var source = new FrameSource(size);
        long published;
        double framesPerSecond;
        using (TensorPoolClient client = aeronDir is null
            ? BenchClient.Connect(session.Directory, peers.NameSpace)
            : BenchClient.Connect(session.Directory, peers.AeronNameSpace, channel: AeronColumn.Channel, aeronDir: aeronDir))
        using (Producer producer = client.AddProducer(new ProducerOptions
        {
            StreamId = BenchClient.StreamId,
            HeaderNslots = slots,
            Pools = [new PayloadPoolOptions(1, stride)],
        }))
        {
            WaitAll(page, consumers, FrameConsumerChild.Mapped, client, "map the producer's regions");
            LatencyPhase(producer, client, source, latency, page, consumers, slots);
            (published, framesPerSecond) = ThroughputPhase(producer, client, source, page, consumers, slots, settings.ThroughputSeconds);
            WaitAll(page, consumers, published - 1, client, "take the last frame");
        }
        long delivered = 0, drops = 0, torn = 0;
        var merged = new LatencyRecorder();
        foreach (ChildProcess child in peers.Children)
        {
            child.Stop();
        }
        foreach (ChildProcess child in peers.Children)
        {
            string result = child.NextResult(Session.ChildTimeout);
            delivered += ResultLine.Field(result, "accepted");
            drops += ResultLine.Field(result, "drops");
            torn += ResultLine.Field(result, "torn");
            merged.Add(LatencyRecorder.Decode(ResultLine.Text(result, "hist")));
        }
        return new TransportResult(merged.Percentiles(), framesPerSecond, framesPerSecond * size / 1e9, delivered, drops, torn);
    }

    /// <summary>
    /// Ring and pool: up to 256 slots to absorb a consumer's hiccup, at most 64 MiB of payload but never fewer than 4
    /// slots (creating, populating and removing a larger pool costs seconds per cell on a loaded machine).
    /// </summary>
    public static (int Slots, uint Stride) Geometry(int size)
    {
        uint stride = (uint)((size + 63) & ~63);
        int slots = 256;
        while (slots > 4 && (long)slots * stride > 64L << 20)
        {
            slots >>= 1;
        }
        return (slots, stride);
    }

    private static void LatencyPhase(Producer producer, TensorPoolClient client, FrameSource source, LatencyPlan plan, SharedPage page, int consumers, int slots)
    {
        long t0 = Clock.NowNs() + 1_000_000;
        int total = plan.Warmup + plan.Frames;
        long first = (long)producer.Counters.NextSeq;
        for (int i = 0; i < total; i++)
        {
            Clock.SpinUntil(t0 + (i * plan.PeriodNs));
            // Lossless here too: a consumer descheduled for half a ring delays the frame rather than losing older ones.
            WaitWithinLag(page, consumers, first + i, slots / 2, client);
            source.Publish(producer, i < plan.Warmup ? FrameFormat.Warmup : FrameFormat.Latency);
            if ((i & 63) == 63)
            {
                client.DoWork(); // after the frame went out, never between claim and commit
            }
        }
    }

    private static (long Published, double FramesPerSecond) ThroughputPhase(
        Producer producer, TensorPoolClient client, FrameSource source, SharedPage page, int consumers, int slots, double seconds)
    {
        long first = (long)producer.Counters.NextSeq;
        long lag = slots / 2;
        long start = Clock.NowNs();
        long deadline = start + (long)(seconds * 1e9);
        long next = first;
        while (true)
        {
            WaitWithinLag(page, consumers, next, lag, client);
            source.Publish(producer, FrameFormat.Throughput);
            next++;
            if (((next - first) & 63) == 0)
            {
                if (Clock.NowNs() >= deadline)
                {
                    break;
                }
                if (((next - first) & 4095) == 0)
                {
                    client.DoWork();
                }
            }
        }
        // Delivered, not merely offered: the rate counts until the slowest consumer has the last frame.
        while (Slowest(page, consumers) < next - 1)
        {
            Thread.SpinWait(1);
            if (Clock.NowNs() > deadline + 30_000_000_000L)
            {
                throw new TimeoutException("a consumer did not take the last frames within 30 s");
            }
        }
        double elapsed = (Clock.NowNs() - start) / 1e9;
        return (next, (next - first) / elapsed);
    }

    /// <summary>Spin until every consumer has taken frame <paramref name="next"/> − <paramref name="lag"/>.</summary>
    private static void WaitWithinLag(SharedPage page, int consumers, long next, long lag, TensorPoolClient client)
    {
        if (next - Slowest(page, consumers) <= lag)
        {
            return;
        }
        long deadline = Environment.TickCount64 + 60_000;
        int spins = 0;
        while (next - Slowest(page, consumers) > lag)
        {
            Thread.SpinWait(1);
            if ((++spins & 0xFFFF) == 0)
            {
                client.DoWork();
                if (Environment.TickCount64 > deadline)
                {
                    throw new TimeoutException("a consumer took no frame for 60 s");
                }
            }
        }
    }

    private static long Slowest(SharedPage page, int consumers)
    {
        long min = long.MaxValue;
        for (int i = 0; i < consumers; i++)
        {
            min = Math.Min(min, Volatile.Read(ref *page.ConsumerWord(i)));
        }
        return min;
    }

    private static void WaitAll(SharedPage page, int consumers, long value, TensorPoolClient client, string what)
    {
        long deadline = Environment.TickCount64 + 60_000;
        while (Slowest(page, consumers) < value)
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"the consumers did not {what} within 60 s");
            }
            client.DoWork();
            Thread.Sleep(1);
        }
    }
}
