using System.Text.Json;
using TensorPool.Bench.Paced;
using TensorPool.Testing;

namespace TensorPool.Bench.Tests;

/// <summary>
/// bench/reference/side_by_side_table.py on two segments of one cell per side (D254): the pooled row merges the
/// segments' histograms (a p99 no single segment shows), and the pairs column counts the segments in which ours was
/// at or below the reference. Our side is written by our own record and naming, so a renamed field breaks the test.
/// </summary>
[TestFixture]
public sealed class SideBySideTableTests
{
    private static readonly JsonSerializerOptions CamelCase = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("tp-side-by-side-table-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void Each_cell_is_pooled_over_its_segments_with_the_pairs_beside_it()
    {
        // Reference: 100 frames at 1 µs, then 98 at 1 µs and 2 at 50 µs. Pooled p99 is 1 µs; the second segment's is 50.
        File.WriteAllLines(Path.Combine(_dir, "reference.txt"),
        [
            ReferenceLine("1.1", "h_1000:100"),
            ReferenceLine("1.2", "h_1000:98_50000:2"),
        ]);
        // Ours: 2 µs in both segments, above the reference in the first pair, below it in the second.
        WriteOurs("1.1", 2_000);
        WriteOurs("1.2", 2_000);

        string table = RunTable();

        Assert.That(table, Does.Contain(
            "| 64 B | 1000 Hz | spin | 2 | 1.0 / 1.0 / 50.0 | 0 | 0.200 | 2.0 / 2.0 / 2.0 | 0 | 0.500 | 2.00 | 1 of 2 |"),
            table);
        Assert.That(table, Does.Not.Contain("took under"), "no steal.txt, no table of the pairs the host left alone");
    }

    [Test]
    public void A_pair_the_host_interrupted_on_either_side_is_left_out_of_the_steal_free_table()
    {
        File.WriteAllLines(Path.Combine(_dir, "reference.txt"),
        [
            ReferenceLine("1.1", "h_1000:100"),
            ReferenceLine("1.2", "h_1000:98_50000:2"),
        ]);
        WriteOurs("1.1", 2_000);
        WriteOurs("1.2", 2_000);
        File.WriteAllLines(Path.Combine(_dir, "steal.txt"),
        [
            "side=ref round=1.1 size=64 rate=1000 idle=spin steal=0.0010",
            "side=ours round=1.1 size=64 rate=1000 idle=spin steal=0.0000",
            "side=ref round=1.2 size=64 rate=1000 idle=spin steal=0.0000",
            "side=ours round=1.2 size=64 rate=1000 idle=spin steal=0.0250",
        ]);

        string table = RunTable();

        string clean = table[table.IndexOf("took under", StringComparison.Ordinal)..];
        Assert.That(clean, Does.Contain(
            "| 64 B | 1000 Hz | spin | 1 | 1.0 / 1.0 / 1.0 | 0 | 0.200 | 2.0 / 2.0 / 2.0 | 0 | 0.500 | 2.00 | 0 of 1 |"), table);
        Assert.That(clean, Does.Contain("stolen segments: ours 1.2 64 B 1000 Hz spin 2.5%"), table);
    }

    [Test]
    public void A_cell_of_one_segment_has_no_pooled_row()
    {
        File.WriteAllLines(Path.Combine(_dir, "reference.txt"), [ReferenceLine("1", "h_1000:100")]);
        WriteOurs("1", 2_000);

        string table = RunTable();

        Assert.That(table, Does.Contain("| 1 | 64 B | 1000 Hz | spin |"), "the per-round row");
        Assert.That(table, Does.Not.Contain("pooled over"), table);
    }

    private static string ReferenceLine(string round, string histogram) =>
        $"round={round} size=64 rate=1000 idle=spin published=100 failed=0 cpu_ns=100000000 wall_ns=1000000000 " +
        $"timed=100 gap=0 late=0 torn=0 ended=1 p50=1000 p99=1000 p999=1000 max=1000 cpu_ns=100000000 wall_ns=1000000000 " +
        $"hist={histogram}";

    private void WriteOurs(string round, long latencyNs)
    {
        var recorder = new LatencyRecorder();
        for (int i = 0; i < 100; i++)
        {
            recorder.Record(latencyNs);
        }
        Percentiles p = recorder.Percentiles();
        var floor = new FutexFloor(1_000, p, 100, 0, 0.05, 1);
        var cell = new PacedCellResult(64, 1_000, 1, IdleMode.Spin, "tp:ipc", p, 100, 100, 0, 0, 0, 0.5, 1,
            PacedRatios.Of(p, 0.5, floor), floor, recorder.Encode());
        string json = JsonSerializer.Serialize(new { paced = new { futexFloors = Array.Empty<FutexFloor>(), cells = new[] { cell } } }, CamelCase);
        File.WriteAllText(Path.Combine(_dir, $"ours-ipc-{round}-64-1000-spin.json"), json);
    }

    private string RunTable()
    {
        (int exit, string stdout, string stderr) = ScriptProcess.Run("python3",
            [Path.Combine(RepoPaths.Root, "bench", "reference", "side_by_side_table.py"), _dir]);
        Assert.That(exit, Is.Zero, stderr);
        return stdout;
    }
}
