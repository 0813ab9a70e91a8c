using TensorPool.Diagnostics;
using TensorPool.Driver.Shm;
using TensorPool.Interop;
using TensorPool.Native.Internal;
using TensorPool.Diagnostics.Internal;

namespace TensorPool.Driver.Protocol;

/// <summary>
/// Epochs and their region files (driver spec §3, §6, §7, §10): a new epoch gets fresh files; the epoch number is
/// CLOCK_MONOTONIC nanoseconds (as the reference driver), raised above every epoch this run handed out and every
/// epoch directory already on disk for the stream, so epochs only grow — within a run, across restarts on one boot,
/// and even when a persistent base dir outlives a reboot (docs/DECISIONS.md).
/// </summary>
internal sealed class EpochService
{
    /// <summary>An epoch directory that already exists (a foreign one) is skipped this many times.</summary>
    private const int MaxAttempts = 8;

    private readonly DriverContext _ctx;

    public EpochService(DriverContext ctx) => _ctx = ctx;

    /// <summary>
    /// Replace the stream's epoch with a new one (new files, superblocks with the new epoch), announce it, and hand the
    /// old one to the GC. <paramref name="requireHugepages"/> is passed to the core, which refuses a non-hugetlbfs
    /// directory before creating anything (§4.3).
    /// </summary>
    /// <exception cref="TensorPoolException">The files could not be created; the stream keeps no epoch then.</exception>
    public StreamEpoch NewEpoch(DriverStream stream, bool requireHugepages)
    {
        ScanOnce(stream);
        StreamEpoch? created = null;
        for (int attempt = 1; created is null; attempt++)
        {
            ulong epoch = Math.Max((ulong)Math.Max(_ctx.Now, 1), Math.Max(_ctx.LastEpoch, stream.HighestEpoch) + 1);
            _ctx.LastEpoch = epoch;
            stream.HighestEpoch = epoch;
            try
            {
                created = StreamEpoch.Create(_ctx.Shm, stream.StreamId, epoch, stream.Profile, requireHugepages);
            }
            catch (TensorPoolException e) when (e.Code == (int)TpError.ErrExists && attempt < MaxAttempts)
            {
                // A directory with this number exists (not ours): take the next epoch.
            }
        }
        Retire(stream);
        stream.Current = created;
        FaultPoint.At(FaultStep.EpochChange);
        _ctx.Counters.EpochsCreatedCount++;
        _ctx.StatusDirty = true;
        DriverLog.EpochCreated(_ctx.Log, stream.StreamId, created.Epoch, created.Dir);
        return created;
    }

    /// <summary>Unmap the stream's current epoch and leave its directory to the GC (or remove it now when GC is off, at shutdown).</summary>
    public void Retire(DriverStream stream)
    {
        StreamEpoch? old = stream.Current;
        if (old is null)
        {
            return;
        }
        stream.Current = null;
        old.Close();
        if (_ctx.Options.EpochGcEnabled)
        {
            _ctx.Gc.Track(stream.StreamId, old.Epoch, old.Dir, _ctx.Now + _ctx.Gc.MinAgeNs, EpochGc.Creator.ThisProcess);
        }
        _ctx.StatusDirty = true;
    }

    /// <summary>Send the stream's ShmPoolAnnounce now (§8) and refresh its regions' activity timestamps (§7.1).</summary>
    public void Announce(DriverStream stream)
    {
        if (stream.Current is not { } epoch)
        {
            return;
        }
        long now = _ctx.Now;
        epoch.StoreActivity((ulong)now);
        ReadOnlySpan<byte> announce = _ctx.Messages.Announce(epoch, stream.ProducerId, now);
        FaultPoint.At(FaultStep.Announce);
        _ctx.SendAnnounce(announce);
        // Discovery §6.4: the embedded provider indexes the driver's own announces.
        _ctx.Discovery?.OnDriverMessage(_ctx.Identity!, announce);
        _ctx.Counters.AnnouncesCount++;
    }

    /// <summary>Remove what the GC says is due (§15.21a.7).</summary>
    public void CollectGarbage()
    {
        int removed = _ctx.Gc.Collect(_ctx.Now, id => _ctx.Streams.TryGetValue(id, out DriverStream? s) && s.Current is not null, Remove);
        _ctx.Counters.EpochsRemovedCount += removed;
    }

    /// <summary>
    /// The first time a stream is provisioned in this run: learn the highest epoch on disk (new epochs go above it)
    /// and, with GC on, track what earlier runs left, with their creator's liveness (stale-epoch cleanup).
    /// </summary>
    public void ScanOnce(DriverStream stream)
    {
        if (stream.Scanned)
        {
            return;
        }
        stream.Scanned = true;
        long now = _ctx.Now;
        DateTime wallNow = DateTime.UtcNow;
        foreach (EpochDirectory.Found found in EpochDirectory.List(_ctx.Shm, stream.StreamId))
        {
            stream.HighestEpoch = Math.Max(stream.HighestEpoch, found.Epoch);
            if (!_ctx.Options.EpochGcEnabled)
            {
                continue;
            }
            long ageNs = Math.Max(0, (long)((wallNow - found.LastWriteUtc).Ticks * 100));
            long eligibleAt = now + Math.Max(0, _ctx.Gc.MinAgeNs - ageNs);
            _ctx.Gc.Track(stream.StreamId, found.Epoch, found.Dir, eligibleAt, CreatorOf(found.Dir));
        }
    }

    /// <summary>Track the epoch directories of every stream directory of the namespace (a dead driver's leftovers, D176).</summary>
    public void TrackLeftovers()
    {
        long now = _ctx.Now;
        DateTime wallNow = DateTime.UtcNow;
        foreach (uint streamId in EpochDirectory.StreamIds(_ctx.Shm))
        {
            foreach (EpochDirectory.Found found in EpochDirectory.List(_ctx.Shm, streamId))
            {
                long ageNs = Math.Max(0, (long)((wallNow - found.LastWriteUtc).Ticks * 100));
                _ctx.Gc.Track(streamId, found.Epoch, found.Dir, now + Math.Max(0, _ctx.Gc.MinAgeNs - ageNs), CreatorOf(found.Dir));
            }
        }
    }

    private EpochGc.Creator CreatorOf(string dir)
    {
        ulong? pid = EpochDirectory.CreatorPid(_ctx.AllowedDirs, dir);
        if (pid is null)
        {
            return EpochGc.Creator.Unknown;
        }
        if (pid == (ulong)Environment.ProcessId)
        {
            return EpochGc.Creator.ThisProcess;
        }
        return EpochDirectory.IsProcessAlive(pid.Value) ? EpochGc.Creator.OtherLiveProcess : EpochGc.Creator.Dead;
    }

    private bool Remove(string dir)
    {
        if (EpochDirectory.Remove(_ctx.Shm.BaseDir, dir, out string? error))
        {
            DriverLog.EpochRemoved(_ctx.Log, dir);
            return true;
        }
        DriverLog.EpochKept(_ctx.Log, dir, error);
        return false;
    }
}
