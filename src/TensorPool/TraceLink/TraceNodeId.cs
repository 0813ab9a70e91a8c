namespace TensorPool.TraceLink;

/// <summary>
/// Where a trace id generator's node id comes from (TraceLink §6.2, D151). Node ids must be unique in the deployment
/// and stable for the process:
/// <list type="bullet">
/// <item>attached through a driver that assigned one (<c>ShmAttachResponse.nodeId</c>, driver spec §4.2), that one:
/// the driver keeps it unique among its leases and rests a released id for <c>node_id_reuse_cooldown_ms</c>;</item>
/// <item>else the configured one, which the deployment keeps unique (one per process and host);</item>
/// <item>neither: tracing cannot start (an error naming both ways), rather than guess an id that may collide.</item>
/// </list>
/// A generator keeps its id for its life (re-grants included). A client resolves it per traced producer (D221).
/// </summary>
public static class TraceNodeId
{
    /// <summary>The node id to trace with; throws when there is none or it does not fit the layout.</summary>
    /// <param name="grantedByDriver">The attach response's nodeId, null when not attached or none was assigned.</param>
    /// <param name="configured">The node id from the application's configuration, if any.</param>
    public static uint Resolve(uint? grantedByDriver, uint? configured)
    {
        if (grantedByDriver is { } granted)
        {
            return Check(granted, "the driver's ShmAttachResponse.nodeId");
        }
        if (configured is { } own)
        {
            return Check(own, "the configured node id");
        }
        throw new InvalidOperationException(
            "tracing needs a node id (TraceLink §6.2): attach through a driver that assigns one (ShmAttachResponse.nodeId) " +
            $"or configure one from 0 to {TraceId.MaxNodeId}, unique in the deployment");
    }

    private static uint Check(uint id, string source) => id <= TraceId.MaxNodeId
        ? id
        : throw new ArgumentOutOfRangeException(nameof(id), id,
            $"{source} {id} does not fit the {TraceId.NodeIdBits} node bits of the trace id (0..{TraceId.MaxNodeId}) (TraceLink §6.2)");
}
