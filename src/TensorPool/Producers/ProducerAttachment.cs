using TensorPool.Native.Internal;

namespace TensorPool.Producers;

/// <summary>
/// The shared memory of one producer epoch: the header ring and payload pools mapped read-write, the URIs to announce,
/// and what to do when the producer lets go (remove its epoch directory, or tell the driver). Pools are sorted by
/// stride so the pool rule of §9 is a forward scan.
/// </summary>
internal sealed unsafe class ProducerAttachment : IDisposable
{
    private readonly Action? _release;
    private int _disposed;

    public ProducerAttachment(uint streamId, ulong epoch, uint headerNslots, RegionHandle headerRegion, byte[] headerRegionUri,
        AttachedPool[] pools, Action? release)
    {
        StreamId = streamId;
        Epoch = epoch;
        HeaderNslots = headerNslots;
        HeaderRegion = headerRegion;
        HeaderRegionUri = headerRegionUri;
        Pools = [.. pools.OrderBy(p => p.StrideBytes)];
        HeaderBase = NativeMethods.tp_region_base((TpRegion*)headerRegion.DangerousGetHandle());
        _release = release;
    }

    public uint StreamId { get; }

    public ulong Epoch { get; }

    public uint HeaderNslots { get; }

    public RegionHandle HeaderRegion { get; }

    public byte[] HeaderRegionUri { get; }

    /// <summary>Sorted by stride, smallest first.</summary>
    public AttachedPool[] Pools { get; }

    /// <summary>Start of the header ring mapping (superblock); slot i at HeaderBase + 64 + i × 256 (§8.1).</summary>
    public byte* HeaderBase { get; }

    /// <summary>Set when a driver leased these regions (driver spec §4): the lease that follows the producer.</summary>
    public DriverProducerLink? DriverLink { get; init; }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>
    /// Refresh activity_timestamp_ns of every region (§7.1, §15.14), called by the conductor at announce cadence. A
    /// region the producer closed meanwhile is skipped: the lease keeps a mapping alive for the store, never a closed one.
    /// </summary>
    public void StoreActivity(ulong nowNs)
    {
        StoreActivity(HeaderRegion, nowNs);
        foreach (AttachedPool pool in Pools)
        {
            StoreActivity(pool.Region, nowNs);
        }
    }

    private static void StoreActivity(RegionHandle region, ulong nowNs)
    {
        if (region.IsClosed)
        {
            return;
        }
        try
        {
            using NativeHandleLease<TpRegion> lease = region.Lease();
            NativeMethods.tp_superblock_store_activity(NativeMethods.tp_region_base(lease.Pointer), nowNs);
        }
        catch (ObjectDisposedException)
        {
            // Closed between the check and the lease: the producer is going away, nothing to refresh.
        }
    }

    /// <summary>Release the epoch (remove files or detach), then unmap.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        try
        {
            _release?.Invoke();
        }
        finally
        {
            HeaderRegion.Dispose();
            foreach (AttachedPool pool in Pools)
            {
                pool.Region.Dispose();
            }
        }
    }
}
