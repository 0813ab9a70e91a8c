using System.Runtime.InteropServices;
using System.Text.Json;
using TensorPool.Native.Internal;
using TensorPool.Testing;

namespace TensorPool.Cli.Tests;

/// <summary>
/// Rings written by the native core's producer side, inspected: each slot's state and the verdict a consumer
/// would reach (frame.h's drop reasons), with and without the payload pool beside the ring.
/// </summary>
public unsafe partial class RingVerdictTests
{
    private const uint StreamId = 10000;
    private const ulong Epoch = 5;
    private const uint Nslots = 16;
    private const uint Stride = 64;

    private sealed class Layout : IDisposable
    {
        public Layout()
        {
            Dir = new TempDirectory();
            EpochDir = Path.Combine(Dir.Path, "ns", "10000", "5");
            Ring = TestRegion.CreateRing(Dir.Path, RingPath, StreamId, Epoch, Nslots);
        }

        public TempDirectory Dir { get; }

        public string EpochDir { get; }

        public string RingPath => Path.Combine(EpochDir, "header.ring");

        public string PoolPath => Path.Combine(EpochDir, "1.pool");

        public TestRegion Ring { get; }

        public TestRegion AddPool(ulong epoch = Epoch, uint nslots = Nslots) =>
            TestRegion.CreatePool(Dir.Path, PoolPath, StreamId, epoch, 1, nslots, Stride);

        public void Dispose()
        {
            Ring.Dispose();
            Dir.Dispose();
        }
    }

    /// <summary>One committed or in-progress frame per rule, slots 12-15 left empty.</summary>
    private static void WriteFrames(TestRegion ring)
    {
        ring.Commit(0, 0, TestRegion.Frame(0, 16));
        ring.Commit(1, 17, TestRegion.Frame(1, 16));                 // 17 & 15 == 1: a later lap, accepted
        ring.Commit(2, 2, TestRegion.Frame(3, 16));                  // payload_slot != index
        ring.Commit(3, 3, TestRegion.Frame(3, Stride + 1));          // values_len > stride (needs the pool)
        TpSlotFields dtype = TestRegion.Frame(4, 16);
        dtype.Dtype = 12;                                            // unassigned (§15.8)
        ring.Commit(4, 4, dtype);
        ring.Begin(5, 5, TestRegion.Frame(5, 16));                   // in progress, never committed
        ring.Commit(6, 18, TestRegion.Frame(6, 16));                 // seq 18 belongs in slot 2
        ring.Commit(7, 7, TestRegion.Frame(7, 16));
        *(uint*)(ring.SlotAt(7) + TpSlotConstants.SlotOffsetHeaderBytesLength) = 100; // headerBytes length != 192
        TpSlotFields ndims = TestRegion.Frame(8, 16);
        ndims.Ndims = 0;
        ring.Commit(8, 8, ndims);
        TpSlotFields offset = TestRegion.Frame(9, 16);
        offset.PayloadOffset = 4;
        ring.Commit(9, 9, offset);
        TpSlotFields strides = TestRegion.Frame(10, 16);
        strides.Strides[0] = -1;
        ring.Commit(10, 10, strides);
        ring.Begin(11, 0, TestRegion.Frame(11, 16));                 // sequence 0 in progress: not "empty"
    }

    private static readonly (uint Index, string State, string? Verdict)[] Expected =
    [
        (0, "committed", "TP_FRAME_OK"),
        (1, "committed", "TP_FRAME_OK"),
        (2, "committed", "TP_FRAME_DROP_PAYLOAD_SLOT_MISMATCH"),
        (3, "committed", "TP_FRAME_DROP_VALUES_LEN"),
        (4, "committed", "TP_FRAME_DROP_DTYPE"),
        (5, "writing", null),
        (6, "committed", "TP_FRAME_DROP_SEQ_MISMATCH"),
        (7, "committed", "TP_FRAME_DROP_HEADER_LENGTH"),
        (8, "committed", "TP_FRAME_DROP_NDIMS"),
        (9, "committed", "TP_FRAME_DROP_PAYLOAD_OFFSET"),
        (10, "committed", "TP_FRAME_DROP_STRIDES_NEGATIVE"),
        (11, "writing", null),
    ];

