using TensorPool.Producers;
using TensorPool.TraceLink;

namespace TensorPool.Client;

/// <summary>TraceLink (TraceLink v1.0 §5, §6.2, §14.1): trace id generators and the TraceLinkSet queue of traced producers.</summary>
public sealed partial class TensorPoolClient
{
    private readonly Lock _traceGate = new(); // producer creation only, never the data path
    private TraceIdGenerator? _configuredGenerator;

    /// <summary>
    /// The TraceLinkSets this client's traced producers queue (N→1 frames, §9), published by the conductor on the
    /// control stream; its counters hold what was dropped (§5). Null until the first traced producer is added.
    /// </summary>
    public TraceLinkQueue? TraceLinks => _conductor.TraceLinks;

    /// <summary>Without a driver the node id can only be the configured one: refused before any region is made.</summary>
    private void CheckTraceNodeId(ProducerOptions options)
    {
        if (options.Trace && _driver is null)
        {
            TraceNodeId.Resolve(null, _options.TraceNodeId);
        }
    }

    /// <summary>
    /// The propagation rules of a traced producer (§6.2, D151): a node id the driver assigned in the grant gets a
    /// generator of its own (the driver keeps it unique among leases); otherwise the producers of this client share one
    /// generator of the configured node id, so their ids never collide. The queue is the client's, drained by its conductor.
    /// </summary>
    private TraceLinker Tracing(ProducerAttachment attachment)
    {
        uint? granted = attachment.DriverLink?.Lease?.Grant?.NodeId;
        uint nodeId = TraceNodeId.Resolve(granted, _options.TraceNodeId);
        lock (_traceGate)
        {
            TraceLinkQueue links = _conductor.TraceLinks ?? (_conductor.TraceLinks = new TraceLinkQueue(_options.TraceLinks));
            TraceIdGenerator generator = granted is not null
                ? new TraceIdGenerator(nodeId, _options.RealtimeClock)
                : _configuredGenerator ??= new TraceIdGenerator(nodeId, _options.RealtimeClock);
            return new TraceLinker(generator, links);
        }
    }
}
