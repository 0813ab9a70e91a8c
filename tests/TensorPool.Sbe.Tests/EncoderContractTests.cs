using TensorPool.Sbe.Wire;

namespace TensorPool.Sbe.Tests;

/// <summary>What encoders promise and how they refuse misuse (exceptions: the buffer is the caller's own).</summary>
public class EncoderContractTests
{
    [Test]
    public void Frame_descriptor_round_trips_with_nullable_optionals_10_2_1()
    {
        Span<byte> buffer = stackalloc byte[64];
        var e = FrameDescriptorEncoder.WrapAndApplyHeader(buffer);
        e.StreamId = 10000;
        e.Epoch = 5;
        e.Seq = 42;
        e.MetaVersion = 3;
        Assert.That(e.EncodedLength, Is.EqualTo(48));

        Assert.That(FrameDescriptorDecoder.TryWrap(buffer[..48], out var d, out SbeRejectReason reason), Is.True, reason.ToString());
        Assert.That(d.StreamId, Is.EqualTo(10000u));
        Assert.That(d.Epoch, Is.EqualTo(5UL));
        Assert.That(d.Seq, Is.EqualTo(42UL));
        Assert.That(d.MetaVersion, Is.EqualTo(3u));
        Assert.That(d.TimestampNs, Is.Null, "WrapAndApplyHeader sets optional fields to null");
        Assert.That(d.TraceId, Is.Null);
        Assert.That(FrameDescriptorDecoder.TimestampNsNullValue, Is.EqualTo(ulong.MaxValue));
        Assert.That(buffer.Slice(8 + FrameDescriptorDecoder.TimestampNsOffset, 8).ToArray(), Is.All.EqualTo(0xFF));
    }

    [Test]
    public void Pool_announce_groups_and_var_data_10_1_1()
    {
        var buffer = new byte[256];
        var e = ShmPoolAnnounceEncoder.WrapAndApplyHeader(buffer);
        e.StreamId = 10000;
        e.AnnounceClockDomain = ClockDomain.Monotonic;
        e.HeaderSlotBytes = 256;
        var pools = e.PayloadPoolsCount(2);
        for (ushort i = 1; i <= 2; i++)
        {
            pools.Next();
            pools.PoolId = i;
            pools.PoolNslots = 64;
            pools.StrideBytes = 1u << (20 + i);
            pools.PutRegionUri($"shm:file?path=/dev/shm/tp/10000/1/{i}.pool");
        }
        e.PutHeaderRegionUri("shm:file?path=/dev/shm/tp/10000/1/header.ring"u8);

        Assert.That(ShmPoolAnnounceDecoder.TryWrap(buffer.AsSpan(0, e.EncodedLength), out var d), Is.True);
        Assert.That(d.AnnounceClockDomain, Is.EqualTo(ClockDomain.Monotonic));
        int n = 0;
        foreach (var p in d.PayloadPools)
        {
            n++;
            Assert.That(p.Index, Is.EqualTo(n - 1));
            Assert.That(p.PoolId, Is.EqualTo(n));
            Assert.That(p.StrideBytes, Is.EqualTo(1u << (20 + n)));
            Assert.That(p.GetRegionUriString(), Is.EqualTo($"shm:file?path=/dev/shm/tp/10000/1/{n}.pool"));
        }
        Assert.That(n, Is.EqualTo(2));
        Assert.That(d.GetHeaderRegionUriString(), Is.EqualTo("shm:file?path=/dev/shm/tp/10000/1/header.ring"));
    }

    [Test]
    public void Skipped_sections_are_encoded_empty()
    {
        var buffer = new byte[128];
        var e = ShmPoolAnnounceEncoder.WrapAndApplyHeader(buffer);
        Assert.That(e.EncodedLength, Is.EqualTo(ShmPoolAnnounceEncoder.MinEncodedLength));
        e.PutHeaderRegionUri("h"); // the group before it stays empty

        Assert.That(ShmPoolAnnounceDecoder.TryWrap(buffer.AsSpan(0, e.EncodedLength), out var d), Is.True);
        Assert.That(d.PayloadPools.Count, Is.Zero);
        Assert.That(d.PayloadPools.ActingBlockLength, Is.EqualTo(ShmPoolAnnounceDecoder.PayloadPoolsDecoder.BlockLength));
        Assert.That(d.GetHeaderRegionUriString(), Is.EqualTo("h"));
    }

    [Test]
    public void Sections_out_of_schema_order_throw()
    {
        var buffer = new byte[128];
        var e = ShmPoolAnnounceEncoder.WrapAndApplyHeader(buffer);
        e.PutHeaderRegionUri("h");
        try
        {
            e.PayloadPoolsCount(1);
            Assert.Fail("a group after a later section must throw");
        }
        catch (InvalidOperationException)
        {
        }
    }

