using System.Buffers.Binary;
using TensorPool.JoinBarrier;
using TensorPool.Sbe;
using TensorPool.Sbe.JoinBarrier;

namespace TensorPool.JoinBarrier.Tests;

/// <summary>MergeMap messages on the wire (§10, §15): schema 903, the fields each must carry, null sentinels, hostile bytes.</summary>
public class MergeMapWireTests
{
    private static readonly SequenceMergeMap SequenceMap = new(20000, 0x1122334455667788, [SequenceMergeRule.ForOffset(10000, -2), SequenceMergeRule.ForWindow(10001, 5)], staleTimeoutNs: 60_000_000_000);

    private static readonly TimestampMergeMap TimestampMap = new(20000, 9, ClockDomain.Monotonic,
        [TimestampMergeRule.ForOffset(10000, 0), TimestampMergeRule.ForWindow(10001, 10_000_000, TimestampSource.FrameDescriptor)], latenessNs: 10_000_000);

    [Test]
    public void MergeMap_messages_carry_schema_id_903_10_1()
    {
        byte[] request = new byte[32];
        byte[] sequenceRequest = request[..SequenceMergeMap.EncodeRequest(request, 1, 2)];
        byte[] timestampRequest = request[..TimestampMergeMap.EncodeRequest(request, 1, 2)];
        Assert.Multiple(() =>
        {
            AssertHeader(SequenceMap.ToArray(), 1);
            AssertHeader(TimestampMap.ToArray(), 3);
            AssertHeader(sequenceRequest, 2);
            AssertHeader(timestampRequest, 4);
        });
    }

    [Test]
    public void Sequence_announce_carries_out_stream_epoch_stale_timeout_and_rules_10_1()
    {
        byte[] bytes = SequenceMap.ToArray();
        Assert.That(bytes, Has.Length.EqualTo(SequenceMap.EncodedLength));
        Assert.That(SequenceMergeMapAnnounceDecoder.TryWrap(bytes, out SequenceMergeMapAnnounceDecoder d, out _), Is.True);
        Assert.That(d.OutStreamId, Is.EqualTo(20000));
        Assert.That(d.Epoch, Is.EqualTo(0x1122334455667788));
        Assert.That(d.StaleTimeoutNs, Is.EqualTo(60_000_000_000));
        var rules = new List<(uint, MergeRuleType, int?, uint?)>();
        foreach (SequenceMergeMapAnnounceDecoder.RulesDecoder r in d.Rules)
        {
            rules.Add((r.InputStreamId, r.RuleType, r.Offset, r.WindowSize));
        }
        Assert.That(rules, Is.EqualTo(new[] { (10000u, MergeRuleType.Offset, (int?)-2, (uint?)null), (10001u, MergeRuleType.Window, null, 5u) }));
    }

