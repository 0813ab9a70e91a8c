using System.Collections.Concurrent;
using TensorPool.Testing;

namespace TensorPool.Transport.Aeron.Tests;

/// <summary>
/// The client's life around its media driver: an embedded driver, images coming and going, a driver killed mid-run
/// (reported as a typed exception, then recovered from when a driver returns), the transport chosen by channel.
/// </summary>
public class AeronLifecycleTests
{
    [Test]
    public void The_embedded_media_driver_serves_the_transport_and_goes_with_it()
    {
        string library = AeronEnvironment.Require();
        using var temp = new TempDirectory(prefix: "tp-aeron-embedded-");
        string dir = Path.Combine(temp.Path, "aeron");
        using (var transport = new AeronTransport(new AeronTransportOptions { AeronDir = dir, LibraryPath = library, EmbeddedMediaDriver = true }))
        {
            Assert.That(transport.MediaDriver, Is.Not.Null);
            Assert.That(File.Exists(Path.Combine(dir, "cnc.dat")), Is.True);
            using AeronSubscription sub = transport.AddSubscription("aeron:ipc", 5);
            using AeronPublication pub = transport.AddPublication("aeron:ipc", 5);
            AeronWait.Connected(pub, sub);
            Assert.That(pub.Offer("hello"u8), Is.GreaterThan(0));
            string? got = null;
            AeronWait.Until(() =>
            {
                sub.Poll(m => got = System.Text.Encoding.ASCII.GetString(m), 1);
                return got is not null;
            }, () => "nothing received");
            Assert.That(got, Is.EqualTo("hello"));
        }
        Assert.That(Directory.Exists(dir), Is.False, "the embedded driver removes its directory when it stops");
    }

    [Test]
    public void A_second_driver_on_a_live_directory_is_refused_with_the_reason()
    {
        using var driver = new AeronTestDriver();
        var e = Assert.Throws<AeronException>(() => new AeronMediaDriver(driver.Directory, new AeronMediaDriverOptions(), TimeSpan.FromSeconds(10)));
        Assert.That(e!.Message, Does.Contain("active driver").IgnoreCase.Or.Contain(driver.Directory));
        using AeronTransport transport = driver.Transport();
        using AeronPublication pub = transport.AddPublication("aeron:ipc", 6);
        Assert.That(pub.IsClosed, Is.False, "the running driver was left alone");
    }

    [Test]
    public void Images_joining_and_leaving_a_subscription_are_reported()
    {
        using var driver = new AeronTestDriver();
        var events = new ConcurrentQueue<AeronImageEvent>();
        AeronTransportOptions options = driver.Options();
        options.ImageHandler = events.Enqueue;
        using var transport = new AeronTransport(options);
        using AeronSubscription sub = transport.AddSubscription("aeron:ipc", 7);
        AeronPublication pub = transport.AddPublication("aeron:ipc", 7);
        AeronWait.Connected(pub, sub);
        AeronWait.Until(() => events.Any(e => e.Available), () => $"{events.Count} events");
        AeronImageEvent joined = events.First(e => e.Available);
        Assert.That(joined.SessionId, Is.EqualTo(pub.SessionId));
        Assert.That(joined.StreamId, Is.EqualTo(7));
        Assert.That(joined.SourceIdentity, Is.EqualTo("aeron:ipc"));
        Assert.That(sub.ImagesAvailable, Is.EqualTo(1));

        pub.Dispose();
        AeronWait.Until(() => events.Any(e => !e.Available), () => $"{events.Count} events, images {sub.ImageCount}", TimeSpan.FromSeconds(60));
        Assert.That(events.First(e => !e.Available).SessionId, Is.EqualTo(joined.SessionId));
        Assert.That(sub.ImageCount, Is.Zero);
        Assert.That(sub.ImagesUnavailable, Is.EqualTo(1));
    }

    [Test]
    public void A_media_driver_killed_mid_run_is_reported_and_the_transport_recovers_when_one_returns()
    {
        AeronEnvironment.RequireMediaDriverBinary();
        using var temp = new TempDirectory(prefix: "tp-aeron-kill-");
        string dir = Path.Combine(temp.Path, "aeron");
        var errors = new ConcurrentQueue<Exception>();
        ChildProcess first = AeronEnvironment.StartMediaDriver(dir);
        try
        {
            using var transport = new AeronTransport(new AeronTransportOptions
            {
                AeronDir = dir,
                LibraryPath = AeronEnvironment.Require(),
                DriverTimeout = TimeSpan.FromSeconds(1),
                ReconnectInterval = TimeSpan.FromMilliseconds(200),
                ErrorHandler = errors.Enqueue,
            });
            using AeronSubscription sub = transport.AddSubscription("aeron:ipc", 8);
            using AeronPublication pub = transport.AddPublication("aeron:ipc", 8);
            AeronWait.Connected(pub, sub);
            Assert.That(Exchange(pub, sub, 1), Is.True);

            first.Kill();
            AeronWait.Until(() => errors.Any(e => e is AeronDriverTimeoutException), () => string.Join("; ", errors.Select(e => e.GetType().Name + ": " + e.Message)));
            Assert.That(transport.IsConnected, Is.False);
            Assert.That(pub.Offer(new byte[8]), Is.EqualTo(PublicationStatus.NotConnected), "while the driver is gone");
            Assert.That(sub.Poll(_ => { }, 10), Is.Zero);
            Assert.Throws<AeronDriverUnavailableException>(() => transport.AddPublication("aeron:ipc", 9));

            using ChildProcess second = AeronEnvironment.StartMediaDriver(dir);
            AeronWait.Until(() => transport.IsConnected && transport.Reconnects == 1, () => $"reconnects {transport.Reconnects}");
            AeronWait.Connected(pub, sub);
            Assert.That(Exchange(pub, sub, 2), Is.True, "the same publication and subscription work on the new driver");
        }
        finally
        {
            first.Dispose();
        }
    }

    [Test]
    public void An_aeron_channel_gets_the_aeron_transport_from_the_providers()
    {
        using var driver = new AeronTestDriver();
        using ITransport transport = TransportProviders.Create("aeron:ipc", new TransportSettings
        {
            AeronDir = driver.Directory,
            AeronLibraryPath = driver.LibraryPath,
        });
        Assert.That(transport, Is.InstanceOf<AeronTransport>());
        Assert.That(((AeronTransport)transport).Directory, Is.EqualTo(driver.Directory));
    }

    private static bool Exchange(AeronPublication pub, AeronSubscription sub, byte value)
    {
        var deadline = DateTime.UtcNow + AeronWait.Timeout;
        while (pub.Offer([value]) < 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            Thread.Sleep(1);
        }
        bool got = false;
        while (!got && DateTime.UtcNow < deadline)
        {
            sub.Poll(m => got |= m.Length == 1 && m[0] == value, 10);
            Thread.Sleep(1);
        }
        return got;
    }
}
