using System.Globalization;

namespace TensorPool.Bench.Matrix;

/// <summary>
/// What <c>tp bench</c> runs: the payload sizes, the consumer counts, and how long each measure lasts (<c>--quick</c>
/// keeps the whole matrix under a minute on a 2-core machine); the paced cells when <paramref name="Paced"/> is set,
/// and the size × consumers matrix unless <paramref name="Matrix"/> is false (<c>--paced</c> runs the paced cells alone).
/// </summary>
public sealed record BenchSettings(IReadOnlyList<int> Sizes, IReadOnlyList<int> Consumers, bool Quick, string OutDir,
    Paced.PacedPlan? Paced = null, bool Matrix = true)
{
    public static readonly int[] DefaultSizes = [64, 4096, 64 << 10, 1 << 20, 16 << 20];

    public static readonly int[] DefaultConsumers = [1, 3];

    /// <summary>A frame carries its sequence and phase in its first 16 bytes.</summary>
    public const int MinSize = 16;

    public const int MaxSize = 256 << 20;

    public const int MaxConsumers = 16;

    public int PingPongWarmup => Quick ? 20_000 : 100_000;

    public int PingPongRoundTrips => Quick ? 20_000 : 300_000;

    /// <summary>Seconds of one memcpy round; the ceiling is the best of three rounds.</summary>
    public double MemcpySeconds => Quick ? 0.03 : 0.3;

    /// <summary>How long the fixed-rate latency phase of a cell lasts, at most.</summary>
    public double LatencySeconds => Quick ? 0.2 : 4;

    public int MaxLatencyFrames => Quick ? 1_500 : 40_000;

    public int MinLatencyFrames => Quick ? 30 : 300;

    /// <summary>The fixed rate of the latency phase for small frames (large ones go slower, see <see cref="LatencyPlan"/>).</summary>
    public double MaxRateHz => Quick ? 5_000 : 10_000;

    /// <summary>How long the throughput phase of a cell lasts.</summary>
    public double ThroughputSeconds => Quick ? 0.15 : 2;

    /// <summary>Parse <c>64,4K,64KiB,1MiB,16M</c> (suffixes K/KiB, M/MiB are binary).</summary>
    public static bool TryParseSizes(string text, out int[] sizes, out string error)
    {
        var list = new List<int>();
        foreach (string raw in text.Split(',', StringSplitOptions.TrimEntries))
        {
            string item = raw;
            long unit = 1;
            foreach ((string suffix, long scale) in new[] { ("KiB", 1L << 10), ("MiB", 1L << 20), ("K", 1L << 10), ("M", 1L << 20), ("B", 1L) })
            {
                if (item.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                {
                    item = item[..^suffix.Length];
                    unit = scale;
                    break;
                }
            }
            if (!long.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value * unit < MinSize || value * unit > MaxSize)
            {
                sizes = [];
                error = $"'{raw}' is not a payload size from {MinSize} B to {MaxSize >> 20} MiB (e.g. 64,4KiB,1MiB)";
                return false;
            }
            list.Add((int)(value * unit));
        }
        sizes = [.. list.Distinct().Order()];
        error = "";
        return true;
    }

    /// <summary>Parse <c>1,3</c>: consumer counts from 1 to <see cref="MaxConsumers"/>.</summary>
    public static bool TryParseConsumers(string text, out int[] counts, out string error)
    {
        var list = new List<int>();
        foreach (string raw in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out int k) || k < 1 || k > MaxConsumers)
            {
                counts = [];
                error = $"'{raw}' is not a consumer count from 1 to {MaxConsumers}";
                return false;
            }
            list.Add(k);
        }
        counts = [.. list.Distinct().Order()];
        error = "";
        return true;
    }

    /// <summary>64 B, 4 KiB, 1 MiB.</summary>
    public static string SizeLabel(long bytes) =>
        bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? $"{bytes >> 20} MiB" :
        bytes >= 1024 && bytes % 1024 == 0 ? $"{bytes >> 10} KiB" : $"{bytes} B";
}

/// <summary>
/// The fixed-rate schedule of a cell's latency phase: at most a quarter of the time goes to the producer's copy
/// (rate ≤ 0.25 × memcpy bandwidth / size), so the latency is that of a frame, not of a queue.
/// </summary>
public readonly record struct LatencyPlan(double RateHz, int Warmup, int Frames)
{
    public static LatencyPlan For(BenchSettings settings, int size, double memcpyBytesPerSecond)
    {
        double rate = Math.Min(settings.MaxRateHz, 0.25 * memcpyBytesPerSecond / size);
        int frames = (int)Math.Clamp(rate * settings.LatencySeconds, settings.MinLatencyFrames, settings.MaxLatencyFrames);
        return new LatencyPlan(rate, Math.Max(10, frames / 10), frames);
    }

    public long PeriodNs => (long)(1e9 / RateHz);
}
