using System.Diagnostics;
using TensorPool.Testing;

namespace TensorPool.Cli.Tests;

/// <summary>
/// `tp listen` and `tp status --watch` stop when the reader of their standard output goes away (`| head -1`), as Unix
/// tools do (D178): they used to run on forever, .NET's console pretending the writes to the closed pipe succeeded.
/// </summary>
[NonParallelizable]
public sealed class ClosedOutputProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary><c>bash -c 'set -o pipefail; dotnet tp.dll ARGS | head -1'</c>: the pipeline ends when tp does, with tp's exit code.</summary>
    private static ChildProcess Pipeline(params string[] args)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardInput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("set -o pipefail; dotnet \"$@\" | head -1");
        psi.ArgumentList.Add("bash");
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tp.dll"));
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        return ChildProcess.Start(psi);
    }

    [Test]
    public void Status_watch_stops_with_exit_0_when_its_reader_closes_the_pipe()
    {
        using var dir = new TempDirectory();
        using ChildProcess pipeline = Pipeline("status", "--watch", "--json", "--interval", "0.1", "--shm-dir", dir.Path, "--namespace", "epipe");
        Assert.That(pipeline.WaitForExit(Timeout), Is.Zero, pipeline.StandardError);
        Assert.That(pipeline.StandardOutput.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(pipeline.StandardError, Does.Not.Contain("unexpected"));
    }

    [Test]
    public void Listen_stops_with_exit_0_when_its_reader_closes_the_pipe()
    {
        using var dir = new TempDirectory();
        using ChildProcess pipeline = Pipeline("listen", "--stream", "1000", "--json", "--shm-dir", dir.Path, "--namespace", "epipe");
        pipeline.WaitForError("tp listen: listening", Timeout);
        using ChildProcess produce = Tp.StartIn(dir, "epipe", "produce", "--stream", "10000", "--rate", "50", "--seconds", "600", "--shape", "4x4");
        try
        {
            Assert.That(pipeline.WaitForExit(Timeout), Is.Zero, pipeline.StandardError);
        }
        finally
        {
            produce.Signal("INT");
            produce.WaitForExit(Timeout);
        }
        Assert.That(pipeline.StandardOutput.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(pipeline.StandardError, Does.Not.Contain("unexpected"));
    }
}
