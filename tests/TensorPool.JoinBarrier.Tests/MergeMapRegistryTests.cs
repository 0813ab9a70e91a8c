using TensorPool.JoinBarrier;
using TensorPool.Sbe.JoinBarrier;
using TensorPool.Testing;

namespace TensorPool.JoinBarrier.Tests;

/// <summary>The registry of MergeMaps scoped to (out_stream_id, epoch) (§6.1, §6.4), fed by hostile announces.</summary>
public class MergeMapRegistryTests
{
    private static readonly SequenceMergeMap Map = Maps.Sequence(SequenceMergeRule.ForOffset(Maps.A, 0));

    [Test]
    public void A_map_applies_only_to_its_own_output_stream_and_epoch_6_4()
    {
        var registry = new MergeMapRegistry();
        Assert.That(registry.Offer(Map.ToArray()), Is.EqualTo(MergeMapUpdate.Applied));
        Assert.Multiple(() =>
        {
            Assert.That(registry.GetSequence(Maps.Out, Maps.Epoch, out SequenceMergeMap? found, out _), Is.EqualTo(MergeMapState.Valid));
            Assert.That(found, Is.EqualTo(Map));
            Assert.That(registry.GetState(MergeMapKind.Sequence, Maps.Out, Maps.Epoch + 1), Is.EqualTo(MergeMapState.Absent));
            Assert.That(registry.GetState(MergeMapKind.Sequence, Maps.Out + 1, Maps.Epoch), Is.EqualTo(MergeMapState.Absent));
            Assert.That(registry.GetState(MergeMapKind.Timestamp, Maps.Out, Maps.Epoch), Is.EqualTo(MergeMapState.Absent));
        });
    }

    [Test]
    public void An_invalid_announce_makes_the_map_invalid_until_replaced_6_2()
    {
        var registry = new MergeMapRegistry();
        registry.Apply(Map);
        byte[] invalid = Encode(Maps.Out, Maps.Epoch, new SequenceMergeRule(Maps.A, MergeRuleType.Offset, 0, 3));

        Assert.That(registry.Offer(invalid), Is.EqualTo(MergeMapUpdate.Invalidated));
        Assert.That(registry.GetSequence(Maps.Out, Maps.Epoch, out SequenceMergeMap? none, out MergeMapRejection why), Is.EqualTo(MergeMapState.Invalid));
        Assert.That(none, Is.Null);
        Assert.That(why.Reason, Is.EqualTo(MergeMapRejectReason.BothParameters));

        Assert.That(registry.Offer(invalid), Is.EqualTo(MergeMapUpdate.Invalidated), "a repeat stays invalid and is counted again");
        Assert.That(registry.Invalidated, Is.EqualTo(2));

        Assert.That(registry.Offer(Map.ToArray()), Is.EqualTo(MergeMapUpdate.Applied));
        Assert.That(registry.GetState(MergeMapKind.Sequence, Maps.Out, Maps.Epoch), Is.EqualTo(MergeMapState.Valid));
    }

    [Test]
    public void A_newer_epoch_replaces_the_older_and_older_announces_are_ignored_D161()
    {
        var registry = new MergeMapRegistry();
        registry.Apply(Map);
        registry.Apply(TimestampMergeMapOf(Maps.Epoch));
        var next = new SequenceMergeMap(Maps.Out, Maps.Epoch + 1, [SequenceMergeRule.ForOffset(Maps.B, 0)]);

        Assert.That(registry.Offer(next.ToArray()), Is.EqualTo(MergeMapUpdate.Applied));
        Assert.Multiple(() =>
        {
            Assert.That(registry.NewestEpoch(Maps.Out), Is.EqualTo(Maps.Epoch + 1));
            Assert.That(registry.GetState(MergeMapKind.Sequence, Maps.Out, Maps.Epoch), Is.EqualTo(MergeMapState.Absent));
            Assert.That(registry.GetState(MergeMapKind.Timestamp, Maps.Out, Maps.Epoch + 1), Is.EqualTo(MergeMapState.Absent), "the old epoch's timestamp map does not carry over");
            Assert.That(registry.Offer(Map.ToArray()), Is.EqualTo(MergeMapUpdate.StaleEpoch));
            Assert.That(registry.StaleEpochs, Is.EqualTo(1));
        });
    }

