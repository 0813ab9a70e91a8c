using System.Numerics;
using System.Runtime.InteropServices;
using TensorPool.DriverClient;
using TensorPool.Interop.Internal;
using TensorPool.Interop;
using TensorPool.Native.Internal;
using TensorPool.Sbe.Wire;
using TensorPool.Time;

namespace TensorPool.Consumers;

/// <summary>
/// The conductor's half of a consumer: the mapping and epoch state machine of wire spec §15.21 driven by
/// ShmPoolAnnounce (§10.1.1, §15.1, §15.2, §15.5) and by the producer's activity timestamp (§15.14). It validates and
/// maps regions on the conductor thread and posts each new mapping to the consumer's polling thread.
/// </summary>
/// <remarks>
/// Rules, in order, for an announce of the consumer's stream: known clock domain; for MONOTONIC, not stamped before the
/// client joined; announce_timestamp_ns within the freshness window of local receipt time (the realtime clock for
/// REALTIME_SYNCED); not a lower epoch than the one mapped. The mapped epoch's announce refreshes nothing but is checked
/// against the mapping (same layout and URIs, header superblock magic and epoch intact); a new epoch, or a changed
/// layout, is mapped completely (layout rules, every region through the path policy and superblock validation, activity
/// freshness) before it replaces the current mapping. An announce that fails is counted and ignored: the current
/// mapping stays (see docs/DECISIONS.md). Allocation happens only while mapping.
/// </remarks>
internal sealed unsafe class AnnounceTracker
{
    private const int MaxPools = 64;

    private readonly uint _streamId;
    private readonly PathPolicyHandle _policy;
    private readonly MappingMailbox _mailbox;
    private readonly Consumer _consumer;
    private readonly ClientTiming _timing;
    private readonly long[] _rejects = new long[Enum.GetValues<AnnounceRejectReason>().Length];
    private readonly TpShmUri* _uri;
    private ConsumerMapping _current = ConsumerMapping.Unmapped;
    private long _accepted;
    private long _mappings;
    private long _livenessTimeouts;
    private string? _lastRejection;
    private ulong _minEpoch;

    public AnnounceTracker(Consumer consumer, MappingMailbox mailbox, PathPolicyHandle policy, ClientTiming timing)
    {
        _consumer = consumer;
        _streamId = consumer.StreamId;
        _mailbox = mailbox;
        _policy = policy;
        _timing = timing;
        _uri = (TpShmUri*)NativeMemory.AllocZeroed((nuint)sizeof(TpShmUri));
    }

    public uint StreamId => _streamId;

    public long Accepted => Volatile.Read(ref _accepted);

    public long Mappings => Volatile.Read(ref _mappings);

    public long LivenessTimeouts => Volatile.Read(ref _livenessTimeouts);

    public long RejectsTotal
    {
        get
        {
            long total = 0;
            for (int i = 0; i < _rejects.Length; i++)
            {
                total += Volatile.Read(ref _rejects[i]);
            }
            return total;
        }
    }

    /// <summary>The last rejection, with the native error's words, for diagnostics.</summary>
    public string? LastRejection => Volatile.Read(ref _lastRejection);

    public long Rejects(AnnounceRejectReason reason) => Volatile.Read(ref _rejects[(int)reason]);

    /// <summary>Count an announce of this stream that did not decode (the conductor knows the stream from the fixed block).</summary>
    public void OnMalformed(string why) => Reject(AnnounceRejectReason.Malformed, why);

    /// <summary>One ShmPoolAnnounce of this tracker's stream, received at <paramref name="nowNs"/> (monotonic).</summary>
    public void OnAnnounce(in ShmPoolAnnounceDecoder announce, long nowNs)
    {
        if (!announce.TryGetAnnounceClockDomain(out ClockDomain domain))
        {
            Reject(AnnounceRejectReason.UnknownClockDomain, null);
            return;
        }
        long stamp = (long)Math.Min(announce.AnnounceTimestampNs, long.MaxValue);
        long reference = nowNs;
        if (domain == ClockDomain.Monotonic)
        {
            if (stamp < _timing.JoinTimeNs)
            {
                Reject(AnnounceRejectReason.BeforeJoin, null); // §10.1.1: never for REALTIME_SYNCED
                return;
            }
        }
        else
        {
            reference = _timing.RealtimeClock.NanoTime();
        }
        if (Math.Abs(reference - stamp) > _timing.FreshnessWindowNs)
        {
            Reject(AnnounceRejectReason.Stale, null);
            return;
        }
        ulong epoch = announce.Epoch;
        if (epoch < _minEpoch)
        {
            Reject(AnnounceRejectReason.LowerEpoch, $"epoch {epoch}: the driver lease requires epoch {_minEpoch} or higher (driver spec §4.9)");
            return;
        }
        if (_current.IsMapped)
        {
            if (epoch < _current.Epoch)
            {
                Reject(AnnounceRejectReason.LowerEpoch, null);
                return;
            }
            if (epoch == _current.Epoch)
            {
                bool intact = _current.SuperblockIntact();
                if (intact && _current.Describes(announce))
                {
                    _accepted++;
                    return;
                }
                if (!TryMap(announce, nowNs) && !intact)
                {
                    Unmap(); // the region was recreated under us and the announce gives nothing usable (§15.1)
                }
                return;
            }
        }
        TryMap(announce, nowNs);
    }

