using System.Diagnostics;
using System.Globalization;
using TensorPool.Cli.Bench;
using TensorPool.Testing;

namespace TensorPool.Cli.Tests;

/// <summary>
/// <c>tp bench</c> runs the separate tool tp-bench (D120): in place of the tp process when it is found, with a clear
/// message when it is not. A stand-in tp-bench (a shell script printing its PID and arguments) shows what tp hands over.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class BenchLauncherTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private TempDirectory _dir = null!;
    private string _standIn = "";

    [SetUp]
    public void WriteStandIn()
    {
        _dir = new TempDirectory(Path.GetTempPath(), "tp-bench-launcher-");
        _standIn = Path.Combine(_dir.Path, "tp-bench");
        File.WriteAllText(_standIn, "#!/bin/sh\necho \"pid $$\"\nfor a in \"$@\"; do echo \"arg $a\"; done\necho \"to stderr\" >&2\nexit 7\n");
        File.SetUnixFileMode(_standIn, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [TearDown]
    public void Remove() => _dir.Dispose();

    /// <summary><c>dotnet tp.dll args…</c> with TENSORPOOL_BENCH_PATH as given (or unset) and a PATH without any tp-bench.</summary>
    private static ChildProcess Start(string? benchPath, params string[] args)
    {
        string dotnet = Environment.ProcessPath!;
        var startInfo = new ProcessStartInfo(dotnet);
        startInfo.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tp.dll"));
        foreach (string a in args)
        {
            startInfo.ArgumentList.Add(a);
        }
        startInfo.Environment.Remove(BenchTool.EnvironmentVariable);
        if (benchPath is not null)
        {
            startInfo.Environment[BenchTool.EnvironmentVariable] = benchPath;
        }
        startInfo.Environment["PATH"] = Path.GetDirectoryName(dotnet) + ":/usr/bin:/bin";
        return ChildProcess.Start(startInfo);
    }

    [Test]
    public void Tp_bench_becomes_tp_bench_same_process_arguments_streams_and_exit_code()
    {
        using ChildProcess tp = Start(_standIn, "bench", "--quick", "a b", "--help");

        Assert.That(tp.WaitForExit(Timeout), Is.EqualTo(7), tp.Output());
        Assert.That(tp.StandardOutput, Is.EqualTo($"pid {tp.Id.ToString(CultureInfo.InvariantCulture)}\narg --quick\narg a b\narg --help\n"),
            "the same process (no child), every argument after 'bench' whole, --help included");
        Assert.That(tp.StandardError, Is.EqualTo("to stderr\n"));
    }

    [Test]
    public void Tp_bench_without_tp_bench_says_how_to_install_it_and_exits_1()
    {
        Assert.That(File.Exists(Path.Combine(AppContext.BaseDirectory, "tp-bench.dll")), Is.False, "this test's tp has no tp-bench beside it");
        using ChildProcess tp = Start(null, "bench", "--quick");

        Assert.That(tp.WaitForExit(Timeout), Is.EqualTo(TpCommand.ExitFailure), tp.Output());
        Assert.That(tp.StandardOutput, Is.Empty);
        string[] lines = tp.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), tp.StandardError);
        Assert.That(lines[0], Does.StartWith("tp bench: ").And.Contain("tp-bench").And.Contain("dotnet tool install --global TensorPool.Bench.Cli")
            .And.Contain("./build.sh bench").And.Contain(BenchTool.EnvironmentVariable));
    }

    [Test]
    public void A_TENSORPOOL_BENCH_PATH_that_is_not_a_file_is_named_and_nothing_else_is_tried()
    {
        string missing = Path.Combine(_dir.Path, "no-such-tp-bench");
        using ChildProcess tp = Start(missing, "bench");

        Assert.That(tp.WaitForExit(Timeout), Is.EqualTo(TpCommand.ExitFailure), tp.Output());
        Assert.That(tp.StandardError, Does.Contain($"{BenchTool.EnvironmentVariable} is '{missing}', which is not a file"));
    }

    [Test]
    public void Called_in_process_tp_bench_runs_tp_bench_as_a_child_and_relays_its_output_and_exit_code()
    {
        string? before = Environment.GetEnvironmentVariable(BenchTool.EnvironmentVariable);
        Environment.SetEnvironmentVariable(BenchTool.EnvironmentVariable, _standIn);
        try
        {
            (int exit, string output, string error) = Tp.Run("bench", "64", "--sizes", "64", "x", "--json");

            Assert.That(exit, Is.EqualTo(7));
            Assert.That(output, Does.Match(@"^pid \d+\narg 64\narg --sizes\narg 64\narg x\narg --json\n$"), "every word, in order");
            Assert.That(output, Does.Not.Contain($"pid {Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}\n"), "a child, never this process");
            Assert.That(error, Is.EqualTo("to stderr\n"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(BenchTool.EnvironmentVariable, before);
        }
    }
}
