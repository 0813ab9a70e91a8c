using System.Globalization;
using System.Text;

namespace TensorPool.Bench.Matrix;

/// <summary>
/// The table <c>tp bench</c> prints: each cell's numbers beside the same-run baselines and the three ratios, and the
/// aeron:ipc column (its p50, GB/s and losses) when the run had Aeron.
/// </summary>
public static class RatioTable
{
    public static string Format(BenchReport report)
    {
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        MachineInfo m = report.Machine;
        Line($"# tp bench {report.Version}{(report.Quick ? " --quick" : "")}: {m.CpuModel}, {m.AllowedCpus.Count} CPUs, {m.Runtime}");
        Line($"# {m.Placement}; load average before {m.LoadAverageBefore}, after {m.LoadAverageAfter}");
        Percentiles floor = report.Baselines.PingPong.OneWayNs;
        Line($"# floor (same run): cache-line ping-pong between two processes, one-way (RTT/2) p50 {floor.P50:F0} ns, p99 {floor.P99:F0} ns");
        if (report.Cells.Count == 0)
        {
            foreach (string note in report.Notes)
            {
                Line($"# {note}");
            }
            return WithPaced(text, report);
        }
        Line($"# ceiling (same run): single-thread memcpy {string.Join(", ", report.Baselines.Memcpy.Select(b => $"{BenchSettings.SizeLabel(b.Size)} {b.GigabytesPerSecond:F2} GB/s"))}");
        Line($"# latency: producer claim -> consumer delivery, CLOCK_MONOTONIC, all consumers merged; socket: send -> whole frame read");
        Line($"");
        bool aeron = report.Cells.Any(c => c.Aeron is not null);
        string aeronHead = aeron ? $" {"aeron p50",9} {"aeron GB/s",10} {"a.drops",7}" : "";
        Line($"{"size",-8} {"cons",4} {"p50 ns",9} {"p99 ns",9} {"p99.9 ns",9} {"p50/floor",9} {"frames/s",10} {"GB/s",7} {"/memcpy",7}{aeronHead} {"sock p50",9} {"sock/ours",9} {"drops",6}  note");
        foreach (CellResult c in report.Cells)
        {
            TransportResult i = c.Ipc;
            string aeronCells = !aeron ? "" : c.Aeron is { } a
                ? string.Create(CultureInfo.InvariantCulture, $" {a.LatencyNs.P50,9:F0} {a.GigabytesPerSecond,10:F3} {a.Drops + a.Torn,7}")
                : $" {"-",9} {"-",10} {"-",7}";
            Line($"{BenchSettings.SizeLabel(c.Size),-8} {c.Consumers,4} {i.LatencyNs.P50,9:F0} {i.LatencyNs.P99,9:F0} {i.LatencyNs.P999,9:F0} {c.Ratios.LatencyOverFloor,8:F1}x {i.FramesPerSecond,10:F0} {i.GigabytesPerSecond,7:F3} {c.Ratios.BandwidthOverMemcpy,6:F3}x{aeronCells} {c.Socket.LatencyNs.P50,9:F0} {c.Ratios.SocketOverOurs,8:F1}x {i.Drops + i.Torn,6}  {(c.Oversubscribed ? "oversubscribed" : "")}");
        }
        foreach (string note in report.Notes)
        {
            Line($"# {note}");
        }
        return WithPaced(text, report);
    }

    private static string WithPaced(StringBuilder text, BenchReport report)
    {
        if (report.Paced is { } paced)
        {
            text.AppendLine();
            text.Append(Paced.PacedTable.Format(paced, report.Baselines.PingPong.OneWayNs));
        }
        return text.ToString();
    }
}
