using System.Runtime.InteropServices;
using TensorPool.Interop.Internal;
using TensorPool.Native.Internal;
using TensorPool.Sbe.Wire;

namespace TensorPool.Consumers;

/// <summary>
/// The regions of one producer epoch mapped read-only (state M1 of §15.21), with the native views
/// <c>tp_frame_begin</c> takes. Shared by the conductor, which creates and checks it, and the consumer's polling
/// thread, which reads frames through it: each holds a reference, and the regions are unmapped only when the last one
/// is released, so a mapping is never pulled from under a reader.
/// </summary>
internal sealed unsafe class ConsumerMapping
{
    /// <summary>State M0: nothing mapped.</summary>
    public static readonly ConsumerMapping Unmapped = new();

    private readonly RegionHandle[] _regions;
    private readonly PoolIdentity[] _pools;
    private readonly byte[] _headerUri;
    private int _references;

    /// <summary>A distinct unmapped instance, for markers that must not be mistaken for <see cref="Unmapped"/>.</summary>
    public static ConsumerMapping CreateMarker() => new();

    private ConsumerMapping()
    {
        _regions = [];
        _pools = [];
        _headerUri = [];
        _references = int.MaxValue / 2; // never released
    }

    /// <summary>
    /// Take ownership of the mapped <paramref name="header"/> ring (its superblock already validated against the
    /// announce) and pools (<paramref name="pools"/> in announce order, <paramref name="poolRegions"/> beside them) of
    /// <paramref name="epoch"/>; <paramref name="headerUri"/> is kept to recognise the same layout later.
    /// </summary>
    public ConsumerMapping(ulong epoch, RegionHandle header, byte[] headerUri, PoolIdentity[] pools, RegionHandle[] poolRegions)
    {
        Epoch = epoch;
        _headerUri = headerUri;
        _pools = pools;
        _regions = [header, .. poolRegions];
        _references = 1;
        Ring = (TpHeaderRing*)NativeMemory.AllocZeroed((nuint)sizeof(TpHeaderRing));
        Pools = (TpPayloadPool*)NativeMemory.AllocZeroed((nuint)(sizeof(TpPayloadPool) * Math.Max(1, pools.Length)));
        PoolCount = (uint)pools.Length;
        try
        {
            TpRegion* h = (TpRegion*)header.DangerousGetHandle();
            HeaderBase = NativeMethods.tp_region_base(h);
            Interop.Internal.NativeError.Check(NativeMethods.tp_header_ring_wrap(Ring, HeaderBase, NativeMethods.tp_region_length(h)), "wrapping the header ring");
            for (int i = 0; i < pools.Length; i++)
            {
                TpRegion* p = (TpRegion*)poolRegions[i].DangerousGetHandle();
                Interop.Internal.NativeError.Check(NativeMethods.tp_payload_pool_wrap(&Pools[i], NativeMethods.tp_region_base(p), NativeMethods.tp_region_length(p)),
                    $"wrapping pool {pools[i].PoolId}");
            }
        }
        catch
        {
            Free();
            throw;
        }
    }

    public bool IsMapped => _regions.Length > 0;

    public ulong Epoch { get; }

    public TpHeaderRing* Ring { get; }

    public TpPayloadPool* Pools { get; }

    public uint PoolCount { get; }

    public byte* HeaderBase { get; }

    public void AddReference() => Interlocked.Increment(ref _references);

    /// <summary>Drop one reference; the last unmaps the regions.</summary>
    public void Release()
    {
        if (!IsMapped)
        {
            return;
        }
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Free();
        }
    }

    /// <summary>
    /// True when a same-epoch announce still describes exactly this mapping (§15.1: the superblocks were validated
    /// against it): layout, header nslots, pool ids, nslots, strides and URIs. Compares bytes, allocates nothing.
    /// </summary>
    public bool Describes(in ShmPoolAnnounceDecoder announce)
    {
        if (announce.HeaderNslots != Ring->Nslots || !announce.HeaderRegionUri.SequenceEqual(_headerUri))
        {
            return false;
        }
        int i = 0;
        foreach (ShmPoolAnnounceDecoder.PayloadPoolsDecoder pool in announce.PayloadPools)
        {
            if (i >= _pools.Length || !_pools[i].Matches(pool.PoolId, pool.PoolNslots, pool.StrideBytes, pool.RegionUri))
            {
                return false;
            }
            i++;
        }
        return i == _pools.Length;
    }

    /// <summary>
    /// The header superblock still carries the TPOLSHM1 magic and this epoch (§15.1: validate magic and epoch on every
    /// announce; §15.14: a recreated region is a remap).
    /// </summary>
    public bool SuperblockIntact()
    {
        ulong magic = Volatile.Read(ref *(ulong*)(HeaderBase + TpSuperblockConstants.SuperblockOffsetMagic));
        ulong epoch = *(ulong*)(HeaderBase + TpSuperblockConstants.SuperblockOffsetEpoch);
        return magic == (ulong)TpSuperblockMagic.Magic && epoch == Epoch;
    }

    /// <summary>activity_timestamp_ns of the header ring (acquire load, §15.14).</summary>
    public ulong ActivityTimestampNs => NativeMethods.tp_superblock_load_activity(HeaderBase);

    private void Free()
    {
        foreach (RegionHandle r in _regions)
        {
            r.Dispose();
        }
        NativeMemory.Free(Ring);
        NativeMemory.Free(Pools);
    }
}
