using System.Buffers.Binary;
using TensorPool.Consumers;
using TensorPool.Frames;
using TensorPool.Native.Internal;
using TensorPool.Sbe.Wire;

namespace TensorPool.Client.Tests.DataPath;

/// <summary>
/// Every DROP rule of wire spec §10.2.1, §15.18 and §15.21 through the C# consumer, with crafted slots and
/// descriptors: the frame is never delivered and the drop lands in the right counter (the native rules themselves
/// are tested natively; here, the mapping of each native reason to a counter).
/// </summary>
public unsafe class DropRuleTests : CraftedStreamFixture
{
    [SetUp]
    public void SetUp()
    {
        Crafted.Announce();
        H.Work();
        Assert.That(Harness.PollAll(Reader), Is.Empty);
        Assert.That(Reader.State, Is.EqualTo(MappingState.Mapped), () => Reader.LastAnnounceRejection ?? "");
    }

    private List<Harness.SeenFrame> Deliver(ulong seq)
    {
        Crafted.Describe(seq);
        return Harness.PollAll(Reader);
    }

    private void AssertInvalid(SlotRejectReason reason, CraftedStream.FieldsEditor? edit = null, CraftedStream.SlotEditor? poke = null, int length = 64)
    {
        Crafted.WriteSlot(0, length, edit, poke);
        Assert.That(Deliver(0), Is.Empty, "a dropped frame is never delivered");
        ConsumerCounters c = Reader.Counters;
        Assert.That(c.DropsInvalid, Is.EqualTo(1));
        Assert.That(Reader.GetSlotRejects(reason), Is.EqualTo(1));
        Assert.That(c.FramesAccepted + c.DropsLate + c.DropsGap, Is.Zero);
        // The consumer keeps going: the next good frame is accepted.
        Crafted.WriteSlot(1);
        Assert.That(Deliver(1).Single().Seq, Is.EqualTo(1UL));
    }

    [Test]
    public void Valid_crafted_frame_is_accepted()
    {
        Crafted.WriteSlot(0, 32);
        Harness.SeenFrame f = Deliver(0).Single();
        Assert.That(f.Payload, Is.EqualTo(Enumerable.Repeat((byte)0, 32)));
        Assert.That(f.ValidAfterRead, Is.True);
        Assert.That(Reader.Counters.FramesAccepted, Is.EqualTo(1));
    }

    [Test]
    public void Descriptor_before_any_mapping_is_dropped_as_unmapped_15_21()
    {
        using Consumer other = H.Client.AddConsumer(20000);
        Crafted.Describe(0, streamId: 20000);
        Assert.That(Harness.PollAll(other), Is.Empty);
        Assert.That(other.Counters.DropsUnmapped, Is.EqualTo(1));
        Assert.That(Reader.Counters.DescriptorsReceived, Is.Zero, "another stream's descriptor is not this consumer's");
    }

    [Test]
    public void Descriptor_with_another_epoch_is_dropped_10_2_1()
    {
        Crafted.WriteSlot(0);
        Crafted.Describe(0, epoch: Crafted.Epoch + 1);
        Assert.That(Harness.PollAll(Reader), Is.Empty);
        Assert.That(Reader.Counters.DropsEpoch, Is.EqualTo(1));
    }

    [Test]
    public void Slot_still_being_written_for_this_seq_is_dropped_15_21_rule_2()
    {
        Crafted.WriteSlot(0, commit: false);
        Assert.That(Deliver(0), Is.Empty);
        Assert.That(Reader.GetSlotRejects(SlotRejectReason.NotCommitted), Is.EqualTo(1));
        Assert.That(Reader.Counters.DropsInvalid, Is.EqualTo(1), "not overwritten by a newer frame: a stale slot");
    }

    [Test]
    public void Slot_being_overwritten_by_a_newer_frame_is_late_15_4()
    {
        Crafted.WriteSlot(8, commit: false); // 8 & 7 == 0: the producer lapped the reader and is writing now
        Assert.That(Deliver(0), Is.Empty);
        Assert.That(Reader.GetSlotRejects(SlotRejectReason.NotCommitted), Is.EqualTo(1));
        Assert.That(Reader.Counters.DropsLate, Is.EqualTo(1));
    }

    [Test]
    public void Slot_holding_a_newer_sequence_is_late_10_2_1()
    {
        Crafted.WriteSlot(8);
        Assert.That(Deliver(0), Is.Empty);
        Assert.That(Reader.GetSlotRejects(SlotRejectReason.SeqMismatch), Is.EqualTo(1));
        Assert.That(Reader.Counters.DropsLate, Is.EqualTo(1));
    }

