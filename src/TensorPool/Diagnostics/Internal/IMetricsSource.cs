using System.ComponentModel;
using System.Diagnostics.Metrics;

namespace TensorPool.Diagnostics.Internal;

/// <summary>Something whose counters the meter reads when a listener collects (a client, a driver, a supervisor).</summary>
/// <remarks>Pubternal: public for the project's own assemblies only, not covered by compatibility (docs/CONTRIBUTING.md, "Pubternal").</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IMetricsSource
{
    /// <summary>Add this source's measurements of <paramref name="kind"/> (none when it has nothing of that kind).</summary>
    void Collect(MetricKind kind, List<Measurement<long>> into);
}
