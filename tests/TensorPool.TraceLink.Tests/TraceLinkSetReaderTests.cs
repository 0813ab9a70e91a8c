using TensorPool.Sbe.TraceLink;
using TensorPool.Testing;
using TensorPool.TraceLink;

namespace TensorPool.TraceLink.Tests;

/// <summary>Receiving TraceLinkSets (TraceLink §9.2, §13): every rule refused with its reason, never an exception.</summary>
public class TraceLinkSetReaderTests
{
    private TraceLinkSetReader _reader = null!;

    [SetUp]
    public void SetUp() => _reader = new TraceLinkSetReader();

    private TraceLinkRejectReason Read(byte[] message) =>
        _reader.TryRead(message, out _, out TraceLinkRejectReason reason) ? TraceLinkRejectReason.None : reason;

    [Test]
    public void A_valid_set_is_read_with_its_parents_in_message_order_9_2()
    {
        byte[] m = Messages.LinkSet(10002, 7, 99, 0x5000, 0x3000, 0x1000, 0x2000);

        Assert.That(_reader.TryRead(m, out TraceLinkSetDecoder set, out TraceLinkRejectReason reason), Is.True, reason.ToString());
        Assert.That((set.StreamId, set.Epoch, set.Seq, set.TraceId), Is.EqualTo((10002u, 7UL, 99UL, 0x5000UL)));
        Assert.That(_reader.Parents.ToArray(), Is.EqualTo(new ulong[] { 0x3000, 0x1000, 0x2000 }));
    }

    [Test]
    public void The_reference_implementations_TraceLinkSet_is_accepted()
    {
        string dir = RepoPaths.RequireReferenceDir();
        byte[] m = File.ReadAllBytes(Path.Combine(dir, "messages", "trace_link_set.bin"));

        Assert.That(_reader.TryRead(m, out TraceLinkSetDecoder set, out TraceLinkRejectReason reason), Is.True, reason.ToString());
        Assert.That(set.TraceId, Is.EqualTo(4660));
        Assert.That(_reader.Parents.ToArray(), Is.EqualTo(new ulong[] { 4369, 8738 }));
    }

    [Test]
    public void A_set_with_no_parents_is_rejected_numInGroup_must_be_at_least_1_9_2() =>
        Assert.That(Read(Messages.LinkSet(1, 1, 1, 0x5000)), Is.EqualTo(TraceLinkRejectReason.NoParents));

    [Test]
    public void A_zero_parent_is_rejected_9_2() =>
        Assert.That(Read(Messages.LinkSet(1, 1, 1, 0x5000, 0x1000, 0)), Is.EqualTo(TraceLinkRejectReason.NullParent));

    [Test]
    public void A_duplicate_parent_is_rejected_9_2() =>
        Assert.That(Read(Messages.LinkSet(1, 1, 1, 0x5000, 0x1000, 0x2000, 0x1000)), Is.EqualTo(TraceLinkRejectReason.DuplicateParent));

    [Test]
    public void A_duplicate_among_many_parents_is_found_too_9_2()
    {
        ulong[] parents = [.. Enumerable.Range(1, 500).Select(i => (ulong)i * 4099)];
        parents[^1] = parents[123];

        Assert.That(Read(Messages.LinkSet(1, 1, 1, 0x5000, parents)), Is.EqualTo(TraceLinkRejectReason.DuplicateParent));
        parents[^1] = 1;
        Assert.That(Read(Messages.LinkSet(1, 1, 1, 0x5000, parents)), Is.EqualTo(TraceLinkRejectReason.None));
    }

    [Test]
    public void A_zero_trace_id_is_rejected_it_must_identify_the_output_9_2() =>
        Assert.That(Read(Messages.LinkSet(1, 1, 1, 0, 0x1000, 0x2000)), Is.EqualTo(TraceLinkRejectReason.NullTraceId));

    [Test]
    public void More_parents_than_the_reader_allows_are_rejected_before_reading_them()
    {
        var reader = new TraceLinkSetReader(maxParents: 4);
        byte[] m = Messages.LinkSet(1, 1, 1, 0x5000, 1, 2, 3, 4, 5);

        Assert.That(reader.TryRead(m, out _, out TraceLinkRejectReason reason), Is.False);
        Assert.That(reason, Is.EqualTo(TraceLinkRejectReason.TooManyParents));
    }

    [Test]
    public void Truncated_or_foreign_bytes_are_malformed_never_an_exception()
    {
        byte[] good = Messages.LinkSet(1, 1, 1, 0x5000, 0x1000, 0x2000);
        for (int length = 0; length < good.Length; length++)
        {
            Assert.That(Read(good[..length]), Is.EqualTo(TraceLinkRejectReason.Malformed), $"{length} bytes");
        }
        byte[] wrongSchema = (byte[])good.Clone();
        wrongSchema[4] = 0x84; // schemaId 900 instead of 904
        wrongSchema[5] = 0x03;
        Assert.That(Read(wrongSchema), Is.EqualTo(TraceLinkRejectReason.Malformed));
    }

    [Test]
    public void A_failed_read_leaves_no_parents_behind()
    {
        _reader.TryRead(Messages.LinkSet(1, 1, 1, 0x5000, 0x1000, 0x2000), out _, out _);
        _reader.TryRead(Messages.LinkSet(1, 1, 1, 0x5000, 0x1000, 0x1000), out _, out _);

        Assert.That(_reader.Parents.Length, Is.Zero);
    }

    [TestCase(10003u, 7UL, 99UL, 0x5000UL)]
    [TestCase(10002u, 8UL, 99UL, 0x5000UL)]
    [TestCase(10002u, 7UL, 98UL, 0x5000UL)]
    [TestCase(10002u, 7UL, 99UL, 0x5001UL)]
    public void Stream_epoch_seq_and_trace_must_match_the_output_frames_descriptor_9_2(uint stream, ulong epoch, ulong seq, ulong trace)
    {
        byte[] m = Messages.LinkSet(10002, 7, 99, 0x5000, 0x1000, 0x2000);
        Assert.That(_reader.TryRead(m, out TraceLinkSetDecoder set, out _), Is.True);

        Assert.That(TraceLinkSetReader.MatchFrame(set, 10002, 7, 99, 0x5000), Is.EqualTo(TraceLinkRejectReason.None));
        Assert.That(TraceLinkSetReader.MatchFrame(set, stream, epoch, seq, trace), Is.EqualTo(TraceLinkRejectReason.FrameMismatch));
    }

    [Test]
    public void The_message_uses_schema_904_template_1_9_2()
    {
        Assert.That(TraceLinkSetDecoder.SchemaId, Is.EqualTo(904));
        Assert.That(TraceLinkSetDecoder.TemplateId, Is.EqualTo(1));
        byte[] m = Messages.LinkSet(1, 1, 1, 0x5000, 0x1000);
        Assert.That(BitConverter.ToUInt16(m, 2), Is.EqualTo(1));
        Assert.That(BitConverter.ToUInt16(m, 4), Is.EqualTo(904));
    }
}
