namespace TensorPool.Sbe.Tests;

/// <summary>
/// Hostile bytes: every truncation and every single-bit flip of every reference message either decodes
/// or is rejected with a reason; nothing throws, hangs or reads outside the buffer (each message is
/// decoded from an exactly sized array, so a read past it would throw).
/// </summary>
public class MutationTests
{
    [TestCaseSource(typeof(ReferenceFiles), nameof(ReferenceFiles.Messages))]
    public void Every_truncation_is_rejected(string file)
    {
        byte[] bytes = ReferenceFiles.Bytes(file);
        for (int length = 0; length < bytes.Length; length++)
        {
            byte[] cut = bytes[..length];
            SbeRejectReason reason = SbeDemultiplexer.Dispatch(cut, new TouchAllHandler());
            Assert.That(reason, Is.Not.EqualTo(SbeRejectReason.None), $"{length} of {bytes.Length} bytes were accepted");
            Assert.That(SbeJsonCodec.TryDecode(cut, out _, out _, out SbeRejectReason again), Is.False);
            Assert.That(again, Is.EqualTo(reason));
        }
    }

    [TestCaseSource(typeof(ReferenceFiles), nameof(ReferenceFiles.Messages))]
    public void Every_bit_flip_decodes_or_is_rejected(string file)
    {
        byte[] bytes = ReferenceFiles.Bytes(file);
        var handler = new TouchAllHandler();
        int accepted = 0;
        for (int bit = 0; bit < bytes.Length * 8; bit++)
        {
            byte[] flipped = (byte[])bytes.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            SbeRejectReason reason = SbeDemultiplexer.Dispatch(flipped, handler);
            bool decoded = SbeJsonCodec.TryDecode(flipped, out string json, out int length, out SbeRejectReason again);
            Assert.That(decoded, Is.EqualTo(reason == SbeRejectReason.None), $"bit {bit}");
            Assert.That(again, Is.EqualTo(reason), $"bit {bit}");
            if (decoded)
            {
                Assert.That(length, Is.LessThanOrEqualTo(flipped.Length));
                Assert.That(json, Is.Not.Empty);
                accepted++;
            }
        }
        Assert.That(accepted, Is.GreaterThan(0), "flips of field values still decode");
    }

    [TestCase("shm/slot_header.bin")]
    [TestCase("shm/slot_tensor.bin")]
    public void Shm_slot_mutations_decode_or_are_rejected(string file)
    {
        byte[] bytes = ReferenceFiles.Bytes(file);
        for (int length = 0; length < bytes.Length; length++)
        {
            byte[] cut = bytes.AsSpan(0, length).ToArray(); // exactly sized: a read past it would throw
            Assert.That(Wire.SlotHeaderDecoder.TryWrapBody(cut, out _, out SbeRejectReason reason), Is.False, $"{length} bytes");
            Assert.That(reason, Is.AnyOf(SbeRejectReason.Truncated, SbeRejectReason.VarLengthBeyondBuffer));
        }
        for (int bit = 0; bit < bytes.Length * 8; bit++)
        {
            byte[] flipped = (byte[])bytes.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            if (Wire.SlotHeaderDecoder.TryWrapBody(flipped, out var slot))
            {
                Assert.That(slot.HeaderBytes.Length, Is.LessThanOrEqualTo(flipped.Length - 64));
                _ = Wire.TensorHeaderDecoder.TryWrap(slot.HeaderBytes, out var tensor) ? tensor.Dims[7] + tensor.Strides[7] : 0;
            }
        }
    }

