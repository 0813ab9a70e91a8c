using System.Globalization;
using ScottPlot;

namespace TensorPool.Bench.Matrix;

/// <summary>
/// latency.png and throughput.png (ScottPlot, rendered by SkiaSharp without a display). Both axes are logarithmic:
/// values are drawn as log2(size) and log10(value) with ticks labelled in real units. SkiaSharp's no-dependency native
/// library finds no system fonts by itself, so a TrueType font under /usr/share/fonts is registered explicitly.
/// </summary>
public static class BenchPlots
{
    private const string FontName = "TensorPoolBenchSans";

    private static readonly string[] PreferredFonts =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    ];

    private static string? _font;

    /// <summary>The TrueType file the labels use, or null when the machine has none (the PNGs then have no text).</summary>
    public static string? FontFile => _font ??= FindFont();

    public static void Write(BenchReport report, string latencyPath, string throughputPath)
    {
        if (FontFile is { } font)
        {
            Fonts.AddFontFile(FontName, font);
            Fonts.Default = FontName;
        }
        Latency(report).SavePng(latencyPath, 1400, 700);
        Throughput(report).SavePng(throughputPath, 1400, 700);
    }

    private static Plot Latency(BenchReport report)
    {
        var plot = new Plot();
        int colour = 0;
        foreach (int k in report.Cells.Select(c => c.Consumers).Distinct())
        {
            CellResult[] cells = [.. report.Cells.Where(c => c.Consumers == k).OrderBy(c => c.Size)];
            Series(plot, cells, c => c.Ipc.LatencyNs.P50, $"tp:ipc, {Consumers(k)}, p50", colour, LinePattern.Solid);
            Series(plot, cells, c => c.Ipc.LatencyNs.P99, $"tp:ipc, {Consumers(k)}, p99", colour, LinePattern.Dashed);
            Series(plot, cells, c => c.Ipc.LatencyNs.P999, $"tp:ipc, {Consumers(k)}, p99.9", colour, LinePattern.Dotted);
            Series(plot, cells, c => c.Socket.LatencyNs.P50, $"Unix socket, {Consumers(k)}, p50", colour + 1, LinePattern.Solid);
            Series(plot, cells, c => c.Socket.LatencyNs.P99, $"Unix socket, {Consumers(k)}, p99", colour + 1, LinePattern.Dashed);
            // Absent cells (no Aeron in the run) have no value and draw nothing.
            Series(plot, cells, c => c.Aeron?.LatencyNs.P50 ?? 0, $"aeron:ipc, {Consumers(k)}, p50", colour, LinePattern.DenselyDashed);
            colour += 2;
        }
        double floor = report.Baselines.PingPong.OneWayNs.P50;
        if (floor > 0)
        {
            var line = plot.Add.HorizontalLine(Math.Log10(floor));
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"floor: cache-line ping-pong p50 ({floor:F0} ns, RTT/2)");
            line.LinePattern = LinePattern.DenselyDashed;
            line.Color = Colors.Black;
        }
        Axes(plot, report, "one-way latency at delivery (log scale)", NanosecondLabel);
        plot.Title(Title(report, "latency percentiles by payload size"));
        return plot;
    }

    private static Plot Throughput(BenchReport report)
    {
        var plot = new Plot();
        int colour = 0;
        foreach (int k in report.Cells.Select(c => c.Consumers).Distinct())
        {
            CellResult[] cells = [.. report.Cells.Where(c => c.Consumers == k).OrderBy(c => c.Size)];
            Series(plot, cells, c => c.Ipc.GigabytesPerSecond, $"tp:ipc, {Consumers(k)} (delivered, lossless)", colour, LinePattern.Solid);
            Series(plot, cells, c => c.Socket.GigabytesPerSecond, $"Unix socket, {Consumers(k)}", colour + 1, LinePattern.Dashed);
            Series(plot, cells, c => c.Aeron?.GigabytesPerSecond ?? 0, $"aeron:ipc, {Consumers(k)} (delivered, lossless)", colour, LinePattern.DenselyDashed);
            colour += 2;
        }
        MemcpyBaseline[] memcpy = [.. report.Baselines.Memcpy.OrderBy(b => b.Size)];
        var ceiling = plot.Add.Scatter(
            memcpy.Select(b => Math.Log2(b.Size)).ToArray(),
            memcpy.Select(b => Math.Log10(Math.Max(b.GigabytesPerSecond, 1e-6))).ToArray());
        ceiling.LegendText = "ceiling: single-thread memcpy";
        ceiling.Color = Colors.Black;
        ceiling.LinePattern = LinePattern.DenselyDashed;
        Axes(plot, report, "payload bandwidth, GB/s (log scale)", GigabyteLabel);
        plot.Title(Title(report, "throughput by payload size"));
        return plot;
    }

    private static void Series(Plot plot, CellResult[] cells, Func<CellResult, double> value, string label, int colour, LinePattern pattern)
    {
        CellResult[] present = [.. cells.Where(c => value(c) > 0)];
        if (present.Length == 0)
        {
            return;
        }
        var scatter = plot.Add.Scatter(present.Select(c => Math.Log2(c.Size)).ToArray(), present.Select(c => Math.Log10(value(c))).ToArray());
        scatter.LegendText = label;
        scatter.Color = Palette(colour);
        scatter.LinePattern = pattern;
        scatter.MarkerSize = 7;
    }

    private static void Axes(Plot plot, BenchReport report, string yLabel, Func<int, string> decadeLabel)
    {
        int[] sizes = [.. report.Cells.Select(c => c.Size).Concat(report.Baselines.Memcpy.Select(b => b.Size)).Distinct().Order()];
        plot.Axes.Bottom.SetTicks(sizes.Select(s => Math.Log2(s)).ToArray(), sizes.Select(s => BenchSettings.SizeLabel(s)).ToArray());
        int[] decades = [.. Enumerable.Range(-4, 15)];
        plot.Axes.Left.SetTicks(decades.Select(d => (double)d).ToArray(), decades.Select(decadeLabel).ToArray());
        plot.XLabel("payload size (log scale)");
        plot.YLabel(yLabel);
        plot.ShowLegend(Edge.Right);
    }

    private static string Title(BenchReport report, string what) => string.Create(CultureInfo.InvariantCulture,
        $"tp bench{(report.Quick ? " --quick" : "")}: {what} ({report.Machine.AllowedCpus.Count} CPUs, load {report.Machine.LoadAverageBefore.Split(' ')[0]}, noisy shared machine)");

    private static string Consumers(int k) => k == 1 ? "1 consumer" : $"{k} consumers";

    private static string NanosecondLabel(int decade) => decade switch
    {
        < 0 => "",
        < 3 => $"{Pow(decade)} ns",
        < 6 => $"{Pow(decade - 3)} us",
        < 9 => $"{Pow(decade - 6)} ms",
        _ => $"{Pow(decade - 9)} s",
    };

    private static string GigabyteLabel(int decade) => decade switch
    {
        < -3 => "",
        < 0 => $"{Pow(decade + 3)} MB/s",
        _ => $"{Pow(decade)} GB/s",
    };

    private static string Pow(int decade) => Math.Pow(10, decade).ToString("G", CultureInfo.InvariantCulture);

    private static Color Palette(int index) => new ScottPlot.Palettes.Category10().GetColor(index);

    private static string? FindFont()
    {
        string? preferred = PreferredFonts.FirstOrDefault(File.Exists);
        if (preferred is not null || !Directory.Exists("/usr/share/fonts"))
        {
            return preferred;
        }
        return Directory.EnumerateFiles("/usr/share/fonts", "*.ttf", SearchOption.AllDirectories).Order(StringComparer.Ordinal).FirstOrDefault();
    }
}
