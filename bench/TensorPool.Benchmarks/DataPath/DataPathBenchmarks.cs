using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using TensorPool.Client;
using TensorPool.Consumers;
using TensorPool.Frames;
using TensorPool.Producers;
using TensorPool.Sbe.Wire;
using TensorPool.Transport;

namespace TensorPool.Benchmarks.DataPath;

/// <summary>
/// The data path in one process (one core, no cache-line transfer): a producer's claim + commit + descriptor publish on
/// tp:ipc, a consumer's poll + validation, and one-copy publishing of large frames against a same-run memcpy into the
/// same number of rotating 1 MiB destinations. Cross-process latency and throughput: bench/TensorPool.Bench.DataPath.
/// </summary>
[MemoryDiagnoser]
public unsafe class DataPathBenchmarks
{
    private const int Batch = 32;
    private const int Slots = 64;
    private const int OneMiB = 1 << 20;
    private const int Size640KiB = 640 << 10;
    private readonly byte[] _small = new byte[64];
    private readonly byte[] _descriptor = new byte[48];
    private readonly byte[] _large = new byte[OneMiB];
    private string _directory = string.Empty;
    private TensorPoolClient? _client;
    private Producer? _producer;
    private Consumer? _consumer;
    private IPublication? _rawPublication;
    private byte* _destinations;
    private int _next;
    private Counter _counter;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine("/dev/shm", $"tp-bdn-dp-{Environment.ProcessId}");
        Directory.CreateDirectory(_directory);
        _client = TensorPoolClient.Connect(new ClientOptions { ShmBaseDir = _directory, ConductorMode = ConductorMode.Invoker });
        _producer = _client.AddProducer(new ProducerOptions
        {
            HeaderNslots = Slots,
            Pools = [new PayloadPoolOptions(1, 64), new PayloadPoolOptions(2, Size640KiB), new PayloadPoolOptions(3, OneMiB)],
        });
        _consumer = _client.AddConsumer(_producer.StreamId);
        for (int i = 0; i < 100 && _consumer.State != MappingState.Mapped; i++)
        {
            _client.DoWork();
            _consumer.Poll(ref _counter, 1);
            Thread.Sleep(1);
        }
        if (_consumer.State != MappingState.Mapped)
        {
            throw new InvalidOperationException("the consumer did not map: " + _consumer.LastAnnounceRejection);
        }
        // A publication on another stream nobody reads: the transport's share of a commit.
        _rawPublication = _client.Transport.AddPublication("tp:ipc", 4242);
        _destinations = (byte*)NativeMemory.AllocZeroed((nuint)Slots * OneMiB);
        new Span<byte>(_large).Fill(7);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _rawPublication?.Dispose();
        _client?.Dispose();
        NativeMemory.Free(_destinations);
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Baseline: the transport alone, one 48-byte offer (a FrameDescriptor's size).</summary>
    [Benchmark]
    public long TransportOffer48() => _rawPublication!.Offer(_descriptor);

    /// <summary>TryClaim(64) + 8 bytes written in place + Commit (header, seqlock, FrameDescriptor offer).</summary>
    [Benchmark]
    public ulong ClaimCommit64()
    {
        _producer!.TryClaim(64, out FrameClaim claim);
        ulong seq = claim.Seq;
        MemoryMarshal.Write(claim.Payload, in seq);
        _producer.Commit(ref claim);
        return seq;
    }

    /// <summary>TryClaim(64) + Abort: the claim's share (clock read, pool choice, seqlock begin).</summary>
    [Benchmark]
    public ulong ClaimAbort64()
    {
        _producer!.TryClaim(64, out FrameClaim claim);
        ulong seq = claim.Seq;
        _producer.Abort(ref claim);
        return seq;
    }

    /// <summary>The clock read every claim makes (CLOCK_MONOTONIC through Stopwatch).</summary>
    [Benchmark]
    public long ClockRead() => Time.MonotonicClock.Instance.NanoTime();

    /// <summary>As <see cref="ClaimCommit64"/> with a 4x4 float32 tensor description.</summary>
    [Benchmark]
    public ulong ClaimCommit64Tensor()
    {
        _producer!.TryClaim(64, out FrameClaim claim);
        ulong seq = claim.Seq;
        MemoryMarshal.Write(claim.Payload, in seq);
        claim.SetTensor(Dtype.Float32, [4, 4]);
        _producer.Commit(ref claim);
        return seq;
    }

    /// <summary>Per frame: 32 claims + commits of 64 bytes, then one poll that validates and delivers them all.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public long PublishThenPoll64()
    {
        for (int i = 0; i < Batch; i++)
        {
            _producer!.TryOffer(_small);
        }
        _consumer!.Poll(ref _counter, Batch);
        return _counter.Frames;
    }

    /// <summary>Baseline: memcpy of 1 MiB into 64 rotating 1 MiB destinations (as the pool's slots rotate).</summary>
    [Benchmark]
    public void Memcpy1MiB()
    {
        byte* destination = _destinations + ((long)(_next++ & (Slots - 1)) * OneMiB);
        _large.AsSpan().CopyTo(new Span<byte>(destination, OneMiB));
    }

    /// <summary>Producer.Offer of a 1 MiB frame: one copy into the pool, then the commit.</summary>
    [Benchmark]
    public bool Offer1MiB() => _producer!.TryOffer(_large);

    /// <summary>Producer.Offer of a 640 KiB frame.</summary>
    [Benchmark]
    public bool Offer640KiB() => _producer!.TryOffer(_large.AsSpan(0, Size640KiB));

    private struct Counter : IFrameHandler
    {
        public long Frames;

        public void OnFrame(in Frame frame) => Frames++;
    }
}
