using TensorPool.Agents;
using TensorPool.Time;

namespace TensorPool.Client.Tests.Agents;

public class IdleStrategyTests
{
    [Test]
    public void Backoff_escalates_spin_then_yield_then_park_and_resets_on_work()
    {
        var idle = new BackoffIdleStrategy(maxSpins: 3, maxYields: 2, TimeSpan.FromTicks(10), TimeSpan.FromTicks(100));
        Assert.That(idle.CurrentState, Is.EqualTo(BackoffIdleStrategy.State.NotIdle));
        idle.Idle(0);
        Assert.That(idle.CurrentState, Is.EqualTo(BackoffIdleStrategy.State.Spinning));
        for (int i = 0; i < 3; i++)
        {
            idle.Idle(0);
        }
        Assert.That(idle.CurrentState, Is.EqualTo(BackoffIdleStrategy.State.Yielding));
        for (int i = 0; i < 3; i++)
        {
            idle.Idle(0);
        }
        Assert.That(idle.CurrentState, Is.EqualTo(BackoffIdleStrategy.State.Parking));
        idle.Idle(0);
        idle.Idle(1);
        Assert.That(idle.CurrentState, Is.EqualTo(BackoffIdleStrategy.State.NotIdle));
    }

    [Test]
    public void Backoff_rejects_inconsistent_parameters()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BackoffIdleStrategy(-1, 0, TimeSpan.Zero, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BackoffIdleStrategy(1, 1, TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SleepingIdleStrategy(TimeSpan.FromTicks(-1)));
    }

    [Test]
    public void Sleeping_strategy_sleeps_only_when_idle()
    {
        // A one-hour period would hang the test if Idle(work > 0) slept.
        var idle = new SleepingIdleStrategy(TimeSpan.FromHours(1));
        idle.Idle(1);
        Assert.That(idle.Period, Is.EqualTo(TimeSpan.FromHours(1)));
    }

    [Test]
    public void Manual_clock_moves_only_when_told()
    {
        var clock = new ManualClock(100);
        Assert.That(clock.NanoTime(), Is.EqualTo(100));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(clock.NanoTime(), Is.EqualTo(1_000_100));
        clock.AdvanceNanos(5);
        clock.Set(clock.NanoTime() + 1);
        Assert.That(clock.NanoTime(), Is.EqualTo(1_000_106));
    }

    [Test]
    public void Monotonic_clock_never_goes_backwards()
    {
        long previous = MonotonicClock.Instance.NanoTime();
        for (int i = 0; i < 100_000; i++)
        {
            long now = MonotonicClock.Instance.NanoTime();
            Assert.That(now, Is.GreaterThanOrEqualTo(previous));
            previous = now;
        }
    }
}
