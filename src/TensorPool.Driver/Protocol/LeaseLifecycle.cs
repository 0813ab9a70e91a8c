using TensorPool.Driver.Leases;
using TensorPool.Interop;
using TensorPool.Sbe.Driver;

namespace TensorPool.Driver.Protocol;

/// <summary>
/// The end of a lease (driver spec §4.7, §4.9, §6, §7): every invalidation — detached, expired or revoked — is
/// announced with ShmLeaseRevoked; a producer's end bumps the stream's epoch (fresh files) and the epoch-bumped
/// ShmPoolAnnounce follows the notice, so consumers correlate the two and remap.
/// </summary>
internal sealed class LeaseLifecycle
{
    private readonly DriverContext _ctx;
    private readonly EpochService _epochs;

    public LeaseLifecycle(DriverContext ctx, EpochService epochs)
    {
        _ctx = ctx;
        _epochs = epochs;
    }

    /// <summary>Invalidate <paramref name="lease"/>: release what it held, send the notice, bump the epoch for a producer.</summary>
    public void Invalidate(Lease lease, LeaseRevokeReason reason, string message)
    {
        long now = _ctx.Now;
        _ctx.Leases.Remove(lease);
        if (lease.NodeId is { } node)
        {
            _ctx.NodeIds.Release(node, now);
        }
        ReleasePerConsumerStreams(lease);
        _ctx.StatusDirty = true;
        _ctx.SendControl(_ctx.Messages.LeaseRevoked(now, lease.LeaseId, lease.StreamId, lease.ClientId, lease.Role, reason, message));
        _ctx.Counters.LeasesRevokedCount++;
        DriverLog.LeaseEnded(_ctx.Log, lease.LeaseId, lease.Role.ToString(), lease.ClientId, lease.StreamId, reason.ToString(), message);

        if (!_ctx.Streams.TryGetValue(lease.StreamId, out DriverStream? stream))
        {
            return;
        }
        if (lease.Role == Role.Consumer)
        {
            stream.Consumers--;
            return;
        }
        if (stream.Producer != lease)
        {
            return;
        }
        stream.Producer = null;
        // §6/§7: a producer's end is a hard remap boundary; the files it wrote are never announced again.
        bool huge = stream.Current?.IsHugetlbfs ?? _ctx.Shm.RequireHugepagesByDefault;
        try
        {
            _epochs.NewEpoch(stream, huge);
            _epochs.Announce(stream);
        }
        catch (TensorPoolException e)
        {
            _epochs.Retire(stream);
            _ctx.Counters.ProvisioningFailuresCount++;
            DriverLog.NoNewEpoch(_ctx.Log, stream.StreamId, e.Message);
        }
    }

    /// <summary>Release the per-consumer stream ids a consumer lease held (§11).</summary>
    private void ReleasePerConsumerStreams(Lease lease)
    {
        if (lease.DescriptorStreamId != 0)
        {
            _ctx.DescriptorStreamIds.Release(lease.DescriptorStreamId);
            lease.DescriptorStreamId = 0;
        }
        if (lease.ControlStreamId != 0)
        {
            _ctx.ControlStreamIds.Release(lease.ControlStreamId);
            lease.ControlStreamId = 0;
        }
    }
}
