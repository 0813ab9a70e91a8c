using TensorPool.Bench.Paced;

namespace TensorPool.Bench.Tests;

/// <summary>The cores of a paced cell: /proc/PID/stat's utime + stime over a window (issue 14, "Measure").</summary>
[TestFixture]
public sealed class ProcStatTests
{
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime ...
    private const string Stat = "4242 (dotnet) S 1 4242 4242 0 -1 4194560 1200 0 3 0 250 75 9 4 20 0 12 0 100 0 0";

    [Test]
    public void Ticks_are_utime_plus_stime_fields_14_and_15()
    {
        Assert.That(ProcStat.TryParseTicks(Stat, out long ticks), Is.True);
        Assert.That(ticks, Is.EqualTo(325), "250 + 75; the children's cutime/cstime (9, 4) are not the process's");
    }

    [Test]
    public void A_command_name_with_spaces_and_parentheses_does_not_shift_the_fields()
    {
        string stat = "77 (tp bench) (x) S 1 77 77 0 -1 4194560 1 0 0 0 31 7 0 0 20 0 3 0 100 0 0";
        Assert.That(ProcStat.TryParseTicks(stat, out long ticks), Is.True);
        Assert.That(ticks, Is.EqualTo(38));
    }

    [TestCase("")]
    [TestCase("4242 dotnet S 1 2 3")]
    [TestCase("4242 (dotnet) S 1 4242")]
    [TestCase("4242 (dotnet) S 1 4242 4242 0 -1 4194560 1200 0 3 0 x 75 9 4")]
    [TestCase("4242 (dotnet) S 1 4242 4242 0 -1 4194560 1200 0 3 0 -5 75 9 4")]
    [TestCase("4242 (dotnet) S 1 4242 4242 0 -1 4194560 1200 0 3 0 9223372036854775807 1 9 4")]
    public void Text_that_is_not_a_stat_line_is_refused(string text)
    {
        Assert.That(ProcStat.TryParseTicks(text, out long ticks), Is.False);
        Assert.That(ticks, Is.Zero);
    }

    [Test]
    public void This_process_has_ticks_and_a_process_that_does_not_exist_has_none()
    {
        Assert.That(ProcStat.TryReadTicks(Environment.ProcessId, out long ticks), Is.True);
        Assert.That(ticks, Is.GreaterThanOrEqualTo(0));
        Assert.That(ProcStat.TryReadTicks(int.MaxValue, out _), Is.False);
        Assert.That(ProcStat.TicksPerSecond, Is.GreaterThan(0));
    }

    [Test]
    public void Cores_are_cpu_seconds_over_wall_seconds()
    {
        Assert.That(CpuWindow.Cores(250, 100, 5), Is.EqualTo(0.5).Within(1e-12), "2.5 s of CPU in 5 s");
        Assert.That(CpuWindow.Cores(1_000, 100, 5), Is.EqualTo(2.0).Within(1e-12), "two busy processes");
        Assert.That(CpuWindow.Cores(10, 100, 0), Is.Zero, "an empty window");
    }

    [Test]
    public void A_window_over_a_busy_thread_sees_it_and_a_dead_process_is_an_error()
    {
        CpuWindow window = CpuWindow.Start([Environment.ProcessId]);
        long end = Environment.TickCount64 + 300;
        double sink = 0;
        while (Environment.TickCount64 < end)
        {
            sink += Math.Sqrt(sink + 1);
        }
        (double cores, double seconds) = window.Stop();
        Assert.That(sink, Is.GreaterThan(0));
        Assert.That(seconds, Is.GreaterThanOrEqualTo(0.29));
        Assert.That(cores, Is.GreaterThan(0), "300 ms of spinning is at least a tick of CPU");
        Assert.That(() => CpuWindow.Start([int.MaxValue]), Throws.InvalidOperationException.With.Message.Contains("gone"));
    }
}
