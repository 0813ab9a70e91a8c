using TensorPool.Transport;
using TensorPool.TraceLink;

namespace TensorPool.TraceLink.Tests;

/// <summary>
/// The emission queue (TraceLink §5, §9.2, §14.1): never blocks, counts every loss, coalesces sets of one output,
/// encodes what §9.2 requires.
/// </summary>
public class TraceLinkQueueTests
{
    private CapturingPublication _publication = null!;

    [SetUp]
    public void SetUp() => _publication = new CapturingPublication();

    [TearDown]
    public void TearDown() => _publication.Dispose();

    [Test]
    public void A_queued_set_is_published_as_one_TraceLinkSet_with_its_parents_in_order_9_1()
    {
        var queue = new TraceLinkQueue();

        Assert.That(queue.TryEnqueue(10002, 7, 99, 0x5000, [0x3000, 0x1000, 0x2000]), Is.True);
        Assert.That(queue.Drain(_publication), Is.EqualTo(1));

        Assert.That(_publication.Messages, Has.Count.EqualTo(1));
        var m = Messages.Decode(_publication.Messages[0]);
        Assert.That((m.Stream, m.Epoch, m.Seq, m.Trace), Is.EqualTo((10002u, 7UL, 99UL, 0x5000UL)));
        Assert.That(m.Parents, Is.EqualTo(new ulong[] { 0x3000, 0x1000, 0x2000 }));
        Assert.That(queue.Counters.Enqueued, Is.EqualTo(1));
        Assert.That(queue.Counters.Published, Is.EqualTo(1));
        Assert.That(queue.Pending, Is.Zero);
    }

    [Test]
    public void A_set_larger_than_a_cell_still_goes_out_whole()
    {
        var queue = new TraceLinkQueue();
        ulong[] parents = [.. Enumerable.Range(1, 3 * TraceLinkQueue.ParentsPerEntry + 5).Select(i => (ulong)i)];

        queue.TryEnqueue(1, 1, 1, 0x5000, parents);
        queue.Drain(_publication);

        Assert.That(_publication.Messages, Has.Count.EqualTo(1));
        Assert.That(Messages.Decode(_publication.Messages[0]).Parents, Is.EqualTo(parents));
    }

    [Test]
    public void Encoders_never_emit_a_set_without_parents_or_with_a_zero_or_a_repeat_16_9_2()
    {
        var queue = new TraceLinkQueue();

        Assert.That(() => queue.TryEnqueue(1, 1, 1, 0x5000, []), Throws.ArgumentException.With.Message.Contains("no parents"));
        Assert.That(() => queue.TryEnqueue(1, 1, 1, 0x5000, [0x1000, 0]), Throws.ArgumentException.With.Message.Contains("is 0"));
        Assert.That(() => queue.TryEnqueue(1, 1, 1, 0x5000, [0x1000, 0x1000]), Throws.ArgumentException.With.Message.Contains("twice"));
        ulong[] many = [.. Enumerable.Range(1, 40).Select(i => (ulong)i), 7];
        Assert.That(() => queue.TryEnqueue(1, 1, 1, 0x5000, many), Throws.ArgumentException.With.Message.Contains("twice"));
        Assert.That(() => queue.TryEnqueue(1, 1, 1, 0, [0x1000]), Throws.ArgumentException.With.Message.Contains("must not be 0"));
        Assert.That(queue.Pending, Is.Zero);
    }

    [Test]
    public void A_full_queue_drops_the_set_at_once_and_counts_it_5()
    {
        var queue = new TraceLinkQueue(new TraceLinkQueueOptions { Capacity = 4, MaxParents = 8 });
        for (int i = 0; i < 4; i++)
        {
            Assert.That(queue.TryEnqueue(1, 1, (ulong)i, 0x5000 + (ulong)i, [0x1000, 0x2000]), Is.True);
        }

        Assert.That(queue.TryEnqueue(1, 1, 9, 0x6000, [0x1000, 0x2000]), Is.False);
        Assert.That(queue.Counters.DroppedFull, Is.EqualTo(1));
        Assert.That(queue.Counters.Dropped, Is.EqualTo(1));

        queue.Drain(_publication);
        Assert.That(queue.TryEnqueue(1, 1, 9, 0x6000, [0x1000, 0x2000]), Is.True, "room again after a drain");
    }

