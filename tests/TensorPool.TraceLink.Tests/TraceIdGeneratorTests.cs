using TensorPool.Time;
using TensorPool.TraceLink;

namespace TensorPool.TraceLink.Tests;

/// <summary>The Snowflake generator (TraceLink §6.1, §8.1): layout, monotonic, unique across threads, exhaustion, clock steps.</summary>
public class TraceIdGeneratorTests
{
    private const long Ms = 1_000_000;

    private static ManualClock ClockAtMs(long ms) => new(ms * Ms);

    [Test]
    public void Ids_use_the_Agrona_layout_41_bit_timestamp_10_bit_node_12_bit_sequence_6_1()
    {
        var clock = ClockAtMs(1_700_000_000_123);
        var generator = new TraceIdGenerator(nodeId: 693, clock);

        ulong first = generator.Next();
        ulong second = generator.Next();

        Assert.That(first, Is.EqualTo((1_700_000_000_123UL << 22) | (693UL << 12)));
        Assert.That(TraceId.TimestampMs(second), Is.EqualTo(1_700_000_000_123));
        Assert.That(TraceId.NodeId(second), Is.EqualTo(693));
        Assert.That(TraceId.Sequence(second), Is.EqualTo(1));
        Assert.That(first >> 63, Is.Zero, "the top bit stays clear");
        Assert.That(TraceId.Compose(1_700_000_000_123, 693, 1), Is.EqualTo(second));
    }

    [Test]
    public void The_timestamp_offset_is_subtracted_from_the_clock()
    {
        var generator = new TraceIdGenerator(1, ClockAtMs(5_000), timestampOffsetMs: 4_000);

        Assert.That(TraceId.TimestampMs(generator.Next()), Is.EqualTo(1_000));
    }

    [Test]
    public void Ids_are_never_the_null_trace_id_even_at_node_0_and_clock_0_8_1()
    {
        var generator = new TraceIdGenerator(0, new ManualClock(0));

        Assert.That(generator.Next(), Is.Not.EqualTo(TraceId.Null));
        Assert.That(generator.Next(), Is.Not.EqualTo(TraceId.Null));
    }

    [Test]
    public void Ids_increase_strictly_while_the_clock_moves_on()
    {
        var clock = ClockAtMs(1_000);
        var generator = new TraceIdGenerator(3, clock);
        ulong previous = 0;
        for (int i = 0; i < 50_000; i++)
        {
            if (i % 7 == 0)
            {
                clock.AdvanceNanos(Ms / 3);
            }
            ulong id = generator.Next();
            Assert.That(id, Is.GreaterThan(previous));
            previous = id;
        }
    }

    [Test]
    public void A_used_up_millisecond_moves_on_to_the_next_instead_of_waiting()
    {
        var clock = ClockAtMs(10_000); // the clock never moves: Agrona would spin here
        var generator = new TraceIdGenerator(9, clock);
        var ids = new ulong[3 * 4096];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = generator.Next();
        }

        Assert.That(ids, Is.Ordered.Ascending);
        Assert.That(ids.Distinct().Count(), Is.EqualTo(ids.Length));
        Assert.That(TraceId.TimestampMs(ids[4095]), Is.EqualTo(10_000), "4096 ids a millisecond");
        Assert.That(TraceId.Sequence(ids[4095]), Is.EqualTo(TraceId.MaxSequence));
        Assert.That(TraceId.TimestampMs(ids[4096]), Is.EqualTo(10_001));
        Assert.That(TraceId.Sequence(ids[4096]), Is.Zero);
        Assert.That(TraceId.TimestampMs(ids[^1]), Is.EqualTo(10_002));
    }

    [Test]
    public void After_running_ahead_the_generator_continues_from_its_own_millisecond_until_the_clock_catches_up()
    {
        var clock = ClockAtMs(10_000);
        var generator = new TraceIdGenerator(9, clock);
        for (int i = 0; i < 4097; i++)
        {
            generator.Next(); // now one millisecond ahead
        }
        clock.Set(10_001 * Ms);
        ulong same = generator.Next();
        clock.Set(10_005 * Ms);
        ulong later = generator.Next();

        Assert.That(TraceId.TimestampMs(same), Is.EqualTo(10_001));
        Assert.That(TraceId.Sequence(same), Is.EqualTo(1));
        Assert.That(TraceId.TimestampMs(later), Is.EqualTo(10_005));
        Assert.That(TraceId.Sequence(later), Is.Zero);
    }

    [Test]
    public void A_clock_that_steps_back_never_makes_an_id_repeat_or_go_down()
    {
        var clock = ClockAtMs(50_000);
        var generator = new TraceIdGenerator(1, clock);
        ulong before = generator.Next();

        clock.Set(40_000 * Ms); // NTP step, VM restore
        ulong[] after = [.. Enumerable.Range(0, 10_000).Select(_ => generator.Next())];

        Assert.That(after[0], Is.GreaterThan(before));
        Assert.That(after, Is.Ordered.Ascending);
        Assert.That(after.Distinct().Count(), Is.EqualTo(after.Length));
        Assert.That(TraceId.TimestampMs(after[0]), Is.EqualTo(50_000), "the last millisecond continues");
    }

    [Test]
    public void Ids_are_unique_across_threads_and_increasing_within_each()
    {
        var generator = new TraceIdGenerator(42); // the real clock: exhaustion and clock reads race for real
        const int threads = 4;
        const int each = 100_000;
        var results = new ulong[threads][];
        using var start = new Barrier(threads);
        Thread[] workers = [.. Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var ids = new ulong[each];
            start.SignalAndWait();
            for (int i = 0; i < each; i++)
            {
                ids[i] = generator.Next();
            }
            results[t] = ids;
        }))];
        foreach (Thread w in workers)
        {
            w.Start();
        }
        foreach (Thread w in workers)
        {
            w.Join();
        }

        foreach (ulong[] ids in results)
        {
            Assert.That(ids, Is.Ordered.Ascending);
            Assert.That(ids, Has.None.EqualTo(TraceId.Null));
        }
        ulong[] all = [.. results.SelectMany(r => r)];
        Assert.That(new HashSet<ulong>(all), Has.Count.EqualTo(threads * each), "no id minted twice");
        Assert.That(all.Select(TraceId.NodeId).Distinct(), Is.EqualTo(new[] { 42u }));
    }

    [TestCase(1024u)]
    [TestCase(uint.MaxValue)]
    public void A_node_id_beyond_10_bits_is_refused_6_2(uint node)
    {
        Assert.That(() => new TraceIdGenerator(node), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("0..1023"));
    }

    [Test]
    public void Minting_allocates_nothing()
    {
        var generator = new TraceIdGenerator(5);
        generator.Next();

        (long bytes, _) = TensorPool.Testing.SteadyState.AllocatedBytes(() =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                generator.Next();
            }
        });

        Assert.That(bytes, Is.Zero);
    }
}
