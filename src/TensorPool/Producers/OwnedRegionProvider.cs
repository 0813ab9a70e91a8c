using System.Runtime.InteropServices;
using TensorPool.Interop.Internal;
using TensorPool.Interop;
using TensorPool.Native.Internal;

namespace TensorPool.Producers;

/// <summary>
/// The no-driver deployment of the wire spec: the producer creates its own header ring and payload pools through the
/// native core in the canonical layout (§15.21a.3)
/// <c>&lt;base&gt;/tensorpool-&lt;user&gt;/&lt;namespace&gt;/&lt;stream&gt;/&lt;epoch&gt;/{header.ring,&lt;pool&gt;.pool}</c>,
/// and removes that epoch directory when it lets go (§15.21a.7).
/// </summary>
internal sealed unsafe class OwnedRegionProvider : IRegionProvider
{
    /// <summary>Epoch directories already present (a stale one from an earlier boot) are skipped this many times.</summary>
    private const int MaxEpochAttempts = 8;

    private readonly string _baseDir;
    private readonly string _namespace;
    private readonly string? _user;

    public OwnedRegionProvider(string baseDir, string nameSpace, string? user)
    {
        _baseDir = baseDir;
        _namespace = nameSpace;
        _user = user;
    }

    /// <summary>Creating the regions does not wait on anyone: the task is complete when it returns.</summary>
    public Task<ProducerAttachment> AttachAsync(ProducerOptions options, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<ProducerAttachment>(cancellationToken);
        }
        try
        {
            return Task.FromResult(Attach(options));
        }
        catch (Exception e)
        {
            return Task.FromException<ProducerAttachment>(e);
        }
    }

    /// <summary>Create the regions of a new epoch (an epoch directory left by an earlier run is skipped).</summary>
    public ProducerAttachment Attach(ProducerOptions options)
    {
        for (int attempt = 1; ; attempt++)
        {
            ulong epoch = EpochSource.Next();
            try
            {
                return Create(options, epoch);
            }
            catch (TensorPoolException e) when (e.Code == (int)TpError.ErrExists && attempt < MaxEpochAttempts)
            {
                // Another epoch directory with this number survives from an earlier run: take the next epoch.
            }
        }
    }

    private ProducerAttachment Create(ProducerOptions options, ulong epoch)
    {
        uint stream = options.StreamId;
        uint nslots = (uint)options.HeaderNslots;
        string epochDir = PathOf((o, c) => NativeMethods.tp_shm_epoch_dir(o, c, _baseDir, _user!, _namespace, stream, epoch), "epoch directory");
        TpRegionCreateOptions create;
        NativeError.Check(NativeMethods.tp_region_create_options_init(&create), "initialising region options");
        create.Prefault = options.Prefault ? 1u : 0u;
        if (options.SharedGroupAccess)
        {
            create.DirMode = TpRegionConstants.ShmDirModeShared;
            create.FileMode = TpRegionConstants.ShmFileModeShared;
        }

        var created = new List<RegionHandle>();
        try
        {
            string headerPath = PathOf((o, c) => NativeMethods.tp_shm_header_ring_path(o, c, _baseDir, _user!, _namespace, stream, epoch), "header ring path");
            TpSuperblock sb;
            NativeError.Check(NativeMethods.tp_superblock_init_header_ring(&sb, stream, epoch, nslots), "initialising the header ring superblock");
            RegionHandle header = CreateRegion(headerPath, &sb, &create);
            created.Add(header);

            var pools = new AttachedPool[options.Pools.Count];
            for (int i = 0; i < pools.Length; i++)
            {
                PayloadPoolOptions p = options.Pools[i];
                string poolPath = PathOf((o, c) => NativeMethods.tp_shm_pool_path(o, c, _baseDir, _user!, _namespace, stream, epoch, p.PoolId), "pool path");
                NativeError.Check(NativeMethods.tp_superblock_init_payload_pool(&sb, stream, epoch, p.PoolId, nslots, p.StrideBytes),
                    $"initialising the superblock of pool {p.PoolId}");
                RegionHandle region = CreateRegion(poolPath, &sb, &create);
                created.Add(region);
                pools[i] = new AttachedPool(p.PoolId, nslots, p.StrideBytes, region, ShmRegionUri.Of(region));
            }
            string baseDir = _baseDir;
            return new ProducerAttachment(stream, epoch, nslots, header, ShmRegionUri.Of(header), pools,
                () => NativeError.Check(NativeMethods.tp_region_remove_epoch_dir(baseDir, epochDir), $"removing epoch directory {epochDir}"));
        }
        catch
        {
            foreach (RegionHandle r in created)
            {
                r.Dispose();
            }
            if (created.Count > 0)
            {
                _ = NativeMethods.tp_region_remove_epoch_dir(_baseDir, epochDir);
            }
            throw;
        }
    }

    private RegionHandle CreateRegion(string path, TpSuperblock* sb, TpRegionCreateOptions* create)
    {
        TpRegion* raw;
        NativeError.Check(NativeMethods.tp_region_create(&raw, _baseDir, path, sb, create), $"creating region {path}");
        var handle = new RegionHandle();
        handle.Adopt(raw);
        return handle;
    }

    private delegate int PathWriter(byte* output, uint capacity);

    private static string PathOf(PathWriter writer, string what)
    {
        byte* buffer = stackalloc byte[TpUriConstants.ShmPathMax];
        int length = NativeError.Check(writer(buffer, TpUriConstants.ShmPathMax), "building the " + what);
        return Marshal.PtrToStringUTF8((nint)buffer, length);
    }
}