    [Test]
    public void Every_slot_gets_the_state_and_verdict_a_consumer_would_reach_15_21()
    {
        using var layout = new Layout();
        using TestRegion pool = layout.AddPool();
        WriteFrames(layout.Ring);

        JsonElement r = Tp.Inspect(layout.RingPath);
        Dictionary<uint, JsonElement> slots = Tp.Slots(r);

        Assert.That(slots.Keys, Is.EquivalentTo(Expected.Select(e => e.Index)), "12-15 are empty and not listed");
        foreach ((uint index, string state, string? verdict) in Expected)
        {
            JsonElement s = slots[index];
            Assert.That(s.GetProperty("state").GetString(), Is.EqualTo(state), $"slot {index}");
            if (verdict is null)
            {
                Assert.That(s.TryGetProperty("verdict", out _), Is.False, $"slot {index}: no verdict while writing");
                continue;
            }
            Assert.That(s.GetProperty("verdict").GetString(), Is.EqualTo(verdict), $"slot {index}: {s}");
            Assert.That(s.GetProperty("reason").ValueKind, Is.EqualTo(verdict == "TP_FRAME_OK" ? JsonValueKind.Null : JsonValueKind.String), $"slot {index}");
        }
        Assert.That(slots[5].GetProperty("seq").GetUInt64(), Is.EqualTo(5UL));
        Assert.That(slots[5].GetProperty("seqCommit").GetUInt64(), Is.EqualTo(10UL), "(5 << 1) | 0 (§8.3)");
        Assert.That(slots[1].GetProperty("seq").GetUInt64(), Is.EqualTo(17UL));
        Assert.That(slots[0].GetProperty("poolChecked").GetBoolean(), Is.True, "1.pool is beside the ring");
        Assert.That(slots[2].GetProperty("reason").GetString(), Is.EqualTo("payload_slot 3 is not the header index 2 (§15.5)"));
        Assert.That(slots[3].GetProperty("reason").GetString(), Does.Contain("values_len_bytes 65 exceeds pool 1 stride_bytes 64"));
        Assert.That(slots[6].GetProperty("reason").GetString(), Is.EqualTo("seq 18 belongs in slot 2, not in slot 6 (§10.2.1)"));
        Assert.That(slots[7].GetProperty("reason").GetString(), Does.Contain("headerBytes length 100, not 192"));

        JsonElement summary = r.GetProperty("summary");
        Assert.That(summary.GetProperty("committed").GetInt64(), Is.EqualTo(10));
        Assert.That(summary.GetProperty("accepted").GetInt64(), Is.EqualTo(2));
        Assert.That(summary.GetProperty("dropped").GetInt64(), Is.EqualTo(8));
        Assert.That(summary.GetProperty("writing").GetInt64(), Is.EqualTo(2));
        Assert.That(summary.GetProperty("empty").GetInt64(), Is.EqualTo(4));
        JsonElement p = r.GetProperty("pools").EnumerateArray().Single();
        Assert.That(p.GetProperty("status").GetString(), Is.EqualTo("mapped"));
        Assert.That(p.GetProperty("strideBytes").GetUInt32(), Is.EqualTo(Stride));
        Assert.That(p.GetProperty("nslots").GetUInt32(), Is.EqualTo(Nslots));
    }

    [Test]
    public void Text_rows_name_the_drop_reason_and_the_counts()
    {
        using var layout = new Layout();
        using TestRegion pool = layout.AddPool();
        WriteFrames(layout.Ring);

        (int exit, string text, string err) = Tp.Run("shm", "inspect", layout.RingPath);

        Assert.That(exit, Is.Zero, err);
        Assert.That(text, Does.Contain("DROP_PAYLOAD_SLOT_MISMATCH: payload_slot 3 is not the header index 2 (§15.5)"));
        Assert.That(text, Does.Contain("10 committed (2 accepted, 8 dropped), 2 writing, 4 empty"));
        Assert.That(text, Does.Match(@"\n\s+12-15\s+empty\n"));
        Assert.That(text, Does.Match(@"\n\s+5\s+writing\s+5\n"));
        Assert.That(text, Does.Contain("1.pool: mapped, 16 slots of 64 bytes"));
        Assert.That(text, Does.Not.Contain("*"), "every pool rule was checked");
    }

