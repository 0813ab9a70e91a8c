using TensorPool.Transport.Aeron.Internal;

namespace TensorPool.Transport.Aeron.Tests;

/// <summary>Offers, claims and every result Aeron can give, on aeron:ipc through an embedded media driver.</summary>
public class AeronPublicationTests
{
    private AeronTestDriver _driver = null!;

    [OneTimeSetUp]
    public void StartDriver() => _driver = new AeronTestDriver();

    [OneTimeTearDown]
    public void StopDriver() => _driver?.Dispose();

    private static int s_stream = 20_000;

    private static int NewStream() => Interlocked.Increment(ref s_stream);

    [TestCase(-1L, PublicationStatus.NotConnected)]
    [TestCase(-2L, PublicationStatus.BackPressured)]
    [TestCase(-3L, PublicationStatus.AdminAction)]
    [TestCase(-5L, PublicationStatus.MaxPositionExceeded)]
    public void Every_flow_result_of_aeron_maps_onto_its_publication_status(long aeron, long expected) =>
        Assert.That(AeronPublication.MapOfferResult(aeron, publicationClosed: false), Is.EqualTo(expected));

    [Test]
    public void Closed_from_aeron_is_not_connected_while_the_publication_is_open_and_closed_once_disposed()
    {
        Assert.That(AeronPublication.MapOfferResult(-4, publicationClosed: false), Is.EqualTo(PublicationStatus.NotConnected),
            "Aeron closes publications with their client when the driver goes: the transport reconnects");
        Assert.That(AeronPublication.MapOfferResult(-4, publicationClosed: true), Is.EqualTo(PublicationStatus.Closed));
    }

    [TestCase(-6L)]
    [TestCase(-7L)]
    [TestCase(long.MinValue)]
    public void Aeron_errors_and_unknown_results_are_not_flow_control(long aeron) =>
        Assert.That(AeronPublication.MapOfferResult(aeron, publicationClosed: false), Is.Null,
            "not a status: the publication throws AeronException with Aeron's message");

    [Test]
    public void Aerons_error_result_is_not_mistaken_for_max_message_length_exceeded() =>
        // AERON_PUBLICATION_ERROR and PublicationStatus.MaxMessageLengthExceeded are both -6.
        Assert.That(TensorPool.Aeron.Native.Internal.AeroncConstants.PublicationError, Is.EqualTo(PublicationStatus.MaxMessageLengthExceeded));

    [Test]
    public void Without_a_subscriber_offers_report_NotConnected()
    {
        using AeronTransport transport = _driver.Transport();
        using AeronPublication pub = transport.AddPublication("aeron:ipc", NewStream());
        Assert.That(pub.IsConnected, Is.False);
        Assert.That(pub.Offer(new byte[8]), Is.EqualTo(PublicationStatus.NotConnected));
    }

    [Test]
    public void A_subscriber_that_does_not_poll_back_pressures_the_publication_and_loses_nothing()
    {
        using AeronTransport transport = _driver.Transport();
        int stream = NewStream();
        using AeronSubscription sub = transport.AddSubscription("aeron:ipc?term-length=64k", stream);
        using AeronPublication pub = transport.AddPublication("aeron:ipc?term-length=64k", stream);
        AeronWait.Connected(pub, sub);
        var message = new byte[1000];
        long result = 0;
        int sent = 0;
        while (sent < 1000 && (result = pub.Offer(message)) >= 0)
        {
            sent++;
        }
        Assert.That(result, Is.EqualTo(PublicationStatus.BackPressured), "a term window of unread data stops the publisher");
        int received = 0;
        while (received < sent)
        {
            received += sub.Poll(_ => { }, 100);
        }
        Assert.That(received, Is.EqualTo(sent));
        // The driver moves the publication's limit on its own duty cycle once the subscriber's position moved.
        AeronWait.Until(() => pub.Offer(message) > 0, () => "still back pressured after the subscriber read everything");
    }

