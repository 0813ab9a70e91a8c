using TensorPool.Diagnostics;
using TensorPool.Driver.Leases;
using TensorPool.Sbe.Driver;
using TensorPool.Diagnostics.Internal;

namespace TensorPool.Driver.Protocol;

/// <summary>
/// ShmLeaseKeepalive (driver spec §4.4), ShmDetachRequest (§4.9) and lease expiry (§4.4, §4.7): a keepalive or
/// detach counts only when lease id, stream, client and role all match an active lease.
/// </summary>
internal sealed class LeaseRequests
{
    /// <summary>At most this many foreign lease ids are remembered so each is told once that it is unknown.</summary>
    private const int MaxRememberedForeignLeases = 4096;

    private readonly DriverContext _ctx;
    private readonly LeaseLifecycle _lifecycle;
    private readonly HashSet<ulong> _foreignNotified = [];

    public LeaseRequests(DriverContext ctx, LeaseLifecycle lifecycle)
    {
        _ctx = ctx;
        _lifecycle = lifecycle;
    }

    /// <summary>§4.4: a valid keepalive extends the lease by interval × grace intervals.</summary>
    public void OnKeepalive(in ShmLeaseKeepaliveDecoder keepalive)
    {
        if (!keepalive.TryGetRole(out Role role))
        {
            _ctx.Counters.KeepaliveRejectedCount++;
            return;
        }
        if (_ctx.Leases.TryGet(keepalive.LeaseId, out Lease lease))
        {
            if (lease.StreamId == keepalive.StreamId && lease.ClientId == keepalive.ClientId && lease.Role == role)
            {
                FaultPoint.At(FaultStep.Keepalive);
                lease.ExpiryNs = _ctx.Now + _ctx.Options.LeaseExpiryNs;
                _ctx.Counters.KeepaliveCount++;
            }
            else
            {
                // Someone else's lease id with the wrong identity: never touch the owner's lease.
                _ctx.Counters.KeepaliveRejectedCount++;
            }
            return;
        }
        _ctx.Counters.KeepaliveRejectedCount++;
        if (_ctx.Leases.WasIssued(keepalive.LeaseId))
        {
            return; // ours and already invalidated: its notice was sent once (§4.9: no duplicates)
        }
        // A lease from an earlier run of the driver (§10: all implicitly invalid): tell its holder once, so it
        // reattaches now instead of waiting to notice the driver changed.
        if (_foreignNotified.Count >= MaxRememberedForeignLeases)
        {
            _foreignNotified.Clear();
        }
        if (_foreignNotified.Add(keepalive.LeaseId))
        {
            _ctx.SendControl(_ctx.Messages.LeaseRevoked(_ctx.Now, keepalive.LeaseId, keepalive.StreamId, keepalive.ClientId, role,
                LeaseRevokeReason.Revoked, "unknown lease (driver restarted)"));
            _ctx.Counters.LeasesRevokedCount++;
        }
    }

    /// <summary>§4.9: detach is best effort and idempotent; an unknown or mismatched lease is REJECTED.</summary>
    public void OnDetach(in ShmDetachRequestDecoder request)
    {
        long correlationId = request.CorrelationId;
        if (!request.TryGetRole(out Role role))
        {
            Respond(correlationId, ResponseCode.InvalidParams, $"unknown role {request.RoleRaw}");
            return;
        }
        if (!_ctx.Leases.TryGet(request.LeaseId, out Lease lease) || lease.StreamId != request.StreamId ||
            lease.ClientId != request.ClientId || lease.Role != role)
        {
            Respond(correlationId, ResponseCode.Rejected, "unknown lease");
            return;
        }
        FaultPoint.At(FaultStep.Detach);
        _ctx.SendControl(_ctx.Messages.DetachResponse(correlationId, ResponseCode.Ok, null));
        _ctx.Counters.DetachCount++;
        _lifecycle.Invalidate(lease, LeaseRevokeReason.Detached, "lease detached");
    }

    /// <summary>§4.4, §4.7: leases without a keepalive for interval × grace intervals expire.</summary>
    public int ExpireDue(long nowNs)
    {
        List<Lease> expired = _ctx.Leases.Expired(nowNs);
        int n = expired.Count;
        for (int i = 0; i < n; i++)
        {
            _ctx.Counters.LeasesExpiredCount++;
            _lifecycle.Invalidate(expired[i], LeaseRevokeReason.Expired, "lease expired: no keepalive");
        }
        return n;
    }

    private void Respond(long correlationId, ResponseCode code, string message)
    {
        _ctx.SendControl(_ctx.Messages.DetachResponse(correlationId, code, message));
        _ctx.Counters.DetachRejectedCount++;
    }
}
