using TensorPool.Transport;

namespace TensorPool.Transport.Tests;

/// <summary>Disposal closes native handles in any order; using a disposed object is misuse, except Offer, which returns Closed.</summary>
public class LifetimeTests
{
    [Test]
    public void Offer_after_dispose_returns_Closed_and_everything_else_throws_ObjectDisposedException()
    {
        using var f = new TransportFixture();
        TpIpcPublication pub = f.Publication();
        pub.Dispose();
        pub.Dispose(); // idempotent
        Assert.That(pub.IsClosed);
        Assert.That(pub.Offer(Payloads.Make(1, 8)), Is.EqualTo(PublicationStatus.Closed));
        Assert.Throws<ObjectDisposedException>(() => pub.TryClaim(8, out _));
        Assert.Throws<ObjectDisposedException>(() => _ = pub.Counters);
        Assert.Throws<ObjectDisposedException>(() => _ = pub.Position);
    }

    [Test]
    public void A_disposed_subscription_throws_ObjectDisposedException()
    {
        using var f = new TransportFixture();
        TpIpcSubscription sub = f.Subscription();
        sub.Dispose();
        sub.Dispose();
        Assert.That(sub.IsClosed);
        var collector = new Collector();
        Assert.Throws<ObjectDisposedException>(() => sub.Poll(ref collector, 1));
        Assert.Throws<ObjectDisposedException>(() => sub.Poll(_ => { }, 1));
        Assert.Throws<ObjectDisposedException>(() => _ = sub.Counters);
        Assert.Throws<ObjectDisposedException>(() => _ = sub.Position);
        Assert.Throws<ObjectDisposedException>(() => sub.WaitForMessages(TimeSpan.Zero));
    }

    [Test]
    public void Disposing_the_transport_closes_what_is_still_open_and_refuses_new_streams()
    {
        var f = new TransportFixture();
        TpIpcPublication pub = f.Publication();
        TpIpcSubscription sub = f.Subscription();
        f.Transport.Dispose();
        Assert.That(pub.IsClosed && sub.IsClosed);
        Assert.That(pub.Offer(Payloads.Make(1, 8)), Is.EqualTo(PublicationStatus.Closed));
        Assert.Throws<ObjectDisposedException>(() => f.Transport.AddPublication(TransportFixture.Channel, 1));
        Assert.Throws<ObjectDisposedException>(() => f.Transport.AddSubscription(TransportFixture.Channel, 1));
        pub.Dispose(); // after the transport: harmless
        f.Dispose();
    }

    [Test]
    public void Publications_and_subscriptions_of_a_stream_share_one_mapping_that_outlives_any_one_of_them()
    {
        using var f = new TransportFixture();
        TpIpcPublication first = f.Publication();
        using TpIpcPublication second = f.Publication();
        using TpIpcSubscription sub = f.Subscription();
        Assert.That(Mappings(first.LogPath), Is.EqualTo(1));
        first.Dispose();
        second.Offer(Payloads.Make(3, 8));
        var collector = new Collector();
        Assert.That(sub.Poll(ref collector, 10), Is.EqualTo(1));
        Assert.That(Mappings(second.LogPath), Is.EqualTo(1));
    }

    [Test]
    public void The_log_is_unmapped_when_its_last_publication_or_subscription_is_disposed()
    {
        using var f = new TransportFixture();
        TpIpcPublication pub = f.Publication();
        TpIpcSubscription sub = f.Subscription();
        string path = pub.LogPath;
        sub.Dispose();
        Assert.That(Mappings(path), Is.EqualTo(1));
        pub.Dispose();
        Assert.That(Mappings(path), Is.Zero);
        using TpIpcSubscription again = f.Subscription(); // and reopened on demand
        Assert.That(Mappings(path), Is.EqualTo(1));
    }