    [Test]
    public void Slot_holding_an_older_sequence_is_a_stale_reuse_drop_10_2_1() =>
        AssertStale();

    private void AssertStale()
    {
        Crafted.WriteSlot(0);
        Crafted.Describe(0);
        Harness.PollAll(Reader);
        Assert.That(Deliver(8), Is.Empty, "slot 0 still holds seq 0");
        Assert.That(Reader.GetSlotRejects(SlotRejectReason.SeqMismatch), Is.EqualTo(1));
        Assert.That(Reader.Counters.DropsInvalid, Is.EqualTo(1));
    }

    [Test]
    public void Frame_overwritten_while_the_handler_reads_it_is_late_not_accepted_15_3()
    {
        Crafted.WriteSlot(0);
        Crafted.Describe(0);
        bool? stillValid = null;
        Reader.Poll((in Frame f) =>
        {
            Crafted.WriteSlot(8); // the producer laps the reader mid-read
            stillValid = f.IsStillValid();
        }, 10);
        Assert.That(stillValid, Is.False);
        ConsumerCounters c = Reader.Counters;
        Assert.That(c.FramesAccepted, Is.Zero);
        Assert.That(c.DropsLate, Is.EqualTo(1));
        Assert.That(Reader.GetSlotRejects(SlotRejectReason.Changed), Is.EqualTo(1));
    }

    [Test]
    public void Copy_of_a_frame_overwritten_while_copied_is_named_torn_and_counted_late_15_3()
    {
        Crafted.WriteSlot(0);
        Crafted.Describe(0);
        FrameCopyResult? result = null;
        bool? copied = null;
        Reader.Poll((in Frame f) =>
        {
            Crafted.WriteSlot(8); // the producer laps the reader mid-copy
            result = f.CopyPayloadTo(new byte[f.ValuesLenBytes]);
            copied = f.TryCopyTo(new byte[f.ValuesLenBytes]);
        }, 10);
        Assert.That(result, Is.EqualTo(FrameCopyResult.Torn));
        Assert.That(copied, Is.False);
        ConsumerCounters c = Reader.Counters;
        Assert.That(c.FramesAccepted, Is.Zero);
        Assert.That(c.DropsLate, Is.EqualTo(1));
    }

    [Test]
    public void Frame_overwritten_after_an_unchecked_handler_is_late_not_accepted_15_3()
    {
        Crafted.WriteSlot(0);
        Crafted.Describe(0);
        Reader.Poll((in Frame f) => Crafted.WriteSlot(8), 10);
        Assert.That(Reader.Counters.FramesAccepted, Is.Zero);
        Assert.That(Reader.Counters.DropsLate, Is.EqualTo(1));
    }

    [Test]
    public void Handler_that_throws_still_accounts_the_frame()
    {
        Crafted.WriteSlot(0);
        Crafted.Describe(0);
        Assert.Throws<InvalidOperationException>(() => Reader.Poll((in Frame f) => throw new InvalidOperationException("app bug"), 10));
        Assert.That(Reader.Counters.FramesAccepted, Is.EqualTo(1));
        Crafted.WriteSlot(1);
        Assert.That(Deliver(1).Single().Seq, Is.EqualTo(1UL), "the consumer is usable after the exception");
    }

    [Test]
    public void Poll_from_inside_a_handler_is_misuse()
    {
        Crafted.WriteSlot(0);
        Crafted.Describe(0);
        Consumer consumer = Reader;
        bool threw = false;
        consumer.Poll((in Frame f) =>
        {
            try
            {
                consumer.Poll(static (in Frame _) => { }, 1);
            }
            catch (InvalidOperationException)
            {
                threw = true;
            }
        }, 10);
        Assert.That(threw, Is.True);
    }

    [Test]
    public void HeaderBytes_of_the_wrong_length_are_dropped_8_3() =>
        AssertInvalid(SlotRejectReason.HeaderLength, poke: s => BinaryPrimitives.WriteUInt32LittleEndian(s[TpSlotConstants.SlotOffsetHeaderBytesLength..], 191));

    [Test]
    public void Embedded_block_length_other_than_184_is_dropped_15_21_rule_3() =>
        AssertInvalid(SlotRejectReason.HeaderBlockLength, poke: s => BinaryPrimitives.WriteUInt16LittleEndian(s[64..], 183));

