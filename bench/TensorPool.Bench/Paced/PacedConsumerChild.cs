using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using TensorPool.Agents;
using TensorPool.Bench.Matrix;
using TensorPool.Client;
using TensorPool.Consumers;
using TensorPool.Frames;

namespace TensorPool.Bench.Paced;

/// <summary>
/// A consumer of a paced cell, a process of its own: <c>NAMESPACE INDEX IDLE AERON</c>. Polls as <c>tp consume</c>
/// does (poll, then the idle strategy named IDLE), times every frame of the window from the producer's commit
/// timestamp (SlotHeader.timestamp_ns, CLOCK_MONOTONIC) to its accept, and writes the last sequence it accepted to its
/// word of the shared page (-1 once mapped). Prints <c>ready</c>, runs until <c>stop</c>, then
/// <c>result timed= drops= torn= hist=</c>.
/// </summary>
public static unsafe class PacedConsumerChild
{
    public const string Measure = "paced-consumer";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a long-running loop: no tier-0 code, no on-stack replacement stall mid-run (D242)
    public static int Run(string directory, SharedPage page, string[] args)
    {
        string nameSpace = args[0];
        long* progress = page.ConsumerWord(int.Parse(args[1], CultureInfo.InvariantCulture));
        StopLine stop = StopLine.Watch();
        using TensorPoolClient client = PacedClient.Connect(directory, nameSpace, args[3]);
        using Consumer consumer = client.AddConsumer(BenchClient.StreamId);
        IIdleStrategy idle = IdleMode.Create(args[2], consumer.WaitSource);
        using var disposeIdle = idle as IDisposable;
        var handler = new Timing(progress);
        Console.WriteLine("ready");
        bool mapped = false;
        while (!stop.IsSet)
        {
            int work = consumer.Poll(ref handler, 64);
            if (!mapped && consumer.State == MappingState.Mapped)
            {
                mapped = true;
                Volatile.Write(ref *progress, FrameConsumerChild.Mapped);
            }
            idle.Idle(work);
        }
        while (consumer.Poll(ref handler, 64) > 0)
        {
        }
        ConsumerCounters c = consumer.Counters;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"result timed={handler.Latency.Count} drops={c.DropsTotal} torn={handler.Torn[0]} hist={handler.Latency.Encode()}"));
        return 0;
    }

    private readonly struct Timing(long* progress) : IFrameHandler
    {
        public LatencyRecorder Latency { get; } = new();

        public long[] Torn { get; } = new long[1];

        public void OnFrame(in Frame frame)
        {
            long now = Clock.NowNs();
            ReadOnlySpan<byte> payload = frame.Payload;
            long seq = BinaryPrimitives.ReadInt64LittleEndian(payload);
            long phase = BinaryPrimitives.ReadInt64LittleEndian(payload[8..]);
            if (!frame.IsStillValid() || seq != (long)frame.Seq || payload[^1] != FrameSource.LastByte)
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