    [Test]
    public void Soft_state_re_announces_change_nothing_and_allocate_nothing_D161()
    {
        var registry = new MergeMapRegistry();
        byte[] bytes = Map.ToArray();
        registry.Offer(bytes);
        long version = registry.Version;
        (long allocated, _) = SteadyState.AllocatedBytes(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                registry.Offer(bytes);
            }
        });
        Assert.Multiple(() =>
        {
            Assert.That(allocated, Is.Zero);
            Assert.That(registry.Version, Is.EqualTo(version));
            Assert.That(registry.Unchanged, Is.GreaterThanOrEqualTo(1000));
            Assert.That(registry.Apply(Map), Is.EqualTo(MergeMapUpdate.Unchanged), "the same map applied locally");
        });
    }

    [Test]
    public void Other_schemas_and_requests_are_ignored_after_the_schema_check_14()
    {
        var registry = new MergeMapRegistry();
        Span<byte> buffer = stackalloc byte[64];
        Sbe.Wire.FrameDescriptorEncoder descriptor = Sbe.Wire.FrameDescriptorEncoder.WrapAndApplyHeader(buffer);
        descriptor.StreamId = Maps.Out;
        Assert.That(registry.Offer(buffer[..descriptor.EncodedLength]), Is.EqualTo(MergeMapUpdate.Ignored));
        int n = SequenceMergeMap.EncodeRequest(buffer, Maps.Out, Maps.Epoch);
        Assert.That(registry.Offer(buffer[..n]), Is.EqualTo(MergeMapUpdate.Ignored));
        byte[] otherSchema = Map.ToArray();
        otherSchema[4] = 0x84; // schemaId 900, template 1 (ShmPoolAnnounce): not ours, whatever the bytes
        otherSchema[5] = 0x03;
        Assert.That(registry.Offer(otherSchema), Is.EqualTo(MergeMapUpdate.Ignored));
        Assert.That(registry.Ignored, Is.EqualTo(3));
        Assert.That(registry.Malformed, Is.Zero);
        Assert.That(registry.Version, Is.Zero);
    }

    [Test]
    public void Malformed_announces_are_counted_and_change_nothing()
    {
        var registry = new MergeMapRegistry();
        registry.Apply(Map);
        long version = registry.Version;
        byte[] bytes = new SequenceMergeMap(Maps.Out, Maps.Epoch, [SequenceMergeRule.ForOffset(Maps.B, 1)]).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(registry.Offer(bytes.AsSpan(0, bytes.Length - 1)), Is.EqualTo(MergeMapUpdate.Malformed));
            Assert.That(registry.Offer(bytes.AsSpan(0, 5)), Is.EqualTo(MergeMapUpdate.Malformed));
            Assert.That(registry.Malformed, Is.EqualTo(2));
            Assert.That(registry.Version, Is.EqualTo(version));
            Assert.That(registry.GetState(MergeMapKind.Sequence, Maps.Out, Maps.Epoch), Is.EqualTo(MergeMapState.Valid));
        });
    }

    [Test]
    public void Output_streams_beyond_the_bound_are_counted_and_dropped()
    {
        var registry = new MergeMapRegistry(maxOutputStreams: 2);
        for (uint output = 1; output <= 3; output++)
        {
            registry.Apply(new SequenceMergeMap(output, 1, [SequenceMergeRule.ForOffset(Maps.A, 0)]));
        }
        Assert.That(registry.Overflowed, Is.EqualTo(1));
        Assert.That(registry.GetState(MergeMapKind.Sequence, 3, 1), Is.EqualTo(MergeMapState.Absent));
    }

    [Test]
    public void Sequence_and_timestamp_maps_of_one_key_are_held_side_by_side()
    {
        var registry = new MergeMapRegistry();
        registry.Apply(Map);
        registry.Apply(TimestampMergeMapOf(Maps.Epoch));
        Assert.That(registry.GetState(MergeMapKind.Sequence, Maps.Out, Maps.Epoch), Is.EqualTo(MergeMapState.Valid));
        Assert.That(registry.GetState(MergeMapKind.Timestamp, Maps.Out, Maps.Epoch), Is.EqualTo(MergeMapState.Valid));
    }

    internal static byte[] Encode(uint output, ulong epoch, params SequenceMergeRule[] rules)
    {
        byte[] buffer = new byte[256];
        SequenceMergeMapAnnounceEncoder e = SequenceMergeMapAnnounceEncoder.WrapAndApplyHeader(buffer);
        e.OutStreamId = output;
        e.Epoch = epoch;
        SequenceMergeMapAnnounceEncoder.RulesEncoder group = e.RulesCount(rules.Length);
        foreach (SequenceMergeRule rule in rules)
        {
            group.Next();
            group.InputStreamId = rule.InputStreamId;
            group.RuleType = rule.RuleType;
            group.Offset = rule.Offset;
            group.WindowSize = rule.WindowSize;
        }
        return buffer[..e.EncodedLength];
    }

    internal static byte[] EncodeTimestamp(uint output, ulong epoch, ClockDomain domain, ulong? latenessNs, params TimestampMergeRule[] rules)
    {
        byte[] buffer = new byte[256];
        TimestampMergeMapAnnounceEncoder e = TimestampMergeMapAnnounceEncoder.WrapAndApplyHeader(buffer);
        e.OutStreamId = output;
        e.Epoch = epoch;
        e.ClockDomain = domain;
        e.LatenessNs = latenessNs;
        TimestampMergeMapAnnounceEncoder.RulesEncoder group = e.RulesCount(rules.Length);
        foreach (TimestampMergeRule rule in rules)
        {
            group.Next();
            group.InputStreamId = rule.InputStreamId;
            group.RuleType = rule.RuleType;
            group.TimestampSource = rule.TimestampSource;
            group.OffsetNs = rule.OffsetNs;
            group.WindowNs = rule.WindowNs;
        }
        return buffer[..e.EncodedLength];
    }

    private static TimestampMergeMap TimestampMergeMapOf(ulong epoch) =>
        new(Maps.Out, epoch, ClockDomain.Monotonic, [TimestampMergeRule.ForOffset(Maps.A, 0)]);
}