    [Test]
    public void Embedded_template_other_than_TensorHeader_is_dropped_15_18() =>
        AssertInvalid(SlotRejectReason.HeaderTemplateId, poke: s => BinaryPrimitives.WriteUInt16LittleEndian(s[66..], 51));

    [Test]
    public void Embedded_schema_other_than_900_is_dropped_8_3() =>
        AssertInvalid(SlotRejectReason.HeaderSchemaId, poke: s => BinaryPrimitives.WriteUInt16LittleEndian(s[68..], 901));

    [Test]
    public void Embedded_version_other_than_1_is_dropped_8_3() =>
        AssertInvalid(SlotRejectReason.HeaderVersion, poke: s => BinaryPrimitives.WriteUInt16LittleEndian(s[70..], 2));

    [Test]
    public void Nonzero_payload_offset_is_dropped_8_2() =>
        AssertInvalid(SlotRejectReason.PayloadOffset, (ref TpSlotFields f) => f.PayloadOffset = 64);

    [Test]
    public void Payload_slot_other_than_the_header_index_is_dropped_15_5() =>
        AssertInvalid(SlotRejectReason.PayloadSlotMismatch, (ref TpSlotFields f) => f.PayloadSlot = 3);

    [Test]
    public void Pool_id_not_announced_is_dropped_10_2_1() =>
        AssertInvalid(SlotRejectReason.PoolUnknown, (ref TpSlotFields f) => f.PoolId = 9);

    [Test]
    public void Values_len_larger_than_the_stride_is_dropped_10_2_1() =>
        AssertInvalid(SlotRejectReason.ValuesLen, (ref TpSlotFields f) => { f.ValuesLenBytes = 257; f.Dims[0] = 257; });

    [Test]
    public void Zero_dimensions_are_dropped_8_2() =>
        AssertInvalid(SlotRejectReason.Ndims, (ref TpSlotFields f) => f.Ndims = 0);

    [Test]
    public void More_than_eight_dimensions_are_dropped_8_2() =>
        AssertInvalid(SlotRejectReason.Ndims, (ref TpSlotFields f) => f.Ndims = 9);

    [Test]
    public void Unknown_dtype_is_dropped_15_8() =>
        AssertInvalid(SlotRejectReason.Dtype, (ref TpSlotFields f) => f.Dtype = 12);

    [Test]
    public void Unknown_major_order_is_dropped_15_8() =>
        AssertInvalid(SlotRejectReason.MajorOrder, (ref TpSlotFields f) => f.MajorOrder = 0);

    [Test]
    public void Negative_dimension_is_dropped_8_2() =>
        AssertInvalid(SlotRejectReason.DimsNegative, (ref TpSlotFields f) => f.Dims[0] = -1);

    [Test]
    public void Negative_stride_is_dropped_8_2() =>
        AssertInvalid(SlotRejectReason.StridesNegative, (ref TpSlotFields f) => f.Strides[0] = -1);

    [Test]
    public void Overlapping_strides_are_dropped_8_2() =>
        AssertInvalid(SlotRejectReason.StridesLayout, (ref TpSlotFields f) =>
        {
            f.Ndims = 2;
            f.Dims[0] = 4;
            f.Dims[1] = 4;
            f.Strides[0] = 2;
            f.Strides[1] = 1;
        });

    [Test]
    public void Layout_past_values_len_is_dropped_D7() =>
        AssertInvalid(SlotRejectReason.Extent, (ref TpSlotFields f) => f.Dims[0] = 65);

    [Test]
    public void Unknown_progress_unit_is_dropped_8_2() =>
        AssertInvalid(SlotRejectReason.ProgressUnit, (ref TpSlotFields f) => f.ProgressUnit = 3);

    [Test]
    public void Progress_stride_inconsistent_with_the_layout_is_dropped_8_2() =>
        AssertInvalid(SlotRejectReason.ProgressStride, (ref TpSlotFields f) =>
        {
            f.Ndims = 2;
            f.Dims[0] = 8;
            f.Dims[1] = 8;
            f.ProgressUnit = (byte)ProgressUnit.Rows;
            f.ProgressStrideBytes = 4;
        });

    [Test]
    public void Sequence_gaps_are_counted_as_drops_gap_15_4()
    {
        foreach (ulong seq in new ulong[] { 0, 1, 5 })
        {
            Crafted.WriteSlot(seq);
            Crafted.Describe(seq);
        }
        Assert.That(Harness.PollAll(Reader).Select(f => f.Seq), Is.EqualTo(new ulong[] { 0, 1, 5 }));
        ConsumerCounters c = Reader.Counters;
        Assert.That(c.DropsGap, Is.EqualTo(3));
        Assert.That(c.FramesAccepted + c.DropsTotal, Is.EqualTo(6));
        Assert.That(c.FirstSeqSeen, Is.Zero);
        Assert.That(c.LastSeqSeen, Is.EqualTo(5UL));
    }

