using TensorPool.Native.Internal;
using TensorPool.Producers;
using TensorPool.Sbe.Wire;
using TensorPool.Transport;

namespace TensorPool.Client.Tests.DataPath;

/// <summary>
/// A hand-driven producer for consumer tests: real regions in the canonical layout, announces and descriptors sent
/// when the test says, and slots written field by field through the native core (or poked byte by byte), so a test
/// can craft exactly the slot a rule is about.
/// </summary>
internal sealed unsafe class CraftedStream : IDisposable
{
    private readonly Harness _harness;
    private readonly IPublication _control;
    private readonly IPublication _descriptors;

    public CraftedStream(Harness harness, int nslots = 8, uint stride = 256, uint streamId = 10000)
    {
        _harness = harness;
        Options = new ProducerOptions { StreamId = streamId, HeaderNslots = nslots, Pools = [new PayloadPoolOptions(1, stride)] };
        Attachment = new OwnedRegionProvider(harness.Dir.Path, harness.Options.Namespace, null).Attach(Options);
        Messages = new ProducerMessages(Attachment, 77, Options);
        _control = harness.Transport.AddPublication(harness.Options.Channel, harness.Options.ControlStreamId);
        _descriptors = harness.Transport.AddPublication(harness.Options.Channel, harness.Options.DescriptorStreamId);
    }

    public delegate void FieldsEditor(ref TpSlotFields fields);

    public delegate void SlotEditor(Span<byte> slot);

    public ProducerOptions Options { get; }

    public ProducerAttachment Attachment { get; }

    public ProducerMessages Messages { get; }

    public ulong Epoch => Attachment.Epoch;

    public uint Nslots => Attachment.HeaderNslots;

    /// <summary>Refresh activity and announce, stamped now (as a producer's conductor does).</summary>
    public void Announce()
    {
        ulong now = (ulong)_harness.Clock.NanoTime();
        Attachment.StoreActivity(now);
        _control.Offer(Messages.Announce(now));
    }

    /// <summary>Send raw bytes on the control stream.</summary>
    public void SendControl(ReadOnlySpan<byte> message) => _control.Offer(message);

    /// <summary>Send raw bytes on the descriptor stream.</summary>
    public void SendDescriptorBytes(ReadOnlySpan<byte> message) => _descriptors.Offer(message);

    /// <summary>A FrameDescriptor for <paramref name="seq"/> (this epoch unless given).</summary>
    public void Describe(ulong seq, ulong? epoch = null, uint? streamId = null)
    {
        byte[] buffer = new byte[FrameDescriptorEncoder.MinEncodedLength];
        var d = FrameDescriptorEncoder.WrapAndApplyHeader(buffer);
        d.StreamId = streamId ?? Options.StreamId;
        d.Epoch = epoch ?? Epoch;
        d.Seq = seq;
        _descriptors.Offer(buffer);
    }

    /// <summary>
    /// Write frame <paramref name="seq"/>: begin, payload filled with the low byte of seq, a valid 1-D UINT8 header of
    /// <paramref name="length"/> bytes edited by <paramref name="edit"/>, raw bytes edited by <paramref name="poke"/>,
    /// then commit (unless told not to).
    /// </summary>
    public void WriteSlot(ulong seq, int length = 64, FieldsEditor? edit = null, SlotEditor? poke = null, bool commit = true)
    {
        uint index = (uint)(seq & (Nslots - 1));
        byte* slot = SlotPointer(index);
        NativeMethods.tp_seqlock_write_begin((ulong*)slot, seq);
        AttachedPool pool = Attachment.Pools[0];
        new Span<byte>(pool.Base + 64 + (index * pool.StrideBytes), (int)Math.Min(length, pool.StrideBytes)).Fill((byte)seq);
        TpSlotFields fields = default;
        fields.ValuesLenBytes = (uint)length;
        fields.PayloadSlot = index;
        fields.PoolId = pool.PoolId;
        fields.TimestampNs = 5;
        fields.Dtype = (short)Dtype.Uint8;
        fields.MajorOrder = (short)MajorOrder.Row;
        fields.Ndims = 1;
        fields.Dims[0] = length;
        edit?.Invoke(ref fields);
        int ndims = fields.Ndims;
        if (ndims > 8)
        {
            fields.Ndims = 8; // tp_header_slot_write refuses more; the poke below writes the real value
        }
        Assert.That(NativeMethods.tp_header_slot_write(slot, &fields), Is.Zero);
        var bytes = new Span<byte>(slot, TpSlotConstants.HeaderSlotBytes);
        if (ndims > 8)
        {
            bytes[TpSlotConstants.SlotOffsetTensorHeader + TpSlotConstants.TensorOffsetNdims] = (byte)ndims;
        }
        poke?.Invoke(bytes);
        if (commit)
        {
            NativeMethods.tp_seqlock_write_commit((ulong*)slot, seq);
        }
    }

    /// <summary>The slot at <paramref name="index"/> in the header ring.</summary>
    public byte* SlotPointer(uint index) => Attachment.HeaderBase + 64 + (index * 256);

    public void Dispose()
    {
        _control.Dispose();
        _descriptors.Dispose();
        Attachment.Dispose();
    }
}
