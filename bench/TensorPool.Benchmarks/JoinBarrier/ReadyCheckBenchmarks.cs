using BenchmarkDotNet.Attributes;
using TensorPool.JoinBarrier;
using TensorPool.Sbe.JoinBarrier;
using TensorPool.Time;
using FrameDescriptorDecoder = TensorPool.Sbe.Wire.FrameDescriptorDecoder;
using FrameDescriptorEncoder = TensorPool.Sbe.Wire.FrameDescriptorEncoder;

namespace TensorPool.Benchmarks.JoinBarrier;

/// <summary>
/// A readiness check over 8 inputs for each barrier (issue 18: allocation-free, no locks), against same-run
/// baselines: the floor (8 cursor comparisons in a plain loop, the least any check must do), one CLOCK_MONOTONIC read
/// (every observation takes one, for staleness) and the decode of one FrameDescriptor (what a stage pays per input
/// frame anyway). Each check is ready: every rule evaluated, nothing short-circuits. <c>Observe</c> is one descriptor
/// taken by a barrier.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class ReadyCheckBenchmarks
{
    private const int Inputs = 8;
    private const ulong OutSeq = 1_000_000;
    private readonly ulong[] _cursors = new ulong[Inputs];
    private readonly ulong[] _required = new ulong[Inputs];
    private readonly byte[] _descriptor = new byte[48];
    private SequenceJoinBarrier _sequence = null!;
    private TimestampJoinBarrier _timestamp = null!;
    private LatestValueJoinBarrier _latest = null!;
    private ulong _observed = OutSeq;

    [GlobalSetup]
    public void Setup()
    {
        const uint output = 20000;
        const ulong epoch = 1;
        uint[] streams = [.. Enumerable.Range(0, Inputs).Select(i => (uint)(10000 + i))];
        var registry = new MergeMapRegistry();
        // Half offset rules (some negative), half windows; a stale timeout, so staleness is part of the check.
        registry.Apply(new SequenceMergeMap(output, epoch,
            streams.Select((s, i) => i % 2 == 0 ? SequenceMergeRule.ForOffset(s, -i) : SequenceMergeRule.ForWindow(s, 4)), staleTimeoutNs: 60_000_000_000));
        registry.Apply(new TimestampMergeMap(output, epoch, ClockDomain.Monotonic,
            streams.Select((s, i) => i % 2 == 0 ? TimestampMergeRule.ForOffset(s, -1_000) : TimestampMergeRule.ForWindow(s, 5_000_000)),
            latenessNs: 1_000_000, staleTimeoutNs: 60_000_000_000));
        _sequence = new SequenceJoinBarrier(registry, output);
        _timestamp = new TimestampJoinBarrier(registry, output);
        _latest = new LatestValueJoinBarrier(registry, output);
        foreach (JoinBarrierBase barrier in new JoinBarrierBase[] { _sequence, _timestamp, _latest })
        {
            barrier.SetOutputEpoch(epoch);
            foreach (uint s in streams)
            {
                barrier.Observe(s, new JoinObservation(1, OutSeq, OutSeq * 1000, OutSeq * 1000));
            }
        }
        for (int i = 0; i < Inputs; i++)
        {
            _cursors[i] = OutSeq;
            _required[i] = OutSeq - (ulong)i;
        }
        FrameDescriptorEncoder e = FrameDescriptorEncoder.WrapAndApplyHeader(_descriptor);
        e.StreamId = 10000;
        e.Epoch = epoch;
        e.Seq = OutSeq;
        if (!Sequence().IsReady || !Timestamp().IsReady || !Latest().IsReady)
        {
            throw new InvalidOperationException("the benchmark's checks must be ready ones");
        }
    }

    [Benchmark(Baseline = true, Description = "floor: 8 cursor comparisons")]
    public bool Floor()
    {
        bool ready = true;
        ulong[] cursors = _cursors;
        ulong[] required = _required;
        for (int i = 0; i < cursors.Length; i++)
        {
            ready &= cursors[i] >= required[i];
        }
        return ready;
    }

    [Benchmark(Description = "read CLOCK_MONOTONIC once")]
    public long ClockRead() => MonotonicClock.Instance.NanoTime();

    [Benchmark(Description = "decode one FrameDescriptor")]
    public ulong DecodeDescriptor() =>
        FrameDescriptorDecoder.TryWrap(_descriptor, out FrameDescriptorDecoder d, out _) ? d.Seq : 0;

    [Benchmark(Description = "SequenceJoinBarrier.Check, 8 inputs, ready")]
    public JoinResult Sequence() => _sequence.Check(OutSeq);

    [Benchmark(Description = "TimestampJoinBarrier.Check, 8 inputs, ready")]
    public JoinResult Timestamp() => _timestamp.Check(OutSeq * 1000);

    [Benchmark(Description = "LatestValueJoinBarrier.Check, 8 inputs, ready")]
    public JoinResult Latest()
    {
        var validator = new Accept();
        return _latest.Check(ref validator);
    }

    [Benchmark(Description = "SequenceJoinBarrier.Observe, 1 descriptor")]
    public bool Observe() => _sequence.Observe(10003, new JoinObservation(1, ++_observed));

    private struct Accept : IJoinFrameValidator
    {
        public readonly bool Validate(uint streamId, ulong epoch, ulong seq) => true;
    }
}
