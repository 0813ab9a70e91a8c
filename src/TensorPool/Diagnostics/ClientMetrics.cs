using System.Diagnostics.Metrics;
using TensorPool.Client;
using TensorPool.Consumers;
using TensorPool.Diagnostics.Internal;
using TensorPool.Producers;
using static TensorPool.Diagnostics.Internal.MetricsRegistry;
using static TensorPool.Diagnostics.TensorPoolMetrics;

namespace TensorPool.Diagnostics;

/// <summary>A client's producers and consumers as a metrics source: their counters, read when a listener collects.</summary>
internal sealed class ClientMetrics(ClientConductor conductor) : IMetricsSource
{
    public void Collect(MetricKind kind, List<Measurement<long>> into)
    {
        switch (kind)
        {
            case MetricKind.ProducerFrames or MetricKind.ProducerBytes or MetricKind.ProducerDrops:
                foreach (Producer p in conductor.Producers)
                {
                    CollectProducer(kind, p, into);
                }
                break;
            case MetricKind.ConsumerFrames or MetricKind.ConsumerBytes or MetricKind.ConsumerDrops:
                foreach (Consumer c in conductor.Consumers)
                {
                    CollectConsumer(kind, c, into);
                }
                break;
            default:
                break;
        }
    }

    private static void CollectProducer(MetricKind kind, Producer p, List<Measurement<long>> into)
    {
        ProducerCounters c = p.Counters;
        KeyValuePair<string, object?> stream = Tag(StreamIdTag, (long)p.StreamId);
        KeyValuePair<string, object?> id = Tag(ProducerIdTag, (long)p.ProducerId);
        switch (kind)
        {
            case MetricKind.ProducerFrames:
                into.Add(new(c.FramesPublished, stream, id));
                break;
            case MetricKind.ProducerBytes:
                into.Add(new(c.BytesPublished, stream, id));
                break;
            default:
                into.Add(new(c.DropsNoPool, stream, id, Tag(CauseTag, "no_pool")));
                into.Add(new(c.DescriptorOfferFailures, stream, id, Tag(CauseTag, "offer_failed")));
                into.Add(new(p.DropsNoLease, stream, id, Tag(CauseTag, "no_lease")));
                break;
        }
    }

    private static void CollectConsumer(MetricKind kind, Consumer consumer, List<Measurement<long>> into)
    {
        ConsumerCounters c = consumer.Counters;
        KeyValuePair<string, object?> stream = Tag(StreamIdTag, (long)consumer.StreamId);
        KeyValuePair<string, object?> id = Tag(ConsumerIdTag, (long)consumer.ConsumerId);
        switch (kind)
        {
            case MetricKind.ConsumerFrames:
                into.Add(new(c.FramesAccepted, stream, id));
                break;
            case MetricKind.ConsumerBytes:
                into.Add(new(c.BytesAccepted, stream, id));
                break;
            default:
                Drop(into, c.DropsGap, stream, id, "gap");
                Drop(into, c.DropsLate, stream, id, "late");
                Drop(into, c.DropsEpoch, stream, id, "epoch");
                Drop(into, c.DropsUnmapped, stream, id, "unmapped");
                Drop(into, c.DropsInvalid, stream, id, "invalid");
                Drop(into, c.DropsRegressed, stream, id, "regressed");
                Drop(into, c.DropsResync, stream, id, "resync");
                break;
        }
    }

    private static void Drop(List<Measurement<long>> into, long value, KeyValuePair<string, object?> stream, KeyValuePair<string, object?> id, string cause) =>
        into.Add(new(value, stream, id, Tag(CauseTag, cause)));
}