    [Test]
    public void Without_its_pool_the_pool_rules_are_reported_as_not_checked_10_2_1()
    {
        using var layout = new Layout();
        WriteFrames(layout.Ring);

        JsonElement r = Tp.Inspect(layout.RingPath);
        Dictionary<uint, JsonElement> slots = Tp.Slots(r);

        // values_len 65 cannot be compared with an unknown stride: not a drop, but not checked either.
        Assert.That(slots[3].GetProperty("verdict").GetString(), Is.EqualTo("TP_FRAME_OK"));
        Assert.That(slots[3].GetProperty("poolChecked").GetBoolean(), Is.False);
        Assert.That(slots[4].GetProperty("verdict").GetString(), Is.EqualTo("TP_FRAME_DROP_DTYPE"), "tensor rules need no pool");
        Assert.That(slots[2].GetProperty("verdict").GetString(), Is.EqualTo("TP_FRAME_DROP_PAYLOAD_SLOT_MISMATCH"));
        JsonElement p = r.GetProperty("pools").EnumerateArray().Single();
        Assert.That(p.GetProperty("status").GetString(), Is.EqualTo("missing"));
        Assert.That(p.GetProperty("path").GetString(), Is.EqualTo(layout.PoolPath));
        Assert.That(r.GetProperty("summary").GetProperty("poolUnchecked").GetInt64(), Is.EqualTo(6), "OK and tensor-rule verdicts: 0, 1, 3, 4, 8, 10");
        (_, string text, _) = Tp.Run("shm", "inspect", layout.RingPath);
        Assert.That(text, Does.Contain("pool rules not checked"));
    }

    [TestCase("epoch")]
    [TestCase("nslots")]
    [TestCase("symlink")]
    public void A_pool_beside_the_ring_that_disagrees_with_it_is_rejected_not_used_15_1(string fault)
    {
        using var layout = new Layout();
        WriteFrames(layout.Ring);
        TestRegion? pool = null;
        switch (fault)
        {
            case "epoch":
                pool = layout.AddPool(epoch: Epoch + 1);
                break;
            case "nslots":
                pool = layout.AddPool(nslots: Nslots * 2); // §9: pools have the ring's nslots
                break;
            default:
                string target = Path.Combine(layout.EpochDir, "2.pool");
                pool = TestRegion.CreatePool(layout.Dir.Path, target, StreamId, Epoch, 1, Nslots, Stride);
                File.CreateSymbolicLink(layout.PoolPath, target);
                break;
        }
        using (pool)
        {
            JsonElement r = Tp.Inspect(layout.RingPath);

            JsonElement p = r.GetProperty("pools").EnumerateArray().Single();
            Assert.That(p.GetProperty("status").GetString(), Is.EqualTo("rejected"));
            Assert.That(p.GetProperty("reason").GetString(), Does.Contain(fault));
            Assert.That(Tp.Slots(r)[3].GetProperty("poolChecked").GetBoolean(), Is.False);
        }
    }

    [Test]
    public void A_payload_pool_shows_its_geometry_9()
    {
        using var layout = new Layout();
        using TestRegion pool = layout.AddPool();

        JsonElement r = Tp.Inspect(layout.PoolPath);

        Assert.That(r.GetProperty("kind").GetString(), Is.EqualTo("payload-pool"));
        Assert.That(r.GetProperty("superblock").GetProperty("regionType").GetString(), Is.EqualTo("PAYLOAD_POOL"));
        JsonElement g = r.GetProperty("geometry");
        Assert.That(g.GetProperty("nslots").GetUInt32(), Is.EqualTo(Nslots));
        Assert.That(g.GetProperty("slotStrideBytes").GetUInt32(), Is.EqualTo(Stride));
        Assert.That(g.GetProperty("firstSlotOffset").GetUInt64(), Is.EqualTo(64UL));
        Assert.That(g.GetProperty("lastSlotOffset").GetUInt64(), Is.EqualTo(64UL + (Nslots - 1) * Stride));
        Assert.That(g.GetProperty("regionBytes").GetUInt64(), Is.EqualTo(64UL + Nslots * Stride));
        Assert.That(r.GetProperty("slots").GetArrayLength(), Is.Zero);
        (int exit, string text, _) = Tp.Run("shm", "inspect", layout.PoolPath);
        Assert.That(exit, Is.Zero);
        Assert.That(text, Does.Contain("payload pool, 1088 bytes: valid").And.Contain("16 slots of 64 bytes at offsets 64..1024"));
    }

