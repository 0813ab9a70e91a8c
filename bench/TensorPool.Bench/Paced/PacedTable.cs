using System.Globalization;
using System.Text;
using TensorPool.Bench.Matrix;

namespace TensorPool.Bench.Paced;

/// <summary>
/// The paced table: the futex-wake floor of each rate, then each cell with its latency, losses and cores, and the
/// ratios issue 14's targets use (cores ÷ futex cores, p99 ÷ futex p99, p50 − futex p50).
/// </summary>
public static class PacedTable
{
    public static string Format(PacedReport report, Percentiles pingPongOneWay)
    {
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        Line($"# paced cells over {report.Transport}, steady windows of {report.WindowSeconds} s; load average before {report.LoadAverageBefore}, after {report.LoadAverageAfter}");
        Line($"# latency: producer commit timestamp -> consumer accept, CLOCK_MONOTONIC, all consumers merged; lost: published in the window, not accepted (summed over consumers)");
        Line($"# cores: utime+stime of every process of the cell (/proc/PID/stat) over the window / wall time; {report.Placement}");
        Line($"# floor (same run): cache-line ping-pong one-way p50 {pingPongOneWay.P50:F0} ns, p99 {pingPongOneWay.P99:F0} ns");
        if (report.FloorWaiter.Length > 0)
        {
            Line($"# floor: {report.FloorWaiter}");
        }
        foreach (FutexFloor f in report.FutexFloors)
        {
            Line($"# floor (same run): futex wake between two processes at {PacedPlan.RateLabel(f.RateHz)}: p50 {f.LatencyNs.P50:F0} ns, p99 {f.LatencyNs.P99:F0} ns, p99.9 {f.LatencyNs.P999:F0} ns, missed {f.Missed} of {f.Published}, {f.Cores:F3} cores");
        }
        Line($"");
        Line($"{"size",-6} {"rate",7} {"cons",4} {"idle",-7} {"p50 ns",9} {"p99 ns",9} {"p99.9 ns",9} {"lost",6} {"of",7} {"cores",6} {"c/futex",8} {"p99/futex",9} {"p50-futex",10}");
        foreach (PacedCellResult c in report.Cells)
        {
            Line($"{BenchSettings.SizeLabel(c.Size),-6} {PacedPlan.RateLabel(c.RateHz),7} {c.Consumers,4} {c.Idle,-7} {c.LatencyNs.P50,9:F0} {c.LatencyNs.P99,9:F0} {c.LatencyNs.P999,9:F0} {c.Lost,6} {c.Published * c.Consumers,7} {c.Cores,6:F3} {c.Ratios.CoresOverFutex,7:F1}x {c.Ratios.P99OverFutex,8:F1}x {c.Ratios.P50MinusFutexNs,10:F0}");
        }
        return text.ToString();
    }
}