    /// <summary>Timers: liveness of the mapped producer (§15.14) and remaps the consumer asked for.</summary>
    public void OnTimer(long nowNs)
    {
        if (_consumer.TakeRemapRequest() && _current.IsMapped)
        {
            Unmap();
            return;
        }
        if (!_current.IsMapped)
        {
            return;
        }
        if (!_current.SuperblockIntact())
        {
            Unmap();
            return;
        }
        long activity = (long)Math.Min(_current.ActivityTimestampNs, long.MaxValue);
        if (nowNs - activity > _timing.LivenessTimeoutNs)
        {
            _livenessTimeouts++;
            Unmap();
        }
    }

    /// <summary>
    /// Driver model (driver spec §4.9): accept only announces of <paramref name="minEpoch"/> or higher from now on, and
    /// unmap a lower epoch at once; <see cref="ulong.MaxValue"/> suspends mapping (the consumer's lease is lost).
    /// </summary>
    public void RequireEpoch(ulong minEpoch)
    {
        _minEpoch = minEpoch;
        if (_current.IsMapped && _current.Epoch < minEpoch)
        {
            Unmap();
        }
    }

    /// <summary>The epoch mapped now, or 0.</summary>
    public ulong MappedEpoch => _current.IsMapped ? _current.Epoch : 0;

    /// <summary>Released with the tracker: the consumer's driver lease, when it has one.</summary>
    public DriverLease? Lease { get; set; }

    /// <summary>The consumer is gone: release the mapping and refuse further posts.</summary>
    public void Close()
    {
        Lease?.Dispose();
        _mailbox.Close();
        ConsumerMapping old = _current;
        _current = ConsumerMapping.Unmapped;
        old.Release();
        NativeMemory.Free(_uri);
    }

    private bool TryMap(in ShmPoolAnnounceDecoder announce, long nowNs)
    {
        string? layoutProblem = CheckLayout(announce);
        if (layoutProblem is not null)
        {
            Reject(AnnounceRejectReason.InvalidLayout, layoutProblem);
            return false;
        }
        ulong epoch = announce.Epoch;
        uint nslots = announce.HeaderNslots;
        var regions = new List<RegionHandle>();
        try
        {
            TpSuperblock expected = default;
            expected.LayoutVersion = TpSuperblockConstants.LayoutVersion;
            expected.Epoch = epoch;
            expected.StreamId = _streamId;
            expected.Nslots = nslots;
            expected.RegionType = (short)TpRegionType.HeaderRing;
            expected.SlotBytes = TpSlotConstants.HeaderSlotBytes;
            if (!TryMapRegion(announce.HeaderRegionUri, &expected, "header ring", out RegionHandle? header))
            {
                return false;
            }
            regions.Add(header!);

            var identities = new PoolIdentity[announce.PayloadPools.Count];
            var poolRegions = new RegionHandle[identities.Length];
            int i = 0;
            foreach (ShmPoolAnnounceDecoder.PayloadPoolsDecoder pool in announce.PayloadPools)
            {
                expected.RegionType = (short)TpRegionType.PayloadPool;
                expected.PoolId = pool.PoolId;
                expected.SlotBytes = 0;
                expected.StrideBytes = pool.StrideBytes;
                if (!TryMapRegion(pool.RegionUri, &expected, $"pool {pool.PoolId}", out RegionHandle? region))
                {
                    return false;
                }
                regions.Add(region!);
                poolRegions[i] = region!;
                identities[i] = new PoolIdentity(pool.PoolId, pool.PoolNslots, pool.StrideBytes, pool.RegionUri.ToArray());
                i++;
            }

            // §15.1: the producer behind the regions must be alive now, not only when it announced.
            using (NativeHandleLease<TpRegion> lease = header!.Lease())
            {
                long activity = (long)Math.Min(NativeMethods.tp_superblock_load_activity(NativeMethods.tp_region_base(lease.Pointer)), long.MaxValue);
                if (Math.Abs(nowNs - activity) > _timing.FreshnessWindowNs)
                {
                    Reject(AnnounceRejectReason.ActivityStale, $"activity_timestamp_ns is {(nowNs - activity) / 1_000_000} ms old");
                    return false;
                }
            }

            var mapping = new ConsumerMapping(epoch, header, announce.HeaderRegionUri.ToArray(), identities, poolRegions);
            regions.Clear(); // owned by the mapping now
            ConsumerMapping old = _current;
            _current = mapping;
            _mailbox.Post(mapping);
            old.Release();
            _mappings++;
            _accepted++;
            return true;
        }
        finally
        {
            foreach (RegionHandle r in regions)
            {
                r.Dispose();
            }
        }
    }

