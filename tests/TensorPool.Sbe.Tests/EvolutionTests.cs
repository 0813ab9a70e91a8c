using TensorPool.Sbe.EvolutionV1;
using V2 = TensorPool.Sbe.EvolutionV2;

namespace TensorPool.Sbe.Tests;

/// <summary>
/// Schema evolution (SBE): decoders use the header's blockLength and version; fields, groups and data
/// newer than the message read as absent; larger blocks are skipped; smaller ones than the fields need
/// are rejected. Schemas 990 v1 and v2 (tests/TensorPool.Sbe.Tests/Schemas) differ by sinceVersion="2" members.
/// </summary>
public class EvolutionTests
{
    [Test]
    public void Newer_decoder_reads_an_older_message_with_new_members_absent()
    {
        byte[] v1 = EncodeV1();

        Assert.That(V2.SampleDecoder.TryWrap(v1, out var d, out SbeRejectReason reason), Is.True, reason.ToString());
        Assert.That(d.ActingVersion, Is.EqualTo(1));
        Assert.That(d.ActingBlockLength, Is.EqualTo(SampleDecoder.BlockLength));
        Assert.That(d.Id, Is.EqualTo(77UL));
        Assert.That(d.Extra, Is.Null, "sinceVersion 2 field of a version 1 message");
        Assert.That(d.Temperature, Is.Null);
        Assert.That(d.GetLabelString(), Is.EqualTo("hello"));
        Assert.That(d.Comment.Length, Is.Zero, "sinceVersion 2 data is absent");
        var items = d.Items;
        Assert.That(items.Count, Is.EqualTo(2));
        Assert.That(items.MoveNext(), Is.True);
        Assert.That(items.Value, Is.EqualTo(-5));
        Assert.That(items.Weight, Is.Null, "sinceVersion 2 group field");
        Assert.That(items.Tail.Length, Is.Zero);
        Assert.That(items.Subs.Count, Is.EqualTo(1));
        Assert.That(items.Blob.Length, Is.Zero);
        Assert.That(items.MoveNext(), Is.True);
        Assert.That(items.Blob.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(d.EncodedLength, Is.EqualTo(v1.Length));
    }

    [Test]
    public void Older_decoder_rejects_a_newer_version()
    {
        byte[] v2 = EncodeV2();
        Assert.That(SampleDecoder.TryWrap(v2, out _, out SbeRejectReason reason), Is.False);
        Assert.That(reason, Is.EqualTo(SbeRejectReason.UnsupportedVersion));
    }

    [Test]
    public void Decoder_skips_unknown_trailing_fields_of_a_larger_block()
    {
        // A version 2 layout announced as version 1: the v1 decoder reads its fields and skips the rest
        // of each block (message and group entries) by the blockLength on the wire.
        byte[] v2 = EncodeV2();
        BitConverter.TryWriteBytes(v2.AsSpan(6), (ushort)1);

        Assert.That(SampleDecoder.TryWrap(v2, out var d, out SbeRejectReason reason), Is.True, reason.ToString());
        Assert.That(d.ActingBlockLength, Is.EqualTo(V2.SampleDecoder.BlockLength));
        Assert.That(d.ActingBlockLength, Is.GreaterThan(SampleDecoder.BlockLength));
        Assert.That(d.Id, Is.EqualTo(99UL));
        Assert.That(d.Color, Is.EqualTo(Color.DarkGreen));
        var items = d.Items;
        Assert.That(items.ActingBlockLength, Is.EqualTo(V2.SampleDecoder.ItemsDecoder.BlockLength));
        Assert.That(items.MoveNext(), Is.True);
        Assert.That(items.Value, Is.EqualTo(12));
        Assert.That(items.Subs.Count, Is.Zero);
        // (Data sections added by version 2 cannot be skipped by a version 1 reader: SBE puts no length
        // on a section list, which is why a newer version must be announced as such.)
    }

    [Test]
    public void Larger_block_of_a_real_message_is_skipped()
    {
        var bytes = new byte[200];
        var e = Wire.ShmPoolAnnounceEncoder.WrapAndApplyHeader(bytes);
        e.StreamId = 7;
        var pools = e.PayloadPoolsCount(1);
        pools.Next();
        pools.PoolId = 3;
        pools.PutRegionUri("shm:file?path=/dev/shm/x/1.pool");
        e.PutHeaderRegionUri("shm:file?path=/dev/shm/x/header.ring");
        int length = e.EncodedLength;

        // Insert 5 unknown bytes at the end of the block and announce a 40-byte block.
        byte[] wider = [.. bytes.AsSpan(0, 8 + 35), 9, 9, 9, 9, 9, .. bytes.AsSpan(8 + 35, length - 8 - 35)];
        BitConverter.TryWriteBytes(wider.AsSpan(0), (ushort)40);

        Assert.That(Wire.ShmPoolAnnounceDecoder.TryWrap(wider, out var d, out SbeRejectReason reason), Is.True, reason.ToString());
        Assert.That(d.StreamId, Is.EqualTo(7u));
        Assert.That(d.ActingBlockLength, Is.EqualTo(40));
        foreach (var p in d.PayloadPools)
        {
            Assert.That(p.PoolId, Is.EqualTo(3));
            Assert.That(p.GetRegionUriString(), Is.EqualTo("shm:file?path=/dev/shm/x/1.pool"));
        }
        Assert.That(d.GetHeaderRegionUriString(), Is.EqualTo("shm:file?path=/dev/shm/x/header.ring"));
        Assert.That(d.EncodedLength, Is.EqualTo(wider.Length));
    }

    [Test]
    public void Block_smaller_than_the_acting_version_needs_is_rejected()
    {
        byte[] v1 = EncodeV1();
        BitConverter.TryWriteBytes(v1.AsSpan(0), (ushort)(SampleDecoder.BlockLength - 1));
        Assert.That(SampleDecoder.TryWrap(v1, out _, out SbeRejectReason reason), Is.False);
        Assert.That(reason, Is.EqualTo(SbeRejectReason.BlockLengthTooSmall));

        // The v2 decoder needs only the v1 fields of a version 1 message.
        byte[] again = EncodeV1();
        Assert.That(V2.SampleDecoder.TryWrap(again, out _), Is.True);
        Assert.That(V2.SampleDecoder.TryWrapBody(again.AsSpan(8), SampleDecoder.BlockLength, 2, out _, out reason), Is.False);
        Assert.That(reason, Is.EqualTo(SbeRejectReason.BlockLengthTooSmall), "as version 2 the same block is too small");
    }

    [Test]
    public void Sets_floats_constants_and_optional_enums_round_trip()
    {
        byte[] bytes = EncodeV2();
        Assert.That(V2.SampleDecoder.TryWrap(bytes, out var d), Is.True);
        Assert.That(d.Flags, Is.EqualTo(V2.Flags.A | V2.Flags.B));
        Assert.That(V2.FlagsExtensions.IsKnown(d.Flags), Is.True);
        Assert.That(V2.FlagsExtensions.IsKnown((V2.Flags)0x02), Is.False, "bit 1 is not a choice");
        Assert.That(d.Ratio, Is.EqualTo(0.25));
        Assert.That(d.Vec.ToArray(), Is.EqualTo(new[] { 1.5f, -2f, 3f }));
        Assert.That(V2.SampleDecoder.Answer, Is.EqualTo(42));
        Assert.That(d.Shade, Is.Null, "optional enum with nullValue 0");
        Assert.That(d.TryGetShade(out _), Is.False);
        Assert.That(d.Small, Is.EqualTo((sbyte)-3));
        Assert.That(d.Temperature, Is.EqualTo(21.5f));
        Assert.That(d.Extra, Is.EqualTo(5u));
        Assert.That(System.Text.Encoding.ASCII.GetString(d.Name), Is.EqualTo("abcdefgh"));
        Assert.That(d.GetCommentString(), Is.EqualTo("v2"));
    }

    internal static byte[] EncodeV1()
    {
        var buffer = new byte[512];
        var e = SampleEncoder.WrapAndApplyHeader(buffer);
        e.Id = 77;
        e.Color = Color.Red;
        e.Flags = Flags.B;
        e.Ratio = 2.5;
        "abcdefgh"u8.CopyTo(e.Name);
        e.Vec[1] = 4f;
        e.Small = null;
        var items = e.ItemsCount(2);
        items.Next();
        items.Value = -5;
        var subs = items.SubsCount(1);
        subs.Next();
        subs.X = 8;
        subs.PutNote("n");
        items.Next();
        items.Value = 6;
        items.PutBlob([1, 2, 3]);
        e.PutLabel("hello");
        return buffer[..e.EncodedLength];
    }

    internal static byte[] EncodeV2()
    {
        var buffer = new byte[512];
        var e = V2.SampleEncoder.WrapAndApplyHeader(buffer);
        e.Id = 99;
        e.Color = V2.Color.DarkGreen;
        e.Flags = V2.Flags.A | V2.Flags.B;
        e.Ratio = 0.25;
        "abcdefgh"u8.CopyTo(e.Name);
        e.SetVec(0, 1.5f);
        e.SetVec(1, -2f);
        e.SetVec(2, 3f);
        e.Small = -3;
        e.Extra = 5;
        e.Temperature = 21.5f;
        var items = e.ItemsCount(1);
        items.Next();
        items.Value = 12;
        items.Weight = 4;
        e.PutLabel("v2 label");
        e.PutComment("v2");
        return buffer[..e.EncodedLength];
    }
}
