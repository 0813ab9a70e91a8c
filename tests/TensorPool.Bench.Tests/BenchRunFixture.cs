using TensorPool.Testing;

namespace TensorPool.Bench.Tests;

/// <summary>
/// A fixture around one real <c>tp bench</c> process: it runs once with <see cref="Arguments"/> (its output under
/// <see cref="OutDir"/>) before the fixture's tests, which read its exit code, output and files.
/// </summary>
public abstract class BenchRunFixture
{
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(8);

    private TempDirectory _dir = null!;

    protected int Exit { get; private set; }

    protected string Stdout { get; private set; } = "";

    protected string Stderr { get; private set; } = "";

    protected string OutDir => Path.Combine(_dir.Path, "out");

    /// <summary>The arguments after <c>tp</c>, writing under <paramref name="outDir"/>.</summary>
    protected abstract string[] Arguments(string outDir);

    [OneTimeSetUp]
    public void RunBench()
    {
        _dir = new TempDirectory();
        (Exit, Stdout, Stderr) = TpProcess.Run(Generous, Arguments(OutDir));
    }

    [OneTimeTearDown]
    public void Cleanup() => _dir.Dispose();
}
