using System.Diagnostics;
using System.Globalization;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using TensorPool.Bench;
using TensorPool.Bench.DataPath;
using TensorPool.Processes;
using TensorPool.Producers;
using TensorPool.Transport;
using static TensorPool.Bench.DataPath.Harness;

// End-to-end data path measurements with same-run baselines (docs/benchmarks.md, "Data path"):
//   dotnet bench/TensorPool.Bench.DataPath/bin/Release/net10.0/TensorPool.Bench.DataPath.dll
//       [--frames N] [--rate HZ] [--sizes 64,4096,...] [--throughput N] [--copies N] [--only hiccups,transport,latency,throughput,copy]
if (args.Length > 0 && args[0] == "child")
{
    return ConsumerChild.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "child-transport")
{
    return TransportChild.Run(args[1..]);
}

int latencyFrames = Arg("--frames", 50_000);
int rate = Arg("--rate", 10_000);
long throughputFrames = Arg("--throughput", 5_000_000);
int copies = Arg("--copies", 2_000);
int[] sizes = Value("--sizes") is { } list ? [.. list.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] : [64, 4096, 65536, 1 << 20, 16 << 20];
string[] only = Value("--only")?.Split(',') ?? ["hiccups", "transport", "latency", "throughput", "copy"];

(int First, int Second) cpus = Cpu.PickTwo() ?? (-1, -1);
Cpu.Pin(cpus.First);
string baseDir = Path.Combine("/dev/shm", $"tp-bench-dp-{Environment.ProcessId}");
Directory.CreateDirectory(baseDir);
string positionPath = Path.Combine(baseDir, "position");
File.WriteAllBytes(positionPath, new byte[4096]);
Console.WriteLine($"# data path harness: producer on CPU {cpus.First}, consumer process on CPU {cpus.Second}, load average {LoadAverage()}");
try
{
    if (only.Contains("hiccups"))
    {
        // The environment's share of the tail: time a pinned spinner alone spends off its CPU.
        foreach (int cpu in new[] { cpus.First, cpus.Second }.Where(c => c >= 0))
        {
            Console.WriteLine($"{"hiccups",-22} {Hiccups.Measure(cpu, TimeSpan.FromSeconds(2))}");
        }
        Cpu.Pin(cpus.First);
    }
    if (only.Contains("transport"))
    {
        TransportBaseline();
    }
    if (only.Contains("latency"))
    {
        foreach (int size in sizes)
        {
            Latency(size);
        }
    }
    if (only.Contains("throughput"))
    {
        Throughput(paced: true, idleSpin: 0);
        Throughput(paced: false, idleSpin: 0);
        Throughput(paced: true, idleSpin: 200);
        Throughput(paced: false, idleSpin: 200);
    }
    if (only.Contains("copy"))
    {
        Copy();
    }
}
finally
{
    Directory.Delete(baseDir, recursive: true);
}
Console.WriteLine($"# load average after: {LoadAverage()}");
return 0;

// tp:ipc alone, 48-byte messages stamped at send, same pacing as the latency runs: the floor under a frame's latency.
void TransportBaseline()
{
    using ChildProcess child = StartChild("child-transport", baseDir, "transport", Cpu.Format(cpus.Second));
    using var transport = new TpIpcTransport(new TpIpcOptions { BaseDir = baseDir, Namespace = "transport" });
    using TpIpcPublication publication = transport.AddPublication("tp:ipc", TransportChild.StreamId);
    byte[] message = new byte[48];
    Thread.Sleep(200);
    long period = Stopwatch.Frequency / rate;
    long start = Stopwatch.GetTimestamp();
    for (int i = 0; i < latencyFrames; i++)
    {
        long due = start + (i * period);
        while (Stopwatch.GetTimestamp() < due)
        {
            Thread.SpinWait(1);
        }
        MemoryMarshal.Write(message, TensorPool.Time.MonotonicClock.Instance.NanoTime());
        publication.Offer(message);
    }
    string result = StopChild(child);
    Console.WriteLine($"{"transport-48B",-22} one-way ns {Percentiles(result)}");
}

// Frames of `size` bytes written in place (only their first word), one every 1/rate s; claim time to acceptance.
void Latency(int size)
{
    using ChildProcess child = StartChild("child", baseDir, "latency" + size, Cpu.Format(cpus.Second), positionPath, "latency");
    uint stride = (uint)((size + 63) & ~63);
    using var side = new ProducerSide(baseDir, "latency" + size, size >= 4 << 20 ? 8 : 64, stride, waitForConsumer: true);
    Producer producer = side.Producer;
    long period = Stopwatch.Frequency / rate;
    long allocated = 0;
    long start = Stopwatch.GetTimestamp();
    for (int i = 0; i < latencyFrames; i++)
    {
        if (i == 1000)
        {
            allocated = GC.GetAllocatedBytesForCurrentThread();
        }
        long due = start + (i * period);
        while (Stopwatch.GetTimestamp() < due)
        {
            Thread.SpinWait(1);
        }
        if (producer.TryClaim(size, out FrameClaim claim))
        {
            MemoryMarshal.Write(claim.Payload, claim.Seq);
            producer.Commit(ref claim);
        }
        if ((i & 1023) == 0)
        {
            side.Client.DoWork();
        }
    }
    allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
    string result = StopChild(child);
    Console.WriteLine($"{"frame-" + Size(size),-22} claim->accepted ns {Percentiles(result)} accepted={ResultLine.Field(result, "accepted")} " +
        $"drops={ResultLine.Field(result, "gap") + ResultLine.Field(result, "late") + ResultLine.Field(result, "other")} " +
        $"alloc/frame producer={F((double)allocated / (latencyFrames - 1000), "F2")} consumer={F((double)ResultLine.Field(result, "alloc") / Math.Max(1, ResultLine.Field(result, "measured")), "F2")}");
}

