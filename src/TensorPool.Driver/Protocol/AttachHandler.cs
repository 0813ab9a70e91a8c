using System.Globalization;
using TensorPool.Diagnostics;
using TensorPool.Driver.Configuration;
using TensorPool.Driver.Leases;
using TensorPool.Driver.Shm;
using TensorPool.Interop;
using TensorPool.Native.Internal;
using TensorPool.Sbe.Driver;
using TensorPool.Diagnostics.Internal;

namespace TensorPool.Driver.Protocol;

/// <summary>
/// ShmAttachRequest → ShmAttachResponse (driver spec §4.2, §4.3, §4.6, §4.8, §5, §6, §11): every rule is checked in
/// a fixed order and the first one that fails answers with its code and a diagnostic; an OK answer carries a fresh
/// lease and the epoch's regions.
/// </summary>
internal sealed class AttachHandler
{
    /// <summary>Appendix B.2: the exact text clients look for to pick a new auto-assigned id.</summary>
    public const string ClientIdInUse = "client_id already attached";

    private readonly DriverContext _ctx;
    private readonly EpochService _epochs;

    public AttachHandler(DriverContext ctx, EpochService epochs)
    {
        _ctx = ctx;
        _epochs = epochs;
    }

    /// <summary>A request whose bytes did not decode: answered INVALID_PARAMS when its correlation id is readable.</summary>
    public void OnMalformed(long correlationId, string why) =>
        Reject(correlationId, ResponseCode.InvalidParams, "malformed ShmAttachRequest: " + why);

    /// <summary>§4.4a: no schema version both sides support.</summary>
    public void OnUnsupportedVersion(long correlationId, ushort version) =>
        Reject(correlationId, ResponseCode.Unsupported,
            $"unsupported driver schema version {version} (this driver speaks version {ShmAttachRequestDecoder.SchemaVersion})");

