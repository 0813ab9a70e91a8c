using TensorPool.Sbe.Wire;

namespace TensorPool.Sbe.Tests;

/// <summary>The SHM layouts the reference wrote (shm/), read with the SlotHeader, TensorHeader and superblock codecs, no message header (§7.1, §8.2).</summary>
public class ShmLayoutTests
{
    private const ulong Magic = 0x544F504C53484D31; // "TPOLSHM1" (§7.1)

    [Test]
    public void Superblock_fields_7_1()
    {
        byte[] bytes = ReferenceFiles.Bytes("shm/superblock.bin");

        Assert.That(ShmRegionSuperblockDecoder.TryWrapBody(bytes, out var s, out SbeRejectReason reason), Is.True, reason.ToString());
        Assert.That(s.EncodedLength, Is.EqualTo(64), "superblock_size is 64 (§6)");
        Assert.That(s.Magic, Is.EqualTo(Magic));
        Assert.That(s.LayoutVersion, Is.EqualTo(1u));
        Assert.That(s.Epoch, Is.EqualTo(1UL));
        Assert.That(s.StreamId, Is.EqualTo(1000u));
        Assert.That(s.RegionType, Is.EqualTo(RegionType.HeaderRing));
        Assert.That(s.PoolId, Is.EqualTo(0), "a header ring has pool_id 0 (§7.1)");
        Assert.That(s.Nslots, Is.EqualTo(8u));
        Assert.That(s.SlotBytes, Is.EqualTo(256u));
    }

    [Test]
    public void Pool_superblock_fields_7_1()
    {
        byte[] bytes = ReferenceFiles.Bytes("shm/pool_superblock.bin");

        Assert.That(ShmRegionSuperblockDecoder.TryWrapBody(bytes, out var s), Is.True);
        Assert.That(s.Magic, Is.EqualTo(Magic));
        Assert.That(s.RegionType, Is.EqualTo(RegionType.PayloadPool));
        Assert.That(s.PoolId, Is.EqualTo(1));
        Assert.That(s.Nslots, Is.EqualTo(64u));
        Assert.That(s.StrideBytes, Is.EqualTo(1u << 20));
        Assert.That(s.SlotBytes, Is.EqualTo(0xFFFFFFFFu), "the reference writes slot_bytes = 0xFFFFFFFF in pools");
    }

    [Test]
    public void Slot_header_with_embedded_tensor_header_8_2()
    {
        byte[] bytes = ReferenceFiles.Bytes("shm/slot_header.bin");

        Assert.That(SlotHeaderDecoder.TryWrapBody(bytes, out var slot, out SbeRejectReason reason), Is.True, reason.ToString());
        Assert.That(slot.EncodedLength, Is.EqualTo(256), "60-byte prefix + 4-byte length + 192-byte TensorHeader (§8.2)");
        Assert.That(slot.SeqCommit, Is.EqualTo(1UL), "sequence 0, committed (§8.3)");
        Assert.That(slot.ValuesLenBytes, Is.EqualTo(192u));
        Assert.That(slot.PayloadSlot, Is.EqualTo(0u));
        Assert.That(slot.PoolId, Is.EqualTo(1));
        Assert.That(slot.PayloadOffset, Is.EqualTo(0u));
        Assert.That(slot.HeaderBytes.Length, Is.EqualTo(192));

        Assert.That(TensorHeaderDecoder.TryWrap(slot.HeaderBytes, out var tensor, out reason), Is.True, reason.ToString());
        Assert.That(tensor.EncodedLength, Is.EqualTo(192));
        Assert.That(tensor.Dtype, Is.EqualTo(Dtype.Float32));
        Assert.That(tensor.MajorOrder, Is.EqualTo(MajorOrder.Row));
        Assert.That(tensor.Ndims, Is.EqualTo(1));
        Assert.That(TensorHeaderDecoder.MaxDims, Is.EqualTo(8));
        Assert.That(tensor.Dims[0], Is.EqualTo(1));
        Assert.That(tensor.Dims[1..].ToArray(), Is.All.Zero);
    }

    [Test]
    public void Tensor_header_file_and_offsets_8_2()
    {
        byte[] bytes = ReferenceFiles.Bytes("shm/tensor_header.bin");

        Assert.That(TensorHeaderDecoder.TryWrap(bytes, out var t), Is.True);
        Assert.That(t.Dtype, Is.EqualTo(Dtype.Float32));
        Assert.That(t.Ndims, Is.EqualTo(1));
        Assert.That(t.GetDims(0), Is.EqualTo(1));
        // SBE packs fields back to back: dims at block offset 11, strides at 43, pad to 184.
        Assert.That(TensorHeaderDecoder.DimsOffset, Is.EqualTo(11));
        Assert.That(TensorHeaderDecoder.StridesOffset, Is.EqualTo(43));
        Assert.That(TensorHeaderDecoder.BlockLength, Is.EqualTo(184));
        Assert.That(SlotHeaderDecoder.BlockLength, Is.EqualTo(60));
    }

