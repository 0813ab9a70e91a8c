using System.Globalization;
using System.Runtime.InteropServices;

namespace TensorPool.Bench.Matrix;

/// <summary>
/// <c>tp bench</c>: the same-run baselines (raw ping-pong floor, memcpy ceiling by size) and then every cell of the
/// size × consumers matrix over tp:ipc, over aeron:ipc when Aeron is present (<see cref="AeronColumn"/>) and over Unix
/// sockets; writes bench.json, latency.png and throughput.png.
/// </summary>
public sealed class BenchRunner(BenchSettings settings, string version, TextWriter progress, params string[] childPrefix)
{
    public const string JsonFile = "bench.json";
    public const string LatencyPng = "latency.png";
    public const string ThroughputPng = "throughput.png";

    public BenchReport Run()
    {
        DateTimeOffset started = DateTimeOffset.Now;
        string loadBefore = LoadAverage();
        IReadOnlyList<int> allowed = Cpu.Allowed();
        CpuPlan plan = CpuPlan.Choose(allowed);
        Cpu.Pin(plan.ParentCpu);
        using var session = Session.Create("tp-bench", plan.ParentCpu, plan.ChildCpus, childPrefix);
        // Ctrl-C or SIGTERM ends the process without unwinding: remove the shared memory first. The children end
        // by themselves (their stdin closes, their socket closes, or the ping-pong peer times out).
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => session.Dispose());
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => session.Dispose());
        Progress($"{plan.Describe()}; load average {loadBefore}");

        LatencyRecorder rtt = RawPingPong.Run(session, settings.PingPongWarmup, settings.PingPongRoundTrips);
        var pingPong = new PingPongBaseline("raw cache-line ping-pong between two processes, one-way = RTT/2", settings.PingPongRoundTrips, rtt.Percentiles(scale: 0.5));
        Progress($"floor: ping-pong one-way {pingPong.OneWayNs}");

        var memcpy = new List<MemcpyBaseline>();
        foreach (int size in settings.Matrix ? settings.Sizes : [])
        {
            memcpy.Add(new MemcpyBaseline(size, MemcpyCeiling.BytesPerSecond(size, settings.MemcpySeconds) / 1e9));
            Progress($"ceiling: memcpy {BenchSettings.SizeLabel(size)} {memcpy[^1].GigabytesPerSecond:F2} GB/s");
        }

        // One media driver for the whole run, started before any cell so its start-up is not in a cell's numbers.
        string aeronMissing = "--paced: the size matrix was not run";
        using AeronColumn? aeron = settings.Matrix && AeronColumn.TryStart(session.Directory, out AeronColumn? column, out aeronMissing) ? column : null;
        if (settings.Matrix)
        {
            Progress(aeron is null ? $"aeron:ipc column: not run ({aeronMissing})" : $"aeron:ipc column: {AeronColumn.Channel}, embedded media driver in {aeron.Directory}");
        }

        var cells = new List<CellResult>();
        foreach (int consumers in settings.Matrix ? settings.Consumers : [])
        {
            foreach (int size in settings.Sizes)
            {
                double memcpyBytes = memcpy.Single(b => b.Size == size).GigabytesPerSecond * 1e9;
                var latency = LatencyPlan.For(settings, size, memcpyBytes);
                TransportResult ipc, socket;
                TransportResult? overAeron = null;
                using (var peers = new CellPeers(session, plan, size, consumers, aeron?.Directory))
                {
                    ipc = IpcCell.Run(session, peers, settings, size, latency);
                    if (aeron is not null)
                    {
                        peers.ResetProgress(); // the tp:ipc consumers have reported: their words are free
                        peers.WaitReady();
                        overAeron = IpcCell.Run(session, peers, settings, size, latency, aeron.Directory);
                    }
                    socket = SocketCell.Run(peers, size, latency, settings.ThroughputSeconds);
                }
                var cell = new CellResult(size, consumers, plan.Oversubscribed(consumers), plan.ConsumerCpus(consumers), latency.RateHz, latency.Frames,
                    ipc, socket, CellRatios.Of(ipc, socket, pingPong.OneWayNs.P50, memcpyBytes), overAeron);
                cells.Add(cell);
                string aeronPart = overAeron is null ? "" : $"; aeron:ipc p50 {overAeron.LatencyNs.P50:F0} ns, {overAeron.GigabytesPerSecond:F2} GB/s";
                Progress($"{BenchSettings.SizeLabel(size)} x {consumers}: tp:ipc p50 {ipc.LatencyNs.P50:F0} ns, {ipc.GigabytesPerSecond:F2} GB/s{aeronPart}; socket p50 {socket.LatencyNs.P50:F0} ns, {socket.GigabytesPerSecond:F2} GB/s");
            }
        }

        Paced.PacedReport? paced = null;
        if (settings.Paced is { } pacedPlan)
        {
            Cpu.Unpin(); // the paced processes run where the scheduler puts them, as users run them
            paced = Paced.PacedRunner.Run(session, pacedPlan, Progress);
        }

        var notes = new List<string>
        {
            "Timing numbers from a shared, loaded machine are noisy; compare each cell with the baselines of the same run.",
            "Latency percentiles merge every consumer's samples; the socket sender writes each frame to every receiver in turn.",
        };
        notes.Add(!settings.Matrix
            ? "--paced: the paced cells alone (no size matrix, no memcpy ceiling)."
            : aeron is null
            ? $"aeron:ipc column: not run: {aeronMissing}"
            : $"aeron:ipc column: the same cells with the clients' control and descriptor streams on {AeronColumn.Channel} through a media driver embedded in the bench process (SHARED threading); payloads stay in the shared-memory pools.");
        if (cells.Any(c => c.Oversubscribed))
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"Oversubscribed cells: more busy processes (producer + consumers) than the {plan.CpuCount} CPUs; their consumers yield when idle and share a CPU."));
        }
        if (!plan.Pinned)
        {
            notes.Add("One CPU: nothing pinned, every process shares it.");
        }
        var machine = new MachineInfo(Environment.ProcessorCount, allowed, CpuModel(), RuntimeInformation.FrameworkDescription,
            loadBefore, LoadAverage(), plan.Pinned, plan.ParentCpu, plan.ChildCpus, plan.Describe());
        return new BenchReport("tp bench", version, started, (DateTimeOffset.Now - started).TotalSeconds, settings.Quick,
            machine, new Baselines(pingPong, memcpy), cells, notes, paced);
    }

    /// <summary>Write bench.json and the two PNGs (when the size matrix ran) into <see cref="BenchSettings.OutDir"/>.</summary>
    public void Write(BenchReport report)
    {
        Directory.CreateDirectory(settings.OutDir);
        File.WriteAllText(Path.Combine(settings.OutDir, JsonFile), BenchJson.Serialize(report));
        if (report.Cells.Count > 0)
        {
            BenchPlots.Write(report, Path.Combine(settings.OutDir, LatencyPng), Path.Combine(settings.OutDir, ThroughputPng));
        }
    }

    private void Progress(string line)
    {
        progress.WriteLine($"# {line}");
        progress.Flush();
    }

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string CpuModel()
    {
        if (!File.Exists("/proc/cpuinfo"))
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
        string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }
}
