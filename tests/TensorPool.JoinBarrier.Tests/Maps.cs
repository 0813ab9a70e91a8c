using TensorPool.JoinBarrier;
using TensorPool.Sbe.JoinBarrier;

namespace TensorPool.JoinBarrier.Tests;

/// <summary>Maps, registries and barriers as the tests use them.</summary>
internal static class Maps
{
    public const uint Out = 20000;
    public const ulong Epoch = 7;
    public const uint A = 10000;
    public const uint B = 10001;
    public const uint C = 10002;

    public static SequenceMergeMap Sequence(params SequenceMergeRule[] rules) => new(Out, Epoch, rules);

    public static SequenceMergeMap Sequence(ulong staleTimeoutNs, params SequenceMergeRule[] rules) => new(Out, Epoch, rules, staleTimeoutNs);

    public static TimestampMergeMap Timestamp(params TimestampMergeRule[] rules) => new(Out, Epoch, ClockDomain.Monotonic, rules);

    public static TimestampMergeMap Timestamp(ulong latenessNs, params TimestampMergeRule[] rules) =>
        new(Out, Epoch, ClockDomain.Monotonic, rules, latenessNs);

    /// <summary>A barrier on a registry holding <paramref name="map"/>, its output epoch set.</summary>
    public static SequenceJoinBarrier Barrier(SequenceMergeMap map, JoinBarrierOptions? options = null)
    {
        var registry = new MergeMapRegistry();
        registry.Apply(map);
        var barrier = new SequenceJoinBarrier(registry, map.OutStreamId, options);
        barrier.SetOutputEpoch(map.Epoch);
        return barrier;
    }

    public static TimestampJoinBarrier Barrier(TimestampMergeMap map, JoinBarrierOptions? options = null)
    {
        var registry = new MergeMapRegistry();
        registry.Apply(map);
        var barrier = new TimestampJoinBarrier(registry, map.OutStreamId, options);
        barrier.SetOutputEpoch(map.Epoch);
        return barrier;
    }

    /// <summary>An observation of <paramref name="seq"/> in input epoch 1 (no timestamps).</summary>
    public static JoinObservation Seq(ulong seq, ulong epoch = 1) => new(epoch, seq);

    /// <summary>An observation whose SlotHeader timestamp is <paramref name="slotNs"/>.</summary>
    public static JoinObservation Slot(ulong seq, ulong slotNs, ulong epoch = 1, ClockDomain domain = ClockDomain.Monotonic) =>
        new(epoch, seq, SlotTimestampNs: slotNs, ClockDomain: domain);

    /// <summary>An observation whose FrameDescriptor timestamp is <paramref name="descriptorNs"/>.</summary>
    public static JoinObservation Descriptor(ulong seq, ulong? descriptorNs, ulong epoch = 1) =>
        new(epoch, seq, DescriptorTimestampNs: descriptorNs);

    public static JoinInputStatus Input(this JoinBarrierBase barrier, uint streamId)
    {
        foreach (JoinInputStatus s in barrier.Inputs)
        {
            if (s.StreamId == streamId)
            {
                return s;
            }
        }
        throw new AssertionException($"input {streamId} is not required by the barrier's map");
    }
}