    [Test]
    public void Unused_parameters_are_sent_as_their_null_values_15()
    {
        byte[] bytes = SequenceMap.ToArray();
        // Header 8, block 20, group header 4, then entries of 13 bytes: inputStreamId 4, ruleType 1, offset 4, windowSize 4.
        int first = SbeMessageHeader.Size + SequenceMergeMapAnnounceDecoder.BlockLength + 4;
        int second = first + SequenceMergeMapAnnounceDecoder.RulesDecoder.BlockLength;
        Assert.Multiple(() =>
        {
            Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(first + 9)), Is.EqualTo(uint.MaxValue), "OFFSET rule: windowSize null");
            Assert.That(BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(second + 5)), Is.EqualTo(int.MinValue), "WINDOW rule: offset null");
        });
    }

    [Test]
    public void Timestamp_announce_carries_clock_domain_lateness_sources_and_rules_10_4()
    {
        Assert.That(TimestampMergeMapAnnounceDecoder.TryWrap(TimestampMap.ToArray(), out TimestampMergeMapAnnounceDecoder d, out _), Is.True);
        Assert.That(d.ClockDomain, Is.EqualTo(ClockDomain.Monotonic));
        Assert.That(d.LatenessNs, Is.EqualTo(10_000_000));
        Assert.That(d.StaleTimeoutNs, Is.Null);
        Assert.That(d.Rules.Count, Is.EqualTo(2));
    }

    [Test]
    public void Requests_carry_out_stream_and_epoch_10_3_10_5()
    {
        Span<byte> buffer = stackalloc byte[32];
        int n = SequenceMergeMap.EncodeRequest(buffer, 20000, ulong.MaxValue - 1);
        Assert.That(SequenceMergeMapRequestDecoder.TryWrap(buffer[..n], out SequenceMergeMapRequestDecoder s, out _), Is.True);
        Assert.That((s.OutStreamId, s.Epoch), Is.EqualTo((20000u, ulong.MaxValue - 1)));
        n = TimestampMergeMap.EncodeRequest(buffer, 20001, 3);
        Assert.That(TimestampMergeMapRequestDecoder.TryWrap(buffer[..n], out TimestampMergeMapRequestDecoder t, out _), Is.True);
        Assert.That((t.OutStreamId, t.Epoch), Is.EqualTo((20001u, 3ul)));
    }

    [Test]
    public void Both_kinds_round_trip()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SequenceMergeMap.TryDecode(SequenceMap.ToArray(), out SequenceMergeMap? s, out MergeMapKey? sk, out _), Is.True);
            Assert.That(s, Is.EqualTo(SequenceMap));
            Assert.That(sk, Is.EqualTo(SequenceMap.Key));
            Assert.That(TimestampMergeMap.TryDecode(TimestampMap.ToArray(), out TimestampMergeMap? t, out _, out _), Is.True);
            Assert.That(t, Is.EqualTo(TimestampMap));
        });
    }

    [Test]
    public void Invalid_announce_still_names_the_key_it_invalidates_6_2()
    {
        byte[] bytes = SequenceMap.ToArray();
        int first = SbeMessageHeader.Size + SequenceMergeMapAnnounceDecoder.BlockLength + 4;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(first + 9), 4); // OFFSET rule now carries a windowSize too
        Assert.That(SequenceMergeMap.TryDecode(bytes, out SequenceMergeMap? map, out MergeMapKey? key, out MergeMapRejection rejection), Is.False);
        Assert.Multiple(() =>
        {
            Assert.That(map, Is.Null);
            Assert.That(key, Is.EqualTo(SequenceMap.Key));
            Assert.That(rejection, Is.EqualTo(new MergeMapRejection(MergeMapRejectReason.BothParameters, 0)));
        });
    }

    [Test]
    public void Every_truncation_and_byte_flip_is_decoded_or_rejected_never_thrown()
    {
        foreach (byte[] original in new[] { SequenceMap.ToArray(), TimestampMap.ToArray() })
        {
            for (int length = 0; length < original.Length; length++)
            {
                Assert.That(SequenceMergeMap.TryDecode(original.AsSpan(0, length), out _, out _, out MergeMapRejection r1) || r1.IsRejected, Is.True);
                Assert.That(TimestampMergeMap.TryDecode(original.AsSpan(0, length), out _, out _, out MergeMapRejection r2) || r2.IsRejected, Is.True);
            }
            var random = new Random(903);
            for (int i = 0; i < 5000; i++)
            {
                byte[] bytes = (byte[])original.Clone();
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                bool ok = SequenceMergeMap.TryDecode(bytes, out SequenceMergeMap? s, out _, out MergeMapRejection r);
                Assert.That(ok ? s is not null && !r.IsRejected : s is null && r.IsRejected, Is.True);
                ok = TimestampMergeMap.TryDecode(bytes, out TimestampMergeMap? t, out _, out r);
                Assert.That(ok ? t is not null && !r.IsRejected : t is null && r.IsRejected, Is.True);
            }
        }
    }

    private static void AssertHeader(byte[] message, ushort templateId)
    {
        Assert.That(SbeMessageHeader.TryRead(message, out SbeMessageHeader h), Is.True);
        Assert.That(h.SchemaId, Is.EqualTo(903));
        Assert.That(h.TemplateId, Is.EqualTo(templateId));
    }
}
