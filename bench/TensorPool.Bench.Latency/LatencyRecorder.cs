using System.Globalization;
using HdrHistogram;

namespace TensorPool.Bench.Latency;

/// <summary>An HdrHistogram of nanosecond latencies (1 ns to 10 s, 3 significant digits) and its summary line.</summary>
internal sealed class LatencyRecorder
{
    private readonly LongHistogram _histogram = new(10_000_000_000L, 3);

    public void Record(long ns) => _histogram.RecordValue(Math.Clamp(ns, 1, 10_000_000_000L));

    public long Count => _histogram.TotalCount;

    /// <summary><c>p50=… p90=… p99=… p99.9=… max=… n=…</c>, in nanoseconds, one-way.</summary>
    public string Summary(double scale = 1.0)
    {
        string P(double percentile) =>
            (_histogram.GetValueAtPercentile(percentile) * scale).ToString("F0", CultureInfo.InvariantCulture);
        return $"p50={P(50)} p90={P(90)} p99={P(99)} p99.9={P(99.9)} max={(_histogram.GetMaxValue() * scale).ToString("F0", CultureInfo.InvariantCulture)} n={_histogram.TotalCount}";
    }
}
