using TensorPool.Sbe.Driver;

namespace TensorPool.Driver.Leases;

/// <summary>
/// One lease (driver spec §4.1): authorisation of one client for one stream in one role, identified by a lease id
/// never reused by this driver instance (§4.8), kept alive by keepalives until <see cref="ExpiryNs"/> (§4.4).
/// </summary>
internal sealed class Lease
{
    public Lease(ulong leaseId, uint streamId, uint clientId, Role role, long correlationId, uint? nodeId, long expiryNs)
    {
        LeaseId = leaseId;
        StreamId = streamId;
        ClientId = clientId;
        Role = role;
        CorrelationId = correlationId;
        NodeId = nodeId;
        ExpiryNs = expiryNs;
    }

    public ulong LeaseId { get; }

    public uint StreamId { get; }

    public uint ClientId { get; }

    public Role Role { get; }

    /// <summary>The attach request's correlation id: a duplicate of it gets the same response again (§4.8).</summary>
    public long CorrelationId { get; }

    /// <summary>The TraceLink node id assigned with the lease, if any (§4.2).</summary>
    public uint? NodeId { get; }

    /// <summary>Monotonic time after which the lease is expired unless a keepalive extends it.</summary>
    public long ExpiryNs { get; set; }

    /// <summary>The OK response as sent, re-sent for a duplicate request with the same correlation id.</summary>
    public byte[] Response { get; set; } = [];

    /// <summary>Per-consumer descriptor stream assigned to this (consumer) lease, 0 when none (§11).</summary>
    public uint DescriptorStreamId { get; set; }

    /// <summary>Per-consumer control stream assigned to this (consumer) lease, 0 when none (§11).</summary>
    public uint ControlStreamId { get; set; }

    public string DescriptorChannel { get; set; } = "";

    public string ControlChannel { get; set; } = "";
}
