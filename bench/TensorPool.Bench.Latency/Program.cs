using TensorPool.Bench;
using TensorPool.Bench.Latency;

// Cross-process latency and throughput of the tp:ipc transport against same-run baselines (docs/benchmarks.md).
//   dotnet bench/TensorPool.Bench.Latency/bin/Release/net10.0/TensorPool.Bench.Latency.dll
//       [--round-trips N] [--messages N] [--rate msgs/s] [--throughput N] [--idle-spin N]
//       [--only hiccups,raw-pingpong,raw-oneway,ipc-pingpong,socket-pingpong,ipc-oneway,socket-oneway,ipc-throughput-paced,...]
if (args.Length > 0 && args[0] == "child")
{
    return RunChild(args[1..]);
}

Settings settings = Settings.Parse(args);
(int First, int Second) cpus = Cpu.PickTwo() ?? (-1, -1);
using var session = Session.Create("tp-bench", cpus.First, [cpus.Second], "child");
Cpu.Pin(session.ParentCpu);
Console.WriteLine($"# tp:ipc latency harness: CPUs {session.ParentCpu} (parent) and {session.ChildCpu} (child), " +
                  $"{Settings.MessageLength}-byte messages, {Settings.LogCapacity >> 20} MiB logs, load average {LoadAverage()}");
Console.WriteLine("# latencies are one-way nanoseconds (RTT/2 for ping-pongs; arrival - intended send time for fixed-rate streams)");

void Measure(string name, Func<string> run)
{
    if (settings.Runs(name))
    {
        Console.WriteLine($"{name,-30} {run()}");
    }
}

if (settings.Runs("hiccups"))
{
    // The environment's share: a fixed-rate stream cannot show percentiles above 1 - (time lost here) below these gaps.
    foreach (int cpu in new[] { session.ParentCpu, session.ChildCpu }.Where(c => c >= 0))
    {
        Console.WriteLine($"{"hiccups",-30} {Hiccups.Measure(cpu, TimeSpan.FromSeconds(2))}");
    }
    Cpu.Pin(session.ParentCpu);
}
Measure(RawPingPong.Measure, () => RawPingPong.Run(session, Settings.Warmup, settings.RoundTrips).Summary(scale: 0.5));
Measure(RawOneWay.Measure, () => RawOneWay.Run(session, Settings.Warmup + settings.Messages, settings.Rate, Settings.Warmup));
Measure("ipc-pingpong", () => IpcPingPong.Run(session, settings.RoundTrips));
Measure("socket-pingpong", () => SocketBaseline.RunPingPong(session, settings.RoundTrips));
Measure("ipc-oneway", () => IpcOneWay.Run(session, settings.Messages, settings.Rate));
Measure("socket-oneway", () => SocketBaseline.RunOneWay(session, settings.Messages, settings.Rate));
Measure("ipc-throughput-paced", () => IpcThroughput.Run(session, settings.ThroughputMessages, paced: true, idleSpin: 0));
Measure("ipc-throughput-flat", () => IpcThroughput.Run(session, settings.ThroughputMessages, paced: false, idleSpin: 0));
Measure("ipc-throughput-paced-batching", () => IpcThroughput.Run(session, settings.ThroughputMessages, paced: true, settings.IdleSpin));
Measure("ipc-throughput-flat-batching", () => IpcThroughput.Run(session, settings.ThroughputMessages, paced: false, settings.IdleSpin));
Console.WriteLine($"# load average after: {LoadAverage()}");
return 0;

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static int RunChild(string[] args)
{
    // child <measure> <directory> <cpu> <page> args…
    string measure = args[0];
    string directory = args[1];
    Cpu.Pin(Cpu.Parse(args[2]));
    using var page = new SharedPage(args[3], create: false);
    string[] rest = args[4..];
    return measure switch
    {
        RawPingPong.Measure => RawPingPong.Child(page, rest),
        RawOneWay.Measure => RawOneWay.Child(page, rest),
        "ipc-pingpong" => IpcPingPong.Child(directory, page, rest),
        "ipc-oneway" => IpcOneWay.Child(directory, page, rest),
        "ipc-throughput" => IpcThroughput.Child(directory, page, rest),
        "socket-oneway" => SocketBaseline.OneWayChild(page, rest),
        "socket-pingpong" => SocketBaseline.PingPongChild(page, rest),
        _ => throw new ArgumentException($"unknown child measure {measure}"),
    };
}