    [Test]
    public void A_fresh_ring_is_all_empty()
    {
        using var layout = new Layout();

        JsonElement r = Tp.Inspect(layout.RingPath);

        Assert.That(r.GetProperty("slots").GetArrayLength(), Is.Zero);
        Assert.That(r.GetProperty("summary").GetProperty("empty").GetInt64(), Is.EqualTo(Nslots));
        Assert.That(r.GetProperty("pools").GetArrayLength(), Is.Zero, "no slot names a pool");
        (_, string text, _) = Tp.Run("shm", "inspect", layout.RingPath);
        Assert.That(text, Does.Match(@"\n\s+0-15\s+empty\n"));
    }

    [Test]
    public void A_sparse_ring_is_read_by_its_data_not_its_nslots()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "sparse.ring");
        const uint nslots = 1u << 20; // 256 MiB, nearly all of it holes
        TpSuperblock sb;
        Assert.That(NativeMethods.tp_superblock_init_header_ring(&sb, 1, 1, nslots), Is.Zero);
        var superblock = new byte[TpSuperblockConstants.SuperblockSize];
        fixed (byte* p = superblock)
        {
            Assert.That(NativeMethods.tp_superblock_write(p, (ulong)superblock.Length, &sb), Is.Zero);
        }
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            file.SetLength((long)NativeMethods.tp_header_ring_length(nslots));
            file.Write(superblock);
            foreach (uint index in new[] { 0u, nslots - 1 })
            {
                var slot = new byte[TpSlotConstants.HeaderSlotBytes];
                TpSlotFields f = TestRegion.Frame(index, 16);
                fixed (byte* p = slot)
                {
                    NativeMethods.tp_seqlock_write_begin((ulong*)p, index);
                    Assert.That(NativeMethods.tp_header_slot_write(p, &f), Is.Zero);
                    NativeMethods.tp_seqlock_write_commit((ulong*)p, index);
                }
                file.Position = (long)NativeMethods.tp_header_slot_offset(index);
                file.Write(slot);
            }
        }
        ulong blocksBefore = AllocatedBlocks(path);

        JsonElement r = Tp.Inspect(path);
        (int exit, string text, _) = Tp.Run("shm", "inspect", path);

        Assert.That(Tp.Slots(r).Keys, Is.EquivalentTo(new[] { 0u, nslots - 1 }));
        Assert.That(r.GetProperty("summary").GetProperty("empty").GetInt64(), Is.EqualTo(nslots - 2));
        Assert.That(exit, Is.Zero);
        Assert.That(text, Does.Match(@"\n\s+1-1048574\s+empty\n"));
        // On tmpfs a read through the mapping allocates the page it touches: the holes were never read.
        Assert.That(AllocatedBlocks(path), Is.EqualTo(blocksBefore), "holes were skipped, not read");
    }

    /// <summary>struct statx: the same layout and flag values on every Linux architecture (unlike struct stat).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct Statx
    {
        [FieldOffset(48)] public ulong Blocks; // 512-byte blocks allocated (a sparse file's holes have none)
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatxCall(int dirfd, string path, int flags, uint mask, Statx* buffer);

    private static ulong AllocatedBlocks(string path)
    {
        Statx st;
        Assert.That(StatxCall(-100 /* AT_FDCWD */, path, 0, 0x400 /* STATX_BLOCKS */, &st), Is.Zero);
        return st.Blocks;
    }
}
