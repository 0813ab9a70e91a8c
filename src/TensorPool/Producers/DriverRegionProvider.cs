using System.Text;
using TensorPool.DriverClient;
using TensorPool.Interop.Internal;
using TensorPool.Interop;
using TensorPool.Native.Internal;
using TensorPool.Sbe.Driver;

namespace TensorPool.Producers;

/// <summary>
/// The driver model's side of the producer's region seam (driver spec §3, §4): the producer attaches a PRODUCER lease
/// and maps, read-write, the regions the driver created, checked against the grant (§4.2: the URIs through the
/// client's path policy, every superblock field against the granted layout). The lease then follows the producer
/// (<see cref="DriverProducerLink"/>); the attachment removes nothing when it is let go: the files are the driver's.
/// </summary>
internal sealed class DriverRegionProvider : IRegionProvider
{
    private readonly DriverConnection _connection;
    private readonly PathPolicyHandle _policy;

    /// <param name="connection">The client's driver connection (its duty cycle runs in the client conductor).</param>
    /// <param name="policy">The base dirs granted regions must lie under (§15.21a.5).</param>
    public DriverRegionProvider(DriverConnection connection, PathPolicyHandle policy)
    {
        _connection = connection;
        _policy = policy;
    }

    public DriverConnection Connection => _connection;

    /// <summary>
    /// Attach a PRODUCER lease and map its regions. Cancelled before the grant, nothing is left: the connection forgets
    /// the attach and detaches a grant that still arrives; nothing was mapped.
    /// </summary>
    public async Task<ProducerAttachment> AttachAsync(ProducerOptions options, CancellationToken cancellationToken)
    {
        // The lease's client id is the producer id, so the driver's announces name this producer (§8).
        var request = new AttachRequest(options.StreamId, Role.Producer) { ClientId = options.ProducerId };
        var link = new DriverProducerLink(this);
        // DriverAttachException with the driver's code, TimeoutException, or OperationCanceledException.
        DriverLease lease = await _connection.AttachAsync(request, link, cancellationToken).ConfigureAwait(false);
        try
        {
            LeaseGrant grant = lease.Grant ?? throw new DriverAttachException(ResponseCode.InternalError, "the lease was lost right after the grant");
            ProducerAttachment attachment = Map(grant, link);
            link.Start(lease, attachment);
            return attachment;
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    /// <summary>Map a grant's regions read-write; every superblock must describe exactly what was granted.</summary>
    internal unsafe ProducerAttachment Map(LeaseGrant grant, DriverProducerLink link)
    {
        var created = new List<RegionHandle>();
        try
        {
            TpSuperblock expected = default;
            expected.LayoutVersion = grant.LayoutVersion;
            expected.Epoch = grant.Epoch;
            expected.StreamId = grant.StreamId;
            expected.Nslots = grant.HeaderNslots;
            expected.RegionType = (short)TpRegionType.HeaderRing;
            expected.SlotBytes = grant.HeaderSlotBytes;
            RegionHandle header = MapRegion(grant.HeaderRegionUri, &expected, "header ring");
            created.Add(header);
            var pools = new AttachedPool[grant.Pools.Count];
            for (int i = 0; i < pools.Length; i++)
            {
                GrantedPool p = grant.Pools[i];
                expected.RegionType = (short)TpRegionType.PayloadPool;
                expected.PoolId = p.PoolId;
                expected.SlotBytes = 0;
                expected.StrideBytes = p.StrideBytes;
                RegionHandle region = MapRegion(p.RegionUri, &expected, $"pool {p.PoolId}");
                created.Add(region);
                pools[i] = new AttachedPool(p.PoolId, p.PoolNslots, p.StrideBytes, region, p.RegionUri);
            }
            return new ProducerAttachment(grant.StreamId, grant.Epoch, grant.HeaderNslots, header, grant.HeaderRegionUri, pools, release: null)
            {
                DriverLink = link,
            };
        }
        catch
        {
            foreach (RegionHandle r in created)
            {
                r.Dispose();
            }
            throw;
        }
    }

    private unsafe RegionHandle MapRegion(byte[] uri, TpSuperblock* expected, string what)
    {
        TpRegion* raw;
        int rc;
        using (NativeHandleLease<TpPathPolicy> lease = _policy.Lease())
        {
            rc = NativeMethods.tp_region_map_uri(&raw, lease.Pointer, Encoding.ASCII.GetString(uri), (int)TpRegionAccess.ReadWrite, expected);
        }
        NativeError.Check(rc, $"mapping the driver's {what} ({Encoding.ASCII.GetString(uri)})");
        var handle = new RegionHandle();
        handle.Adopt(raw);
        return handle;
    }
}