    [Test]
    public void A_set_that_needs_more_cells_than_are_free_is_dropped_whole_never_in_part()
    {
        var queue = new TraceLinkQueue(new TraceLinkQueueOptions { Capacity = 4, MaxParents = 32 });
        queue.TryEnqueue(1, 1, 1, 0x5000, [0x1000, 0x2000]);
        queue.TryEnqueue(1, 1, 2, 0x5001, [0x1000, 0x2000]);

        ulong[] big = [.. Enumerable.Range(1, 20).Select(i => (ulong)i)]; // three cells, two free
        Assert.That(queue.TryEnqueue(1, 1, 3, 0x5002, big), Is.False);

        queue.Drain(_publication);
        Assert.That(_publication.Messages, Has.Count.EqualTo(2));
        Assert.That(queue.Pending, Is.Zero);
    }

    [Test]
    public void A_set_over_MaxParents_is_dropped_and_counted()
    {
        var queue = new TraceLinkQueue(new TraceLinkQueueOptions { MaxParents = 4 });

        Assert.That(queue.TryEnqueue(1, 1, 1, 0x5000, [1, 2, 3, 4, 5]), Is.False);
        Assert.That(queue.Counters.DroppedOversize, Is.EqualTo(1));
    }

    [Test]
    public void Sets_for_the_same_output_are_coalesced_into_one_message_without_repeats_14_1()
    {
        var queue = new TraceLinkQueue();
        queue.TryEnqueue(10002, 7, 99, 0x5000, [0x1000, 0x2000]);
        queue.TryEnqueue(10002, 7, 99, 0x5000, [0x2000, 0x3000]);
        queue.TryEnqueue(10002, 7, 100, 0x5001, [0x1000, 0x4000]);

        Assert.That(queue.Drain(_publication), Is.EqualTo(2));

        Assert.That(Messages.Decode(_publication.Messages[0]).Parents, Is.EqualTo(new ulong[] { 0x1000, 0x2000, 0x3000 }));
        Assert.That(Messages.Decode(_publication.Messages[1]).Parents, Is.EqualTo(new ulong[] { 0x1000, 0x4000 }));
        Assert.That(queue.Counters.Coalesced, Is.EqualTo(1));
        Assert.That(queue.Counters.Published, Is.EqualTo(2));
    }

    [Test]
    public void Coalescing_stops_at_MaxParents()
    {
        var queue = new TraceLinkQueue(new TraceLinkQueueOptions { MaxParents = 3 });
        queue.TryEnqueue(1, 1, 1, 0x5000, [1, 2]);
        queue.TryEnqueue(1, 1, 1, 0x5000, [3, 4]);

        queue.Drain(_publication);

        Assert.That(_publication.Messages, Has.Count.EqualTo(2));
        Assert.That(_publication.Messages.Select(m => Messages.Decode(m).Parents.Length), Has.All.LessThanOrEqualTo(3));
    }

    [Test]
    public void Back_pressure_keeps_the_sets_for_the_next_drain()
    {
        var queue = new TraceLinkQueue();
        queue.TryEnqueue(1, 1, 1, 0x5000, [0x1000, 0x2000]);
        _publication.Answer = PublicationStatus.BackPressured;

        Assert.That(queue.Drain(_publication), Is.Zero);
        Assert.That(queue.Counters.BackPressured, Is.EqualTo(1));
        Assert.That(queue.Pending, Is.EqualTo(1));

        _publication.Answer = null;
        Assert.That(queue.Drain(_publication), Is.EqualTo(1));
        Assert.That(_publication.Messages, Has.Count.EqualTo(1));
        Assert.That(queue.Counters.Dropped, Is.Zero);
    }

    [TestCase(PublicationStatus.NotConnected)]
    [TestCase(PublicationStatus.Closed)]
    [TestCase(PublicationStatus.MaxMessageLengthExceeded)]
    public void A_refusal_for_good_drops_the_sets_and_counts_them_5(long status)
    {
        var queue = new TraceLinkQueue();
        queue.TryEnqueue(1, 1, 1, 0x5000, [0x1000, 0x2000]);
        queue.TryEnqueue(1, 1, 1, 0x5000, [0x3000]);
        _publication.Answer = status;

        queue.Drain(_publication);

        Assert.That(queue.Counters.DroppedPublication, Is.EqualTo(2));
        Assert.That(queue.Pending, Is.Zero, "a refused set does not block the ones behind it");
    }

