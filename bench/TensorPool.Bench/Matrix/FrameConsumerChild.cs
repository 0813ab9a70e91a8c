using System.Buffers.Binary;
using System.Globalization;
using TensorPool.Client;
using TensorPool.Consumers;
using TensorPool.Frames;

namespace TensorPool.Bench.Matrix;

/// <summary>
/// The consumer of a tp:ipc cell (the first life of a <see cref="CellPeers"/> child: <c>NAMESPACE INDEX YIELD</c>). Polls on its CPU,
/// times every latency-phase frame from the producer's claim (SlotHeader.timestamp_ns, CLOCK_MONOTONIC) to delivery,
/// and publishes the last sequence it accepted in its word of the shared page (-1 once mapped) so the producer can
/// pace the throughput phase. Prints <c>ready</c>, runs until <c>stop</c>, then <c>result accepted= drops= hist=</c>.
/// With an Aeron directory (the aeron:ipc column), the client's streams go over <see cref="AeronColumn.Channel"/>.
/// </summary>
public static unsafe class FrameConsumerChild
{
    /// <summary>The word value meaning "mapped, nothing accepted yet"; the parent starts the words below it.</summary>
    public const long Mapped = -1;

    public static int Run(string directory, SharedPage page, string[] args, string? aeronDir = null)
    {
        string nameSpace = args[0];
        long* progress = page.ConsumerWord(int.Parse(args[1], CultureInfo.InvariantCulture));
        bool yieldWhenIdle = args[2] == "1";
        StopLine stop = StopLine.Watch();
        using TensorPoolClient client = aeronDir is null
            ? BenchClient.Connect(directory, nameSpace)
            : BenchClient.Connect(directory, nameSpace, channel: AeronColumn.Channel, aeronDir: aeronDir);
        using Consumer consumer = client.AddConsumer(BenchClient.StreamId);
        var handler = new Timing(progress);
        Console.WriteLine("ready");
        bool mapped = false;
        long idle = 0;
        while (!stop.IsSet)
        {
            if (consumer.Poll(ref handler, 64) > 0)
            {
                continue;
            }
            if ((++idle & 255) == 0)
            {
                client.DoWork(); // announces, mapping and QoS, only while idle
                if (!mapped && consumer.State == MappingState.Mapped)
                {
                    mapped = true;
                    Volatile.Write(ref *progress, Mapped);
                }
            }
            if (yieldWhenIdle)
            {
                Thread.Yield(); // oversubscribed CPUs: let the other consumers run
            }
        }
        while (consumer.Poll(ref handler, 64) > 0)
        {
        }
        ConsumerCounters c = consumer.Counters;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"result accepted={c.FramesAccepted} drops={c.DropsTotal} timed={handler.Latency.Count} torn={handler.Torn[0]} hist={handler.Latency.Encode()}"));
        return 0;
    }

    private readonly struct Timing(long* progress) : IFrameHandler
    {
        public LatencyRecorder Latency { get; } = new();

        public long[] Torn { get; } = new long[1];

        public void OnFrame(in Frame frame)
        {
            ReadOnlySpan<byte> payload = frame.Payload;
            long seq = BinaryPrimitives.ReadInt64LittleEndian(payload);
            long phase = BinaryPrimitives.ReadInt64LittleEndian(payload[8..]);
            byte last = payload[^1]; // touch the far end of the payload in place, as a reader would
            long now = Clock.NowNs();
            if (!frame.IsStillValid() || seq != (long)frame.Seq || last != FrameSource.LastByte)
            {
                Torn[0]++;
                return;
            }
            if (phase == FrameFormat.Latency)
            {
                Latency.Record(now - (long)frame.TimestampNs);
            }
            Volatile.Write(ref *progress, seq);
        }
    }
}