    [Test]
    public void Disposing_a_publication_while_another_thread_offers_stops_the_offers_and_unmaps_the_log()
    {
        // Offers take no lease (ExclusiveUse): a Dispose racing with them must neither free the native publication
        // under a running offer nor leave it open. 200 races with the dispose landing at varied points.
        using var f = new TransportFixture();
        using TpIpcSubscription keepMapped = f.Subscription();
        for (int round = 0; round < 200; round++)
        {
            TpIpcPublication pub = f.Publication();
            using var started = new ManualResetEventSlim();
            long closedSeen = 0;
            var offerer = new Thread(() =>
            {
                byte[] message = Payloads.Make(round, 48);
                started.Set();
                while (pub.Offer(message) != PublicationStatus.Closed)
                {
                }
                closedSeen = 1;
            });
            offerer.Start();
            started.Wait();
            Thread.SpinWait(round * 50);
            pub.Dispose();
            Assert.That(offerer.Join(TimeSpan.FromSeconds(30)), "the offering thread saw Closed");
            Assert.That(Interlocked.Read(ref closedSeen), Is.EqualTo(1));
            Assert.That(pub.IsClosed);
            Assert.Throws<ObjectDisposedException>(() => _ = pub.Counters, "the native publication was closed");
        }
        var collector = new Collector();
        Assert.That(keepMapped.Poll(ref collector, int.MaxValue), Is.GreaterThan(0), "the offers before each dispose arrived");
        Assert.That(keepMapped.Counters.InvalidRecords, Is.Zero);
    }

    [Test]
    public void A_handler_that_disposes_its_subscription_ends_the_poll_and_the_close_happens_when_the_poll_returns()
    {
        using var f = new TransportFixture();
        TpIpcPublication pub = f.Publication();
        TpIpcSubscription sub = f.Subscription();
        string path = sub.LogPath;
        for (int i = 0; i < 5; i++)
        {
            pub.Offer(Payloads.Make(i, 16));
        }
        pub.Dispose();
        int seen = 0;
        int delivered = sub.Poll(_ =>
        {
            seen++;
            sub.Dispose();
            Assert.That(sub.IsClosed);
        }, 10);
        Assert.That(delivered, Is.EqualTo(1), "no message after the dispose");
        Assert.That(seen, Is.EqualTo(1));
        Assert.Throws<ObjectDisposedException>(() => _ = sub.Counters, "closed once the poll returned");
        Assert.That(Mappings(path), Is.Zero, "the last user of the log is gone, so is the mapping");
    }

    [Test]
    public void Disposing_a_subscription_while_another_thread_polls_ends_the_polling_without_a_fault()
    {
        using var f = new TransportFixture();
        using TpIpcPublication pub = f.Publication();
        for (int round = 0; round < 200; round++)
        {
            TpIpcSubscription sub = f.Subscription();
            pub.Offer(Payloads.Make(round, 32));
            using var started = new ManualResetEventSlim();
            Exception? failure = null;
            var poller = new Thread(() =>
            {
                var collector = new Collector();
                started.Set();
                try
                {
                    while (true)
                    {
                        sub.Poll(ref collector, 4);
                    }
                }
                catch (ObjectDisposedException)
                {
                }
                catch (Exception e)
                {
                    failure = e;
                }
            });
            poller.Start();
            started.Wait();
            Thread.SpinWait(round * 50);
            sub.Dispose();
            Assert.That(poller.Join(TimeSpan.FromSeconds(30)), "the polling thread saw the dispose");
            Assert.That(failure, Is.Null);
            Assert.Throws<ObjectDisposedException>(() => _ = sub.Position);
        }
    }

    [Test]
    public void Handles_left_to_the_finalizer_release_the_log_in_any_order()
    {
        // A transport, publication and subscription nobody disposes: their SafeHandles are finalized in an order the
        // runtime picks. The children's references on the log handle must keep the log mapped until both are closed,
        // and it must then be unmapped (a log closed first would fail with TP_LOG_ERR_IN_USE and leak its mapping).
        using var dir = new TensorPool.Testing.TempDirectory();
        string path = Abandon(dir.Path);
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (Mappings(path) != 0 && DateTime.UtcNow < deadline)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.That(Mappings(path), Is.Zero);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static string Abandon(string baseDir)
    {
        var transport = new TpIpcTransport(new TpIpcOptions { BaseDir = baseDir, User = "tester", LogCapacity = 4096 });
        TpIpcPublication pub = transport.AddPublication(TransportFixture.Channel, 1);
        TpIpcSubscription sub = transport.AddSubscription(TransportFixture.Channel, 1);
        pub.Offer(Payloads.Make(1, 8));
        Assert.That(Mappings(pub.LogPath), Is.EqualTo(1));
        return sub.LogPath;
    }

    /// <summary>
    /// How many mappings of <paramref name="path"/> this process has (from /proc/self/maps). The process that created
    /// the log maps it under the temporary name it was created with ("path.&lt;pid&gt;.&lt;ns&gt;.tmp (deleted)", D22).
    /// </summary>
    private static int Mappings(string path) =>
        File.ReadAllLines("/proc/self/maps").Count(l => l.Contains(" " + path, StringComparison.Ordinal));
}