    [Test]
    public void A_drain_publishes_at_most_its_limit()
    {
        var queue = new TraceLinkQueue();
        for (ulong i = 1; i <= 10; i++)
        {
            queue.TryEnqueue(1, 1, i, 0x5000 + i, [0x1000, 0x2000]);
        }

        Assert.That(queue.Drain(_publication, messageLimit: 3), Is.EqualTo(3));
        Assert.That(queue.Drain(_publication), Is.EqualTo(7));
    }

    [Test]
    public void Sets_queued_from_many_threads_while_a_conductor_drains_arrive_exactly_once_whole()
    {
        var queue = new TraceLinkQueue(new TraceLinkQueueOptions { Capacity = 64, MaxParents = 24 });
        const int threads = 4;
        const int each = 5_000;
        long refused = 0;
        bool done = false;
        var drainer = new Thread(() =>
        {
            while (!Volatile.Read(ref done) || queue.Pending > 0)
            {
                queue.Drain(_publication);
            }
        });
        drainer.Start();
        Thread[] producers = [.. Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            Span<ulong> parents = stackalloc ulong[24];
            for (int i = 0; i < each; i++)
            {
                int n = 2 + (i % 23); // one to four cells
                for (int p = 0; p < n; p++)
                {
                    parents[p] = (ulong)(p + 1);
                }
                // A full queue refuses at once; this test retries so every set goes through the race at least once.
                while (!queue.TryEnqueue((uint)t, 1, (ulong)i, ((ulong)t << 32) | (uint)(i + 1), parents[..n]))
                {
                    Interlocked.Increment(ref refused);
                    Thread.Yield();
                }
            }
        }))];
        foreach (Thread p in producers)
        {
            p.Start();
        }
        foreach (Thread p in producers)
        {
            p.Join();
        }
        Volatile.Write(ref done, true);
        drainer.Join();

        Assert.That(queue.Counters.Enqueued, Is.EqualTo(threads * each));
        Assert.That(queue.Counters.DroppedFull, Is.EqualTo(refused), "every refusal counted");
        Assert.That(_publication.Messages, Has.Count.EqualTo(threads * each), "one message a set: every trace id differs");
        var seen = new HashSet<ulong>();
        foreach (byte[] message in _publication.Messages)
        {
            var m = Messages.Decode(message);
            int n = 2 + ((int)m.Seq % 23);
            Assert.That(m.Parents, Is.EqualTo(Enumerable.Range(1, n).Select(i => (ulong)i)), "a set is never torn or mixed with another");
            Assert.That(m.Trace, Is.EqualTo(((ulong)m.Stream << 32) | (uint)(m.Seq + 1)));
            Assert.That(seen.Add(m.Trace), Is.True, "published once");
        }
    }

    [Test]
    public void Queueing_and_draining_allocate_nothing()
    {
        var queue = new TraceLinkQueue();
        var publication = new CountingPublication();
        ulong[] parents = [0x1000, 0x2000, 0x3000];
        queue.TryEnqueue(1, 1, 1, 0x5000, parents);
        queue.Drain(publication);

        (long bytes, _) = TensorPool.Testing.SteadyState.AllocatedBytes(() =>
        {
            for (ulong i = 0; i < 1000; i++)
            {
                queue.TryEnqueue(1, 1, i, 0x5000 + i, parents);
                queue.Drain(publication);
            }
        });

        Assert.That(bytes, Is.Zero);
    }

    [TestCase(3, 8)]
    [TestCase(1024, 0)]
    [TestCase(1024, 2000)]
    [TestCase(2, 64)]
    public void Options_out_of_range_are_refused_naming_the_option(int capacity, int maxParents)
    {
        Assert.That(() => new TraceLinkQueue(new TraceLinkQueueOptions { Capacity = capacity, MaxParents = maxParents }),
            Throws.ArgumentException.With.Message.StartsWith("TraceLinkQueueOptions."));
    }

    private sealed class CountingPublication : IPublication
    {
        public string Channel => "tp:ipc";

        public int StreamId => 1000;

        public int MaxMessageLength => 65536;

        public bool IsClosed => false;

        public long Offer(ReadOnlySpan<byte> message) => message.Length;

        public void Dispose()
        {
        }
    }
}