    [Test]
    public void Bytes_changed_after_wrapping_never_lead_outside_the_buffer()
    {
        // Shared memory can change under a wrapped decoder; group headers and lengths are re-checked as they are read.
        var bytes = new byte[256];
        var e = Wire.ShmPoolAnnounceEncoder.WrapAndApplyHeader(bytes);
        var pools = e.PayloadPoolsCount(2);
        pools.Next();
        pools.PutRegionUri("a");
        pools.Next();
        pools.PutRegionUri("b");
        e.PutHeaderRegionUri("h");
        byte[] message = bytes[..e.EncodedLength];
        Assert.That(Wire.ShmPoolAnnounceDecoder.TryWrap(message, out var d), Is.True);

        BitConverter.TryWriteBytes(message.AsSpan(8 + 35 + 2), (ushort)60000); // numInGroup
        Assert.That(d.PayloadPools.Count, Is.Zero, "a count that no longer fits reads as an empty group");

        BitConverter.TryWriteBytes(message.AsSpan(8 + 35 + 2), (ushort)2);
        BitConverter.TryWriteBytes(message.AsSpan(8 + 35 + 4 + 10), 1_000_000u); // first regionUri length
        int seen = 0;
        foreach (var pool in d.PayloadPools)
        {
            seen++;
        }
        Assert.That(seen, Is.Zero, "an entry whose length no longer fits ends the enumeration");
        Assert.That(d.GetHeaderRegionUriString(), Is.EqualTo("h"), "top-level sections use the offsets checked at wrap");
    }

    [Test]
    public void Malformed_discovery_response_is_rejected_cleanly()
    {
        byte[] bytes = ReferenceFiles.Bytes("malformed/discovery_response.bin");

        Assert.That(Discovery.DiscoveryResponseDecoder.TryWrap(bytes, out _, out SbeRejectReason reason), Is.False);
        Assert.That(reason, Is.Not.EqualTo(SbeRejectReason.None));
        Assert.That(SbeDemultiplexer.Dispatch(bytes, new TouchAllHandler()), Is.EqualTo(reason));
    }

    [Test]
    public void Random_garbage_never_throws()
    {
        var random = new Random(900);
        var handler = new TouchAllHandler();
        for (int i = 0; i < 20000; i++)
        {
            var bytes = new byte[random.Next(0, 96)];
            random.NextBytes(bytes);
            if (bytes.Length >= 6 && i % 2 == 0)
            {
                // Aim half of them at a real schema and template so the body checks run.
                ReadOnlySpan<ushort> ids = SbeSchemas.Ids;
                BitConverter.TryWriteBytes(bytes.AsSpan(4), ids[random.Next(ids.Length)]);
                BitConverter.TryWriteBytes(bytes.AsSpan(2), (ushort)random.Next(1, 14));
            }
            SbeRejectReason reason = SbeDemultiplexer.Dispatch(bytes, handler);
            Assert.That(SbeJsonCodec.TryDecode(bytes, out _, out _, out SbeRejectReason again), Is.EqualTo(reason == SbeRejectReason.None));
            Assert.That(again, Is.EqualTo(reason));
        }
    }

    [Test]
    public void Group_count_beyond_the_buffer_is_rejected_before_any_entry_is_read()
    {
        byte[] bytes = ReferenceFiles.Bytes("messages/shm_pool_announce.bin");
        // numInGroup of payloadPools sits after the 8-byte header, the 35-byte block and the group's blockLength.
        BitConverter.TryWriteBytes(bytes.AsSpan(8 + 35 + 2), (ushort)60000);

        Assert.That(Wire.ShmPoolAnnounceDecoder.TryWrap(bytes, out _, out SbeRejectReason reason), Is.False);
        Assert.That(reason, Is.EqualTo(SbeRejectReason.GroupCountBeyondBuffer));
    }

    [Test]
    public void Var_length_over_the_schema_max_is_rejected()
    {
        byte[] bytes = ReferenceFiles.Bytes("messages/control_response.bin");
        BitConverter.TryWriteBytes(bytes.AsSpan(8 + 12), 1073741825u); // errorMessage length, maxValue + 1

        Assert.That(Wire.ControlResponseDecoder.TryWrap(bytes, out _, out SbeRejectReason reason), Is.False);
        Assert.That(reason, Is.EqualTo(SbeRejectReason.VarLengthOverMax));
    }

    [Test]
    public void Var_length_past_the_end_is_rejected()
    {
        byte[] bytes = ReferenceFiles.Bytes("messages/control_response.bin");
        BitConverter.TryWriteBytes(bytes.AsSpan(8 + 12), 3u); // "ok" is 2 bytes long

        Assert.That(Wire.ControlResponseDecoder.TryWrap(bytes, out _, out SbeRejectReason reason), Is.False);
        Assert.That(reason, Is.EqualTo(SbeRejectReason.VarLengthBeyondBuffer));
    }

