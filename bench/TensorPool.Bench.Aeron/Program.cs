using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using HdrHistogram;
using TensorPool.Transport;
using TensorPool.Transport.Aeron;

// tp:ipc against aeron:ipc in one run, through the same ITransport code (docs/benchmarks.md, "tp:ipc and aeron:ipc"):
//   dotnet bench/TensorPool.Bench.Aeron/bin/Release/net10.0/TensorPool.Bench.Aeron.dll
//       [--round-trips N] [--messages N] [--size BYTES] [--aeron-dir DIR (a running aeronmd; default: embedded)]
// Ping-pong: the parent offers on stream 1, the child echoes on stream 2; one-way latency = RTT / 2.
// Throughput: the parent offers N messages flat out (retrying back pressure); the child reports what arrived and when.
if (args.Length > 0 && args[0] == "child")
{
    return Child(args[1..]);
}

int roundTrips = Option("--round-trips", 100_000);
int messages = Option("--messages", 2_000_000);
int size = Option("--size", 64);
string? aeronDir = args.SkipWhile(a => a != "--aeron-dir").Skip(1).FirstOrDefault();
string work = Path.Combine("/dev/shm", "tp-bench-aeron-" + Environment.ProcessId);
Directory.CreateDirectory(work);
AeronMediaDriver? embedded = null;
try
{
    if (aeronDir is null)
    {
        aeronDir = Path.Combine(work, "aeron");
        TensorPool.Transport.Aeron.Registration.EnsureRegistered();
        embedded = new AeronMediaDriver(aeronDir, new AeronMediaDriverOptions(), TimeSpan.FromSeconds(10));
    }
    Console.WriteLine($"# tp:ipc vs aeron:ipc: {size}-byte messages, {roundTrips} round trips, {messages} messages one way, " +
        $"Aeron dir {aeronDir} ({(embedded is null ? "external aeronmd" : "embedded media driver, SHARED threading")}), load average {LoadAverage()}");
    Console.WriteLine("| transport | one-way p50 ns | p90 | p99 | p99.9 | max | throughput msgs/s | MB/s | lost |");
    Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    foreach (string channel in new[] { "tp:ipc", "aeron:ipc?term-length=16m" })
    {
        string ping = PingPong(channel, work, aeronDir, roundTrips, size);
        string through = Throughput(channel, work, aeronDir, messages, size);
        Console.WriteLine($"| {channel} | {ping} | {through} |");
    }
    Console.WriteLine($"# load average after: {LoadAverage()}");
}
finally
{
    embedded?.Dispose();
    Directory.Delete(work, recursive: true);
}
return 0;

int Option(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

static ITransport Open(string channel, string work, string aeronDir) => channel.StartsWith("tp:", StringComparison.Ordinal)
    ? new TpIpcTransport(new TpIpcOptions { BaseDir = work, User = "bench", LogCapacity = 64 << 20 })
    : new AeronTransport(new AeronTransportOptions { AeronDir = aeronDir });

static Process StartChild(params string[] arguments)
{
    var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
    psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "TensorPool.Bench.Aeron.dll"));
    psi.ArgumentList.Add("child");
    foreach (string a in arguments)
    {
        psi.ArgumentList.Add(a);
    }
    return Process.Start(psi)!;
}

static void AwaitLine(Process child, string prefix)
{
    string? line;
    while ((line = child.StandardOutput.ReadLine()) is not null && !line.StartsWith(prefix, StringComparison.Ordinal))
    {
    }
    if (line is null)
    {
        throw new InvalidOperationException($"the child exited before '{prefix}'");
    }
}

