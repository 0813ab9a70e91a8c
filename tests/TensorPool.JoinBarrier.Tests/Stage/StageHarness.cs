using TensorPool.Client;
using TensorPool.Consumers;
using TensorPool.Frames;
using TensorPool.JoinBarrier.Stage;
using TensorPool.Producers;
using TensorPool.Testing;
using TensorPool.Time;

namespace TensorPool.JoinBarrier.Tests.Stage;

/// <summary>
/// A client on a loopback transport with a manual clock (slot timestamps), its conductor invoked by the test; input
/// producers publish float32 [4] frames whose values name their stream and sequence.
/// </summary>
internal sealed class StageHarness : IDisposable
{
    /// <param name="traceNodeId">The client's TraceLink node id (§6.2), needed by traced producers; null: none.</param>
    public StageHarness(uint? traceNodeId = null)
    {
        Dir = new TempDirectory();
        Transport = new LoopbackTransport(capacity: 4096);
        Clock = new ManualClock();
        Client = TensorPoolClient.Connect(new ClientOptions
        {
            Transport = Transport,
            Clock = Clock,
            ShmBaseDir = Dir.Path,
            ConductorMode = ConductorMode.Invoker,
            TraceNodeId = traceNodeId,
        });
    }

    public TempDirectory Dir { get; }

    public LoopbackTransport Transport { get; }

    public ManualClock Clock { get; }

    public TensorPoolClient Client { get; }

    public static float Value(uint stream, ulong seq, int i) => (stream * 10_000f) + (seq * 10f) + i;

    public Producer Input(uint stream, int nslots = 64, bool trace = false) =>
        Client.AddProducer(new ProducerOptions { StreamId = stream, HeaderNslots = nslots, Pools = [new PayloadPoolOptions(1, 64)], Trace = trace });

    /// <summary>Publishes the next frame of <paramref name="producer"/> with slot time <paramref name="timeNs"/> (the clock's when null).</summary>
    public static void Publish(Producer producer, ulong? timeNs = null)
    {
        Assert.That(producer.TryClaim(16, out FrameClaim claim), Is.True);
        Span<float> values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(claim.Payload);
        for (int i = 0; i < 4; i++)
        {
            values[i] = Value(producer.StreamId, claim.Seq, i);
        }
        claim.SetTensor(Sbe.Wire.Dtype.Float32, [4]);
        if (timeNs is { } t)
        {
            claim.TimestampNs = t;
        }
        producer.Commit(ref claim);
    }

    /// <summary>Conductor and stage duty cycles.</summary>
    public void Pump(JoinStage stage, ref Collector handler, int cycles = 6)
    {
        for (int i = 0; i < cycles; i++)
        {
            Client.DoWork();
            stage.DoWork(ref handler);
        }
    }

    public static List<float[]> Read(Consumer consumer, List<(ulong Seq, int[] Dims)>? meta = null)
    {
        var rows = new List<float[]>();
        var reader = new OutputReader(rows, meta ?? []);
        while (consumer.Poll(ref reader, 64) > 0)
        {
        }
        return rows;
    }

    public void Dispose()
    {
        Client.Dispose();
        Transport.Dispose();
        Dir.Dispose();
    }

    /// <summary>Stacks (the library's StackedOutput) and records what was published.</summary>
    public struct Collector() : IJoinHandler
    {
        public List<JoinOutput> Published { get; } = [];

        public List<string> Presence { get; } = [];

        public readonly int OutputLength(in JoinFrames inputs) => StackedOutput.Length(in inputs);

        public readonly void WriteOutput(in JoinFrames inputs, ref FrameClaim output)
        {
            var p = new System.Text.StringBuilder();
            for (int i = 0; i < inputs.Count; i++)
            {
                p.Append(inputs.IsPresent(i) ? (char)('0' + (int)(inputs[i].Seq % 10)) : '-');
            }
            Presence.Add(p.ToString());
            StackedOutput.Write(in inputs, ref output);
        }

        public readonly void OnPublished(in JoinOutput output) => Published.Add(output);
    }

    private readonly struct OutputReader(List<float[]> rows, List<(ulong Seq, int[] Dims)> meta) : IFrameHandler
    {
        public void OnFrame(in Frame frame)
        {
            rows.Add(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(frame.Payload).ToArray());
            meta.Add((frame.Seq, frame.Dims.ToArray()));
        }
    }
}
