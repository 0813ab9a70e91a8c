using System.Diagnostics.Metrics;

namespace TensorPool.Diagnostics;

/// <summary>Something whose counters the meter reads when a listener collects (a client, a driver, a supervisor).</summary>
internal interface IMetricsSource
{
    /// <summary>Add this source's measurements of <paramref name="kind"/> (none when it has nothing of that kind).</summary>
    void Collect(MetricKind kind, List<Measurement<long>> into);
}
