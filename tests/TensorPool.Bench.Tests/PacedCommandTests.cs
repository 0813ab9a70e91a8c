using TensorPool.Bench.Matrix;
using TensorPool.Bench.Paced;
using TensorPool.Testing;

namespace TensorPool.Bench.Tests;

/// <summary>
/// <c>tp bench --paced</c> on two tiny cells as real processes (issue 14, "Measure"): the paced cells alone, their
/// floors, every frame accounted for, the processes' cores read, the table's ratio columns. Nothing here is timed.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PacedCommandTests : BenchRunFixture
{
    protected override string[] Arguments(string outDir) =>
        ["bench", "--paced", "--sizes", "64", "--rates", "1k", "--consumers", "1", "--idle", "spin,wait", "--window", "0.5", "--out", outDir];

    [Test]
    public void Paced_runs_the_paced_cells_alone_with_both_floors()
    {
        Assert.That(Exit, Is.Zero, Stderr + Stdout);
        BenchReport report = BenchJson.Deserialize(File.ReadAllText(Path.Combine(OutDir, BenchRunner.JsonFile)))!;

        Assert.That(report.Cells, Is.Empty, "no size matrix");
        Assert.That(report.Baselines.PingPong.OneWayNs.Count, Is.GreaterThan(0), "the ping-pong floor is still measured");
        Assert.That(File.Exists(Path.Combine(OutDir, BenchRunner.LatencyPng)), Is.False, "no matrix, no plots");
        PacedReport paced = report.Paced!;
        Assert.That(paced.FutexFloors.Select(f => f.RateHz), Is.EqualTo(new[] { 1_000.0 }));
        Assert.That(paced.Cells.Select(c => c.Idle), Is.EqualTo(new[] { "spin", "wait" }));
        foreach (PacedCellResult cell in paced.Cells)
        {
            Assert.That(cell.Published, Is.EqualTo(500), $"{cell}");
            Assert.That(cell.Timed + cell.Lost, Is.EqualTo(cell.Published), $"{cell}");
            Assert.That(cell.Torn, Is.Zero, $"{cell}");
            Assert.That(LatencyRecorder.Decode(cell.LatencyHistogram!).Count, Is.EqualTo(cell.Timed),
                "the histogram in bench.json holds every timed frame, so runs can be pooled");
        }
        PacedCellResult spin = paced.Cells.Single(c => c.Idle == "spin");
        Assert.That(spin.Cores, Is.GreaterThan(0.05), "a spinning consumer's CPU is seen in /proc");
    }

    [Test]
    public void The_table_prints_the_futex_floor_and_the_ratio_columns()
    {
        Assert.That(Exit, Is.Zero, Stderr + Stdout);
        Assert.That(Stdout, Does.Contain("futex wake between two processes at 1 kHz"));
        Assert.That(Stdout, Does.Contain("c/futex").And.Contain("p99/futex").And.Contain("p50-futex"));
        Assert.That(Stdout, Does.Contain("--paced: the paced cells alone"));
        Assert.That(Stderr, Does.Contain("# wrote").And.Not.Contain("latency.png"));
    }
}