    public void OnRequest(in ShmAttachRequestDecoder request)
    {
        long correlationId = request.CorrelationId;
        uint clientId = request.ClientId;
        long now = _ctx.Now;

        if (_ctx.IsDraining)
        {
            Reject(correlationId, ResponseCode.Rejected, "driver is shutting down");
            return;
        }
        if (!request.TryGetRole(out Role role))
        {
            Reject(correlationId, ResponseCode.InvalidParams, $"unknown role {request.RoleRaw}");
            return;
        }
        if (clientId == 0)
        {
            Reject(correlationId, ResponseCode.InvalidParams, "clientId must be non-zero (Appendix B.2)");
            return;
        }
        if (_ctx.Leases.TryGetByClient(clientId, out Lease existing))
        {
            if (existing.CorrelationId == correlationId && existing.StreamId == request.StreamId && existing.Role == role)
            {
                // §4.8: a retry of the request that made this lease gets the same answer, not a second lease.
                _ctx.SendControl(existing.Response);
                _ctx.Counters.DuplicateAttachCount++;
                return;
            }
            Reject(correlationId, ResponseCode.Rejected, ClientIdInUse); // §4.8
            return;
        }
        PublishMode mode = PublishMode.ExistingOrCreate;
        if (request.PublishMode is { } requested)
        {
            if (!requested.IsKnown())
            {
                Reject(correlationId, ResponseCode.Unsupported, $"unsupported publishMode {request.PublishModeRaw}"); // §4.6
                return;
            }
            mode = requested;
        }
        if (!request.TryGetRequireHugepages(out HugepagesPolicy hugepages))
        {
            Reject(correlationId, ResponseCode.InvalidParams, $"unknown requireHugepages value {request.RequireHugepagesRaw}");
            return;
        }
        uint expectedLayout = request.ExpectedLayoutVersion;
        if (expectedLayout != 0 && expectedLayout != (uint)TpSuperblockConstants.LayoutVersion)
        {
            Reject(correlationId, ResponseCode.Rejected,
                $"layout version mismatch: expected {expectedLayout}, the stream uses {TpSuperblockConstants.LayoutVersion}"); // §4.3
            return;
        }
        uint? desiredNode = request.DesiredNodeId;
        if (desiredNode is { } wanted && !_ctx.NodeIds.IsAvailable(wanted, now))
        {
            Reject(correlationId, ResponseCode.Rejected, $"desired node_id {wanted} unavailable"); // §4.2: and no nodeId
            return;
        }

        if (!TryResolveStream(correlationId, request.StreamId, mode, out DriverStream? stream, out bool created))
        {
            return;
        }
        try
        {
            if (stream.Profile.PayloadPools.Count == 0)
            {
                Reject(correlationId, ResponseCode.InvalidParams, $"stream {stream.StreamId} has no payload pools"); // §4.3
                return;
            }
            if (role == Role.Producer && stream.Producer is { } holder)
            {
                // When the holder is gone (killed, restarted), its lease expires without keepalives: say when, so the new
                // producer knows when to try again (§7; D213).
                long expiresInMs = Math.Max(0, (holder.ExpiryNs - now) / 1_000_000);
                Reject(correlationId, ResponseCode.Rejected, string.Create(CultureInfo.InvariantCulture,
                    $"stream {stream.StreamId} already has a producer (client {holder.ClientId}, lease {holder.LeaseId}); one producer per stream (§5); " +
                    $"its lease expires in {expiresInMs} ms unless it sends a keepalive"));
                return;
            }
            // UNSPECIFIED: the configured default for new regions, the existing regions for a consumer (§4.3).
            bool requireHuge = hugepages switch
            {
                HugepagesPolicy.Hugepages => true,
                HugepagesPolicy.Standard => false,
                _ => role == Role.Consumer && stream.Current is { } cur ? cur.IsHugetlbfs : _ctx.Shm.RequireHugepagesByDefault,
            };
            if (role == Role.Consumer && stream.Current is { } current && hugepages != HugepagesPolicy.Unspecified &&
                current.IsHugetlbfs != requireHuge)
            {
                Reject(correlationId, ResponseCode.Rejected, requireHuge
                    ? $"stream {stream.StreamId} is not hugepage-backed (requireHugepages=HUGEPAGES)"
                    : $"stream {stream.StreamId} is hugepage-backed (requireHugepages=STANDARD)");
                return;
            }
            if ((role == Role.Producer || stream.Current is null) && !Provision(correlationId, stream, hugepages, requireHuge))
            {
                return;
            }
            Grant(correlationId, stream, role, clientId, desiredNode, now);
            created = false;
        }
        finally
        {
            if (created)
            {
                // A dynamic stream made for a request that failed: forget it and its id again.
                DropDynamicStream(stream);
            }
        }
    }

    /// <summary>Find the stream, or create a dynamic one (§4.3 EXISTING_OR_CREATE, §11); false once answered.</summary>
    private bool TryResolveStream(long correlationId, uint streamId, PublishMode mode, out DriverStream stream, out bool created)
    {
        created = false;
        if (streamId != 0 && _ctx.Streams.TryGetValue(streamId, out stream!))
        {
            return true;
        }
        stream = null!;
        string what = streamId == 0 ? "a new stream (streamId 0)" : $"stream {streamId}";
        if (mode == PublishMode.RequireExisting)
        {
            Reject(correlationId, ResponseCode.Rejected, $"{what} is not provisioned (REQUIRE_EXISTING)");
            return false;
        }
        if (!_ctx.Options.AllowDynamicStreams)
        {
            Reject(correlationId, ResponseCode.Rejected, $"{what} is not provisioned and policies.allow_dynamic_streams is false");
            return false;
        }
        uint id = streamId;
        if (id == 0)
        {
            if (!_ctx.DynamicStreamIds.TryAllocate(out id))
            {
                Reject(correlationId, ResponseCode.InvalidParams, "driver.stream_id_range is exhausted (§11)");
                return false;
            }
        }
        else if (!_ctx.DynamicStreamIds.TryTake(id))
        {
            Reject(correlationId, ResponseCode.InvalidParams,
                $"stream {id} is not provisioned and lies outside driver.stream_id_range {string.Join(",", _ctx.Options.StreamIdRange)} (§11)");
            return false;
        }
        ProfileDefinition profile = _ctx.Options.EffectiveDefaultProfile!;
        stream = new DriverStream(id, profile, isDynamic: true);
        _ctx.Streams.Add(id, stream);
        _ctx.StatusDirty = true;
        created = true;
        DriverLog.DynamicStream(_ctx.Log, id, profile.Name);
        return true;
    }

