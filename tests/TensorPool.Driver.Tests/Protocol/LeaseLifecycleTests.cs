using TensorPool.Sbe;
using TensorPool.Sbe.Driver;
using TensorPool.Sbe.Wire;
using ResponseCode = TensorPool.Sbe.Driver.ResponseCode;

namespace TensorPool.Driver.Tests.Protocol;

/// <summary>Keepalive, expiry, detach, revocation notices and the epochs they drive (driver spec §4.4, §4.7, §4.9, §6, §7, §8).</summary>
public sealed class LeaseLifecycleTests
{
    [Test]
    public void Keepalives_extend_the_lease_and_without_them_it_expires_after_the_grace_intervals_4_4()
    {
        using var h = new DriverHarness();
        ulong lease = h.Lease(h.Attach(1, 7, Role.Consumer));
        for (int i = 0; i < 10; i++)
        {
            h.Advance(TimeSpan.FromMilliseconds(2900));
            h.Keepalive(lease, 7, Role.Consumer);
        }
        Assert.That(h.Driver.Status.Leases, Has.Count.EqualTo(1), "alive after 29 s of keepalives");
        h.Advance(TimeSpan.FromMilliseconds(2999));
        Assert.That(h.Driver.Status.Leases, Has.Count.EqualTo(1), "not yet expired");
        h.Advance(TimeSpan.FromMilliseconds(2));
        Assert.That(h.Driver.Status.Leases, Is.Empty, "expired 3 s after the last keepalive");
        ShmLeaseRevokedDecoder revoked = Revoked(h.Revocations().Single());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(revoked.LeaseId, Is.EqualTo(lease));
            Assert.That(revoked.Reason, Is.EqualTo(LeaseRevokeReason.Expired));
            Assert.That(revoked.Role, Is.EqualTo(Role.Consumer));
            Assert.That(revoked.ClientId, Is.EqualTo(7));
            Assert.That(revoked.StreamId, Is.EqualTo(DriverHarness.Stream));
        }
        Assert.That(h.Driver.Counters.Keepalives, Is.EqualTo(10));
    }

    [Test]
    public void Keepalive_with_a_mismatched_identity_does_not_extend_the_lease_4_4()
    {
        using var h = new DriverHarness();
        ulong lease = h.Lease(h.Attach(1, 7, Role.Consumer));
        h.Advance(TimeSpan.FromSeconds(2));
        h.Keepalive(lease, 8, Role.Consumer);
        h.Keepalive(lease, 7, Role.Producer);
        h.Keepalive(lease, 7, Role.Consumer, stream: 10001);
        h.Advance(TimeSpan.FromMilliseconds(1001));
        Assert.That(h.Driver.Status.Leases, Is.Empty);
        Assert.That(h.Driver.Counters.KeepalivesRejected, Is.EqualTo(3));
    }

    [Test]
    public void Producer_expiry_sends_the_notice_then_an_announce_with_a_higher_epoch_4_7a_4_9_7()
    {
        using var h = new DriverHarness();
        ShmAttachResponseDecoder attach = DriverHarness.Response(h.Attach(1, 7, Role.Producer));
        ulong epoch = attach.Epoch!.Value;
        ulong lease = attach.LeaseId!.Value;
        int before = h.Received.Count;
        h.Advance(TimeSpan.FromMilliseconds(3001));
        var after = h.Received.Skip(before).ToList();
        int revokeAt = after.FindIndex(m => IsMessage(m, 901, ShmLeaseRevokedDecoder.TemplateId));
        int announceAt = after.FindIndex(m => IsMessage(m, 900, ShmPoolAnnounceDecoder.TemplateId) && Announce(m).Epoch > epoch);
        Assert.That(revokeAt, Is.GreaterThanOrEqualTo(0), "ShmLeaseRevoked sent");
        Assert.That(announceAt, Is.GreaterThan(revokeAt), "the epoch-bumped announce follows the notice (§4.9)");
        Assert.That(Revoked(after[revokeAt]).LeaseId, Is.EqualTo(lease));
        Assert.That(Announce(after[announceAt]).ProducerId, Is.Zero, "no producer attached (§8)");
    }

    [Test]
    public void Announce_producer_id_is_the_producers_client_id_8()
    {
        using var h = new DriverHarness();
        ulong epoch = DriverHarness.Response(h.Attach(1, 4242, Role.Producer)).Epoch!.Value;
        ShmPoolAnnounceDecoder a = Announce(h.Announcements().Last());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(a.ProducerId, Is.EqualTo(4242));
            Assert.That(a.Epoch, Is.EqualTo(epoch));
            Assert.That(a.StreamId, Is.EqualTo(DriverHarness.Stream));
            Assert.That(a.AnnounceClockDomain, Is.EqualTo(ClockDomain.Monotonic));
            Assert.That(a.AnnounceTimestampNs, Is.EqualTo((ulong)h.Clock.NanoTime()));
            Assert.That(a.HeaderSlotBytes, Is.EqualTo(256));
            Assert.That(a.LayoutVersion, Is.EqualTo(1));
        }
    }

    [Test]
    public void Announces_follow_the_configured_period()
    {
        using var h = new DriverHarness(o => o.AnnouncePeriodMs = 250);
        ulong lease = h.Lease(h.Attach(1, 7, Role.Consumer));
        int start = h.Announcements().Count;
        for (int i = 0; i < 8; i++)
        {
            h.Advance(TimeSpan.FromMilliseconds(250));
            h.Keepalive(lease, 7, Role.Consumer);
        }
        Assert.That(h.Announcements().Count - start, Is.EqualTo(8));
    }

    [Test]
    public void Announce_refreshes_the_activity_timestamp_of_every_region_7_1()
    {
        using var h = new DriverHarness();
        h.Lease(h.Attach(1, 7, Role.Producer));
        h.Advance(TimeSpan.FromSeconds(1));
        string dir = h.Driver.Status.Streams.Single().EpochDir!;
        foreach (string file in Directory.GetFiles(dir))
        {
            byte[] sb = File.ReadAllBytes(file)[..64];
            Assert.That(BitConverter.ToUInt64(sb, 56), Is.EqualTo((ulong)h.Clock.NanoTime()), file);
        }
    }

    [Test]
    public void Epoch_increments_on_producer_attach_and_on_producer_detach_but_not_for_consumers_6()
    {
        using var h = new DriverHarness();
        ulong e0 = DriverHarness.Response(h.Attach(1, 1, Role.Consumer)).Epoch!.Value;
        ulong e0b = DriverHarness.Response(h.Attach(2, 2, Role.Consumer)).Epoch!.Value;
        ShmAttachResponseDecoder p = DriverHarness.Response(h.Attach(3, 3, Role.Producer));
        ulong e1 = p.Epoch!.Value;
        h.Detach(4, p.LeaseId!.Value, 3, Role.Producer);
        ulong e2 = h.Driver.Status.Streams.Single().Epoch;
        ulong e3 = DriverHarness.Response(h.Attach(5, 3, Role.Producer)).Epoch!.Value;
        Assert.That(e0b, Is.EqualTo(e0), "a consumer does not bump the epoch");
        Assert.That(new[] { e0, e1, e2, e3 }, Is.Ordered.Ascending.And.Unique);
    }

    [Test]
    public void Detach_answers_ok_and_sends_a_detached_notice_4_9()
    {
        using var h = new DriverHarness();
        ulong lease = h.Lease(h.Attach(1, 7, Role.Consumer));
        byte[] response = h.Detach(99, lease, 7, Role.Consumer);
        Assert.That(ShmDetachResponseDecoder.TryWrap(response, out var d), Is.True);
        Assert.That(d.CorrelationId, Is.EqualTo(99));
        Assert.That(d.Code, Is.EqualTo(ResponseCode.Ok));
        Assert.That(Revoked(h.Revocations().Single()).Reason, Is.EqualTo(LeaseRevokeReason.Detached));
        Assert.That(h.Driver.Status.Leases, Is.Empty);
    }

    [Test]
    public void Detach_of_an_unknown_or_mismatched_lease_is_rejected_4_9()
    {
        using var h = new DriverHarness();
        ulong lease = h.Lease(h.Attach(1, 7, Role.Consumer));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(DetachCode(h.Detach(2, lease + 1000, 7, Role.Consumer)), Is.EqualTo(ResponseCode.Rejected));
            Assert.That(DetachCode(h.Detach(3, lease, 8, Role.Consumer)), Is.EqualTo(ResponseCode.Rejected));
            Assert.That(DetachCode(h.Detach(4, lease, 7, Role.Producer)), Is.EqualTo(ResponseCode.Rejected));
            Assert.That(DetachCode(h.Detach(5, lease, 7, Role.Consumer, stream: 1)), Is.EqualTo(ResponseCode.Rejected));
            Assert.That(DetachCode(h.Detach(6, lease, 7, (Role)9)), Is.EqualTo(ResponseCode.InvalidParams));
        }
        Assert.That(h.Driver.Status.Leases, Has.Count.EqualTo(1), "still active");
        Assert.That(DetachCode(h.Detach(7, lease, 7, Role.Consumer)), Is.EqualTo(ResponseCode.Ok));
        Assert.That(DetachCode(h.Detach(8, lease, 7, Role.Consumer)), Is.EqualTo(ResponseCode.Rejected), "already detached");
        Assert.That(h.Revocations(), Has.Count.EqualTo(1), "one notice per lease (§4.9)");
    }

    [Test]
    public void A_new_producer_can_attach_once_the_old_lease_expired_7()
    {
        using var h = new DriverHarness();
        ulong e1 = DriverHarness.Response(h.Attach(1, 7, Role.Producer)).Epoch!.Value;
        Assert.That(DriverHarness.Response(h.Attach(2, 8, Role.Producer)).Code, Is.EqualTo(ResponseCode.Rejected));
        h.Advance(TimeSpan.FromMilliseconds(3001));
        ulong e3 = DriverHarness.Response(h.Attach(3, 8, Role.Producer)).Epoch!.Value;
        Assert.That(e3, Is.GreaterThan(e1));
    }

    [Test]
    public void Keepalive_for_a_lease_of_an_earlier_driver_run_gets_one_revoked_notice_10()
    {
        using var h = new DriverHarness();
        h.Start();
        h.Pump();
        const ulong foreign = 0xFFFF_0000_0000_0001UL;
        h.Keepalive(foreign, 7, Role.Consumer);
        h.Keepalive(foreign, 7, Role.Consumer);
        ShmLeaseRevokedDecoder r = Revoked(h.Revocations().Single());
        Assert.That(r.LeaseId, Is.EqualTo(foreign));
        Assert.That(r.Reason, Is.EqualTo(LeaseRevokeReason.Revoked));
    }

    [Test]
    public void Keepalive_for_a_lease_this_driver_already_invalidated_sends_no_second_notice_4_9()
    {
        using var h = new DriverHarness();
        ulong lease = h.Lease(h.Attach(1, 7, Role.Consumer));
        h.Advance(TimeSpan.FromMilliseconds(3001));
        h.Keepalive(lease, 7, Role.Consumer);
        Assert.That(h.Revocations(), Has.Count.EqualTo(1));
    }

    [Test]
    public void Restarted_driver_issues_higher_epochs_on_the_monotonic_clock_10()
    {
        using var dir = new Testing.TempDirectory();
        ulong first;
        using (var h = new DriverHarness(o => o.Clock = Time.MonotonicClock.Instance, dir: dir))
        {
            first = DriverHarness.Response(h.Attach(1, 7, Role.Producer)).Epoch!.Value;
        }
        using (var h = new DriverHarness(o => o.Clock = Time.MonotonicClock.Instance, dir: dir))
        {
            Assert.That(DriverHarness.Response(h.Attach(1, 7, Role.Producer)).Epoch, Is.GreaterThan(first));
        }
    }

    [Test]
    public void Epochs_go_above_every_epoch_directory_left_on_disk_even_with_a_clock_behind_10()
    {
        using var dir = new Testing.TempDirectory();
        using var h = new DriverHarness(o => o.EpochGcEnabled = false, dir: dir, clock: new Time.ManualClock(1_000));
        // An epoch a crashed driver left behind, far above this clock (a reboot with a persistent base dir).
        Shm.StreamEpoch left = Shm.StreamEpoch.Create(Shm.ShmPolicy.From(h.Options), DriverHarness.Stream, 9_000_000_000_000UL,
            h.Options.Profiles[0], requireHugepages: false);
        left.Close();
        Assert.That(DriverHarness.Response(h.Attach(1, 7, Role.Producer)).Epoch, Is.EqualTo(9_000_000_000_001UL));
    }

    internal static bool IsMessage(byte[] m, ushort schema, ushort template) =>
        SbeMessageHeader.TryRead(m, out SbeMessageHeader hd) && hd.SchemaId == schema && hd.TemplateId == template;

    internal static ShmLeaseRevokedDecoder Revoked(byte[] m)
    {
        Assert.That(ShmLeaseRevokedDecoder.TryWrap(m, out var r), Is.True);
        return r;
    }

    internal static ShmPoolAnnounceDecoder Announce(byte[] m)
    {
        Assert.That(ShmPoolAnnounceDecoder.TryWrap(m, out var a), Is.True);
        return a;
    }

    private static ResponseCode DetachCode(byte[] m)
    {
        Assert.That(ShmDetachResponseDecoder.TryWrap(m, out var d), Is.True);
        return d.Code;
    }
}
