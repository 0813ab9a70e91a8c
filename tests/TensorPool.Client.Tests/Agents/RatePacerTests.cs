using TensorPool.Time;

namespace TensorPool.Client.Tests.Agents;

/// <summary><see cref="RatePacer"/>: absolute deadlines, bounded waits, argument rules (no timing asserted).</summary>
public class RatePacerTests
{
    [Test]
    public void Deadlines_are_absolute_so_a_late_event_does_not_shift_the_next()
    {
        var pacer = new RatePacer(1000);
        long first = pacer.NextDueNs;
        for (int i = 0; i < 20; i++)
        {
            Assert.That(pacer.WaitForNext(TimeSpan.FromSeconds(30)), Is.True);
            pacer.MarkDone();
            if (i == 5)
            {
                Thread.Sleep(10); // late: the following deadlines are already due, not pushed back
            }
        }
        Assert.That(pacer.Count, Is.EqualTo(20));
        Assert.That(pacer.NextDueNs - first, Is.EqualTo(20_000_000));
    }

    [Test]
    public void A_wait_shorter_than_the_period_returns_false_before_the_deadline()
    {
        var pacer = new RatePacer(0.01); // one event per 100 s
        Assert.That(pacer.WaitForNext(TimeSpan.Zero), Is.True, "the first event is due at once");
        pacer.MarkDone();
        Assert.That(pacer.WaitForNext(TimeSpan.FromMilliseconds(1)), Is.False, "the next is 100 s away");
    }

    [TestCase(0.0)]
    [TestCase(-1.0)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void Rate_must_be_positive_and_finite(double rate) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new RatePacer(rate));
}
