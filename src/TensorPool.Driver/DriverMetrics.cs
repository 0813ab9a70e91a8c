using System.Diagnostics.Metrics;
using TensorPool.Diagnostics.Internal;
using TensorPool.Diagnostics;

namespace TensorPool.Driver;

/// <summary>A driver as a metrics source (meter "TensorPool"): the leases it holds by stream and role, and the leases it lost.</summary>
internal sealed class DriverMetrics(TensorPoolDriver driver) : IMetricsSource
{
    public void Collect(MetricKind kind, List<Measurement<long>> into)
    {
        if (kind == MetricKind.DriverLeases)
        {
            var counts = new Dictionary<(uint StreamId, string Role), long>();
            foreach (LeaseInfo lease in driver.Status.Leases)
            {
                (uint, string) key = (lease.StreamId, string.Equals(lease.Role, "producer", StringComparison.OrdinalIgnoreCase) ? "producer" : "consumer");
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
            foreach (((uint streamId, string role), long count) in counts)
            {
                into.Add(new(count, MetricsRegistry.Tag(TensorPoolMetrics.StreamIdTag, (long)streamId), MetricsRegistry.Tag(TensorPoolMetrics.RoleTag, role)));
            }
        }
        else if (kind == MetricKind.DriverLeaseLosses)
        {
            DriverCounters c = driver.Counters;
            into.Add(new(c.LeasesExpired, MetricsRegistry.Tag(TensorPoolMetrics.CauseTag, "expired")));
            into.Add(new(c.LeasesRevoked, MetricsRegistry.Tag(TensorPoolMetrics.CauseTag, "revoked")));
        }
    }
}