    /// <summary>
    /// §6: a producer attaching gets a new epoch; a consumer of a stream without regions gets the first one. The core
    /// refuses a non-hugetlbfs directory when hugepages are required; STANDARD on a hugetlbfs directory is refused here.
    /// </summary>
    private bool Provision(long correlationId, DriverStream stream, HugepagesPolicy requested, bool requireHuge)
    {
        try
        {
            StreamEpoch epoch = _epochs.NewEpoch(stream, requireHuge);
            if (epoch.IsHugetlbfs && requested == HugepagesPolicy.Standard)
            {
                _epochs.Retire(stream);
                Reject(correlationId, ResponseCode.Rejected, $"shm.base_dir is hugetlbfs: standard pages unavailable for stream {stream.StreamId}");
                return false;
            }
            return true;
        }
        catch (TensorPoolException e) when (e.Code == (int)TpError.ErrHugepages)
        {
            Reject(correlationId, ResponseCode.Rejected, $"hugepage-backed regions unavailable: {e.Message}"); // §4.3
        }
        catch (TensorPoolException e)
        {
            Reject(correlationId, ResponseCode.InternalError, $"creating the regions of stream {stream.StreamId} failed: {e.Message}");
        }
        return false;
    }

    private void Grant(long correlationId, DriverStream stream, Role role, uint clientId, uint? desiredNode, long now)
    {
        uint? node = desiredNode;
        if (node is { } wanted)
        {
            _ctx.NodeIds.Take(wanted);
        }
        else
        {
            node = _ctx.NodeIds.TryAllocate(now);
        }
        var lease = new Lease(_ctx.Leases.NextLeaseId(), stream.StreamId, clientId, role, correlationId, node, now + _ctx.Options.LeaseExpiryNs);
        StreamEpoch epoch = stream.Current!;
        lease.Response = _ctx.Messages.AttachOk(correlationId, lease, epoch).ToArray();
        _ctx.Leases.Add(lease);
        if (role == Role.Producer)
        {
            stream.Producer = lease;
        }
        else
        {
            stream.Consumers++;
        }
        _ctx.StatusDirty = true;
        FaultPoint.At(FaultStep.Attach);
        _ctx.SendControl(lease.Response);
        _ctx.Counters.AttachOkCount++;
        DriverLog.Attached(_ctx.Log, lease.LeaseId, role.ToString(), clientId, stream.StreamId, epoch.Epoch);
        // §8: announce on change, so consumers learn the producer (and a new epoch) at once.
        _epochs.Announce(stream);
    }

    private void DropDynamicStream(DriverStream stream)
    {
        if (!stream.IsDynamic || stream.Producer is not null || stream.Consumers > 0)
        {
            return;
        }
        _epochs.Retire(stream);
        _ctx.Streams.Remove(stream.StreamId);
        _ctx.DynamicStreamIds.Release(stream.StreamId);
        _ctx.StatusDirty = true;
    }

    private void Reject(long correlationId, ResponseCode code, string message)
    {
        _ctx.SendControl(_ctx.Messages.AttachError(correlationId, code, message));
        _ctx.Counters.AttachRejectedCount++;
        DriverLog.AttachRefused(_ctx.Log, correlationId, code.ToString(), message);
    }
}
