using System.Numerics;
using CsCheck;
using TensorPool.JoinBarrier;
using TensorPool.Sbe.JoinBarrier;

namespace TensorPool.JoinBarrier.Tests;

/// <summary>
/// The barriers against a direct model of the readiness rules (§6.2, §6.3, §7.1, §8.1, §8.2, §9.1): random maps,
/// random observations (edges of the sequence and time ranges included), random out_seq / out_time. The model is the
/// spec's inequalities in unbounded integers, one rule at a time.
/// </summary>
public class ReadinessPropertyTests
{
    private const uint Out = 20000;
    private const ulong Epoch = 3;
    private static readonly uint[] Streams = [1, 2, 3];

    private static readonly Gen<ulong> Small = Gen.ULong[0, 60];
    private static readonly Gen<ulong> Value = Gen.Frequency((8, Small), (1, Gen.ULong[ulong.MaxValue - 60, ulong.MaxValue]), (1, Gen.ULong));

    private static readonly Gen<SequenceMergeRule> SequenceRule =
        Gen.Select(Gen.UInt[1, 3], Gen.Bool, Gen.Frequency((8, Gen.Int[-25, 25]), (1, Gen.Int[int.MinValue + 1, int.MaxValue])),
            Gen.Frequency((8, Gen.UInt[1, 25]), (1, Gen.UInt[1, uint.MaxValue - 1])),
            (input, window, offset, n) => window ? SequenceMergeRule.ForWindow(input, n) : SequenceMergeRule.ForOffset(input, offset));

    private static readonly Gen<TimestampMergeRule> TimestampRule =
        Gen.Select(Gen.UInt[1, 3], Gen.Bool, Gen.Long[-80, 80], Gen.ULong[1, 80], Gen.Bool,
            (input, window, offset, w, slot) =>
            {
                TimestampSource source = slot ? TimestampSource.SlotHeader : TimestampSource.FrameDescriptor;
                return window ? TimestampMergeRule.ForWindow(input, w, source) : TimestampMergeRule.ForOffset(input, offset, source);
            });

    /// <summary>Per input: the seqs observed (in order), and the seqs processed.</summary>
    private static readonly Gen<ulong[][]> Observed = Value.Array[0, 5].Array[3];

    [Test]
    public void Sequence_barrier_agrees_with_the_model_of_7_1()
    {
        Gen.Select(SequenceRule.Array[1, 5], Observed, Observed, Value, Gen.Bool).Sample((rules, observed, processed, outSeq, requireProcessed) =>
        {
            var registry = new MergeMapRegistry();
            registry.Apply(new SequenceMergeMap(Out, Epoch, rules));
            var barrier = new SequenceJoinBarrier(registry, Out, new JoinBarrierOptions { RequireProcessed = requireProcessed });
            barrier.SetOutputEpoch(Epoch);
            for (int i = 0; i < Streams.Length; i++)
            {
                foreach (ulong seq in observed[i])
                {
                    barrier.Observe(Streams[i], new JoinObservation(1, seq));
                }
                foreach (ulong seq in processed[i])
                {
                    barrier.MarkProcessed(Streams[i], new JoinObservation(1, seq));
                }
            }
            JoinResult result = barrier.Check(outSeq);

            var inputReady = new Dictionary<uint, bool>();
            foreach (SequenceMergeRule rule in rules)
            {
                int i = Array.IndexOf(Streams, rule.InputStreamId);
                bool ok = SequenceRuleHolds(rule, outSeq, observed[i], requireProcessed ? processed[i] : null);
                inputReady[rule.InputStreamId] = inputReady.GetValueOrDefault(rule.InputStreamId, true) && ok;
            }
            bool expected = inputReady.Values.All(v => v);
            if (result.IsReady != expected)
            {
                throw new AssertionException($"expected ready={expected}, got {result}");
            }
            foreach (JoinInputStatus input in barrier.Inputs)
            {
                if ((input.State == JoinInputState.Ready) != inputReady[input.StreamId])
                {
                    throw new AssertionException($"input {input.StreamId}: expected ready={inputReady[input.StreamId]}, got {input}");
                }
            }
        }, iter: 3000);
    }

