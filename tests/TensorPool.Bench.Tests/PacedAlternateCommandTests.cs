using TensorPool.Bench.Matrix;
using TensorPool.Bench.Paced;
using TensorPool.Testing;

namespace TensorPool.Bench.Tests;

/// <summary>
/// <c>tp bench --paced --alternate 2</c> on one tiny cell as real processes (D252): the cell is measured in two segments,
/// each after a futex-floor segment of its own, and its ratios are against that floor. Nothing here is timed.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PacedAlternateCommandTests : BenchRunFixture
{
    protected override string[] Arguments(string outDir) =>
        ["bench", "--paced", "--sizes", "64", "--rates", "1k", "--consumers", "1", "--idle", "wait", "--window", "0.5", "--alternate", "2", "--out", outDir];

    [Test]
    public void Each_cell_carries_its_own_floor_of_both_segments_and_its_ratios_are_against_it()
    {
        Assert.That(Exit, Is.Zero, Stderr + Stdout);
        PacedReport paced = BenchJson.Deserialize(File.ReadAllText(Path.Combine(OutDir, BenchRunner.JsonFile)))!.Paced!;

        Assert.That(paced.Alternate, Is.EqualTo(2));
        Assert.That(paced.FutexFloors, Is.Empty, "no floor per rate: each cell has its own");
        PacedCellResult cell = paced.Cells.Single();
        FutexFloor floor = cell.Floor!;
        Assert.That(cell.Published, Is.EqualTo(500), "two segments of 250 frames");
        Assert.That(cell.Timed + cell.Lost, Is.EqualTo(cell.Published));
        Assert.That(LatencyRecorder.Decode(cell.LatencyHistogram!).Count, Is.EqualTo(cell.Timed), "both segments' histograms merged");
        Assert.That(floor.RateHz, Is.EqualTo(1_000));
        Assert.That(floor.Published, Is.EqualTo(500), "the floor ran beside both segments");
        Assert.That(floor.LatencyNs.Count + floor.Missed, Is.EqualTo(floor.Published));
        Assert.That(cell.Ratios, Is.EqualTo(PacedRatios.Of(cell.LatencyNs, cell.Cores, floor)));
        Assert.That(Stdout, Does.Contain("each cell's own futex-wake pair at its rate, measured in 2 segment(s)"));
        Assert.That(Stderr, Does.Contain("its floor: futex wake at 1 kHz"));
    }
}
