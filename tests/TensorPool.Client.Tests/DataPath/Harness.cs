using TensorPool.Client;
using TensorPool.Consumers;
using TensorPool.Frames;
using TensorPool.Testing;
using TensorPool.Time;

namespace TensorPool.Client.Tests.DataPath;

/// <summary>
/// A client on a loopback transport with a manual clock, its conductor invoked by the test: every step is
/// deterministic. Shared memory lives in a temporary directory under /dev/shm.
/// </summary>
internal sealed class Harness : IDisposable
{
    public Harness(Action<ClientOptions>? configure = null)
    {
        Dir = new TempDirectory();
        Transport = new LoopbackTransport();
        Clock = new ManualClock();
        Realtime = new ManualClock(1_700_000_000_000_000_000L);
        Errors = [];
        var options = new ClientOptions
        {
            Transport = Transport,
            Clock = Clock,
            RealtimeClock = Realtime,
            ShmBaseDir = Dir.Path,
            ConductorMode = ConductorMode.Invoker,
            ErrorHandler = e =>
            {
                lock (Errors)
                {
                    Errors.Add(e);
                }
            },
        };
        configure?.Invoke(options);
        Options = options;
        Client = TensorPoolClient.Connect(options);
    }

    public TempDirectory Dir { get; }

    public LoopbackTransport Transport { get; }

    public ManualClock Clock { get; }

    public ManualClock Realtime { get; }

    public ClientOptions Options { get; }

    public TensorPoolClient Client { get; }

    public List<Exception> Errors { get; }

    /// <summary>Run the conductor a few duty cycles (announces out, announces in, timers).</summary>
    public void Work(int cycles = 3)
    {
        for (int i = 0; i < cycles; i++)
        {
            Client.DoWork();
        }
        Assert.That(Errors, Is.Empty, () => string.Join("\n", Errors));
    }

    /// <summary>Poll everything pending and return what the handler saw (copied).</summary>
    public static List<SeenFrame> PollAll(Consumer consumer)
    {
        var seen = new Recorder(new List<SeenFrame>());
        while (consumer.Poll(ref seen, 64) > 0)
        {
        }
        return seen.Frames;
    }

    public void Dispose()
    {
        Client.Dispose();
        Transport.Dispose();
        Dir.Dispose();
    }

    public sealed record SeenFrame(ulong Seq, ulong Epoch, ushort PoolId, byte[] Payload, int[] Dims, int[] Strides,
        Sbe.Wire.Dtype Dtype, Sbe.Wire.MajorOrder Order, ulong TimestampNs, bool ValidAfterRead);

    private readonly struct Recorder(List<SeenFrame> frames) : IFrameHandler
    {
        public List<SeenFrame> Frames { get; } = frames;

        public void OnFrame(in Frame frame)
        {
            byte[] payload = frame.Payload.ToArray();
            bool valid = frame.IsStillValid();
            Frames.Add(new SeenFrame(frame.Seq, frame.Epoch, frame.PoolId, payload, frame.Dims.ToArray(), frame.Strides.ToArray(),
                frame.Dtype, frame.MajorOrder, frame.TimestampNs, valid));
        }
    }
}