    /// <summary>The announce-level rules: what can be checked before touching any file.</summary>
    private static string? CheckLayout(in ShmPoolAnnounceDecoder announce)
    {
        if (announce.HeaderSlotBytes != TpSlotConstants.HeaderSlotBytes)
        {
            return $"header_slot_bytes {announce.HeaderSlotBytes} is not 256 (§8.1)";
        }
        if (announce.LayoutVersion != TpSuperblockConstants.LayoutVersion)
        {
            return $"layout_version {announce.LayoutVersion} is not {TpSuperblockConstants.LayoutVersion}";
        }
        uint nslots = announce.HeaderNslots;
        if (nslots == 0 || !BitOperations.IsPow2(nslots))
        {
            return $"header_nslots {nslots} is not a power of two";
        }
        int count = announce.PayloadPools.Count;
        if (count is 0 or > MaxPools)
        {
            return $"{count} payload pools (1 to {MaxPools} accepted)";
        }
        Span<ushort> ids = stackalloc ushort[count];
        int i = 0;
        foreach (ShmPoolAnnounceDecoder.PayloadPoolsDecoder pool in announce.PayloadPools)
        {
            if (pool.PoolNslots != nslots)
            {
                return $"pool {pool.PoolId} has {pool.PoolNslots} slots, the header ring {nslots} (§15.5)";
            }
            if (pool.StrideBytes == 0 || pool.StrideBytes % TpSuperblockConstants.PayloadStrideAlignment != 0)
            {
                return $"pool {pool.PoolId} stride_bytes {pool.StrideBytes} is not a positive multiple of 64 (§15.22)";
            }
            if (ids[..i].Contains(pool.PoolId))
            {
                return $"pool id {pool.PoolId} is announced twice";
            }
            ids[i++] = pool.PoolId;
        }
        return null;
    }

    private bool TryMapRegion(ReadOnlySpan<byte> uri, TpSuperblock* expected, string what, out RegionHandle? region)
    {
        region = null;
        int rc;
        fixed (byte* u = uri)
        {
            rc = NativeMethods.tp_shm_uri_parse_bytes(_uri, u, (uint)uri.Length);
        }
        if (rc < 0)
        {
            RejectNative(rc, what, "parsing the region URI");
            return false;
        }
        string path = Marshal.PtrToStringUTF8((nint)_uri->Path) ?? "";
        TpRegion* raw;
        using (NativeHandleLease<TpPathPolicy> lease = _policy.Lease())
        {
            rc = NativeMethods.tp_region_map(&raw, lease.Pointer, path, (int)TpRegionAccess.ReadOnly, _uri->RequireHugepages, expected);
        }
        if (rc < 0)
        {
            RejectNative(rc, what, "mapping " + path);
            return false;
        }
        region = new RegionHandle();
        region.Adopt(raw);
        return true;
    }

    private void RejectNative(int code, string what, string operation)
    {
        TensorPoolException error = NativeError.Create(code, $"{what}: {operation}");
        Reject(Classify(code), error.Message);
    }

    /// <summary>The counted reason for a native failure while parsing or mapping an announced region.</summary>
    internal static AnnounceRejectReason Classify(int code) => code switch
    {
        (int)TpError.ErrUriScheme or (int)TpError.ErrUriSyntax or (int)TpError.ErrUriParam => AnnounceRejectReason.UriInvalid,
        (int)TpError.ErrPathNotAbsolute or (int)TpError.ErrPathNotContained or (int)TpError.ErrPathInvalid
            or (int)TpError.ErrNotRegularFile or (int)TpError.ErrSymlink or (int)TpError.ErrFileChanged
            or (int)TpError.ErrNotFound or (int)TpError.ErrPermission or (int)TpError.ErrOwner => AnnounceRejectReason.PathRejected,
        (int)TpError.ErrHugepages => AnnounceRejectReason.HugepagesRejected,
        (int)TpError.ErrSize or (int)TpError.ErrMagic or (int)TpError.ErrLayoutVersion or (int)TpError.ErrNslots
            or (int)TpError.ErrStride or (int)TpError.ErrSlotBytes or (int)TpError.ErrRegionType or (int)TpError.ErrPoolId
            or (int)TpError.ErrEpoch or (int)TpError.ErrStreamId or (int)TpError.ErrMismatch => AnnounceRejectReason.SuperblockMismatch,
        _ => AnnounceRejectReason.MapFailed,
    };

    private void Unmap()
    {
        ConsumerMapping old = _current;
        _current = ConsumerMapping.Unmapped;
        _mailbox.Post(ConsumerMapping.Unmapped);
        old.Release();
    }

    private void Reject(AnnounceRejectReason reason, string? detail)
    {
        _rejects[(int)reason]++;
        if (detail is not null)
        {
            Volatile.Write(ref _lastRejection, $"{reason}: {detail}");
        }
    }
}
