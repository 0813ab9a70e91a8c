using TensorPool.Driver.Tests.Protocol;
using TensorPool.DriverClient;
using TensorPool.Sbe.Driver;
using TensorPool.Sbe.Wire;
using ResponseCode = TensorPool.Sbe.Driver.ResponseCode;

namespace TensorPool.Driver.Tests.Client;

/// <summary>The driver client against the real (embedded) driver: attach, keepalive, detach, losses and reattach (§4, Appendix B).</summary>
public sealed class DriverClientTests
{
    [Test]
    public void Attach_returns_a_validated_grant_4_2()
    {
        using var c = new ClientHarness();
        DriverLease lease = c.Attach(ClientHarness.Producer());
        LeaseGrant grant = lease.Grant!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(lease.State, Is.EqualTo(DriverLeaseState.Attached));
            Assert.That(grant.StreamId, Is.EqualTo(DriverHarness.Stream));
            Assert.That(grant.ClientId, Is.Not.Zero, "auto-assigned, non-zero (B.2)");
            Assert.That(grant.HeaderNslots, Is.EqualTo(8));
            Assert.That(grant.Pools.Select(p => p.PoolId), Is.EqualTo(new ushort[] { 1, 2 }));
            Assert.That(grant.NodeId, Is.Not.Null);
            Assert.That(c.Driver.Driver.Status.Leases.Single().LeaseId, Is.EqualTo(grant.LeaseId));
            Assert.That(c.Events.Log, Is.EqualTo(new[] { $"attached {grant.LeaseId} epoch {grant.Epoch}" }));
        }
    }

    [Test]
    public void Keepalives_keep_the_lease_alive_4_4()
    {
        using var c = new ClientHarness();
        DriverLease lease = c.Attach(ClientHarness.Consumer());
        c.Advance(TimeSpan.FromSeconds(30), steps: 300);
        Assert.That(c.Driver.Driver.Status.Leases, Has.Count.EqualTo(1));
        Assert.That(lease.Losses, Is.Zero);
        Assert.That(c.Connection.KeepalivesSent, Is.InRange(29, 31), "one per second");
    }

    [Test]
    public void Refusal_surfaces_the_code_and_message_4_6()
    {
        using var c = new ClientHarness();
        c.Attach(ClientHarness.Producer());
        Task<DriverLease> second = c.Connection.AttachAsync(ClientHarness.Producer());
        c.Pump();
        var e = Assert.Throws<DriverAttachException>(() => second.GetAwaiter().GetResult())!;
        Assert.That(e.Code, Is.EqualTo(ResponseCode.Rejected));
        Assert.That(e.DriverMessage, Does.Contain("already has a producer"));
    }

    [Test]
    public void Refused_producer_tries_again_until_the_crashed_holders_lease_expires_then_is_granted_7_D213()
    {
        using var c = new ClientHarness(client: o => o.RefusedProducerRetry = TimeSpan.FromSeconds(10));
        using var crashed = new DriverConnection(c.Driver.ClientTransport, c.Options);
        Task<DriverLease> held = crashed.AttachAsync(ClientHarness.Producer());
        for (int i = 0; i < 100 && !held.IsCompleted; i++)
        {
            crashed.DoWork();
            c.Driver.Driver.DoWork();
            crashed.DoWork();
        }
        Assert.That(held.IsCompletedSuccessfully, Is.True, "the first producer attached");
        // From here `crashed` runs no more: no keepalive, no detach; its lease expires after 3 missed keepalives (3 s).

        Task<DriverLease> restarted = c.Connection.AttachAsync(ClientHarness.Producer());
        c.Advance(TimeSpan.FromSeconds(1), steps: 10);
        Assert.That(restarted.IsCompleted, Is.False, "refused while the old lease lives, and still trying");
        c.Advance(TimeSpan.FromSeconds(4), steps: 40);

        Assert.That(restarted.IsCompletedSuccessfully, Is.True, restarted.Exception?.ToString());
        DriverLease lease = restarted.Result;
        Assert.That(lease.Grant, Is.Not.Null);
        Assert.That(lease.Refusals, Is.GreaterThan(0));
        Assert.That(lease.LastRefusal, Does.Contain("already has a producer").And.Contain("its lease expires in"));
    }

    [Test]
    public void Refused_producer_fails_with_the_drivers_message_once_its_retry_time_has_passed_D213()
    {
        using var c = new ClientHarness(client: o => o.RefusedProducerRetry = TimeSpan.FromSeconds(2));
        c.Attach(ClientHarness.Producer()); // alive: its keepalives go out on every pump
        Task<DriverLease> second = c.Connection.AttachAsync(ClientHarness.Producer());
        c.Advance(TimeSpan.FromSeconds(1), steps: 10);
        Assert.That(second.IsCompleted, Is.False, "still trying within the 2 s");
        c.Advance(TimeSpan.FromSeconds(3), steps: 30);

        Assert.That(second.IsFaulted, Is.True);
        var e = (DriverAttachException)second.Exception!.InnerException!;
        Assert.That(e.Code, Is.EqualTo(ResponseCode.Rejected));
        Assert.That(e.DriverMessage, Does.Contain("its lease expires in"));
    }

    [Test]
    public void Refused_producer_retry_is_bounded_to_an_hour_D213()
    {
        Assert.That(() => new DriverClientOptions { RefusedProducerRetry = TimeSpan.FromHours(2) }.Validate(),
            Throws.ArgumentException.With.Message.Contains("RefusedProducerRetry"));
        Assert.That(() => new DriverClientOptions { RefusedProducerRetry = TimeSpan.FromSeconds(-1) }.Validate(),
            Throws.ArgumentException.With.Message.Contains("RefusedProducerRetry"));
    }

    [Test]
    public void No_driver_times_out_after_retransmitting_4_2()
    {
        using var c = new ClientHarness(startDriver: false) { DriverRunning = false };
        Task<DriverLease> task = c.Connection.AttachAsync(ClientHarness.Consumer());
        c.Advance(TimeSpan.FromSeconds(6), steps: 60);
        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception!.InnerException, Is.TypeOf<TimeoutException>());
        List<byte[]> requests = c.Driver.OfType(901, ShmAttachRequestDecoder.TemplateId);
        Assert.That(requests.Count, Is.InRange(9, 12), "one every ResponseTimeout (500 ms) for 5 s");
        long[] ids = [.. requests.Select(r => BitConverter.ToInt64(r, 8)).Distinct()];
        Assert.That(ids, Has.Length.EqualTo(1), "a retransmission keeps its correlation id");
    }

    [Test]
    public void Correlation_ids_start_at_a_random_value_B_1()
    {
        using var a = new ClientHarness(startDriver: false) { DriverRunning = false };
        using var b = new DriverConnection(a.Driver.ClientTransport, a.Options);
        _ = a.Connection.AttachAsync(ClientHarness.Consumer());
        _ = b.AttachAsync(ClientHarness.Consumer());
        a.Connection.DoWork();
        b.DoWork();
        a.Driver.Collect();
        long[] ids = [.. a.Driver.OfType(901, ShmAttachRequestDecoder.TemplateId).Select(r => BitConverter.ToInt64(r, 8))];
        Assert.That(ids, Has.Length.EqualTo(2));
        Assert.That(ids[0], Is.Not.EqualTo(ids[1]));
    }

    [Test]
    public void Dispose_detaches_the_lease_4_9()
    {
        using var c = new ClientHarness();
        DriverLease lease = c.Attach(ClientHarness.Consumer());
        lease.Dispose();
        c.Pump();
        Assert.That(lease.State, Is.EqualTo(DriverLeaseState.Closed));
        Assert.That(c.Driver.Driver.Status.Leases, Is.Empty);
        Assert.That(c.Driver.Driver.Counters.Detaches, Is.EqualTo(1));
    }

    [Test]
    public void Keepalives_stay_inside_the_granted_expiry_even_with_a_longer_interval_4_2()
    {
        using var c = new ClientHarness(client: o => o.KeepaliveInterval = TimeSpan.FromSeconds(10));
        DriverLease lease = c.Attach(ClientHarness.Producer());
        c.Advance(TimeSpan.FromSeconds(20), steps: 200);
        Assert.That(lease.Losses, Is.Zero, "the 3 s grant is renewed every 1.5 s, not every 10 s");
        Assert.That(c.Connection.KeepalivesSent, Is.InRange(12, 14));
    }

    [Test]
    public void Expired_lease_is_lost_then_reattached_with_a_new_lease_4_7()
    {
        using var c = new ClientHarness();
        DriverLease lease = c.Attach(ClientHarness.Producer());
        ulong first = lease.Grant!.LeaseId;
        c.ClientRunning = false; // a stalled client: no keepalives reach the driver
        c.Advance(TimeSpan.FromSeconds(4), steps: 40);
        Assert.That(c.Driver.Driver.Status.Leases, Is.Empty, "expired at the driver");
        c.ClientRunning = true;
        c.Advance(TimeSpan.FromMilliseconds(500), steps: 5);
        Assert.That(c.Events.Log, Does.Contain("lost Expired"));
        Assert.That(lease.State, Is.EqualTo(DriverLeaseState.Attached), "reattached");
        Assert.That(lease.Grant!.LeaseId, Is.Not.EqualTo(first));
        Assert.That(lease.Attaches, Is.EqualTo(2));
    }

    [Test]
    public void Producer_revocation_makes_consumers_wait_for_the_new_epoch_4_9()
    {
        using var c = new ClientHarness();
        DriverLease consumer = c.Attach(ClientHarness.Consumer());
        DriverLease producer = c.Attach(ClientHarness.Producer());
        producer.Dispose();
        c.Pump();
        Assert.That(c.Events.Log, Does.Contain("producer-revoked"));
        c.Advance(TimeSpan.FromSeconds(5), steps: 50);
        Assert.That(c.Events.Count("epoch-wait-timeout"), Is.Zero, "the epoch-bumped announce came");
        Assert.That(consumer.State, Is.EqualTo(DriverLeaseState.Attached), "a consumer keeps its lease (§4.9)");
    }

    [Test]
    public void Missing_epoch_announce_times_out_after_three_announce_periods_4_9()
    {
        using var c = new ClientHarness(o => o.AnnouncePeriodMs = 60_000, client: o => { o.AnnouncePeriod = TimeSpan.FromSeconds(1); o.DriverTimeout = TimeSpan.FromMinutes(10); });
        c.Attach(ClientHarness.Consumer());
        // A revocation of a producer lease with no announce after it (the driver announces only once a minute here).
        byte[] buffer = new byte[128];
        var r = ShmLeaseRevokedEncoder.WrapAndApplyHeader(buffer);
        r.LeaseId = 12345;
        r.StreamId = DriverHarness.Stream;
        r.ClientId = 99;
        r.Role = Role.Producer;
        r.Reason = LeaseRevokeReason.Expired;
        c.Driver.Send(buffer.AsSpan(0, r.EncodedLength));
        c.Pump();
        c.Advance(TimeSpan.FromMilliseconds(2900), steps: 29);
        Assert.That(c.Events.Count("epoch-wait-timeout"), Is.Zero);
        c.Advance(TimeSpan.FromMilliseconds(200), steps: 2);
        Assert.That(c.Events.Count("epoch-wait-timeout"), Is.EqualTo(1));
    }

    [Test]
    public void Driver_shutdown_invalidates_leases_and_the_client_reattaches_to_the_next_driver_4_13()
    {
        using var c = new ClientHarness();
        DriverLease lease = c.Attach(ClientHarness.Consumer());
        ulong epoch = lease.Grant!.Epoch;
        c.Driver.Driver.Dispose();
        c.DriverRunning = false;
        c.Pump();
        Assert.That(c.Events.Log, Does.Contain("lost DriverShutdown"));
        Assert.That(lease.State, Is.Not.EqualTo(DriverLeaseState.Attached));
        using var next = new DriverHarness(dir: c.Driver.Dir, clock: c.Driver.Clock);
        next.Start();
        for (int i = 0; i < 40 && lease.State != DriverLeaseState.Attached; i++)
        {
            c.Driver.Clock.AdvanceNanos(100_000_000);
            c.Connection.DoWork();
            next.Driver.DoWork();
            c.Connection.DoWork();
        }
        Assert.That(lease.State, Is.EqualTo(DriverLeaseState.Attached));
        Assert.That(lease.Grant!.Epoch, Is.GreaterThan(epoch), "§10: a higher epoch after the restart");
    }

    [Test]
    public void Silent_driver_is_detected_after_the_driver_timeout_10()
    {
        using var c = new ClientHarness();
        c.Attach(ClientHarness.Consumer());
        c.DriverRunning = false;
        c.Advance(TimeSpan.FromMilliseconds(2900), steps: 29);
        Assert.That(c.Events.Count("lost"), Is.Zero);
        c.Advance(TimeSpan.FromMilliseconds(300), steps: 3);
        Assert.That(c.Events.Log, Does.Contain("lost DriverTimeout"));
    }

    [Test]
    public void Producer_that_sees_its_stream_at_a_newer_epoch_reattaches_10()
    {
        using var c = new ClientHarness();
        DriverLease producer = c.Attach(ClientHarness.Producer());
        ulong epoch = producer.Grant!.Epoch;
        // The driver forgot the lease (an announce of a newer epoch without a revocation reaching us).
        byte[] buffer = new byte[1024];
        var a = ShmPoolAnnounceEncoder.WrapAndApplyHeader(buffer);
        a.StreamId = DriverHarness.Stream;
        a.Epoch = epoch + 1000;
        a.AnnounceClockDomain = ClockDomain.Monotonic;
        a.PayloadPoolsCount(0);
        a.PutHeaderRegionUri(ReadOnlySpan<byte>.Empty);
        c.Driver.Send(buffer.AsSpan(0, a.EncodedLength));
        c.Pump();
        Assert.That(c.Events.Log, Does.Contain("lost EpochChanged"));
    }

    [Test]
    public void Revocations_with_unknown_reason_or_role_are_rejected_4_9()
    {
        using var c = new ClientHarness();
        DriverLease lease = c.Attach(ClientHarness.Consumer());
        LeaseGrant g = lease.Grant!;
        byte[] buffer = new byte[128];
        foreach ((byte reason, byte role) in new[] { ((byte)9, (byte)Role.Consumer), ((byte)LeaseRevokeReason.Revoked, (byte)7) })
        {
            var r = ShmLeaseRevokedEncoder.WrapAndApplyHeader(buffer);
            r.LeaseId = g.LeaseId;
            r.StreamId = g.StreamId;
            r.ClientId = g.ClientId;
            r.Role = (Role)role;
            r.Reason = (LeaseRevokeReason)reason;
            c.Driver.Send(buffer.AsSpan(0, r.EncodedLength));
        }
        c.Pump();
        Assert.That(lease.State, Is.EqualTo(DriverLeaseState.Attached));
        Assert.That(c.Connection.MalformedMessages, Is.EqualTo(2));
    }

    [Test]
    public void Revocation_of_another_lease_is_ignored_4_9()
    {
        using var c = new ClientHarness();
        DriverLease mine = c.Attach(ClientHarness.Consumer());
        var otherConnection = new DriverConnection(c.Driver.ClientTransport, c.Options);
        Task<DriverLease> other = otherConnection.AttachAsync(ClientHarness.Consumer());
        for (int i = 0; i < 10 && !other.IsCompleted; i++)
        {
            otherConnection.DoWork();
            c.Pump();
        }
        otherConnection.Dispose(); // detaches: a DETACHED notice for a consumer lease that is not mine
        c.Pump();
        Assert.That(mine.State, Is.EqualTo(DriverLeaseState.Attached));
        Assert.That(c.Events.Count("lost"), Is.Zero);
    }
}
