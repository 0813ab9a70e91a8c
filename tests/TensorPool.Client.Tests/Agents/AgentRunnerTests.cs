using System.Collections.Concurrent;
using TensorPool.Agents;

namespace TensorPool.Client.Tests.Agents;

public class AgentRunnerTests
{
    private sealed class RecordingAgent : IAgent
    {
        public readonly ConcurrentQueue<string> Events = new();
        public int Cycles;
        public Func<int, int> Work = _ => 0;
        public bool ThrowOnStart;

        public string RoleName => "recording";

        public void OnStart()
        {
            Events.Enqueue("start:" + Environment.CurrentManagedThreadId);
            if (ThrowOnStart)
            {
                throw new InvalidOperationException("boom on start");
            }
        }

        public int DoWork()
        {
            int n = Interlocked.Increment(ref Cycles);
            return Work(n);
        }

        public void OnClose() => Events.Enqueue("close:" + Environment.CurrentManagedThreadId);
    }

    private static void WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "condition not reached");
            Thread.Sleep(1);
        }
    }

    [Test]
    public void Runner_starts_cycles_and_closes_the_agent_on_its_own_thread()
    {
        var agent = new RecordingAgent();
        var errors = new ConcurrentQueue<Exception>();
        using (var runner = new AgentRunner(agent, new SleepingIdleStrategy(TimeSpan.FromMilliseconds(1)), errors.Enqueue))
        {
            runner.Start();
            WaitUntil(() => Volatile.Read(ref agent.Cycles) > 5);
            Assert.That(runner.Close(TimeSpan.FromSeconds(30)), Is.True);
            Assert.That(runner.Thread.Name, Is.EqualTo("recording"));
        }
        string[] events = agent.Events.ToArray();
        Assert.That(events, Has.Length.EqualTo(2));
        Assert.That(events[0], Does.StartWith("start:"));
        Assert.That(events[1], Does.StartWith("close:"));
        Assert.That(events[0][6..], Is.EqualTo(events[1][6..]), "OnStart and OnClose run on the agent thread");
        Assert.That(events[0][6..], Is.Not.EqualTo(Environment.CurrentManagedThreadId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(errors, Is.Empty);
    }

    [Test]
    public void Duty_cycle_exceptions_go_to_the_error_handler_and_the_agent_keeps_running()
    {
        var agent = new RecordingAgent { Work = n => n % 2 == 0 ? throw new InvalidOperationException("cycle " + n) : 1 };
        var errors = new ConcurrentQueue<Exception>();
        using var runner = new AgentRunner(agent, NoOpIdleStrategy.Instance, errors.Enqueue);
        runner.Start();
        WaitUntil(() => errors.Count >= 3);
        runner.Close(TimeSpan.FromSeconds(30));
        Assert.That(errors.All(e => e is InvalidOperationException), Is.True);
        Assert.That(Volatile.Read(ref agent.Cycles), Is.GreaterThanOrEqualTo(5));
    }

    [Test]
    public void Exception_in_OnStart_is_reported_and_ends_the_run_without_cycles()
    {
        var agent = new RecordingAgent { ThrowOnStart = true };
        var errors = new ConcurrentQueue<Exception>();
        using var runner = new AgentRunner(agent, NoOpIdleStrategy.Instance, errors.Enqueue);
        runner.Start();
        WaitUntil(() => !runner.IsRunning);
        Assert.That(runner.Close(TimeSpan.FromSeconds(30)), Is.True);
        Assert.That(errors.Single().Message, Is.EqualTo("boom on start"));
        Assert.That(agent.Cycles, Is.Zero);
    }

    [Test]
    public void Starting_twice_is_misuse()
    {
        using var runner = new AgentRunner(new RecordingAgent(), NoOpIdleStrategy.Instance, _ => { });
        runner.Start();
        Assert.Throws<InvalidOperationException>(runner.Start);
    }

    [Test]
    public void Invoker_starts_on_first_invoke_returns_work_and_closes_once()
    {
        var agent = new RecordingAgent { Work = n => n * 10 };
        var errors = new List<Exception>();
        var invoker = new AgentInvoker(agent, errors.Add);
        Assert.That(agent.Events, Is.Empty);
        Assert.That(invoker.Invoke(), Is.EqualTo(10));
        Assert.That(invoker.Invoke(), Is.EqualTo(20));
        invoker.Dispose();
        invoker.Dispose();
        Assert.That(invoker.Invoke(), Is.Zero, "a closed invoker does no work");
        Assert.That(agent.Events.Count(e => e.StartsWith("start", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(agent.Events.Count(e => e.StartsWith("close", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(agent.Events.First(), Does.EndWith(Environment.CurrentManagedThreadId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(errors, Is.Empty);
    }

    [Test]
    public void Invoker_reports_duty_cycle_exceptions_and_returns_zero()
    {
        var agent = new RecordingAgent { Work = _ => throw new InvalidOperationException("bad") };
        var errors = new List<Exception>();
        using var invoker = new AgentInvoker(agent, errors.Add);
        Assert.That(invoker.Invoke(), Is.Zero);
        Assert.That(errors, Has.Count.EqualTo(1));
    }
}
