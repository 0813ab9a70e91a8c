using System.Globalization;
using HdrHistogram;
using HdrHistogram.Iteration;
using System.Text;

namespace TensorPool.Bench;

/// <summary>
/// An HdrHistogram of nanosecond latencies (1 ns to 10 s, 3 significant digits), its summary line, and its text
/// encoding so a child process can hand the whole distribution to its parent (which merges consumers' histograms).
/// </summary>
public sealed class LatencyRecorder
{
    public const long Highest = 10_000_000_000L;

    private readonly LongHistogram _histogram = new(Highest, 3);

    public void Record(long ns) => _histogram.RecordValue(Math.Clamp(ns, 1, Highest));

    public long Count => _histogram.TotalCount;

    public void Reset() => _histogram.Reset();

    public void Add(LatencyRecorder other) => _histogram.Add(other._histogram);

    /// <summary>The percentiles of what was recorded, scaled by <paramref name="scale"/> (0.5 for RTT/2).</summary>
    public Percentiles Percentiles(double scale = 1.0) => Count == 0
        ? new Percentiles(0, 0, 0, 0, 0, 0)
        : new Percentiles(
            _histogram.GetValueAtPercentile(50) * scale,
            _histogram.GetValueAtPercentile(90) * scale,
            _histogram.GetValueAtPercentile(99) * scale,
            _histogram.GetValueAtPercentile(99.9) * scale,
            _histogram.GetMaxValue() * scale,
            Count);

    /// <summary><c>p50=… p90=… p99=… p99.9=… max=… n=…</c>, in nanoseconds, one-way.</summary>
    public string Summary(double scale = 1.0) => Percentiles(scale).ToString();

    /// <summary>
    /// The recorded values as one token of a result line, <c>value:count</c> pairs joined by <c>_</c> (each value the
    /// highest equivalent of its bucket), so a child hands its whole distribution to the parent that merges them.
    /// </summary>
    public string Encode()
    {
        var text = new StringBuilder("h");
        foreach (HistogramIterationValue v in _histogram.RecordedValues())
        {
            text.Append(CultureInfo.InvariantCulture, $"_{v.ValueIteratedTo}:{v.CountAtValueIteratedTo}");
        }
        return text.ToString();
    }

    /// <summary>The inverse of <see cref="Encode"/>.</summary>
    /// <exception cref="FormatException">Not a histogram written by <see cref="Encode"/>.</exception>
    public static LatencyRecorder Decode(string token)
    {
        if (!token.StartsWith('h'))
        {
            throw new FormatException("not an encoded latency histogram");
        }
        var recorder = new LatencyRecorder();
        foreach (string pair in token[1..].Split('_', StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = pair.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0 ||
                !long.TryParse(pair.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out long value) ||
                !long.TryParse(pair.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long count) ||
                value < 1 || value > Highest || count < 1)
            {
                throw new FormatException($"bad histogram entry '{pair}'");
            }
            recorder._histogram.RecordValueWithCount(value, count);
        }
        return recorder;
    }
}

/// <summary>Latency percentiles in nanoseconds and the number of samples.</summary>
public readonly record struct Percentiles(double P50, double P90, double P99, double P999, double Max, long Count)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"p50={P50:F0} p90={P90:F0} p99={P99:F0} p99.9={P999:F0} max={Max:F0} n={Count}");
}
