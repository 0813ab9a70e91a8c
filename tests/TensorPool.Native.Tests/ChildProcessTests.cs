using TensorPool.Testing;

namespace TensorPool.Native.Tests;

/// <summary>The multi-process tests rely on starting TestHost scenarios as real processes.</summary>
public class ChildProcessTests
{
    [Test]
    public void Scenario_runs_in_a_separate_process_and_reports_through_stdout_and_exit_code()
    {
        using ChildProcess child = ChildProcess.StartScenario("echo", "a", "b");
        child.WaitForLine("ready", TimeSpan.FromSeconds(30));
        Assert.That(child.WaitForExit(TimeSpan.FromSeconds(30)), Is.EqualTo(2));
        Assert.That(child.Id, Is.Not.EqualTo(Environment.ProcessId));
        Assert.That(child.StandardOutput, Does.Contain("arg a").And.Contain("arg b"));
    }

    [Test]
    public void Unknown_scenario_exits_with_usage_error()
    {
        using ChildProcess child = ChildProcess.StartScenario("no-such-scenario");
        Assert.That(child.WaitForExit(TimeSpan.FromSeconds(30)), Is.EqualTo(2));
        Assert.That(child.StandardError, Does.Contain("usage"));
    }
}
