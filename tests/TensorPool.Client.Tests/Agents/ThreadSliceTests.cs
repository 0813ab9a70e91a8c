using TensorPool.Agents;

namespace TensorPool.Client.Tests.Agents;

/// <summary>
/// A waiting consumer's thread asks for the shortest scheduler slice so that its wake-up preempts the producer it shares a
/// CPU with (D249). Each case runs on a thread of its own: a slice stays with the thread that asked for it.
/// </summary>
public class ThreadSliceTests
{
    private sealed class CountingSource : IWaitSource
    {
        public int Sleeps { get; private set; }

        public void Wait(long timeoutNs) => Sleeps++;

        public void Wake()
        {
        }
    }

    /// <summary>Run <paramref name="body"/> on a new thread and rethrow what it threw (assertions included).</summary>
    private static void OnOwnThread(Action body)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }
    }

    private static void RequireSlices()
    {
        bool supported = false;
        OnOwnThread(() => supported = ThreadSlice.Current is not null);
        if (!supported)
        {
            Assert.Ignore("this kernel has no per-thread scheduler slices (Linux 6.12 or later has)");
        }
    }

    [Test]
    public void The_shortest_slice_asked_for_is_the_slice_in_force()
    {
        RequireSlices();
        OnOwnThread(() =>
        {
            Assert.That(ThreadSlice.TrySet(ThreadSlice.Shortest), Is.True);
            Assert.That(ThreadSlice.Current, Is.EqualTo(ThreadSlice.Shortest));
            Assert.That(ThreadSlice.Shortest, Is.EqualTo(TimeSpan.FromMicroseconds(100)));
        });
    }

    [Test]
    public void Reset_gives_the_default_slice_back()
    {
        RequireSlices();
        OnOwnThread(() =>
        {
            TimeSpan? standard = ThreadSlice.Current;
            TimeSpan other = standard == TimeSpan.FromMicroseconds(300) ? TimeSpan.FromMicroseconds(400) : TimeSpan.FromMicroseconds(300);
            Assert.That(ThreadSlice.TrySet(other), Is.True);
            Assert.That(ThreadSlice.Current, Is.EqualTo(other));
            Assert.That(ThreadSlice.TryReset(), Is.True);
            Assert.That(ThreadSlice.Current, Is.EqualTo(standard));
        });
    }

    [Test]
    public void Slices_outside_what_Linux_gives_are_refused_before_any_call()
    {
        Assert.That(() => ThreadSlice.TrySet(TimeSpan.FromMicroseconds(99)), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => ThreadSlice.TrySet(TimeSpan.FromMilliseconds(101)), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new WaitingIdleStrategy(new CountingSource()) { SchedulerSlice = TimeSpan.Zero },
            Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void A_waiting_strategy_asks_for_its_slice_at_the_first_sleep_on_the_sleeping_thread()
    {
        RequireSlices();
        OnOwnThread(() =>
        {
            TimeSpan? standard = ThreadSlice.Current;
            var source = new CountingSource();
            var idle = new WaitingIdleStrategy(source, TimeSpan.Zero, Timeout.InfiniteTimeSpan) { SchedulerSlice = ThreadSlice.Shortest };
            Assert.That(idle.SchedulerSliceGranted, Is.False);
            Assert.That(ThreadSlice.Current, Is.EqualTo(standard), "constructing it changes nothing");
            idle.Idle(0);
            Assert.That(source.Sleeps, Is.EqualTo(1));
            Assert.That(idle.SchedulerSliceGranted, Is.True);
            Assert.That(ThreadSlice.Current, Is.EqualTo(ThreadSlice.Shortest));
        });
    }

    [Test]
    public void Without_a_slice_to_ask_for_the_thread_keeps_its_own()
    {
        RequireSlices();
        OnOwnThread(() =>
        {
            TimeSpan? standard = ThreadSlice.Current;
            var source = new CountingSource();
            var idle = new WaitingIdleStrategy(source, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            idle.Idle(0);
            idle.Idle(0);
            Assert.That(source.Sleeps, Is.EqualTo(2));
            Assert.That(idle.SchedulerSlice, Is.Null);
            Assert.That(idle.SchedulerSliceGranted, Is.False);
            Assert.That(ThreadSlice.Current, Is.EqualTo(standard));
        });
    }
}