    [Test]
    public void Group_entries_must_match_the_declared_count()
    {
        var buffer = new byte[256];
        var e = ShmPoolAnnounceEncoder.WrapAndApplyHeader(buffer);
        var pools = e.PayloadPoolsCount(2);
        pools.Next();
        Assert.Throws<InvalidOperationException>(() => _ = Length(buffer));
        bool threw = false;
        try
        {
            e.PutHeaderRegionUri("h");
        }
        catch (InvalidOperationException)
        {
            threw = true;
        }
        Assert.That(threw, Is.True, "moving on with an entry missing must throw");

        var again = ShmPoolAnnounceEncoder.WrapAndApplyHeader(buffer);
        var one = again.PayloadPoolsCount(1);
        one.Next();
        threw = false;
        try
        {
            one.Next();
        }
        catch (InvalidOperationException)
        {
            threw = true;
        }
        Assert.That(threw, Is.True, "more entries than declared must throw");

        static int Length(byte[] b)
        {
            var enc = ShmPoolAnnounceEncoder.WrapAndApplyHeader(b);
            var g = enc.PayloadPoolsCount(2);
            g.Next();
            return enc.EncodedLength;
        }
    }

    [Test]
    public void Too_small_buffers_throw_before_writing_past_them()
    {
        var small = new byte[47];
        Assert.Throws<SbeBufferTooSmallException>(() => FrameDescriptorEncoder.WrapAndApplyHeader(small));

        var buffer = new byte[ShmPoolAnnounceEncoder.MinEncodedLength + 3];
        var ex = Assert.Throws<SbeBufferTooSmallException>(() =>
        {
            var e = ShmPoolAnnounceEncoder.WrapAndApplyHeader(buffer);
            e.PutHeaderRegionUri("four");
        });
        Assert.That(ex!.Required, Is.EqualTo(ShmPoolAnnounceEncoder.MinEncodedLength + 4));
    }

    [Test]
    public void Var_data_over_the_schema_max_and_non_ascii_text_throw()
    {
        var buffer = new byte[4096];
        Assert.Throws<ArgumentException>(() =>
        {
            var e = ControlResponseEncoder.WrapAndApplyHeader(buffer);
            e.PutErrorMessage("café");
        });
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            var e = ControlResponseEncoder.WrapAndApplyHeader(buffer);
            e.ReserveErrorMessage(-1);
        });
    }

    [Test]
    public void Unwrapped_codecs_fault_instead_of_reading_memory()
    {
        Assert.Throws<NullReferenceException>(() => _ = default(FrameDescriptorDecoder).StreamId);
        Assert.Throws<NullReferenceException>(() =>
        {
            var e = default(FrameDescriptorEncoder);
            e.StreamId = 1;
        });
        Assert.Throws<NullReferenceException>(() =>
        {
            var buffer = new byte[256];
            var e = ShmPoolAnnounceEncoder.WrapAndApplyHeader(buffer);
            var pools = e.PayloadPoolsCount(1);
            pools.PoolId = 1; // before Next(): no entry to write
        });
    }

    [Test]
    public void Unknown_enum_values_are_reported_not_mapped_15_8()
    {
        var full = new byte[192];
        var e = TensorHeaderEncoder.WrapAndApplyHeader(full);
        e.Dtype = (Dtype)12; // unassigned in §15.8
        Assert.That(TensorHeaderDecoder.TryWrap(full, out var d), Is.True);
        Assert.That(d.DtypeRaw, Is.EqualTo(12));
        Assert.That(d.TryGetDtype(out _), Is.False);
        Assert.That(d.Dtype.IsKnown(), Is.False);
        Assert.That(d.Dtype.ToSbeName(), Is.Null);
        Assert.That(d.TryGetMajorOrder(out MajorOrder order), Is.True);
        Assert.That(order, Is.EqualTo(MajorOrder.Unknown));
    }

    [Test]
    public void Tensor_header_arrays_write_in_place_8_2()
    {
        var buffer = new byte[192];
        var e = TensorHeaderEncoder.WrapAndApplyHeader(buffer);
        e.Ndims = 2;
        e.Dims[0] = 480;
        e.SetDims(1, 640);
        e.Strides[0] = 640 * 4;
        e.SetStrides(1, 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => TensorHeaderEncoder.WrapAndApplyHeader(new byte[192]).SetDims(8, 1));

        Assert.That(TensorHeaderDecoder.TryWrap(buffer, out var d), Is.True);
        Assert.That(d.Dims[..2].ToArray(), Is.EqualTo(new[] { 480, 640 }));
        Assert.That(d.GetStrides(0), Is.EqualTo(2560));
        Assert.That(BitConverter.ToInt32(buffer, 8 + TensorHeaderDecoder.DimsOffset + 4), Is.EqualTo(640));
    }
}
