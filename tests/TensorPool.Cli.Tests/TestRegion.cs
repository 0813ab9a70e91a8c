using TensorPool.Native.Internal;

namespace TensorPool.Cli.Tests;

/// <summary>
/// A header ring or payload pool created by the native core (tp_region_create, read-write), and a producer's
/// writes into it through the native seqlock and slot writer, for building the regions the tests inspect.
/// </summary>
internal sealed unsafe class TestRegion : IDisposable
{
    private readonly RegionHandle _region;

    private TestRegion(RegionHandle region, string path)
    {
        _region = region;
        Path = path;
        using NativeHandleLease<TpRegion> lease = region.Lease();
        Base = NativeMethods.tp_region_base(lease.Pointer);
        Length = NativeMethods.tp_region_length(lease.Pointer);
    }

    public string Path { get; }

    public byte* Base { get; }

    public ulong Length { get; }

    public static TestRegion CreateRing(string baseDir, string path, uint streamId, ulong epoch, uint nslots)
    {
        TpSuperblock sb;
        Check(NativeMethods.tp_superblock_init_header_ring(&sb, streamId, epoch, nslots), "tp_superblock_init_header_ring");
        return Create(baseDir, path, &sb);
    }

    public static TestRegion CreatePool(string baseDir, string path, uint streamId, ulong epoch, ushort poolId, uint nslots, uint strideBytes)
    {
        TpSuperblock sb;
        Check(NativeMethods.tp_superblock_init_payload_pool(&sb, streamId, epoch, poolId, nslots, strideBytes), "tp_superblock_init_payload_pool");
        return Create(baseDir, path, &sb);
    }

    private static TestRegion Create(string baseDir, string path, TpSuperblock* sb)
    {
        TpRegionCreateOptions options;
        Check(NativeMethods.tp_region_create_options_init(&options), "tp_region_create_options_init");
        options.Prefault = 0;
        TpRegion* raw;
        Check(NativeMethods.tp_region_create(&raw, baseDir, path, sb, &options), "tp_region_create " + path);
        var region = new RegionHandle();
        region.Adopt(raw);
        return new TestRegion(region, path);
    }

    /// <summary>The slot at ring index <paramref name="index"/> (64 + index × 256).</summary>
    public byte* SlotAt(uint index) => Base + NativeMethods.tp_header_slot_offset(index);

    /// <summary>A UINT8 1-D frame of <paramref name="valuesLen"/> bytes in pool 1 at its own index, as a producer writes it.</summary>
    public static TpSlotFields Frame(uint payloadSlot, uint valuesLen, ulong timestampNs = 0, uint metaVersion = 0)
    {
        var f = new TpSlotFields
        {
            TimestampNs = timestampNs,
            ValuesLenBytes = valuesLen,
            PayloadSlot = payloadSlot,
            MetaVersion = metaVersion,
            PoolId = 1,
            Dtype = (short)TpDtype.Uint8,
            MajorOrder = (short)TpMajorOrder.Row,
            Ndims = 1,
        };
        f.Dims[0] = (int)valuesLen;
        return f;
    }

    /// <summary>Producer steps of §8.3 into the slot at <paramref name="index"/> (which need not be where seq belongs).</summary>
    public void Commit(uint index, ulong seq, TpSlotFields fields)
    {
        Begin(index, seq, fields);
        NativeMethods.tp_seqlock_write_commit((ulong*)SlotAt(index), seq);
    }

    /// <summary>Begin a write and leave it in progress (commit bit 0), as a producer mid-frame or dead.</summary>
    public void Begin(uint index, ulong seq, TpSlotFields fields)
    {
        byte* slot = SlotAt(index);
        NativeMethods.tp_seqlock_write_begin((ulong*)slot, seq);
        Check(NativeMethods.tp_header_slot_write(slot, &fields), "tp_header_slot_write");
    }

    public void Dispose() => _region.Dispose();

    private static void Check(int rc, string call)
    {
        if (rc < 0)
        {
            throw new InvalidOperationException($"{call} failed ({rc}): {NativeMethods.tp_errmsg_string()}");
        }
    }
}
