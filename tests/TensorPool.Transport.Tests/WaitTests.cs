using TensorPool.Transport;

namespace TensorPool.Transport.Tests;

/// <summary>The blocking wait for subscribers that do not spin: the native futex on the log, woken by commits.</summary>
public class WaitTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(1);

    [Test]
    public void A_pending_message_makes_the_wait_return_at_once()
    {
        using var f = new TransportFixture();
        using TpIpcSubscription sub = f.Subscription();
        using TpIpcPublication pub = f.Publication();
        pub.Offer(Payloads.Make(1, 8));
        Assert.That(sub.WaitForMessages(Long), Is.True);
        Assert.That(sub.WaitForMessages(TimeSpan.Zero), Is.True, "still pending until polled");
    }

    [Test]
    public void A_commit_from_another_thread_wakes_the_waiter()
    {
        using var f = new TransportFixture();
        using TpIpcSubscription sub = f.Subscription();
        using TpIpcPublication pub = f.Publication();
        var publisher = new Thread(() =>
        {
            Thread.Sleep(100); // usually lets the waiter fall asleep first; the result is the same either way
            pub.Offer(Payloads.Make(2, 8));
        });
        publisher.Start();
        Assert.That(sub.WaitForMessages(Long), Is.True);
        publisher.Join();
        var collector = new Collector();
        Assert.That(sub.Poll(ref collector, 10), Is.EqualTo(1));
    }

    [Test]
    public void Without_messages_the_wait_times_out()
    {
        using var f = new TransportFixture();
        using TpIpcSubscription sub = f.Subscription();
        Assert.That(sub.WaitForMessages(TimeSpan.FromMilliseconds(20)), Is.False);
        Assert.That(sub.WaitForMessages(TimeSpan.Zero), Is.False);
    }

    [Test]
    public void Cancellation_ends_the_wait_with_OperationCanceledException()
    {
        using var f = new TransportFixture();
        using TpIpcSubscription sub = f.Subscription();
        using var cts = new CancellationTokenSource();
        cts.CancelAfter(TimeSpan.FromMilliseconds(100));
        Assert.That(() => sub.WaitForMessages(Timeout.InfiniteTimeSpan, cts.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(() => sub.WaitForMessages(Long, cts.Token), Throws.InstanceOf<OperationCanceledException>(), "already cancelled");
    }

    [Test]
    public void Disposing_the_subscription_from_another_thread_ends_an_infinite_wait()
    {
        using var f = new TransportFixture();
        TpIpcSubscription sub = f.Subscription();
        var closer = new Thread(() =>
        {
            Thread.Sleep(100);
            sub.Dispose();
        });
        closer.Start();
        Assert.That(sub.WaitForMessages(Timeout.InfiniteTimeSpan), Is.False);
        closer.Join();
        Assert.Throws<ObjectDisposedException>(() => sub.WaitForMessages(Long));
    }

    [Test]
    public void A_sleeping_subscriber_is_woken_by_the_publisher_and_counted()
    {
        using var f = new TransportFixture();
        using TpIpcSubscription sub = f.Subscription();
        using TpIpcPublication pub = f.Publication();
        bool woke = false;
        var waiter = new Thread(() => woke = sub.WaitForMessages(Long));
        waiter.Start();
        // Bit 0 of the log's futex word (log_layout.h, offset 256) says a subscriber sleeps or is about to:
        // once it is set, the next commit must wake the sleeper.
        DateTime deadline = DateTime.UtcNow + Long;
        while ((FutexWord(pub.LogPath) & 1) == 0 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(1);
        }
        Assert.That(pub.Counters.Wakes, Is.Zero, "no sleeper, no system call");
        pub.Offer(Payloads.Make(1, 8));
        Assert.That(waiter.Join(Long), Is.True);
        Assert.That(woke, Is.True);
        Assert.That(pub.Counters.Wakes, Is.EqualTo(1));
        pub.Offer(Payloads.Make(2, 8));
        Assert.That(pub.Counters.Wakes, Is.EqualTo(1), "the wake cleared the flag: later commits make no system call");
    }

    private static uint FutexWord(string logPath)
    {
        using var file = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        Span<byte> word = stackalloc byte[4];
        file.Position = 256;
        file.ReadExactly(word);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(word);
    }

    [Test]
    public void A_negative_timeout_other_than_infinite_is_refused()
    {
        using var f = new TransportFixture();
        using TpIpcSubscription sub = f.Subscription();
        Assert.Throws<ArgumentOutOfRangeException>(() => sub.WaitForMessages(TimeSpan.FromMilliseconds(-2)));
    }
}
