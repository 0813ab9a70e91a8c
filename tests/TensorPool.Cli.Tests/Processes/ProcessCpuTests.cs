using TensorPool.Processes;

namespace TensorPool.Cli.Tests.Processes;

/// <summary><see cref="ProcessCpu"/>: utime + stime from /proc/&lt;pid&gt;/stat, what the demo's cores figure is made of.</summary>
[TestFixture]
public sealed class ProcessCpuTests
{
    [Test]
    public void Utime_and_stime_are_read_after_a_command_name_holding_spaces_and_parentheses()
    {
        // Fields 14 and 15 (utime 250, stime 50 ticks of 1/100 s) after "(a) b) c)", a name a process may give itself.
        const string stat = "4242 (a) b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 3 0 1000 0 0";
        Assert.That(ProcessCpu.TryParse(stat, out TimeSpan cpu), Is.True);
        Assert.That(cpu, Is.EqualTo(TimeSpan.FromSeconds(3)));
    }

    [TestCase("")]
    [TestCase("no parenthesis at all")]
    [TestCase("1 (x) S 1 2")]
    [TestCase("1 (x) S 1 2 3 4 5 6 7 8 9 10 -5 7 0")]
    public void A_line_that_is_not_a_stat_line_is_refused(string stat) =>
        Assert.That(ProcessCpu.TryParse(stat, out _), Is.False);

    [Test]
    public void This_process_has_used_some_cpu_and_a_missing_one_is_reported_gone()
    {
        Assert.That(ProcessCpu.TryRead(Environment.ProcessId, out TimeSpan cpu), Is.True);
        Assert.That(cpu, Is.GreaterThan(TimeSpan.Zero));
        Assert.That(ProcessCpu.TryRead(int.MaxValue, out _), Is.False);
    }
}
