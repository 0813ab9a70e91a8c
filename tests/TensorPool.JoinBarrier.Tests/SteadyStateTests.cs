using System.Reflection;
using TensorPool.JoinBarrier;
using TensorPool.Sbe.JoinBarrier;
using TensorPool.Testing;
using static TensorPool.JoinBarrier.Tests.Maps;

namespace TensorPool.JoinBarrier.Tests;

/// <summary>The hot path: observing and checking allocate nothing after start-up and nothing in a barrier waits (§5).</summary>
public class SteadyStateTests
{
    private static readonly uint[] Eight = [.. Enumerable.Range(0, 8).Select(i => (uint)(10000 + i))];

    [Test]
    public void Sequence_observe_and_check_allocate_nothing_in_steady_state_5()
    {
        SequenceJoinBarrier barrier = Barrier(new SequenceMergeMap(Out, Epoch, Eight.Select((s, i) => i % 2 == 0 ? SequenceMergeRule.ForOffset(s, -i) : SequenceMergeRule.ForWindow(s, 4)), 1_000_000_000));
        ulong seq = 0;
        Run(() =>
        {
            foreach (uint s in Eight)
            {
                barrier.Observe(s, new JoinObservation(1, seq));
            }
            _ = barrier.Check(seq++);
        }, barrier);
    }

    [Test]
    public void Timestamp_observe_and_check_allocate_nothing_in_steady_state_5()
    {
        TimestampJoinBarrier barrier = Barrier(new TimestampMergeMap(Out, Epoch, ClockDomain.Monotonic,
            Eight.Select(s => TimestampMergeRule.ForWindow(s, 1_000)), latenessNs: 10, staleTimeoutNs: 1_000_000_000));
        ulong t = 10_000;
        Run(() =>
        {
            foreach (uint s in Eight)
            {
                barrier.Observe(s, new JoinObservation(1, t, t, t));
            }
            _ = barrier.Check(t);
            t += 10;
        }, barrier);
    }

    [Test]
    public void Latest_value_observe_and_check_allocate_nothing_in_steady_state_5()
    {
        var registry = new MergeMapRegistry();
        registry.Apply(new SequenceMergeMap(Out, Epoch, Eight.Select(s => SequenceMergeRule.ForOffset(s, 0))));
        var barrier = new LatestValueJoinBarrier(registry, Out);
        barrier.SetOutputEpoch(Epoch);
        var validator = new AcceptAll();
        ulong seq = 0;
        Run(() =>
        {
            foreach (uint s in Eight)
            {
                barrier.Observe(s, new JoinObservation(1, seq));
            }
            _ = barrier.Check(ref validator);
            seq++;
        }, barrier);
    }

    [Test]
    public void No_barrier_member_can_wait_on_a_slot_or_anything_else_7_2_8_3_9_3()
    {
        // §7.2, §8.3, §9.3: a barrier never waits for a commit nor holds back an overwrite. Its public surface takes
        // no timeout or cancellation, returns no task, and it cannot reach shared memory (it is fed observations only).
        foreach (Type type in new[] { typeof(JoinBarrierBase), typeof(SequenceJoinBarrier), typeof(TimestampJoinBarrier), typeof(LatestValueJoinBarrier) })
        {
            foreach (MethodInfo m in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                Assert.That(typeof(Task).IsAssignableFrom(m.ReturnType) || m.ReturnType.Name.StartsWith("ValueTask", StringComparison.Ordinal), Is.False, $"{type.Name}.{m.Name}");
                Assert.That(m.GetParameters().Select(p => p.ParameterType),
                    Has.None.EqualTo(typeof(CancellationToken)).And.None.EqualTo(typeof(TimeSpan)), $"{type.Name}.{m.Name}");
            }
            Assert.That(type.GetFields(BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly).Select(f => f.FieldType.Namespace),
                Has.None.EqualTo("TensorPool.Consumers").And.None.EqualTo("TensorPool.Native"), type.Name);
        }
    }

    private static void Run(Action cycle, JoinBarrierBase barrier)
    {
        for (int i = 0; i < 10_000; i++)
        {
            cycle(); // start-up: the map binds, code tiers up
        }
        (long bytes, int windows) = SteadyState.AllocatedBytes(() =>
        {
            for (int i = 0; i < 100_000; i++)
            {
                cycle();
            }
        });
        Assert.That(bytes, Is.Zero, $"allocated over {windows} window(s)");
        Assert.That(barrier.Counters.Ready, Is.GreaterThan(0), "the measured checks include ready ones");
    }
}
