using System.Globalization;
using System.Text;
using TensorPool.Bench.Matrix;

namespace TensorPool.Bench.Paced;

/// <summary>
/// The paced table: the futex-wake floor of each rate, then each cell with its latency, losses and cores, and the
/// ratios issue 14's targets use (cores ÷ futex cores, p99 ÷ futex p99, p50 − futex p50), and the p50 and p99 of the
/// floor they are against (the cell's own when the run alternates, D252).
/// </summary>
public static class PacedTable
{
    public static string Format(PacedReport report, Percentiles pingPongOneWay)
    {
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        Line($"# paced cells over {report.Transport}, steady windows of {report.WindowSeconds} s; load average before {report.LoadAverageBefore}, after {report.LoadAverageAfter}");
        Line($"# latency: producer commit timestamp -> consumer accept, CLOCK_MONOTONIC, all consumers merged; lost: published in the window, not accepted (summed over consumers)");
        Line($"# futex floor: every wake timed, as a consumer times every frame (D253)");
        Line($"# cores: utime+stime of every process of the cell (/proc/PID/stat) over the window / wall time; {report.Placement}");
        Line($"# floor (same run): cache-line ping-pong one-way p50 {pingPongOneWay.P50:F0} ns, p99 {pingPongOneWay.P99:F0} ns");
        if (report.FloorWaiter.Length > 0)
        {
            Line($"# floor: {report.FloorWaiter}");
        }
        if (report.Alternate > 0)
        {
            Line($"# floor: each cell's own futex-wake pair at its rate, measured in {report.Alternate} segment(s) alternating with the cell's (floor, cell, ...)");
        }
        foreach (FutexFloor f in report.FutexFloors)
        {
            Line($"# floor (same run): futex wake between two processes at {PacedPlan.RateLabel(f.RateHz)}: p50 {f.LatencyNs.P50:F0} ns, p99 {f.LatencyNs.P99:F0} ns, p99.9 {f.LatencyNs.P999:F0} ns, missed {f.Missed} of {f.Published}, {f.Cores:F3} cores; latest wake of each return alone p99 {f.WakeLatencyNs.P99:F0} ns, {f.Together} came with a later one");
        }
        Line($"");
        Line($"{"size",-6} {"rate",7} {"cons",4} {"idle",-7} {"p50 ns",9} {"p99 ns",9} {"p99.9 ns",9} {"lost",6} {"of",7} {"cores",6} {"c/futex",8} {"p99/futex",9} {"p50-futex",10} {"futex p50",9} {"futex p99",9}");
        foreach (PacedCellResult c in report.Cells)
        {
            Line($"{BenchSettings.SizeLabel(c.Size),-6} {PacedPlan.RateLabel(c.RateHz),7} {c.Consumers,4} {c.Idle,-7} {c.LatencyNs.P50,9:F0} {c.LatencyNs.P99,9:F0} {c.LatencyNs.P999,9:F0} {c.Lost,6} {c.Published * c.Consumers,7} {c.Cores,6:F3} {c.Ratios.CoresOverFutex,7:F1}x {c.Ratios.P99OverFutex,8:F1}x {c.Ratios.P50MinusFutexNs,10:F0} {Ns(c.Floor?.LatencyNs.P50),9} {Ns(c.Floor?.LatencyNs.P99),9}");
        }
        return text.ToString();
    }

    private static string Ns(double? value) => value is { } v ? v.ToString("F0", CultureInfo.InvariantCulture) : "-";
}