    [Test]
    public void Second_slot_holds_sequence_1_8_3()
    {
        byte[] bytes = ReferenceFiles.Bytes("shm/slot_tensor.bin");

        Assert.That(SlotHeaderDecoder.TryWrapBody(bytes, out var slot), Is.True);
        Assert.That(slot.SeqCommit, Is.EqualTo(3UL));
        Assert.That(slot.SeqCommit >> 1, Is.EqualTo(1UL));
        Assert.That(slot.ValuesLenBytes, Is.EqualTo(64u));
        Assert.That(slot.PoolId, Is.EqualTo(1));
        Assert.That(TensorHeaderDecoder.TryWrap(slot.HeaderBytes, out _), Is.True);
    }

    [Test]
    public void Whole_header_ring_of_the_reference_driver()
    {
        byte[] ring = ReferenceFiles.Bytes("shm/header_ring_8_frames.ring");
        Assert.That(ring.Length, Is.EqualTo(64 + (64 * 256)));
        Assert.That(ShmRegionSuperblockDecoder.TryWrapBody(ring, out var sb), Is.True);
        Assert.That(sb.StreamId, Is.EqualTo(10000u));
        Assert.That(sb.Nslots, Is.EqualTo(64u));

        for (int i = 0; i < 64; i++)
        {
            ReadOnlySpan<byte> slotBytes = ring.AsSpan(64 + (i * 256), 256); // §8.1 slot_offset(i)
            Assert.That(SlotHeaderDecoder.TryWrapBody(slotBytes, out var slot, out SbeRejectReason reason), Is.True, $"slot {i}: {reason}");
            if (i >= 8)
            {
                Assert.That(slot.SeqCommit, Is.Zero, $"slot {i} was never written");
                continue;
            }
            Assert.That(slot.SeqCommit, Is.EqualTo((ulong)((i << 1) | 1)), $"slot {i}");
            Assert.That(slot.ValuesLenBytes, Is.EqualTo(16u));
            Assert.That(slot.PayloadSlot, Is.EqualTo((uint)i), "payload_slot = header index (§9)");
            Assert.That(slot.PoolId, Is.EqualTo(1));
            Assert.That(slot.TimestampNs, Is.Not.Zero);
            Assert.That(TensorHeaderDecoder.TryWrap(slot.HeaderBytes, out var t), Is.True);
            Assert.That(t.Dtype, Is.EqualTo(Dtype.Uint8));
            Assert.That(t.MajorOrder, Is.EqualTo(MajorOrder.Row));
            Assert.That(t.Ndims, Is.EqualTo(1));
            Assert.That(t.GetDims(0), Is.EqualTo(16));
        }
    }

    [Test]
    public void Encoders_write_the_reference_slot_bytes_in_place()
    {
        byte[] expected = ReferenceFiles.Bytes("shm/slot_header.bin");
        Assert.That(SlotHeaderDecoder.TryWrapBody(expected, out var reference), Is.True);
        Assert.That(TensorHeaderDecoder.TryWrap(reference.HeaderBytes, out var refTensor), Is.True);

        var slot = new byte[256];
        var e = SlotHeaderEncoder.WrapBody(slot);
        e.SeqCommit = reference.SeqCommit;
        e.ValuesLenBytes = reference.ValuesLenBytes;
        e.PayloadSlot = reference.PayloadSlot;
        e.PoolId = reference.PoolId;
        e.PayloadOffset = reference.PayloadOffset;
        e.TimestampNs = reference.TimestampNs;
        e.MetaVersion = reference.MetaVersion;
        reference.Pad.CopyTo(e.Pad);
        // The embedded TensorHeader is encoded straight into the slot: no copy.
        var t = TensorHeaderEncoder.WrapAndApplyHeader(e.ReserveHeaderBytes(192));
        t.Dtype = refTensor.Dtype;
        t.MajorOrder = refTensor.MajorOrder;
        t.Ndims = refTensor.Ndims;
        t.PadAlign = refTensor.PadAlign;
        t.ProgressUnit = refTensor.ProgressUnit;
        t.ProgressStrideBytes = refTensor.ProgressStrideBytes;
        refTensor.Dims.CopyTo(t.Dims);
        refTensor.Strides.CopyTo(t.Strides);
        refTensor.Pad.CopyTo(t.Pad);

        Assert.That(t.EncodedLength, Is.EqualTo(192));
        Assert.That(e.EncodedLength, Is.EqualTo(256));
        Assert.That(slot, Is.EqualTo(expected));
    }

    [Test]
    public void Superblock_encoder_updates_one_field_without_touching_the_others_7_1()
    {
        byte[] region = ReferenceFiles.Bytes("shm/superblock.bin");
        byte[] before = (byte[])region.Clone();

        var e = ShmRegionSuperblockEncoder.WrapBody(region);
        e.ActivityTimestampNs = 123456789; // producer refresh (§7.1)

        Assert.That(ShmRegionSuperblockDecoder.TryWrapBody(region, out var d), Is.True);
        Assert.That(d.ActivityTimestampNs, Is.EqualTo(123456789UL));
        Assert.That(region.AsSpan(0, ShmRegionSuperblockDecoder.ActivityTimestampNsOffset).SequenceEqual(before.AsSpan(0, 56)), Is.True);
    }
}