// 64-byte frames; paced: the producer stays within about half the ring of what the consumer accepted (lossless rate);
// batching: the consumer spins idleSpin iterations when a poll finds nothing, so it reads in batches.
unsafe void Throughput(bool paced, int idleSpin)
{
    string ns = (paced ? "paced" : "flat") + (idleSpin > 0 ? "-batching" : "");
    using ChildProcess child = StartChild("child", baseDir, ns, Cpu.Format(cpus.Second), positionPath, "throughput",
        idleSpin.ToString(CultureInfo.InvariantCulture));
    using var side = new ProducerSide(baseDir, ns, 1024, 64, waitForConsumer: true);
    using var positionFile = MemoryMappedFile.CreateFromFile(positionPath, FileMode.Open, null, 4096, MemoryMappedFileAccess.ReadWrite);
    using MemoryMappedViewAccessor view = positionFile.CreateViewAccessor(0, 4096);
    byte* page = null;
    view.SafeMemoryMappedViewHandle.AcquirePointer(ref page);
    long* consumed = (long*)page;
    *consumed = -1;
    Producer producer = side.Producer;
    long allocated = GC.GetAllocatedBytesForCurrentThread();
    long start = Stopwatch.GetTimestamp();
    for (long i = 0; i < throughputFrames; i++)
    {
        // Every 64 frames, so the pacing does not pull the consumer's position line across once per frame.
        while (paced && (i & 63) == 0 && i - Volatile.Read(ref *consumed) > 512)
        {
            Thread.SpinWait(1);
        }
        if (producer.TryClaim(64, out FrameClaim claim))
        {
            MemoryMarshal.Write(claim.Payload, claim.Seq);
            producer.Commit(ref claim);
        }
    }
    double seconds = (double)(Stopwatch.GetTimestamp() - start) / Stopwatch.Frequency;
    allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
    side.Client.DoWork();
    Thread.Sleep(200);
    view.SafeMemoryMappedViewHandle.ReleasePointer();
    string result = StopChild(child);
    Console.WriteLine($"{"throughput-64B-" + ns,-22} producer {F(throughputFrames / seconds / 1e6, "F2")} M frames/s; consumer accepted {F(ResultLine.Field(result, "accepted") / 1e6, "F2")} M " +
        $"at {F(ResultLine.Field(result, "rate") / 1e6, "F2")} M/s, drops gap {ResultLine.Field(result, "gap")} late {ResultLine.Field(result, "late")}; producer alloc {allocated} bytes");
}

// One copy into shared memory: Producer.Offer of 1 MiB and 640 KiB frames against memcpy into 64 rotating 1 MiB buffers.
unsafe void Copy()
{
    const int slots = 64;
    const int oneMiB = 1 << 20;
    byte[] source = new byte[oneMiB];
    source.AsSpan().Fill(3);
    byte* destinations = (byte*)NativeMemory.AllocZeroed((nuint)slots * oneMiB);
    try
    {
        for (int round = 0; round < 2; round++) // the first round warms up
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < copies; i++)
            {
                source.AsSpan().CopyTo(new Span<byte>(destinations + ((long)(i & (slots - 1)) * oneMiB), oneMiB));
            }
            double memcpy = copies * (double)oneMiB / ((double)(Stopwatch.GetTimestamp() - start) / Stopwatch.Frequency);

            using var side = new ProducerSide(baseDir, "copy" + round, slots, oneMiB, waitForConsumer: false);
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            start = Stopwatch.GetTimestamp();
            for (int i = 0; i < copies; i++)
            {
                side.Producer.TryOffer(source);
            }
            double offer = copies * (double)oneMiB / ((double)(Stopwatch.GetTimestamp() - start) / Stopwatch.Frequency);
            start = Stopwatch.GetTimestamp();
            for (int i = 0; i < copies; i++)
            {
                side.Producer.TryOffer(source.AsSpan(0, 640 << 10));
            }
            double fps640 = copies / ((double)(Stopwatch.GetTimestamp() - start) / Stopwatch.Frequency);
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            if (round == 1)
            {
                Console.WriteLine($"{"copy-1MiB",-22} memcpy {F(memcpy / 1e9, "F2")} GB/s; Producer.Offer {F(offer / 1e9, "F2")} GB/s ({F(100 * offer / memcpy)}% of memcpy); " +
                    $"640 KiB frames {F(fps640)} frames/s; alloc {allocated} bytes for {2 * copies} frames");
            }
        }
    }
    finally
    {
        NativeMemory.Free(destinations);
    }
}

string Percentiles(string result) =>
    $"p50={ResultLine.Field(result, "p50")} p90={ResultLine.Field(result, "p90")} p99={ResultLine.Field(result, "p99")} p99.9={ResultLine.Field(result, "p999")} max={ResultLine.Field(result, "max")}";

static string Size(int bytes) => bytes >= 1 << 20 ? $"{bytes >> 20}MiB" : bytes >= 1024 ? $"{bytes >> 10}KiB" : $"{bytes}B";

int Arg(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

string? Value(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
