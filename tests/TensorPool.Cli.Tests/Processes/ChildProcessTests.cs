using System.Diagnostics;
using System.Globalization;
using TensorPool.Processes;
using ChildProcess = TensorPool.Processes.ChildProcess;

namespace TensorPool.Cli.Tests.Processes;

/// <summary>
/// <see cref="ChildProcess"/>, the one way <c>tp demo</c>, <c>tp bench</c> and the tests start child processes, against
/// TestHost scenarios (tests/TensorPool.TestHost/Scenarios/HostScenarios.cs).
/// </summary>
[TestFixture]
public sealed class ChildProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private static ProcessStartInfo Scenario(string name, params string[] args)
    {
        var startInfo = new ProcessStartInfo("dotnet") { RedirectStandardInput = true };
        startInfo.ArgumentList.Add(TensorPool.Testing.ChildProcess.TestHostPath);
        startInfo.ArgumentList.Add(name);
        foreach (string a in args)
        {
            startInfo.ArgumentList.Add(a);
        }
        return startInfo;
    }

    [Test]
    public void StartSelf_runs_this_program_again_with_its_entry_assembly_under_the_dotnet_host()
    {
        using ChildProcess parent = ChildProcess.Start(Scenario("spawn-self", "a", "b c"));
        Assert.That(parent.WaitForExit(Timeout), Is.Zero, parent.Output());

        string[] lines = parent.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        int self = int.Parse(parent.WaitForLine("self ", Timeout)["self ".Length..], CultureInfo.InvariantCulture);
        string[] child = parent.WaitForLine("child ", Timeout).Split(' ');
        Assert.That(self, Is.EqualTo(parent.Id));
        Assert.That(int.Parse(child[1], CultureInfo.InvariantCulture), Is.Not.EqualTo(self), "a process of its own");
        Assert.That(child[3], Is.EqualTo("2"), "the echo scenario exits with its argument count");
        Assert.That(lines.Where(l => l.StartsWith("child: ", StringComparison.Ordinal)),
            Is.EqualTo(new[] { "child: ready", "child: arg a", "child: arg b c" }), "the same program, arguments kept whole");
    }

    [Test]
    public void WaitForLine_finds_the_first_match_and_NextLine_moves_on_until_the_child_ends_without_one()
    {
        using ChildProcess child = ChildProcess.Start(Scenario("echo", "x", "y"));

        Assert.That(child.WaitForLine("arg ", Timeout), Is.EqualTo("arg x"));
        Assert.That(child.WaitForLine("arg ", Timeout), Is.EqualTo("arg x"), "always from the first line");
        Assert.That(child.NextLine("arg ", Timeout), Is.EqualTo("arg x"));
        Assert.That(child.NextLine("arg ", Timeout), Is.EqualTo("arg y"));
        var ended = Assert.Throws<InvalidOperationException>(() => child.NextLine("arg ", Timeout));
        Assert.That(ended!.Message, Does.Contain("exited (2) before printing 'arg '").And.Contain("arg y"), "with the child's output");
        Assert.That(child.StandardOutput, Is.EqualTo("ready\narg x\narg y\n"));
    }

    [Test]
    public void Lines_written_to_stdin_reach_the_child_and_a_wait_times_out_with_its_output()
    {
        using ChildProcess child = ChildProcess.Start(Scenario("stdin-echo"));
        child.WaitForLine("ready", Timeout);

        child.WriteLine("one");
        Assert.That(child.TryWriteLine("two"), Is.True);
        Assert.That(child.NextLine("got ", Timeout), Is.EqualTo("got one"));
        Assert.That(child.NextLine("got ", Timeout), Is.EqualTo("got two"));
        var late = Assert.Throws<TimeoutException>(() => child.NextLine("got ", TimeSpan.FromMilliseconds(300)));
        Assert.That(late!.Message, Does.Contain("no line starting with 'got '").And.Contain("got two"));

        child.CloseStandardInput();
        Assert.That(child.WaitForExit(Timeout), Is.Zero);
        Assert.That(child.WaitForLine("end of input", Timeout), Is.EqualTo("end of input"));
        Assert.That(child.TryWriteLine("after the end"), Is.False, "a child that is gone is reported, not thrown");
    }

    [Test]
    public void Without_kept_output_every_line_goes_to_the_callback_in_order_and_line_waits_are_refused()
    {
        var seen = new List<string>();
        var options = new ChildProcessOptions { KeepOutput = false, OutputLine = l => { lock (seen) { seen.Add(l); } } };
        using ChildProcess child = ChildProcess.Start(Scenario("echo", "1", "2", "3"), options);

        Assert.That(child.TryWaitForExit(Timeout), Is.True);
        lock (seen)
        {
            Assert.That(seen, Is.EqualTo(new[] { "ready", "arg 1", "arg 2", "arg 3" }), "every line, once the output has ended");
        }
        Assert.That(child.StandardOutput, Is.Empty, "nothing kept");
        Assert.Throws<InvalidOperationException>(() => child.WaitForLine("ready", Timeout));
    }

    [Test]
    public void Dispose_kills_a_child_that_is_still_writing_and_its_last_output_cannot_crash_this_process()
    {
        int delivered = 0;
        var options = new ChildProcessOptions { OutputLine = _ => Interlocked.Increment(ref delivered) };
        ChildProcess child = ChildProcess.Start(Scenario("flood"), options);
        child.WaitForLine("line 1000", Timeout);
        int pid = child.Id;

        child.Dispose();
        child.Dispose();
        Thread.Sleep(500); // the readers deliver what was still in the pipe, after the dispose

        Assert.That(Running(pid), Is.False, "the child was killed");
        Assert.That(Volatile.Read(ref delivered), Is.GreaterThan(1000));
    }

    [Test]
    public void A_runner_that_ignores_sigint_starts_children_with_default_signals_only_when_asked_D82()
    {
        // The scenario runs with SIGINT and SIGQUIT ignored, as a background job of a script would.
        var startInfo = new ProcessStartInfo("/usr/bin/env");
        foreach (string a in new[] { "--ignore-signal=INT,QUIT", "dotnet", TensorPool.Testing.ChildProcess.TestHostPath, "child-sigign" })
        {
            startInfo.ArgumentList.Add(a);
        }
        using ChildProcess parent = ChildProcess.Start(startInfo);
        Assert.That(parent.WaitForExit(Timeout), Is.Zero, parent.Output());

        const ulong intAndQuit = (1UL << 1) | (1UL << 2);
        ulong inherited = ulong.Parse(parent.WaitForLine("inherited ", Timeout)["inherited ".Length..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        ulong restored = ulong.Parse(parent.WaitForLine("restored ", Timeout)["restored ".Length..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        Assert.That(inherited & intAndQuit, Is.EqualTo(intAndQuit), "by default the child keeps what its parent inherited");
        Assert.That(restored & intAndQuit, Is.Zero, "RestoreDefaultSignals gives SIGINT and SIGQUIT back");
    }

    private static bool Running(int pid)
    {
        string status = $"/proc/{pid}/status";
        try
        {
            // A zombie (reaped later) no longer runs.
            return File.Exists(status) && !File.ReadLines(status).Any(l => l.StartsWith("State:", StringComparison.Ordinal) && l.Contains('Z', StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return false;
        }
    }
}
