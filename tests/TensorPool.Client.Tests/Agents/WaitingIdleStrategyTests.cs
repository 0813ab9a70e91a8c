using TensorPool.Agents;
using TensorPool.Time;

namespace TensorPool.Client.Tests.Agents;

/// <summary>
/// The waiting strategy's spin window adapts to the traffic (D241): a paced stream's consumer sleeps at once after each
/// frame instead of spinning in vain, a burst earns the window back. Driven by a manual clock; a sleep is counted, not slept.
/// </summary>
public class WaitingIdleStrategyTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMicroseconds(10);

    private sealed class CountingSource : IWaitSource
    {
        public int Sleeps { get; private set; }

        public void Wait(long timeoutNs) => Sleeps++;

        public void Wake()
        {
        }
    }

    private static (WaitingIdleStrategy Idle, CountingSource Source, ManualClock Clock) Create(TimeSpan window)
    {
        var source = new CountingSource();
        var clock = new ManualClock();
        return (new WaitingIdleStrategy(source, window, Timeout.InfiniteTimeSpan, clock, CancellationToken.None), source, clock);
    }

    /// <summary>One idle stretch of <paramref name="length"/> that ends with work.</summary>
    private static void Stretch(WaitingIdleStrategy idle, ManualClock clock, TimeSpan length)
    {
        idle.Idle(0);
        clock.Advance(length);
        idle.Idle(0);
        idle.Idle(1);
    }

    [Test]
    public void The_first_idle_stretch_spins_the_whole_window_then_sleeps()
    {
        (WaitingIdleStrategy idle, CountingSource source, ManualClock clock) = Create(Window);
        idle.Idle(0);
        clock.Advance(TimeSpan.FromMicroseconds(9));
        idle.Idle(0);
        Assert.That(source.Sleeps, Is.Zero, "inside the window it spins");
        clock.Advance(TimeSpan.FromMicroseconds(2));
        idle.Idle(0);
        Assert.That(source.Sleeps, Is.EqualTo(1), "past the window it sleeps");
    }

    [Test]
    public void Gaps_longer_than_a_burst_close_the_window_so_the_next_idle_sleeps_at_once()
    {
        (WaitingIdleStrategy idle, CountingSource source, ManualClock clock) = Create(Window);
        Stretch(idle, clock, TimeSpan.FromMilliseconds(1)); // a frame at 1 kHz
        Assert.That(idle.CurrentSpinWindow, Is.EqualTo(TimeSpan.Zero));
        int before = source.Sleeps;
        idle.Idle(0); // no time has passed: a spinning strategy would not sleep yet
        Assert.That(source.Sleeps, Is.EqualTo(before + 1));
        Assert.That(idle.SpinWindow, Is.EqualTo(Window), "the configured window is kept");
    }

    [Test]
    public void Short_gaps_regrow_the_window_by_doubling_up_to_the_configured_one()
    {
        (WaitingIdleStrategy idle, _, ManualClock clock) = Create(Window);
        Stretch(idle, clock, TimeSpan.FromMilliseconds(1));
        var seen = new List<TimeSpan>();
        for (int i = 0; i < 5; i++)
        {
            Stretch(idle, clock, TimeSpan.FromMicroseconds(15)); // a sleep's wake-up longer than the window: still a burst
            seen.Add(idle.CurrentSpinWindow);
        }
        Assert.That(seen, Is.EqualTo(new[]
        {
            TimeSpan.FromTicks(12), TimeSpan.FromTicks(25), TimeSpan.FromTicks(50), Window, Window,
        }));
    }

    [Test]
    public void Work_that_never_idles_leaves_the_window_open()
    {
        (WaitingIdleStrategy idle, CountingSource source, ManualClock clock) = Create(Window);
        for (int i = 0; i < 100; i++)
        {
            idle.Idle(1);
            clock.Advance(TimeSpan.FromMilliseconds(1));
        }
        Assert.That(idle.CurrentSpinWindow, Is.EqualTo(Window));
        Assert.That(source.Sleeps, Is.Zero);
    }

    [Test]
    public void A_zero_window_always_sleeps_at_once()
    {
        (WaitingIdleStrategy idle, CountingSource source, ManualClock clock) = Create(TimeSpan.Zero);
        Stretch(idle, clock, TimeSpan.FromMicroseconds(1));
        Assert.That(idle.CurrentSpinWindow, Is.EqualTo(TimeSpan.Zero));
        Assert.That(source.Sleeps, Is.EqualTo(2));
    }
}