    [Test]
    public void Sequence_going_backwards_is_dropped_and_forces_a_remap_15_2()
    {
        foreach (ulong seq in new ulong[] { 0, 1, 2 })
        {
            Crafted.WriteSlot(seq);
            Crafted.Describe(seq);
        }
        Harness.PollAll(Reader);
        Crafted.Describe(1);
        Assert.That(Harness.PollAll(Reader), Is.Empty);
        Assert.That(Reader.Counters.DropsRegressed, Is.EqualTo(1));
        Assert.That(Reader.State, Is.EqualTo(MappingState.Unmapped));
        H.Work();
        Crafted.Announce();
        H.Work();
        Harness.PollAll(Reader);
        Assert.That(Reader.State, Is.EqualTo(MappingState.Mapped), "the next announce maps again");
        Assert.That(Reader.Counters.Mappings, Is.EqualTo(2));
    }

    [Test]
    public void Older_epoch_descriptor_never_resets_sequence_tracking_15_21()
    {
        Crafted.WriteSlot(0);
        Crafted.Describe(0);
        Crafted.Describe(5, epoch: Crafted.Epoch - 1);
        Crafted.WriteSlot(1);
        Crafted.Describe(1);
        Assert.That(Harness.PollAll(Reader).Select(f => f.Seq), Is.EqualTo(new ulong[] { 0, 1 }));
        ConsumerCounters c = Reader.Counters;
        Assert.That(c.DropsEpoch, Is.EqualTo(1));
        Assert.That(c.DropsGap, Is.Zero);
    }

    [Test]
    public void Falling_more_than_max_outstanding_seq_gap_behind_resyncs_to_the_latest_15_4()
    {
        // The producer writes 0..999 into an 8-slot ring before the consumer reads a single descriptor.
        const int frames = 1000;
        for (ulong seq = 0; seq < frames; seq++)
        {
            Crafted.WriteSlot(seq);
            Crafted.Describe(seq);
        }
        List<Harness.SeenFrame> seen = Harness.PollAll(Reader);
        ConsumerCounters c = Reader.Counters;
        Assert.That(c.Resyncs, Is.EqualTo(1));
        Assert.That(c.DropsLate, Is.EqualTo(1), "the first read finds slot 0 holding seq 992, 992 > 256 behind: resync");
        Assert.That(c.DropsResync, Is.EqualTo(995), "descriptors 1..995 are passed over, the newest half ring kept");
        Assert.That(c.DescriptorsReceived, Is.EqualTo(5), "the passed-over descriptors are never read");
        Assert.That(seen.Select(f => f.Seq), Is.EqualTo(Enumerable.Range(996, 4).Select(i => (ulong)i)));
        Assert.That(c.FramesAccepted + c.DropsTotal, Is.EqualTo(frames));
    }

    [Test]
    public void Malformed_descriptor_bytes_are_counted_never_thrown()
    {
        Crafted.SendDescriptorBytes([1, 2, 3]);
        byte[] truncated = new byte[20];
        var d = FrameDescriptorEncoder.WrapAndApplyHeader(new byte[FrameDescriptorEncoder.MinEncodedLength]);
        d.Buffer[..20].CopyTo(truncated);
        Crafted.SendDescriptorBytes(truncated);
        Assert.That(Harness.PollAll(Reader), Is.Empty);
        Assert.That(Reader.Counters.MalformedDescriptors, Is.EqualTo(2));
        Assert.That(Reader.Counters.DescriptorsReceived, Is.Zero);
    }

    [Test]
    public void Slot_reject_reasons_are_the_native_frame_statuses()
    {
        foreach (SlotRejectReason reason in Enum.GetValues<SlotRejectReason>())
        {
            string native = NativeMethods.tp_frame_status_name_string((int)reason)!;
            string expected = "TP_FRAME_DROP_" + string.Concat(reason.ToString().Select((ch, i) => i > 0 && char.IsUpper(ch) ? "_" + ch : ch.ToString())).ToUpperInvariant();
            Assert.That(native, Is.EqualTo(expected));
        }
        Assert.That(Enum.GetValues<SlotRejectReason>(), Has.Length.EqualTo((int)TpFrameStatus.StatusCount - 1));
    }
}
