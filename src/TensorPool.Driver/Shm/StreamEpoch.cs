using TensorPool.Driver.Configuration;
using TensorPool.Interop.Internal;
using TensorPool.Interop;
using TensorPool.Native.Internal;

namespace TensorPool.Driver.Shm;

/// <summary>
/// The region files of one epoch of one stream, created and owned by the driver (driver spec §3): the header ring
/// and every payload pool of the stream's profile, all with the header ring's slot count (wire spec §15.5), in
/// <c>&lt;namespace dir&gt;/&lt;stream&gt;/&lt;epoch&gt;/</c>, mapped read-write so the driver can refresh
/// <c>activity_timestamp_ns</c> (§7.1) at its announce cadence.
/// </summary>
internal sealed unsafe class StreamEpoch
{
    private readonly RegionHandle[] _regions;

    private StreamEpoch(uint streamId, ulong epoch, string dir, ProfileDefinition profile, RegionHandle[] regions, byte[] headerUri,
        byte[][] poolUris, bool hugetlbfs)
    {
        StreamId = streamId;
        Epoch = epoch;
        Dir = dir;
        Profile = profile;
        _regions = regions;
        HeaderRegionUri = headerUri;
        PoolRegionUris = poolUris;
        IsHugetlbfs = hugetlbfs;
    }

    public uint StreamId { get; }

    public ulong Epoch { get; }

    /// <summary>The epoch directory (§15.21a.3).</summary>
    public string Dir { get; }

    public ProfileDefinition Profile { get; }

    /// <summary>The header ring's URI, ASCII bytes as announced and returned in attach responses.</summary>
    public byte[] HeaderRegionUri { get; }

    /// <summary>The pools' URIs, in the profile's pool order.</summary>
    public byte[][] PoolRegionUris { get; }

    /// <summary>Whether the regions live on hugetlbfs (every region of an epoch shares the directory's file system).</summary>
    public bool IsHugetlbfs { get; }

    public bool IsClosed { get; private set; }

    /// <summary>
    /// Create the epoch's files. <paramref name="requireHugepages"/> makes the native core refuse a directory that is
    /// not hugetlbfs (TP_ERR_HUGEPAGES) before anything is created. Any failure removes what was created.
    /// </summary>
    /// <exception cref="TensorPoolException">A region could not be created (the message says which and why).</exception>
    public static StreamEpoch Create(ShmPolicy policy, uint streamId, ulong epoch, ProfileDefinition profile, bool requireHugepages)
    {
        string dir = ShmPaths.EpochDir(policy, streamId, epoch);
        TpRegionCreateOptions create;
        NativeError.Check(NativeMethods.tp_region_create_options_init(&create), "initialising region options");
        create.DirMode = policy.DirMode;
        create.FileMode = policy.FileMode;
        create.Prefault = policy.Prefault ? 1u : 0u;
        create.Mlock = policy.Mlock ? 1u : 0u;
        create.RequireHugepages = requireHugepages ? 1u : 0u;

        var created = new List<RegionHandle>(profile.PayloadPools.Count + 1);
        try
        {
            TpSuperblock sb;
            NativeError.Check(NativeMethods.tp_superblock_init_header_ring(&sb, streamId, epoch, profile.HeaderNslots),
                "initialising the header ring superblock");
            RegionHandle header = CreateRegion(policy.BaseDir, ShmPaths.HeaderRingPath(policy, streamId, epoch), &sb, &create);
            created.Add(header);
            var poolUris = new byte[profile.PayloadPools.Count][];
            for (int i = 0; i < poolUris.Length; i++)
            {
                PayloadPoolDefinition pool = profile.PayloadPools[i];
                NativeError.Check(NativeMethods.tp_superblock_init_payload_pool(&sb, streamId, epoch, pool.PoolId, profile.HeaderNslots,
                    pool.StrideBytes), $"initialising the superblock of pool {pool.PoolId}");
                RegionHandle region = CreateRegion(policy.BaseDir, ShmPaths.PoolPath(policy, streamId, epoch, pool.PoolId), &sb, &create);
                created.Add(region);
                poolUris[i] = ShmRegionUri.Of(region);
            }
            bool huge;
            using (NativeHandleLease<TpRegion> lease = header.Lease())
            {
                huge = NativeMethods.tp_region_is_hugetlbfs(lease.Pointer) != 0;
            }
            return new StreamEpoch(streamId, epoch, dir, profile, [.. created], ShmRegionUri.Of(header), poolUris, huge);
        }
        catch
        {
            foreach (RegionHandle r in created)
            {
                r.Dispose();
            }
            if (created.Count > 0)
            {
                _ = NativeMethods.tp_region_remove_epoch_dir(policy.BaseDir, dir);
            }
            throw;
        }
    }

    private static RegionHandle CreateRegion(string baseDir, string path, TpSuperblock* sb, TpRegionCreateOptions* create)
    {
        TpRegion* raw;
        NativeError.Check(NativeMethods.tp_region_create(&raw, baseDir, path, sb, create), $"creating region {path}");
        var handle = new RegionHandle();
        handle.Adopt(raw);
        return handle;
    }

    /// <summary>Refresh activity_timestamp_ns of every region (§7.1, §15.14); the driver owns liveness (driver spec §3).</summary>
    public void StoreActivity(ulong nowNs)
    {
        if (IsClosed)
        {
            return;
        }
        foreach (RegionHandle region in _regions)
        {
            // The handle stays open until Close on this (the conductor's) thread: no lease needed per store.
            NativeMethods.tp_superblock_store_activity(NativeMethods.tp_region_base((TpRegion*)region.DangerousGetHandle()), nowNs);
        }
    }

    /// <summary>Unmap (the files stay until <see cref="RemoveFiles"/>: consumers may still be mapping them).</summary>
    public void Close()
    {
        if (IsClosed)
        {
            return;
        }
        IsClosed = true;
        foreach (RegionHandle r in _regions)
        {
            r.Dispose();
        }
    }

    /// <summary>Unmap and unlink the epoch directory (§15.21a.7); false with the reason when the core refused.</summary>
    public bool RemoveFiles(string baseDir, out string? error)
    {
        Close();
        return EpochDirectory.Remove(baseDir, Dir, out error);
    }
}
