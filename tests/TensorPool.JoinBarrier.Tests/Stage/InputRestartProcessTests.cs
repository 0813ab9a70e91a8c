using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using TensorPool.Testing;

namespace TensorPool.JoinBarrier.Tests.Stage;

/// <summary>
/// A restart of one input's producer under a running <c>tp join</c>, all real processes through a real driver: the
/// input's new epoch restarts its sequences, so the sequence join starts a new output epoch, and its barrier stays
/// blocked until the MergeMap of (output, new epoch) arrives (JoinBarrier §6.4, §7.3; D191, D225).
/// </summary>
[NonParallelizable]
public partial class InputRestartProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private const string Ns = "join-restart";
    private const string Output = "20000";

    [Test]
    public void A_restarted_input_producer_blocks_the_join_until_the_map_of_its_new_output_epoch_arrives_6_4_7_3()
    {
        using var dir = new TempDirectory();
        string ipc = Path.Combine(dir.Path, "ipc");
        string shm = Path.Combine(dir.Path, "shm");
        using ChildProcess driver = StartDriver(dir.Path, ipc, shm);
        // The supervisor answers the first output epoch's request at once and holds every later one until "release".
        using ChildProcess supervisor = ChildProcess.StartScenario("join-map-supervisor", ipc, Ns, Output, "10011,10012", "900", "1");
        supervisor.WaitForLine("ready", Timeout);
        using ChildProcess consume = Tp(ipc, shm, "consume", "--stream", Output, "--no-verify", "--report");
        consume.WaitForLine("ready", Timeout);
        using ChildProcess a = Produce(ipc, shm, "10011");
        ChildProcess b = Produce(ipc, shm, "10012");
        using ChildProcess join = Tp(ipc, shm, "join", "--input", "10011", "--input", "10012", "--output", Output, "--no-authority", "--json");
        ChildProcess? restarted = null;
        try
        {
            ulong first = Epoch(supervisor.WaitForLine("published ", Timeout));
            Progress before = WaitProgress(join, p => p.Outputs >= 20, "20 outputs in the first output epoch", supervisor, b);

            b.Signal("TERM"); // a clean stop: the driver takes its lease back
            Assert.That(b.WaitForExit(Timeout), Is.Zero, b.Output());
            restarted = Produce(ipc, shm, "10012"); // the driver gives input 10012 a new epoch: its sequences start at 0

            // §6.4: the input's restart makes a new output epoch, and the stage asks for that epoch's map (§7.3, §10.3).
            ulong second = Epoch(supervisor.WaitForLine("requested ", Timeout));
            Assert.That(second, Is.Not.EqualTo(first), Describe(join, supervisor));
            // While the map is held back, the barrier stays blocked: three reports in a row say NoMap and no output.
            int from = join.StandardError.Length;
            List<Progress> held = WaitReports(join, from, 3);
            long heldOutputs = held[0].Outputs;
            long heldAccepted = LastAccepted(consume);

            supervisor.WriteLine("release");
            Assert.That(Epoch(supervisor.WaitForLine("published " + second.ToString(CultureInfo.InvariantCulture), Timeout)), Is.EqualTo(second));
            Progress after = WaitProgress(join, p => p.Outputs >= heldOutputs + 10, "10 outputs once the new map arrived", supervisor, restarted);
            WaitAccepted(consume, heldAccepted + 10);

            join.CloseStandardInput();
            Assert.That(join.WaitForExit(Timeout), Is.Zero, Describe(join));
            JsonElement result = LastJson(join);
            string all = Describe(join, supervisor, consume, driver);
            Assert.Multiple(() =>
            {
                Assert.That(before.Status, Is.Not.EqualTo("NoMap"), all);
                Assert.That(held.Select(p => p.Status), Has.All.EqualTo("NoMap"), "blocked while the new epoch's map was held back (§6.4): " + all);
                Assert.That(held.Select(p => p.Outputs), Has.All.EqualTo(heldOutputs), "no output without the new map (§7.3): " + all);
                Assert.That(after.Outputs, Is.GreaterThanOrEqualTo(heldOutputs + 10), all);
                Assert.That(result.GetProperty("outputEpochs").GetInt64(), Is.EqualTo(2), "the input's restart restarted the output (D191): " + all);
                Assert.That(result.GetProperty("outputEpoch").GetUInt64(), Is.EqualTo(second), all);
                Assert.That(result.GetProperty("mapsApplied").GetInt64(), Is.EqualTo(2), "one map per output epoch: " + all);
                Assert.That(result.GetProperty("mapRequests").GetInt64(), Is.GreaterThanOrEqualTo(2), all);
            });
        }
        finally
        {
            foreach (ChildProcess p in new[] { restarted, b, a, consume, supervisor }.OfType<ChildProcess>())
            {
                if (!p.HasExited)
                {
                    p.CloseStandardInput();
                    p.Signal("TERM");
                    p.TryWaitForExit(Timeout);
                }
            }
            restarted?.Dispose();
            b.Dispose();
        }
    }

    /// <summary>`tp driver` with streams 10011, 10012 and 20000 of 1024 slots (two 10 Hz inputs: over 100 s of history).</summary>
    private static ChildProcess StartDriver(string dir, string ipc, string shm)
    {
        string config = Path.Combine(dir, "driver.toml");
        File.WriteAllText(config, $$"""
            [driver]
            ipc_base_dir = "{{ipc}}"
            [shm]
            base_dir = "{{shm}}"
            namespace = "{{Ns}}"
            permissions_mode = "600"
            [policies]
            announce_period_ms = 200
            [profiles.p]
            header_nslots = 1024
            payload_pools = [{ pool_id = 1, stride_bytes = 64 }, { pool_id = 2, stride_bytes = 1024 }]
            [streams.a]
            stream_id = 10011
            profile = "p"
            [streams.b]
            stream_id = 10012
            profile = "p"
            [streams.joined]
            stream_id = {{Output}}
            profile = "p"
            """);
        ChildProcess driver = StartTp(["driver", "--config", config]);
        driver.WaitForLine("tp driver:", Timeout);
        return driver;
    }

    private static ChildProcess Produce(string ipc, string shm, string stream) =>
        // 10 Hz: the supervisor's maps are plain OFFSET 0, so the restarted input's frame 0 pairs with the other input's
        // frame 0, which its 1024-slot ring must still hold when the map is released (~100 s of margin under load).
        Tp(ipc, shm, "produce", "--stream", stream, "--rate", "10", "--bytes", "64", "--seconds", "900");

    /// <summary>A `tp` command attached through the driver (its tp:ipc logs under <paramref name="ipc"/>, regions under <paramref name="shm"/>).</summary>
    private static ChildProcess Tp(string ipc, string shm, params string[] args) =>
        StartTp([.. args, "--shm-dir", ipc, "--namespace", Ns, "--driver-channel", "tp:ipc", "--driver-shm-dir", shm]);

    private static ChildProcess StartTp(string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardInput = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tp.dll"));
        foreach (string arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        return ChildProcess.Start(psi);
    }

    private static ulong Epoch(string line) => ulong.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);

    /// <summary>One per-second report of tp join: its output count and the status of its last check.</summary>
    private readonly record struct Progress(long Outputs, string Status);

    [GeneratedRegex(@"^tp join: \d+ outputs/s, outputs (\d+) dropped \d+, (\w+),", RegexOptions.Multiline)]
    private static partial Regex ReportLine();

    private static List<Progress> Reports(ChildProcess join, int from) =>
        [.. ReportLine().Matches(join.StandardError[from..]).Select(m => new Progress(long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m.Groups[2].Value))];

    /// <summary>The first <paramref name="count"/> reports written after offset <paramref name="from"/> of tp join's standard error.</summary>
    private static List<Progress> WaitReports(ChildProcess join, int from, int count)
    {
        var clock = Stopwatch.StartNew();
        List<Progress> reports;
        while ((reports = Reports(join, from)).Count < count)
        {
            Assert.That(clock.Elapsed, Is.LessThan(Timeout), "tp join stopped reporting: " + Describe(join));
            Assert.That(join.HasExited, Is.False, Describe(join));
            Thread.Sleep(50);
        }
        return reports.GetRange(0, count);
    }

    private static Progress WaitProgress(ChildProcess join, Func<Progress, bool> done, string what, params ChildProcess[] others)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            List<Progress> reports = Reports(join, 0);
            if (reports.Count > 0 && done(reports[^1]))
            {
                return reports[^1];
            }
            if (clock.Elapsed > Timeout || join.HasExited)
            {
                Assert.Fail($"gave up waiting for {what}: " + Describe([join, .. others]));
            }
            Thread.Sleep(50);
        }
    }

    /// <summary>The accepted count of tp consume's last <c>progress</c> line (<c>--report</c>: one every half second).</summary>
    private static long LastAccepted(ChildProcess consume)
    {
        string? line = consume.StandardOutput.Split('\n').LastOrDefault(l => l.StartsWith("progress ", StringComparison.Ordinal));
        if (line is null)
        {
            return 0;
        }
        using JsonDocument doc = JsonDocument.Parse(line["progress ".Length..]);
        return doc.RootElement.GetProperty("accepted").GetInt64();
    }

    private static void WaitAccepted(ChildProcess consume, long accepted)
    {
        var clock = Stopwatch.StartNew();
        while (LastAccepted(consume) < accepted)
        {
            Assert.That(clock.Elapsed, Is.LessThan(Timeout), $"tp consume did not follow the output to its new epoch ({accepted} frames): " + Describe(consume));
            Thread.Sleep(50);
        }
    }

    private static JsonElement LastJson(ChildProcess process)
    {
        string? line = process.StandardOutput.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith('{'));
        Assert.That(line, Is.Not.Null, Describe(process));
        using JsonDocument doc = JsonDocument.Parse(line!);
        return doc.RootElement.Clone();
    }

    private static string Describe(params ChildProcess[] processes) =>
        string.Join("\n", processes.Select(p => $"--- {p.Id}\n{p.StandardOutput}\n{p.StandardError}"));
}