    [Test]
    public void Term_rotations_are_retried_never_returned_and_nothing_is_lost()
    {
        using AeronTransport transport = _driver.Transport();
        int stream = NewStream();
        using AeronSubscription sub = transport.AddSubscription("aeron:ipc?term-length=64k", stream);
        using AeronPublication pub = transport.AddPublication("aeron:ipc?term-length=64k", stream);
        AeronWait.Connected(pub, sub);
        var message = new byte[3000];
        int received = 0;
        for (int i = 0; i < 400; i++) // ~18 terms
        {
            message[0] = (byte)i;
            long result;
            while ((result = pub.Offer(message)) < 0)
            {
                Assert.That(result, Is.EqualTo(PublicationStatus.BackPressured), "no other status than back pressure");
                received += sub.Poll(_ => { }, 100);
            }
        }
        while (received < 400)
        {
            received += sub.Poll(_ => { }, 100);
        }
        Assert.That(pub.AdminActions, Is.GreaterThanOrEqualTo(10), "every term rotation met an ADMIN_ACTION, retried");
        Assert.That(received, Is.EqualTo(400));
    }

    [Test]
    public void Without_retries_a_term_rotation_returns_AdminAction()
    {
        AeronTransportOptions options = _driver.Options();
        options.AdminActionRetries = 0;
        using var transport = new AeronTransport(options);
        int stream = NewStream();
        using AeronSubscription sub = transport.AddSubscription("aeron:ipc?term-length=64k", stream);
        using AeronPublication pub = transport.AddPublication("aeron:ipc?term-length=64k", stream);
        AeronWait.Connected(pub, sub);
        var message = new byte[3000];
        bool sawAdminAction = false;
        int sent = 0;
        AeronWait.Until(() =>
        {
            long result = pub.Offer(message);
            sent += result > 0 ? 1 : 0;
            sawAdminAction |= result == PublicationStatus.AdminAction;
            sub.Poll(_ => { }, 100);
            return sawAdminAction || sent > 200;
        }, () => $"sent {sent}");
        Assert.That(sawAdminAction, Is.True, $"{sent} messages sent (~{sent * 3000 / 65536} terms) without an ADMIN_ACTION");
    }

    [Test]
    public void A_claimed_message_is_delivered_on_commit_and_passed_over_on_abort()
    {
        using AeronTransport transport = _driver.Transport();
        int stream = NewStream();
        using AeronSubscription sub = transport.AddSubscription("aeron:ipc", stream);
        using AeronPublication pub = transport.AddPublication("aeron:ipc", stream);
        AeronWait.Connected(pub, sub);

        Assert.That(pub.TryClaim(16, out Span<byte> aborted), Is.GreaterThan(0));
        aborted.Fill(0xAA);
        Assert.Throws<InvalidOperationException>(() => pub.Offer(new byte[4]), "no offer while a claim is open");
        pub.Abort();
        Assert.That(pub.TryClaim(16, out Span<byte> claimed), Is.GreaterThan(0));
        claimed.Fill(0x42);
        Assert.That(pub.Commit(), Is.EqualTo(16));
        Assert.Throws<InvalidOperationException>(() => pub.Commit(), "nothing left to commit");

        var received = new List<byte[]>();
        AeronWait.Until(() =>
        {
            sub.Poll(m => received.Add(m.ToArray()), 10);
            return received.Count >= 1;
        }, () => $"{received.Count} received");
        Assert.That(received, Has.Count.EqualTo(1));
        Assert.That(received[0], Is.EqualTo(Enumerable.Repeat((byte)0x42, 16).ToArray()), "the aborted claim is padding, never delivered");
        Assert.That(pub.Counters.Offers, Is.EqualTo(1));
    }

    [Test]
    public void A_claim_longer_than_one_frame_is_refused()
    {
        using AeronTransport transport = _driver.Transport();
        using AeronPublication pub = transport.AddPublication("aeron:ipc", NewStream());
        Assert.That(pub.MaxPayloadLength, Is.LessThan(pub.MaxMessageLength));
        Assert.That(pub.TryClaim(pub.MaxPayloadLength + 1, out Span<byte> buffer), Is.EqualTo(PublicationStatus.MaxMessageLengthExceeded));
        Assert.That(buffer.IsEmpty, Is.True);
        Assert.That(pub.Counters.MaxLengthRejections, Is.EqualTo(1));
    }

    [Test]
    public void The_media_driver_refusing_a_channel_is_an_aeron_exception_with_its_reason()
    {
        using AeronTransport transport = _driver.Transport();
        // Valid syntax, refused by the driver: a term length that is not a power of two.
        var e = Assert.Throws<AeronException>(() => transport.AddPublication("aeron:ipc?term-length=100000", NewStream()));
        Assert.That(e!.Message, Does.Contain("term").IgnoreCase);
    }
}
