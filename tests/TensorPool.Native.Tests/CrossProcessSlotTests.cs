using System.Diagnostics;
using System.Runtime.InteropServices;
using TensorPool.Testing;

namespace TensorPool.Native.Tests;

/// <summary>
/// A producer in this process writes and commits header-ring slots from C# through the native
/// core; a consumer in a real child process maps the regions read-only and validates the frames
/// (wire spec §8.3, §15.18, §15.21).
/// </summary>
public unsafe class CrossProcessSlotTests
{
    private const uint StreamId = 10000;
    private const ulong Epoch = 7;
    private const uint Slots = 8;
    private const uint Stride = 1024;
    private const ushort PoolId = 1;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private sealed class Producer : IDisposable
    {
        private readonly RegionHandle _ring;
        private readonly RegionHandle _pool;
        private TpHeaderRing _ringView;
        private TpPayloadPool _poolView;

        public Producer(string baseDir)
        {
            BaseDir = baseDir;
            byte* buffer = stackalloc byte[TpUriConstants.ShmPathMax];
            Check(NativeMethods.tp_shm_header_ring_path(buffer, TpUriConstants.ShmPathMax, baseDir, "tester", "default", StreamId, Epoch), "header path");
            RingPath = Marshal.PtrToStringUTF8((nint)buffer)!;
            Check(NativeMethods.tp_shm_pool_path(buffer, TpUriConstants.ShmPathMax, baseDir, "tester", "default", StreamId, Epoch, PoolId), "pool path");
            PoolPath = Marshal.PtrToStringUTF8((nint)buffer)!;

            TpRegionCreateOptions options;
            Check(NativeMethods.tp_region_create_options_init(&options), "options");
            TpSuperblock sb;
            Check(NativeMethods.tp_superblock_init_header_ring(&sb, StreamId, Epoch, Slots), "ring superblock");
            _ring = Create(baseDir, RingPath, &sb, &options);
            Check(NativeMethods.tp_superblock_init_payload_pool(&sb, StreamId, Epoch, PoolId, Slots, Stride), "pool superblock");
            _pool = Create(baseDir, PoolPath, &sb, &options);

            using NativeHandleLease<TpRegion> ring = _ring.Lease();
            using NativeHandleLease<TpRegion> pool = _pool.Lease();
            fixed (TpHeaderRing* r = &_ringView)
            {
                Check(NativeMethods.tp_header_ring_wrap(r, NativeMethods.tp_region_base(ring.Pointer), NativeMethods.tp_region_length(ring.Pointer)), "ring wrap");
            }
            fixed (TpPayloadPool* p = &_poolView)
            {
                Check(NativeMethods.tp_payload_pool_wrap(p, NativeMethods.tp_region_base(pool.Pointer), NativeMethods.tp_region_length(pool.Pointer)), "pool wrap");
            }
        }

        public string BaseDir { get; }

        public string RingPath { get; }

        public string PoolPath { get; }

        private static RegionHandle Create(string baseDir, string path, TpSuperblock* sb, TpRegionCreateOptions* options)
        {
            TpRegion* raw;
            Check(NativeMethods.tp_region_create(&raw, baseDir, path, sb, options), "tp_region_create " + path);
            var handle = new RegionHandle();
            handle.Adopt(raw);
            return handle;
        }

        /// <summary>§15.18 producer publish: in-progress, payload, header, commit.</summary>
        public void Publish(ulong seq, byte fill, uint length, bool commit = true)
        {
            fixed (TpHeaderRing* r = &_ringView)
            fixed (TpPayloadPool* p = &_poolView)
            {
                byte* slot = NativeMethods.tp_header_ring_slot(r, seq);
                uint index = (uint)(seq & (Slots - 1));
                NativeMethods.tp_seqlock_write_begin((ulong*)slot, seq);
                new Span<byte>(NativeMethods.tp_payload_pool_slot(p, index), (int)length).Fill(fill);
                TpSlotFields fields = default;
                fields.ValuesLenBytes = length;
                fields.PayloadSlot = index;
                fields.PoolId = PoolId;
                fields.TimestampNs = (ulong)Stopwatch.GetTimestamp();
                fields.Dtype = (short)TpDtype.Uint8;
                fields.MajorOrder = (short)TpMajorOrder.Row;
                fields.Ndims = 1;
                fields.Dims[0] = (int)length;
                Check(NativeMethods.tp_header_slot_write(slot, &fields), "tp_header_slot_write");
                if (commit)
                {
                    NativeMethods.tp_seqlock_write_commit((ulong*)slot, seq);
                }
            }
        }

        public void Dispose()
        {
            _ring.Dispose();
            _pool.Dispose();
        }
    }

