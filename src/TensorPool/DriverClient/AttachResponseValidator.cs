using TensorPool.Native.Internal;
using TensorPool.Sbe.Driver;

namespace TensorPool.DriverClient;

/// <summary>
/// The client's checks of an OK ShmAttachResponse (driver spec §4.2, §4.7a): every required field present and
/// non-null, headerSlotBytes 256, at least one pool, every pool with the header's slot count, every URI present and a
/// valid shm:file URI (wire §15.22), the stream and node id asked for. Any failure is a protocol error: the client
/// fails closed (drops the attach and reattaches).
/// </summary>
internal static unsafe class AttachResponseValidator
{
    public static bool TryValidate(in ShmAttachResponseDecoder r, AttachRequest request, uint clientId, out LeaseGrant? grant, out string error)
    {
        grant = null;
        if (r.LeaseId is not { } leaseId || r.StreamId is not { } streamId || r.Epoch is not { } epoch ||
            r.LayoutVersion is not { } layout || r.HeaderNslots is not { } nslots || r.HeaderSlotBytes is not { } slotBytes)
        {
            error = "a required field of an OK response is null";
            return false;
        }
        if (slotBytes != 256)
        {
            error = $"headerSlotBytes {slotBytes} is not 256";
            return false;
        }
        if (layout != (uint)TpSuperblockConstants.LayoutVersion || (request.ExpectedLayoutVersion != 0 && layout != request.ExpectedLayoutVersion))
        {
            error = $"layoutVersion {layout} is not supported";
            return false;
        }
        if (nslots == 0 || (nslots & (nslots - 1)) != 0)
        {
            error = $"headerNslots {nslots} is not a power of two";
            return false;
        }
        if (request.StreamId != 0 && streamId != request.StreamId)
        {
            error = $"streamId {streamId} is not the requested {request.StreamId}";
            return false;
        }
        if (request.DesiredNodeId is { } desired && r.NodeId != desired)
        {
            error = $"nodeId {r.NodeId} is not the requested {desired}";
            return false;
        }
        if (!IsValidUri(r.HeaderRegionUri, out error))
        {
            error = "headerRegionUri: " + error;
            return false;
        }
        var pools = new List<GrantedPool>();
        foreach (ShmAttachResponseDecoder.PayloadPoolsDecoder p in r.PayloadPools)
        {
            if (p.PoolNslots != nslots)
            {
                error = $"pool {p.PoolId} has {p.PoolNslots} slots, the header ring {nslots}";
                return false;
            }
            if (p.StrideBytes == 0 || p.StrideBytes % 64 != 0)
            {
                error = $"pool {p.PoolId} stride {p.StrideBytes} is not a positive multiple of 64";
                return false;
            }
            if (!IsValidUri(p.RegionUri, out error))
            {
                error = $"pool {p.PoolId} regionUri: {error}";
                return false;
            }
            pools.Add(new GrantedPool(p.PoolId, p.PoolNslots, p.StrideBytes, p.RegionUri.ToArray()));
        }
        if (pools.Count == 0)
        {
            error = "the payloadPools group is empty";
            return false;
        }
        grant = new LeaseGrant(leaseId, streamId, clientId, request.Role, epoch, layout, nslots, slotBytes,
            r.HeaderRegionUri.ToArray(), pools, r.LeaseExpiryTimestampNs, r.NodeId);
        error = "";
        return true;
    }

    /// <summary>Present, not blank, and accepted by the core's shm:file parser (§4.2, wire §15.22).</summary>
    private static bool IsValidUri(ReadOnlySpan<byte> uri, out string error)
    {
        if (uri.IsEmpty || uri.Trim((byte)' ').IsEmpty)
        {
            error = "absent or blank";
            return false;
        }
        TpShmUri parsed;
        int rc;
        fixed (byte* p = uri)
        {
            rc = NativeMethods.tp_shm_uri_parse_bytes(&parsed, p, (uint)uri.Length);
        }
        if (rc < 0)
        {
            error = "not a valid shm:file URI (" + (NativeMethods.tp_errname_string(rc) ?? rc.ToString(System.Globalization.CultureInfo.InvariantCulture)) + ")";
            return false;
        }
        error = "";
        return true;
    }
}
