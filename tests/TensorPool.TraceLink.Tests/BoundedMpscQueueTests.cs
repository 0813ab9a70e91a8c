using TensorPool.TraceLink.Internal;
using TensorPool.TraceLink;

namespace TensorPool.TraceLink.Tests;

/// <summary>The lock-free bounded queue under the emission queue and the store's writer.</summary>
public class BoundedMpscQueueTests
{
    [Test]
    public void Values_come_out_in_the_order_they_were_published()
    {
        var q = new BoundedMpscQueue<int>(8);
        for (int i = 0; i < 5; i++)
        {
            Assert.That(q.TryEnqueue(i), Is.True);
        }
        var into = new int[8];

        Assert.That(q.Drain(into), Is.EqualTo(5));
        Assert.That(into[..5], Is.EqualTo(new[] { 0, 1, 2, 3, 4 }));
        Assert.That(q.Count, Is.Zero);
    }

    [Test]
    public void A_claim_is_all_or_nothing()
    {
        var q = new BoundedMpscQueue<int>(8);
        Assert.That(q.TryClaim(6, out long first), Is.True);
        q.Publish(first, 6);

        Assert.That(q.TryClaim(3, out _), Is.False, "only two cells are free");
        Assert.That(q.TryClaim(2, out long second), Is.True);
        Assert.That(second, Is.EqualTo(6));
        Assert.That(q.TryClaim(9, out _), Is.False, "more than the capacity");
    }

    [Test]
    public void The_consumer_stops_at_a_claimed_cell_not_yet_published()
    {
        var q = new BoundedMpscQueue<int>(8);
        q.TryClaim(1, out long slow);
        q.TryEnqueue(42); // claimed after, published first

        Assert.That(q.Available(8), Is.Zero);
        q[slow] = 41;
        q.Publish(slow, 1);
        Assert.That(q.Available(8), Is.EqualTo(2));
    }

    [Test]
    public void Released_cells_are_reused_lap_after_lap()
    {
        var q = new BoundedMpscQueue<long>(4);
        var into = new long[4];
        long expected = 0;
        for (long i = 0; i < 1000; i++)
        {
            Assert.That(q.TryEnqueue(i), Is.True);
            if (i % 3 == 2)
            {
                int n = q.Drain(into);
                for (int k = 0; k < n; k++)
                {
                    Assert.That(into[k], Is.EqualTo(expected++));
                }
            }
        }
    }

    [TestCase(0)]
    [TestCase(3)]
    [TestCase(1 << 25)]
    public void The_capacity_is_a_power_of_two(int capacity) =>
        Assert.That(() => new BoundedMpscQueue<int>(capacity), Throws.TypeOf<ArgumentOutOfRangeException>());
}
