using System.Diagnostics;
using System.Globalization;
using System.IO.MemoryMappedFiles;
using HdrHistogram;
using TensorPool.Client;
using TensorPool.Consumers;
using TensorPool.Frames;

namespace TensorPool.Bench.DataPath;

/// <summary>
/// The consumer process: a busy-spinning poll loop on its own CPU that records, for every accepted frame, the time
/// from the producer's claim (SlotHeader.timestamp_ns) to acceptance, and publishes the last sequence it accepted in
/// a shared page (the throughput run's pacing). <c>child base namespace cpu positionFile latency|throughput [idleSpin]</c>;
/// prints <c>ready</c>, runs until a <c>stop</c> line, then prints <c>result key=value…</c>. A throughput run reads no
/// clock per frame and publishes its position once per poll: it measures the data path, not the harness.
/// </summary>
internal static unsafe class ConsumerChild
{
    private const int WarmupFrames = 2000;

    public static int Run(string[] args)
    {
        string baseDir = args[0];
        string nameSpace = args[1];
        Cpu.Pin(Cpu.Parse(args[2]));
        bool latency = args[4] == "latency";
        int idleSpin = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 0;
        using var positionFile = MemoryMappedFile.CreateFromFile(args[3], FileMode.Open, null, 4096, MemoryMappedFileAccess.ReadWrite);
        using MemoryMappedViewAccessor view = positionFile.CreateViewAccessor(0, 4096);
        byte* page = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref page);
        try
        {
            return Consume(baseDir, nameSpace, (long*)page, latency, idleSpin);
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }

    private static int Consume(string baseDir, string nameSpace, long* position, bool latency, int idleSpin)
    {
        TensorPool.Bench.Matrix.StopLine stopped = TensorPool.Bench.Matrix.StopLine.Watch();

        using TensorPoolClient client = Harness.Connect(baseDir, nameSpace);
        using Consumer consumer = client.AddConsumer(Harness.StreamId);
        var state = new State(position) { RecordLatency = latency };
        var handler = new Recorder(state);
        Console.WriteLine("ready");
        long allocatedAtWarmup = -1;
        long framesAtWarmup = 0;
        long loops = 0;
        while (!stopped.IsSet)
        {
            int work = consumer.Poll(ref handler, 64);
            if (work > 0 && !latency)
            {
                state.LastTicks = Stopwatch.GetTimestamp();
                Volatile.Write(ref *state.Position, state.LastSeq);
            }
            if (work == 0)
            {
                if ((++loops & 255) == 0)
                {
                    client.DoWork(); // announces, remaps and QoS, only while idle
                }
                if (idleSpin > 0)
                {
                    Thread.SpinWait(idleSpin); // read in batches instead of chasing the producer's lines as they are written
                }
            }
            if (allocatedAtWarmup < 0 && state.Accepted >= WarmupFrames)
            {
                allocatedAtWarmup = GC.GetAllocatedBytesForCurrentThread();
                framesAtWarmup = state.Accepted;
                state.Latency.Reset();
                state.FirstTicks = Stopwatch.GetTimestamp();
                state.AcceptedAtStart = state.Accepted;
            }
        }
        while (consumer.Poll(ref handler, 64) > 0)
        {
        }
        long allocated = allocatedAtWarmup < 0 ? 0 : GC.GetAllocatedBytesForCurrentThread() - allocatedAtWarmup;
        ConsumerCounters c = consumer.Counters;
        double seconds = state.FirstTicks == 0 ? 0 : (double)(state.LastTicks - state.FirstTicks) / Stopwatch.Frequency;
        LongHistogram h = state.Latency;
        string P(double p) => h.TotalCount == 0 ? "0" : h.GetValueAtPercentile(p).ToString(CultureInfo.InvariantCulture);
        Console.WriteLine(FormattableString.Invariant(
            $"result accepted={c.FramesAccepted} gap={c.DropsGap + c.DropsResync} late={c.DropsLate} other={c.DropsOther} ") +
            $"p50={P(50)} p90={P(90)} p99={P(99)} p999={P(99.9)} max={(h.TotalCount == 0 ? 0 : h.GetMaxValue())} " +
            FormattableString.Invariant($"alloc={allocated} measured={state.Accepted - framesAtWarmup} rate={(seconds > 0 ? (state.Accepted - state.AcceptedAtStart) / seconds : 0):F0}"));
        return 0;
    }

    private sealed class State(long* position)
    {
        public LongHistogram Latency { get; } = new(10_000_000_000L, 3);

        public long* Position { get; } = position;

        public bool RecordLatency;
        public long LastSeq;

        public long Accepted;
        public long AcceptedAtStart;
        public long FirstTicks;
        public long LastTicks;
    }

    private readonly struct Recorder(State state) : IFrameHandler
    {
        public void OnFrame(in Frame frame)
        {
            ulong seq = frame.Seq;
            ReadOnlySpan<byte> payload = frame.Payload;
            ulong written = payload.Length >= 8 ? BitConverter.ToUInt64(payload) : seq; // touch the data in place
            if (!frame.IsStillValid() || written != seq)
            {
                return;
            }
            state.Accepted++;
            if (!state.RecordLatency)
            {
                state.LastSeq = (long)seq; // published once per poll by the loop
                return;
            }
            long now = Time.MonotonicClock.Instance.NanoTime();
            state.Latency.RecordValue(Math.Clamp(now - (long)frame.TimestampNs, 1, 10_000_000_000L));
            state.LastTicks = Stopwatch.GetTimestamp();
            Volatile.Write(ref *state.Position, (long)seq);
        }
    }
}
