using System.Buffers.Binary;
using System.Text.Json;
using TensorPool.Bench.Matrix;
using TensorPool.Testing;

namespace TensorPool.Bench.Tests;

/// <summary>
/// <c>tp bench --quick</c> on a tiny matrix as a real process: exit 0, a bench.json with every cell and positive
/// baselines, the same report on stdout with --json, valid PNGs. Nothing here is timed.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class BenchCommandTests : BenchRunFixture
{
    protected override string[] Arguments(string outDir) =>
        ["bench", "--quick", "--sizes", "64,4KiB", "--consumers", "1,2", "--out", outDir, "--json"];

    private string Out(string file) => Path.Combine(OutDir, file);

    [Test]
    public void Exits_0_and_writes_bench_json_with_every_cell()
    {
        Assert.That(Exit, Is.Zero, Stderr + Stdout);
        BenchReport report = BenchJson.Deserialize(File.ReadAllText(Out(BenchRunner.JsonFile)))!;

        Assert.That(report.Quick, Is.True);
        Assert.That(report.Cells.Select(c => (c.Size, c.Consumers)),
            Is.EquivalentTo(new[] { (64, 1), (4096, 1), (64, 2), (4096, 2) }));
        foreach (CellResult cell in report.Cells)
        {
            Assert.That(cell.Ipc.LatencyNs.Count, Is.EqualTo((long)cell.Consumers * cell.LatencyFrames), $"every consumer timed every latency frame: {cell}");
            Assert.That(cell.Ipc.Drops + cell.Ipc.Torn, Is.Zero, $"{cell}");
            Assert.That(cell.Ipc.FramesPerSecond, Is.GreaterThan(0), $"{cell}");
            Assert.That(cell.Socket.LatencyNs.Count, Is.EqualTo((long)cell.Consumers * cell.LatencyFrames), $"{cell}");
            Assert.That(cell.Socket.FramesPerSecond, Is.GreaterThan(0), $"{cell}");
            Assert.That(cell.Ratios.LatencyOverFloor, Is.GreaterThan(0), $"{cell}");
            Assert.That(cell.Ratios.BandwidthOverMemcpy, Is.GreaterThan(0), $"{cell}");
            Assert.That(cell.Ratios.SocketOverOurs, Is.GreaterThan(0), $"{cell}");
            Assert.That(cell.ConsumerCpus, Has.Count.EqualTo(cell.Consumers));
        }
    }

    [Test]
    public void Quick_adds_one_paced_cell_in_the_default_wait_mode_beside_its_futex_floor()
    {
        Assert.That(Exit, Is.Zero, Stderr + Stdout);
        BenchReport report = BenchJson.Deserialize(File.ReadAllText(Out(BenchRunner.JsonFile)))!;

        Assert.That(report.Paced, Is.Not.Null);
        Paced.PacedCellResult cell = report.Paced!.Cells.Single();
        Assert.That((cell.Size, cell.RateHz, cell.Consumers, cell.Idle, cell.Transport), Is.EqualTo((64, 1_000.0, 1, "wait", "tp:ipc")));
        Assert.That(cell.Published, Is.EqualTo(1_000), "a 1 s window at 1 kHz");
        Assert.That(cell.Timed + cell.Lost, Is.EqualTo(cell.Published), "every frame of the window is timed or lost");
        Assert.That(cell.LatencyNs.Count, Is.EqualTo(cell.Timed));
        Assert.That(cell.Timed, Is.GreaterThan(0));
        Assert.That(cell.WindowSeconds, Is.GreaterThan(0.5));
        Paced.FutexFloor floor = report.Paced.FutexFloors.Single();
        Assert.That((floor.RateHz, floor.Published), Is.EqualTo((1_000.0, 1_000L)));
        Assert.That(floor.LatencyNs.Count + floor.Missed, Is.EqualTo(floor.Published), "every wake is timed or missed");
        Assert.That(floor.WakeLatencyNs.Count + floor.Together, Is.EqualTo(floor.Published), "every wake came alone or with a later one (D253)");
        Assert.That(Stdout, Does.Contain("\"futexFloors\"").And.Contain("\"coresOverFutex\""));
    }

    [Test]
    public void Baselines_are_measured_in_the_same_run()
    {
        Assert.That(Exit, Is.Zero, Stderr + Stdout);
        BenchReport report = BenchJson.Deserialize(File.ReadAllText(Out(BenchRunner.JsonFile)))!;

        Assert.That(report.Baselines.PingPong.OneWayNs.P50, Is.GreaterThan(0));
        Assert.That(report.Baselines.PingPong.OneWayNs.Count, Is.EqualTo(report.Baselines.PingPong.RoundTrips));
        Assert.That(report.Baselines.Memcpy.Select(m => m.Size), Is.EqualTo(new[] { 64, 4096 }));
        Assert.That(report.Baselines.Memcpy.Select(m => m.GigabytesPerSecond), Has.All.GreaterThan(0));
        Assert.That(report.Machine.AllowedCpus, Is.Not.Empty);
        Assert.That(report.Machine.Pinned, Is.EqualTo(report.Machine.AllowedCpus.Count > 1), "pinned exactly when there is more than one CPU");
    }

    [Test]
    public void Json_option_prints_the_report_that_was_written()
    {
        Assert.That(Exit, Is.Zero, Stderr + Stdout);
        using JsonDocument printed = JsonDocument.Parse(Stdout);
        using JsonDocument written = JsonDocument.Parse(File.ReadAllText(Out(BenchRunner.JsonFile)));

        Assert.That(printed.RootElement.GetProperty("cells").GetArrayLength(), Is.EqualTo(4));
        Assert.That(printed.RootElement.GetProperty("started").GetString(), Is.EqualTo(written.RootElement.GetProperty("started").GetString()));
        Assert.That(Stderr, Does.Contain("pinned").Or.Contain("not pinned"), "the placement is reported");
    }

    [TestCase(BenchRunner.LatencyPng)]
    [TestCase(BenchRunner.ThroughputPng)]
    public void Plots_are_valid_png_files(string file)
    {
        Assert.That(Exit, Is.Zero, Stderr + Stdout);
        byte[] png = File.ReadAllBytes(Out(file));

        Assert.That(png.AsSpan(0, 8).ToArray(), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }));
        Assert.That(System.Text.Encoding.ASCII.GetString(png, 12, 4), Is.EqualTo("IHDR"));
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), Is.GreaterThan(0), "width");
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)), Is.GreaterThan(0), "height");
        Assert.That(System.Text.Encoding.ASCII.GetString(png, png.Length - 8, 4), Is.EqualTo("IEND"));
    }

    [Test]
    public void The_table_shows_every_cell_and_the_baselines()
    {
        Assert.That(Exit, Is.Zero, Stderr + Stdout);
        BenchReport report = BenchJson.Deserialize(File.ReadAllText(Out(BenchRunner.JsonFile)))!;

        string table = RatioTable.Format(report);

        Assert.That(table, Does.Contain("ping-pong").And.Contain("memcpy").And.Contain("p50/floor").And.Contain("sock/ours"));
        int paced = table.IndexOf("# paced cells", StringComparison.Ordinal);
        Assert.That(paced, Is.GreaterThan(0), "--quick adds the paced cell after the matrix");
        static int Rows(string text) => text.Split('\n').Count(l => l.StartsWith("64 B", StringComparison.Ordinal) || l.StartsWith("4 KiB", StringComparison.Ordinal));
        Assert.That(Rows(table[..paced]), Is.EqualTo(4), "the matrix's cells");
        Assert.That(Rows(table[paced..]), Is.EqualTo(1), "the one paced cell");
    }
}
