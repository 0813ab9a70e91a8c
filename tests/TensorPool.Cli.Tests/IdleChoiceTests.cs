using TensorPool.Agents;
using TensorPool.Cli.DataPath;

namespace TensorPool.Cli.Tests;

/// <summary><c>--idle</c> of tp consume and tp demo: the names, and what the default asks of the scheduler (D249).</summary>
public class IdleChoiceTests
{
    private sealed class Source : IWaitSource
    {
        public void Wait(long timeoutNs)
        {
        }

        public void Wake()
        {
        }
    }

    [Test]
    public void The_default_waits_with_the_shortest_scheduler_slice()
    {
        Assert.That(IdleChoice.Default, Is.EqualTo("wait"));
        IIdleStrategy idle = IdleChoice.Parse(IdleChoice.Default)!(new Source());
        Assert.That(idle, Is.TypeOf<WaitingIdleStrategy>());
        Assert.That(((WaitingIdleStrategy)idle).SchedulerSlice, Is.EqualTo(ThreadSlice.Shortest));
    }

    [Test]
    public void Busy_modes_are_the_shared_strategies_and_unknown_names_are_refused()
    {
        Assert.That(IdleChoice.Parse("spin")!(new Source()), Is.SameAs(BusySpinIdleStrategy.Instance));
        Assert.That(IdleChoice.Parse("yield")!(new Source()), Is.SameAs(YieldingIdleStrategy.Instance));
        Assert.That(IdleChoice.Parse("backoff")!(new Source()), Is.TypeOf<BackoffIdleStrategy>());
        Assert.That(IdleChoice.Parse("sleep"), Is.Null);
        Assert.That(IdleChoice.Parse(null), Is.Null);
    }
}
