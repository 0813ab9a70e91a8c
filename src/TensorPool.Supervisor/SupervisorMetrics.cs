using System.Diagnostics.Metrics;
using TensorPool.Control;
using TensorPool.Diagnostics.Internal;
using TensorPool.Diagnostics;

namespace TensorPool.Supervisor;

/// <summary>
/// A supervisor as a metrics source (meter "TensorPool"): each consumer's lag, from its live model. The lag needs a
/// producer's current_seq and a consumer's last_seq_seen of one epoch (QoS, wire spec §10.4), which only a process
/// that follows both sides' QoS has.
/// </summary>
internal sealed class SupervisorMetrics(TensorPoolSupervisor supervisor) : IMetricsSource
{
    public void Collect(MetricKind kind, List<Measurement<long>> into)
    {
        if (kind != MetricKind.ConsumerLag)
        {
            return;
        }
        foreach (StreamStatus stream in supervisor.Snapshot.Streams)
        {
            foreach (ConsumerStatus consumer in stream.Consumers)
            {
                if (consumer.Lag is { } lag && !consumer.Stale)
                {
                    into.Add(new(lag, MetricsRegistry.Tag(TensorPoolMetrics.StreamIdTag, (long)stream.StreamId),
                        MetricsRegistry.Tag(TensorPoolMetrics.ConsumerIdTag, (long)consumer.ConsumerId)));
                }
            }
        }
    }
}
