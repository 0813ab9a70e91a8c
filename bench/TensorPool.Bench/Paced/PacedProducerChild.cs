using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using TensorPool.Bench.Matrix;
using TensorPool.Client;
using TensorPool.Producers;
using TensorPool.Time;

namespace TensorPool.Bench.Paced;

/// <summary>
/// The producer of a paced cell, a process of its own: <c>NAMESPACE SIZE RATE WARMUP FRAMES CONSUMERS AERON</c>. Waits
/// until every consumer has mapped its regions (their words of the shared page), publishes WARMUP frames at RATE, prints
/// <c>steady</c>, publishes FRAMES timed frames, prints <c>result published= last=</c> and waits for <c>stop</c>. Paces
/// as <c>tp produce --rate</c> does (<see cref="RatePacer"/>: sleep to the deadline, short final spin, D184).
/// </summary>
public static unsafe class PacedProducerChild
{
    public const string Measure = "paced-producer";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a long-running loop: no tier-0 code, no on-stack replacement stall mid-run (D242)
    public static int Run(string directory, SharedPage page, string[] args)
    {
        string nameSpace = args[0];
        int size = int.Parse(args[1], CultureInfo.InvariantCulture);
        double rate = double.Parse(args[2], CultureInfo.InvariantCulture);
        int warmup = int.Parse(args[3], CultureInfo.InvariantCulture);
        int frames = int.Parse(args[4], CultureInfo.InvariantCulture);
        int consumers = int.Parse(args[5], CultureInfo.InvariantCulture);
        StopLine stop = StopLine.Watch();
        using TensorPoolClient client = PacedClient.Connect(directory, nameSpace, args[6]);
        using Producer producer = client.AddProducer(new ProducerOptions
        {
            StreamId = BenchClient.StreamId,
            HeaderNslots = 1024, // a second of frames at 1 kHz: a consumer held off its CPU loses nothing it could read
            Pools = [new PayloadPoolOptions(1, (uint)((size + 63) & ~63))],
        });
        for (int i = 0; i < consumers; i++)
        {
            while (Volatile.Read(ref *page.ConsumerWord(i)) < FrameConsumerChild.Mapped)
            {
                if (stop.IsSet)
                {
                    return 1;
                }
                Thread.Sleep(1);
            }
        }
        byte[] bytes = new FrameSource(size).Bytes.ToArray();
        var pacer = new RatePacer(rate);
        ulong last = 0;
        for (int i = 0; i < warmup + frames; i++)
        {
            while (!pacer.WaitForNext(TimeSpan.FromMilliseconds(100)))
            {
                if (stop.IsSet)
                {
                    return 1;
                }
            }
            last = Publish(producer, bytes, i < warmup ? FrameFormat.Warmup : FrameFormat.Latency);
            pacer.MarkDone();
            if (i == warmup - 1)
            {
                Console.WriteLine("steady");
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"result published={frames} last={last}"));
        while (!stop.IsSet)
        {
            Thread.Sleep(10);
        }
        return 0;
    }

    /// <summary>
    /// Claim, copy, stamp sequence and phase, commit; the sequence. The slot's timestamp is taken as the commit begins:
    /// a cell's latency runs from the producer's commit to the consumer's accept, as issue 14 defines it and as the
    /// reference stamps a slot given no timestamp (ref_paced.c), not from the claim (the library's default) (D246).
    /// </summary>
    private static ulong Publish(Producer producer, byte[] bytes, long phase)
    {
        if (!producer.TryClaim(bytes.Length, out FrameClaim claim))
        {
            throw new InvalidOperationException($"no payload pool holds {bytes.Length} bytes");
        }
        bytes.CopyTo(claim.Payload);
        BinaryPrimitives.WriteInt64LittleEndian(claim.Payload, (long)claim.Seq);
        BinaryPrimitives.WriteInt64LittleEndian(claim.Payload[8..], phase);
        ulong seq = claim.Seq;
        claim.TimestampNs = (ulong)Clock.NowNs();
        producer.Commit(ref claim);
        return seq;
    }
}
