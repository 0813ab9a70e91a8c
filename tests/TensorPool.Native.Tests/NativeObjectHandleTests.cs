using System.Runtime.InteropServices;
using TensorPool.Testing;

namespace TensorPool.Native.Tests;

/// <summary>The concrete SafeHandles over real libtensorpool objects: path policies and SHM regions.</summary>
public unsafe class NativeObjectHandleTests
{
    private const uint StreamId = 10000;
    private const ulong Epoch = 1;
    private const uint Slots = 8;

    private static void Check(int rc, string call) =>
        Assert.That(rc, Is.GreaterThanOrEqualTo(0), () => $"{call} failed: {NativeMethods.tp_errmsg_string()}");

    private static PathPolicyHandle Policy(string baseDirectory)
    {
        TpPathPolicy* raw;
        Check(NativeMethods.tp_path_policy_create(&raw), "tp_path_policy_create");
        var policy = new PathPolicyHandle();
        policy.Adopt(raw);
        using NativeHandleLease<TpPathPolicy> lease = policy.Lease();
        Check(NativeMethods.tp_path_policy_add_base_dir(lease.Pointer, baseDirectory), "tp_path_policy_add_base_dir");
        return policy;
    }

    private static string HeaderRingPath(string baseDirectory)
    {
        byte* buffer = stackalloc byte[TpUriConstants.ShmPathMax];
        Check(NativeMethods.tp_shm_header_ring_path(buffer, TpUriConstants.ShmPathMax, baseDirectory, "tester", "default", StreamId, Epoch),
            "tp_shm_header_ring_path");
        return Marshal.PtrToStringUTF8((nint)buffer)!;
    }

    private static RegionHandle CreateHeaderRing(string baseDirectory, string path)
    {
        TpSuperblock superblock;
        Check(NativeMethods.tp_superblock_init_header_ring(&superblock, StreamId, Epoch, Slots), "tp_superblock_init_header_ring");
        TpRegionCreateOptions options;
        Check(NativeMethods.tp_region_create_options_init(&options), "tp_region_create_options_init");
        options.Prefault = 0;
        TpRegion* raw;
        Check(NativeMethods.tp_region_create(&raw, baseDirectory, path, &superblock, &options), "tp_region_create");
        var region = new RegionHandle();
        region.Adopt(raw);
        return region;
    }

    private static bool Mapped(string path) => File.ReadAllLines("/proc/self/maps").Any(l => l.EndsWith(" " + path, StringComparison.Ordinal));

    [Test]
    public void Path_policy_handle_owns_a_native_policy()
    {
        using var dir = new TempDirectory();
        using PathPolicyHandle policy = Policy(dir.Path);
        using NativeHandleLease<TpPathPolicy> lease = policy.Lease();
        Assert.That(NativeMethods.tp_path_policy_base_dir_count(lease.Pointer), Is.EqualTo(1));
        Assert.That(NativeMethods.tp_path_policy_base_dir_string(lease.Pointer, 0), Is.EqualTo(dir.Path));
    }

    [Test]
    public void Region_handle_maps_a_created_region_and_dispose_unmaps_it()
    {
        using var dir = new TempDirectory();
        string path = HeaderRingPath(dir.Path);
        RegionHandle region = CreateHeaderRing(dir.Path, path);
        using (NativeHandleLease<TpRegion> lease = region.Lease())
        {
            Assert.That(NativeMethods.tp_region_length(lease.Pointer), Is.EqualTo(NativeMethods.tp_header_ring_length(Slots)));
            Assert.That(NativeMethods.tp_region_path_string(lease.Pointer), Is.EqualTo(path));
        }
        Assert.That(Mapped(path), Is.True);
        region.Dispose();
        Assert.That(region.CloseResult, Is.Zero);
        Assert.That(Mapped(path), Is.False, "tp_region_close unmapped the file");
    }

    [Test]
    public void A_mapped_region_reads_back_the_superblock_through_the_generated_layout_struct()
    {
        using var dir = new TempDirectory();
        string path = HeaderRingPath(dir.Path);
        using RegionHandle created = CreateHeaderRing(dir.Path, path);
        using PathPolicyHandle policy = Policy(dir.Path);
        TpRegion* raw;
        using (NativeHandleLease<TpPathPolicy> lease = policy.Lease())
        {
            Check(NativeMethods.tp_region_map(&raw, lease.Pointer, path, (int)TpRegionAccess.ReadOnly, 0, null), "tp_region_map");
        }
        using var mapped = new RegionHandle();
        mapped.Adopt(raw);
        using NativeHandleLease<TpRegion> region = mapped.Lease();
        var layout = (TpSuperblockLayout*)NativeMethods.tp_region_base(region.Pointer);
        Assert.That(layout->Magic, Is.EqualTo((ulong)TpSuperblockMagic.Magic));
        Assert.That(layout->RegionType, Is.EqualTo((short)TpRegionType.HeaderRing));
        Assert.That(layout->StreamId, Is.EqualTo(StreamId));
        Assert.That(layout->Epoch, Is.EqualTo(Epoch));
        Assert.That(layout->Nslots, Is.EqualTo(Slots));
        Assert.That(layout->SlotBytes, Is.EqualTo(TpSlotConstants.HeaderSlotBytes));
    }

    [Test]
    public void A_failed_map_leaves_the_handle_empty_and_reports_through_errcode_and_errmsg()
    {
        using var dir = new TempDirectory();
        using PathPolicyHandle policy = Policy(dir.Path);
        string missing = Path.Combine(dir.Path, "no-such.ring");
        TpRegion* raw = null;
        int rc;
        using (NativeHandleLease<TpPathPolicy> lease = policy.Lease())
        {
            rc = NativeMethods.tp_region_map(&raw, lease.Pointer, missing, (int)TpRegionAccess.ReadOnly, 0, null);
        }
        Assert.That(rc, Is.EqualTo((int)TpError.ErrNotFound));
        Assert.That(NativeMethods.tp_errcode(), Is.EqualTo(rc));
        Assert.That(NativeMethods.tp_errmsg_string(), Does.Contain("no-such.ring"));
        using var handle = new RegionHandle();
        handle.Adopt(raw);
        Assert.That(handle.IsInvalid, Is.True);
    }
}
