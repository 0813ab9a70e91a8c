using TensorPool.Bench.Matrix;
using TensorPool.Testing;

namespace TensorPool.Bench.Tests;

/// <summary>
/// <c>tp bench</c>'s aeron:ipc column as a real process: present beside tp:ipc, every latency frame timed and nothing
/// lost, when Aeron is found; absent with the reason in the notes when it is not. Nothing here is timed.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class AeronColumnTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(8);

    [Test]
    public void Tp_bench_measures_an_aeron_ipc_column_beside_tp_ipc_when_Aeron_is_present()
    {
        string library = AeronEnvironment.Require();
        using var dir = new TempDirectory();
        string outDir = Path.Combine(dir.Path, "out");

        (int exit, string stdout, string stderr) = TpProcess.Run(Generous,
            new Dictionary<string, string> { ["TP_AERON_LIBRARY"] = Path.GetDirectoryName(library)! },
            "bench", "--quick", "--sizes", "64", "--consumers", "1", "--out", outDir);

        Assert.That(exit, Is.Zero, stderr + stdout);
        BenchReport report = BenchJson.Deserialize(File.ReadAllText(Path.Combine(outDir, BenchRunner.JsonFile)))!;
        CellResult cell = report.Cells.Single();
        Assert.That(cell.Aeron, Is.Not.Null, () => string.Join('\n', report.Notes) + stderr);
        Assert.That(cell.Aeron!.LatencyNs.Count, Is.EqualTo((long)cell.Consumers * cell.LatencyFrames), "every latency frame timed over aeron:ipc");
        Assert.That(cell.Aeron.Drops + cell.Aeron.Torn, Is.Zero);
        Assert.That(cell.Aeron.FramesPerSecond, Is.GreaterThan(0));
        Assert.That(cell.Ipc.LatencyNs.Count, Is.EqualTo((long)cell.Consumers * cell.LatencyFrames), "the tp:ipc column is unchanged");
        Assert.That(report.Notes, Has.Some.StartsWith("aeron:ipc column: the same cells"));
        Assert.That(stdout, Does.Contain("aeron p50").And.Contain("aeron GB/s"));
    }

    [Test]
    public void Without_Aeron_tp_bench_runs_without_the_column_and_says_why()
    {
        using var dir = new TempDirectory();
        string empty = Path.Combine(dir.Path, "no-aeron");
        Directory.CreateDirectory(empty);
        string outDir = Path.Combine(dir.Path, "out");

        (int exit, string stdout, string stderr) = TpProcess.Run(Generous,
            new Dictionary<string, string> { ["TP_AERON_LIBRARY"] = empty, ["TP_AERON_DRIVER_LIBRARY"] = empty },
            "bench", "--quick", "--sizes", "64", "--consumers", "1", "--out", outDir);

        Assert.That(exit, Is.Zero, stderr + stdout);
        BenchReport report = BenchJson.Deserialize(File.ReadAllText(Path.Combine(outDir, BenchRunner.JsonFile)))!;
        Assert.That(report.Cells.Single().Aeron, Is.Null);
        Assert.That(report.Notes, Has.Some.StartsWith("aeron:ipc column: not run:").And.Some.Contains(empty));
        Assert.That(stdout, Does.Not.Contain("aeron p50"));
    }
}
