using TensorPool.Agents;
using TensorPool.Testing;
using TensorPool.Transport;

namespace TensorPool.Client.Tests.Agents;

/// <summary>
/// <see cref="SubscriptionWaitSet"/> over tp:ipc: one sleep across several logs and a doorbell. Sleeps without a timeout
/// of their own, so a lost wake-up hangs the waiter and the generous join bound fails the test; no timing is asserted.
/// </summary>
[NonParallelizable]
public class SubscriptionWaitSetTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private const string Channel = "tp:ipc";

    [Test]
    public void A_message_on_any_followed_stream_wakes_the_set()
    {
        using var dir = new TempDirectory();
        using var transport = new TpIpcTransport(new TpIpcOptions { BaseDir = dir.Path, LogCapacity = 64 * 1024 });
        using ISubscription a = transport.AddSubscription(Channel, 1);
        using ISubscription b = transport.AddSubscription(Channel, 2);
        using TpIpcPublication pb = transport.AddPublication(Channel, 2);
        var set = new SubscriptionWaitSet();
        set.Add(a);
        set.Add(b);
        bool ready = false;
        var waiter = new Thread(() =>
        {
            // The adds rang the doorbell: the first waits return for that; only a message makes one return true.
            while (!ready)
            {
                ready = set.WaitForMessages(-1);
            }
        })
        { IsBackground = true };
        waiter.Start();
        Thread.Sleep(200);
        Assert.That(pb.Offer(new byte[8]), Is.GreaterThan(0));
        Assert.That(waiter.Join(Bound), Is.True, "a message on the second stream woke the set");
    }

    [Test]
    public void A_wake_racing_the_sleep_is_never_lost()
    {
        // The waiter looks at a counter, then sleeps; the waker bumps the counter, then rings. A ring between the look
        // and the sleep must end the sleep (the doorbell value read before the look is the one the kernel compares).
        using var dir = new TempDirectory();
        using var transport = new TpIpcTransport(new TpIpcOptions { BaseDir = dir.Path, LogCapacity = 64 * 1024 });
        using ISubscription a = transport.AddSubscription(Channel, 1);
        var set = new SubscriptionWaitSet();
        set.Add(a);
        const int rounds = 5000;
        int posted = 0;
        int taken = 0;
        var waiter = new Thread(() =>
        {
            while (Volatile.Read(ref taken) < rounds)
            {
                int p = Volatile.Read(ref posted);
                if (p > taken)
                {
                    Volatile.Write(ref taken, p);
                    continue;
                }
                set.WaitForMessages(-1);
            }
        })
        { IsBackground = true, Name = "doorbell-waiter" };
        waiter.Start();
        var random = new Random(14);
        for (int i = 1; i <= rounds; i++)
        {
            Volatile.Write(ref posted, i);
            set.Wake();
            Assert.That(SpinWait.SpinUntil(() => Volatile.Read(ref taken) >= i, Bound), Is.True, $"round {i}: the wake-up was lost");
            Thread.SpinWait(random.Next(0, 500));
        }
        Assert.That(waiter.Join(Bound), Is.True);
    }

    [Test]
    public void A_subscription_disposed_while_the_set_sleeps_wakes_it_and_is_skipped_after()
    {
        using var dir = new TempDirectory();
        using var transport = new TpIpcTransport(new TpIpcOptions { BaseDir = dir.Path, LogCapacity = 64 * 1024 });
        TpIpcSubscription a = transport.AddSubscription(Channel, 1);
        var set = new SubscriptionWaitSet();
        set.Add(a);
        var waiter = new Thread(() =>
        {
            while (!a.IsClosed)
            {
                set.WaitForMessages(-1); // the add rang the doorbell: the first wait returns for that
            }
        })
        { IsBackground = true };
        waiter.Start();
        Thread.Sleep(200);
        a.Dispose();
        Assert.That(waiter.Join(Bound), Is.True, "the Dispose woke the set");
        Assert.That(set.WaitForMessages(1_000_000), Is.False, "a closed member is skipped: the set times out");
    }

    [Test]
    public void Members_are_added_replaced_and_removed_up_to_the_limit()
    {
        using var dir = new TempDirectory();
        using var transport = new TpIpcTransport(new TpIpcOptions { BaseDir = dir.Path, LogCapacity = 64 * 1024 });
        using ISubscription a = transport.AddSubscription(Channel, 1);
        using ISubscription b = transport.AddSubscription(Channel, 2);
        var set = new SubscriptionWaitSet();
        set.Add(a);
        set.Add(a);
        Assert.That(set.Subscriptions, Is.EqualTo(new[] { a }));
        set.Replace(a, b);
        Assert.That(set.Subscriptions, Is.EqualTo(new[] { b }));
        Assert.That(set.Remove(a), Is.False);
        Assert.That(set.Remove(b), Is.True);
        Assert.That(set.Subscriptions, Is.Empty);
        var many = new List<ISubscription>();
        try
        {
            for (int i = 0; i < SubscriptionWaitSet.MaxSubscriptions; i++)
            {
                many.Add(transport.AddSubscription(Channel, 100 + i));
                set.Add(many[^1]);
            }
            Assert.Throws<InvalidOperationException>(() => set.Add(a));
        }
        finally
        {
            foreach (ISubscription s in many)
            {
                s.Dispose();
            }
        }
    }

    [Test]
    public async Task A_subscription_that_throws_fails_its_async_wait_and_other_async_waits_go_on()
    {
        // The process's async-wait thread meets a defect of a transport (a subscription that throws). The waiter gets
        // the exception where it awaits; the thread neither ends the process nor stops serving other sets.
        var broken = new SubscriptionWaitSet();
        broken.Add(new ThrowingSubscription());
        using var cts = new CancellationTokenSource(Bound);
        InvalidOperationException? error = Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            while (true)
            {
                await broken.WaitForMessagesAsync(cts.Token); // the first returns for the Add's ring
            }
        });
        Assert.That(error!.Message, Does.Contain("broken transport"));

        using var dir = new TempDirectory();
        using var transport = new TpIpcTransport(new TpIpcOptions { BaseDir = dir.Path, LogCapacity = 64 * 1024 });
        using ISubscription a = transport.AddSubscription(Channel, 1);
        using TpIpcPublication pa = transport.AddPublication(Channel, 1);
        var healthy = new SubscriptionWaitSet();
        healthy.Add(a);
        Assert.That(pa.Offer(new byte[8]), Is.GreaterThan(0));
        bool ready = false;
        while (!ready)
        {
            ready = await healthy.WaitForMessagesAsync(cts.Token);
        }
        Assert.That(cts.IsCancellationRequested, Is.False);
    }

    private sealed class ThrowingSubscription : ISubscription
    {
        public string Channel => "test:broken";

        public int StreamId => 1;

        public bool IsClosed => throw new InvalidOperationException("broken transport");

        public SubscriptionCounters Counters => default;

        public int Poll<THandler>(ref THandler handler, int messageLimit)
            where THandler : struct, IMessageHandler => 0;

        public int Poll(MessageHandler handler, int messageLimit) => 0;

        public long SkipBacklog(int keepMessages, int messageLength) => 0;

        public void Dispose()
        {
        }
    }
}
