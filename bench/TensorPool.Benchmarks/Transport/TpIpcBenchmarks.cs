using BenchmarkDotNet.Attributes;
using TensorPool.Transport;

namespace TensorPool.Benchmarks.Transport;

/// <summary>
/// The tp:ipc transport's per-message cost in one process (one core, no cache-line transfer): what the C# layer adds
/// to the native log. Cross-process latency and throughput are measured by bench/TensorPool.Bench.Latency.
/// </summary>
[MemoryDiagnoser]
public class TpIpcBenchmarks
{
    private const int Batch = 32;
    private readonly byte[] _message = new byte[64];
    private string _directory = string.Empty;
    private TpIpcTransport? _transport;
    private TpIpcPublication? _publication;
    private TpIpcSubscription? _subscription;
    private TpIpcPublication? _alone;
    private CountingHandler _handler;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine("/dev/shm", $"tp-bdn-{Environment.ProcessId}");
        Directory.CreateDirectory(_directory);
        _transport = new TpIpcTransport(new TpIpcOptions { BaseDir = _directory });
        _subscription = _transport.AddSubscription("tp:ipc", 1);
        _publication = _transport.AddPublication("tp:ipc", 1);
        _alone = _transport.AddPublication("tp:ipc", 2);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _transport?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>One 64-byte offer with nobody reading the stream.</summary>
    [Benchmark]
    public long Offer64() => _alone!.Offer(_message);

    /// <summary>Per message: 32 offers of 64 bytes, then one poll that receives them.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int OfferThenPoll64()
    {
        for (int i = 0; i < Batch; i++)
        {
            _publication!.Offer(_message);
        }
        return _subscription!.Poll(ref _handler, Batch);
    }

    /// <summary>Per message: claim 64 bytes, fill them in place, commit.</summary>
    [Benchmark]
    public long ClaimCommit64()
    {
        if (_alone!.TryClaim(64, out Span<byte> buffer) > 0)
        {
            buffer.Clear();
            return _alone.Commit();
        }
        return 0;
    }

    [Benchmark]
    public ChannelUri ParseChannel() => ChannelUri.Parse("tp:ipc?name=lab-1");

    private struct CountingHandler : IMessageHandler
    {
        public long Count;

        public void OnMessage(ReadOnlySpan<byte> message) => Count++;
    }
}