    [Test]
    public void Timestamp_barrier_agrees_with_the_model_of_8_1_and_8_2()
    {
        Gen<ulong?> stamp = Gen.Frequency((6, Gen.ULong[0, 200].Select(v => (ulong?)v)), (1, Gen.Const((ulong?)null)));
        Gen<(ulong? Descriptor, ulong? Slot)[]> frames = Gen.Select(stamp, stamp).Array[0, 5];
        Gen.Select(TimestampRule.Array[1, 4], frames.Array[3], Gen.ULong[0, 250], Gen.Frequency((3, Gen.Const((ulong?)null)), (3, Gen.ULong[0, 60].Select(v => (ulong?)v)))).Sample(
            (rules, observed, outTime, lateness) =>
            {
                var registry = new MergeMapRegistry();
                registry.Apply(new TimestampMergeMap(Out, Epoch, ClockDomain.Monotonic, rules, lateness));
                var barrier = new TimestampJoinBarrier(registry, Out);
                barrier.SetOutputEpoch(Epoch);
                for (int i = 0; i < Streams.Length; i++)
                {
                    ulong seq = 0;
                    foreach ((ulong? d, ulong? s) in observed[i])
                    {
                        barrier.Observe(Streams[i], new JoinObservation(1, seq++, d, s));
                    }
                }
                JoinResult result = barrier.Check(outTime);

                bool anyRejected = false;
                var inputReady = new Dictionary<uint, bool>();
                foreach (TimestampMergeRule rule in rules)
                {
                    int i = Array.IndexOf(Streams, rule.InputStreamId);
                    ulong?[] times = [.. observed[i].Select(f => rule.TimestampSource == TimestampSource.FrameDescriptor ? f.Descriptor : f.Slot)];
                    bool rejected = WentBackwards(times);
                    anyRejected |= rejected;
                    bool ok = !rejected && TimestampRuleHolds(rule, outTime, lateness ?? 0, times);
                    inputReady[rule.InputStreamId] = inputReady.GetValueOrDefault(rule.InputStreamId, true) && ok;
                }
                JoinStatus expected = anyRejected ? JoinStatus.Rejected : inputReady.Values.All(v => v) ? JoinStatus.Ready : JoinStatus.NotReady;
                if (result.Status != expected)
                {
                    throw new AssertionException($"expected {expected}, got {result}");
                }
            }, iter: 3000);
    }

    [Test]
    public void Latest_value_barrier_agrees_with_the_model_of_9_1()
    {
        Gen.Select(SequenceRule.Array[1, 5], Observed, Gen.ULong[0, 60].Array[0, 6]).Sample((rules, observed, invalidSeqs) =>
        {
            var registry = new MergeMapRegistry();
            registry.Apply(new SequenceMergeMap(Out, Epoch, rules));
            var barrier = new LatestValueJoinBarrier(registry, Out);
            barrier.SetOutputEpoch(Epoch);
            var validator = new ScriptedValidator();
            for (int i = 0; i < Streams.Length; i++)
            {
                foreach (ulong seq in observed[i])
                {
                    barrier.Observe(Streams[i], new JoinObservation(1, seq));
                }
                foreach (ulong bad in invalidSeqs)
                {
                    validator.Invalid(Streams[i], bad);
                }
            }
            JoinResult result = barrier.Check(ref validator);
            bool expected = rules.Select(r => r.InputStreamId).Distinct().All(s =>
            {
                ulong[] seen = observed[Array.IndexOf(Streams, s)];
                return seen.Length > 0 && !invalidSeqs.Contains(seen.Max());
            });
            if (result.IsReady != expected)
            {
                throw new AssertionException($"expected ready={expected}, got {result}");
            }
        }, iter: 3000);
    }

    // §6.2.1, §6.2.2, §7.1 in unbounded integers.
    private static bool SequenceRuleHolds(SequenceMergeRule rule, ulong outSeq, ulong[] observed, ulong[]? processed)
    {
        BigInteger required;
        if (rule.RuleType == MergeRuleType.Window)
        {
            if ((BigInteger)outSeq + 1 < rule.WindowSize!.Value)
            {
                return false;
            }
            required = outSeq;
        }
        else
        {
            required = (BigInteger)outSeq + rule.Offset!.Value;
            if (required < 0 || required > ulong.MaxValue)
            {
                return false;
            }
        }
        return observed.Length > 0 && observed.Max() >= required && (processed is null || (processed.Length > 0 && processed.Max() >= required));
    }

    // §6.3.1, §6.3.2, §8.1, §8.2 in unbounded integers.
    private static bool TimestampRuleHolds(TimestampMergeRule rule, ulong outTime, ulong lateness, ulong?[] times)
    {
        BigInteger required;
        if (rule.RuleType == MergeTimeRuleType.WindowNs)
        {
            if (outTime < rule.WindowNs!.Value)
            {
                return false;
            }
            required = outTime;
        }
        else
        {
            required = (BigInteger)outTime + rule.OffsetNs!.Value;
            if (required < 0)
            {
                return false;
            }
        }
        if (times.Length == 0 || times[^1] is null)
        {
            return false; // no frame, or the newest lacks the timestamp
        }
        BigInteger threshold = BigInteger.Max(required - lateness, 0);
        return times.Where(t => t is not null).Max()!.Value >= threshold;
    }

    private static bool WentBackwards(ulong?[] times)
    {
        ulong? last = null;
        foreach (ulong? t in times)
        {
            if (t is ulong v)
            {
                if (last is ulong l && v < l)
                {
                    return true;
                }
                last = v;
            }
        }
        return false;
    }
}