    private static void Check(int rc, string call) =>
        Assert.That(rc, Is.GreaterThanOrEqualTo(0), () => $"{call} failed: {NativeMethods.tp_errmsg_string()}");

    private static ChildProcess Reader(Producer producer, ulong seq, bool hold = false) =>
        ChildProcess.StartScenario("slot-read", hold
            ? [producer.BaseDir, producer.RingPath, producer.PoolPath, seq.ToString(System.Globalization.CultureInfo.InvariantCulture), "hold"]
            : [producer.BaseDir, producer.RingPath, producer.PoolPath, seq.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

    [Test]
    public void Frame_committed_from_CSharp_is_accepted_by_another_process_with_its_payload()
    {
        using var dir = new TempDirectory();
        using var producer = new Producer(dir.Path);
        producer.Publish(seq: 13, fill: 3, length: 100);

        using ChildProcess reader = Reader(producer, 13);
        Assert.That(reader.WaitForExit(Timeout), Is.Zero, reader.StandardError);
        Assert.That(reader.StandardOutput, Does.Contain("begin TP_FRAME_OK"));
        Assert.That(reader.StandardOutput, Does.Contain("payload 100 300"));
        Assert.That(reader.StandardOutput, Does.Contain("end TP_FRAME_OK"));
    }

    [Test]
    public void Slot_overwritten_while_another_process_reads_it_is_rejected_8_3()
    {
        using var dir = new TempDirectory();
        using var producer = new Producer(dir.Path);
        producer.Publish(seq: 5, fill: 1, length: 64);

        using ChildProcess reader = Reader(producer, 5, hold: true);
        reader.WaitForLine("holding", Timeout);
        // Sequence 13 maps to the same header index (13 & 7 == 5): the producer laps the reader.
        producer.Publish(seq: 13, fill: 2, length: 64);
        reader.WriteLine("go");
        Assert.That(reader.WaitForExit(Timeout), Is.Zero, reader.StandardError);
        Assert.That(reader.StandardOutput, Does.Contain("begin TP_FRAME_OK"));
        Assert.That(reader.StandardOutput, Does.Contain("end TP_FRAME_DROP_CHANGED"));
        Assert.That(reader.StandardOutput, Does.Not.Contain("payload"));
    }

    [Test]
    public void Slot_still_being_written_is_dropped_as_not_committed_15_21()
    {
        using var dir = new TempDirectory();
        using var producer = new Producer(dir.Path);
        producer.Publish(seq: 2, fill: 9, length: 32, commit: false);

        using ChildProcess reader = Reader(producer, 2);
        Assert.That(reader.WaitForExit(Timeout), Is.Zero, reader.StandardError);
        Assert.That(reader.StandardOutput, Does.Contain("begin TP_FRAME_DROP_NOT_COMMITTED"));
    }

    [Test]
    public void Descriptor_for_an_older_sequence_in_a_reused_slot_is_dropped_10_2_1()
    {
        using var dir = new TempDirectory();
        using var producer = new Producer(dir.Path);
        producer.Publish(seq: 11, fill: 4, length: 16);

        using ChildProcess reader = Reader(producer, 3); // 3 & 7 == 11 & 7: stale descriptor
        Assert.That(reader.WaitForExit(Timeout), Is.Zero, reader.StandardError);
        Assert.That(reader.StandardOutput, Does.Contain("begin TP_FRAME_DROP_SEQ_MISMATCH"));
    }
}