    [Test]
    public void Group_block_smaller_than_its_fields_is_rejected()
    {
        byte[] bytes = ReferenceFiles.Bytes("messages/trace_link_set.bin");
        BitConverter.TryWriteBytes(bytes.AsSpan(8 + 28), (ushort)7); // parents entries need 8 bytes

        Assert.That(TraceLink.TraceLinkSetDecoder.TryWrap(bytes, out _, out SbeRejectReason reason), Is.False);
        Assert.That(reason, Is.EqualTo(SbeRejectReason.GroupBlockLengthTooSmall));
    }

    [TestCase(0, SbeRejectReason.Truncated)]
    [TestCase(7, SbeRejectReason.Truncated)]
    [TestCase(47, SbeRejectReason.Truncated)]
    public void Short_frame_descriptor_is_truncated(int length, SbeRejectReason expected)
    {
        var bytes = new byte[48];
        Wire.FrameDescriptorEncoder.WrapAndApplyHeader(bytes);
        Assert.That(Wire.FrameDescriptorDecoder.TryWrap(bytes.AsSpan(0, length), out _, out SbeRejectReason reason), Is.False);
        Assert.That(reason, Is.EqualTo(expected));
    }

    [Test]
    public void Header_checks_name_the_mismatch()
    {
        var bytes = new byte[48];
        Wire.FrameDescriptorEncoder.WrapAndApplyHeader(bytes);
        Assert.That(Wire.QosProducerDecoder.TryWrap(bytes, out _, out SbeRejectReason reason), Is.False);
        Assert.That(reason, Is.EqualTo(SbeRejectReason.WrongTemplateId));
        Assert.That(Driver.ShmLeaseKeepaliveDecoder.TryWrap(bytes, out _, out reason), Is.False);
        Assert.That(reason, Is.EqualTo(SbeRejectReason.WrongSchemaId));

        BitConverter.TryWriteBytes(bytes.AsSpan(6), (ushort)2); // version 2 > schema version 1
        Assert.That(Wire.FrameDescriptorDecoder.TryWrap(bytes, out _, out reason), Is.False);
        Assert.That(reason, Is.EqualTo(SbeRejectReason.UnsupportedVersion), "driver §4.4a: reject newer versions");

        BitConverter.TryWriteBytes(bytes.AsSpan(6), (ushort)1);
        BitConverter.TryWriteBytes(bytes.AsSpan(0), (ushort)39); // traceId needs the whole 40-byte block
        Assert.That(Wire.FrameDescriptorDecoder.TryWrap(bytes, out _, out reason), Is.False);
        Assert.That(reason, Is.EqualTo(SbeRejectReason.BlockLengthTooSmall));

        BitConverter.TryWriteBytes(bytes.AsSpan(2), (ushort)77);
        Assert.That(SbeDemultiplexer.Dispatch(bytes, new TouchAllHandler()), Is.EqualTo(SbeRejectReason.UnknownTemplate));
        BitConverter.TryWriteBytes(bytes.AsSpan(4), (ushort)777);
        Assert.That(SbeDemultiplexer.Dispatch(bytes, new TouchAllHandler()), Is.EqualTo(SbeRejectReason.UnknownSchema));
    }

    /// <summary>Reads every field, group entry and var data of what it is given, through the JSON writer.</summary>
    private sealed class TouchAllHandler : SbeMessageHandler
    {
        public int Touched { get; private set; }

        public override void OnShmPoolAnnounce(in Wire.ShmPoolAnnounceDecoder message)
        {
            Touched++;
            foreach (var pool in message.PayloadPools)
            {
                Touched += pool.RegionUri.Length + pool.PoolId;
            }
            Touched += message.HeaderRegionUri.Length;
        }

        public override void OnDiscoveryResponse(in Discovery.DiscoveryResponseDecoder message)
        {
            foreach (var result in message.Results)
            {
                foreach (var pool in result.PayloadPools)
                {
                    Touched += pool.RegionUri.Length;
                }
                foreach (var tag in result.Tags)
                {
                    Touched += tag.Tag.Length;
                }
                Touched += result.DriverControlChannel.Length;
            }
        }

        public override void OnFrameDescriptor(in Wire.FrameDescriptorDecoder message) => Touched += (int)message.StreamId & 1;
    }
}
