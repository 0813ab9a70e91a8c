using TensorPool.Native.Internal;

namespace TensorPool.Producers;

/// <summary>One payload pool of a <see cref="ProducerAttachment"/>: mapped read-write, with its announced URI.</summary>
internal sealed unsafe class AttachedPool
{
    public AttachedPool(ushort poolId, uint nslots, uint strideBytes, RegionHandle region, byte[] regionUri)
    {
        PoolId = poolId;
        Nslots = nslots;
        StrideBytes = strideBytes;
        Region = region;
        RegionUri = regionUri;
        Base = NativeMethods.tp_region_base((TpRegion*)region.DangerousGetHandle());
    }

    public ushort PoolId { get; }

    public uint Nslots { get; }

    public uint StrideBytes { get; }

    public RegionHandle Region { get; }

    /// <summary>The shm:file URI of the region, ASCII bytes, as announced (§10.1.1).</summary>
    public byte[] RegionUri { get; }

    /// <summary>Start of the mapping (superblock); payload slot s is at Base + 64 + s × StrideBytes (§9).</summary>
    public byte* Base { get; }
}