static string PingPong(string channel, string work, string aeronDir, int roundTrips, int size)
{
    using ITransport transport = Open(channel, work, aeronDir);
    using ISubscription pong = transport.AddSubscription(channel, 2);
    using IPublication ping = transport.AddPublication(channel, 1);
    int warmup = Math.Min(20_000, roundTrips);
    using Process child = StartChild("pingpong", channel, work, aeronDir, (warmup + roundTrips).ToString(CultureInfo.InvariantCulture));
    AwaitLine(child, "ready");
    var histogram = new LongHistogram(TimeSpan.FromSeconds(10).Ticks * 100, 3);
    var message = new byte[size];
    var counter = new Counting();
    for (int i = 0; i < warmup + roundTrips; i++)
    {
        BinaryPrimitives.WriteInt64LittleEndian(message, i);
        long start = Stopwatch.GetTimestamp();
        while (ping.Offer(message) < 0)
        {
        }
        counter.Count = 0;
        while (pong.Poll(ref counter, 1) == 0)
        {
        }
        long rttNs = (long)Stopwatch.GetElapsedTime(start).TotalNanoseconds;
        if (i >= warmup)
        {
            histogram.RecordValue(rttNs / 2);
        }
    }
    child.WaitForExit();
    return string.Join(" | ", new[] { 50.0, 90.0, 99.0, 99.9 }.Select(p => histogram.GetValueAtPercentile(p).ToString(CultureInfo.InvariantCulture))
        .Append(histogram.GetMaxValue().ToString(CultureInfo.InvariantCulture)));
}

static string Throughput(string channel, string work, string aeronDir, int messages, int size)
{
    using ITransport transport = Open(channel, work, aeronDir);
    using IPublication publication = transport.AddPublication(channel, 3);
    using Process child = StartChild("sink", channel, work, aeronDir, messages.ToString(CultureInfo.InvariantCulture));
    AwaitLine(child, "ready");
    if (publication is AeronPublication aeron)
    {
        while (!aeron.IsConnected)
        {
            Thread.Sleep(1);
        }
    }
    else
    {
        Thread.Sleep(200); // the child's subscription exists once it printed ready
    }
    var message = new byte[size];
    for (int i = 0; i < messages; i++)
    {
        BinaryPrimitives.WriteInt64LittleEndian(message, i);
        while (publication.Offer(message) < 0)
        {
        }
    }
    string result = child.StandardOutput.ReadLine() ?? "result";
    child.WaitForExit();
    Dictionary<string, string> fields = result.Split(' ').Skip(1).Select(f => f.Split('=')).ToDictionary(f => f[0], f => f[1]);
    double seconds = double.Parse(fields["seconds"], CultureInfo.InvariantCulture);
    long received = long.Parse(fields["received"], CultureInfo.InvariantCulture);
    return string.Create(CultureInfo.InvariantCulture,
        $"{received / seconds:F0} | {received * (double)size / seconds / 1e6:F0} | {fields["lost"]}");
}

static int Child(string[] args)
{
    string mode = args[0], channel = args[1], work = args[2], aeronDir = args[3];
    long count = long.Parse(args[4], CultureInfo.InvariantCulture);
    using ITransport transport = Open(channel, work, aeronDir);
    if (mode == "pingpong")
    {
        using ISubscription ping = transport.AddSubscription(channel, 1);
        using IPublication pong = transport.AddPublication(channel, 2);
        if (pong is AeronPublication aeron)
        {
            while (!aeron.IsConnected)
            {
                Thread.Sleep(1);
            }
        }
        Console.WriteLine("ready");
        var echo = new Echo(pong);
        while (echo.Count < count)
        {
            ping.Poll(ref echo, 1);
        }
        return 0;
    }
    using ISubscription sink = transport.AddSubscription(channel, 3);
    Console.WriteLine("ready");
    var counter = new Counting();
    long start = 0;
    var idle = Stopwatch.StartNew();
    while (counter.Count + sink.Counters.LostMessages < count && idle.Elapsed < TimeSpan.FromSeconds(30))
    {
        if (sink.Poll(ref counter, 256) > 0)
        {
            if (start == 0)
            {
                start = Stopwatch.GetTimestamp();
            }
            idle.Restart();
        }
    }
    double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"result received={counter.Count} lost={sink.Counters.LostMessages} seconds={seconds:F4}"));
    return 0;
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

internal struct Counting : IMessageHandler
{
    public long Count;

    public void OnMessage(ReadOnlySpan<byte> message) => Count++;
}

internal struct Echo(IPublication publication) : IMessageHandler
{
    public long Count;

    public void OnMessage(ReadOnlySpan<byte> message)
    {
        while (publication.Offer(message) < 0)
        {
        }
        Count++;
    }
}
