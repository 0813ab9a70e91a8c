using TensorPool.Driver.Tests.Protocol;
using TensorPool.DriverClient;
using TensorPool.Sbe.Driver;
using static TensorPool.Driver.Tests.Client.ResponseValidationTests;

namespace TensorPool.Driver.Tests.Client;

/// <summary>
/// The lease state machine's own rules, against a scripted driver: removals during a duty cycle, and attaches given up
/// (cancelled, closed, timed out) whose grant arrives anyway (§4.9: nothing the client does not want stays leased).
/// </summary>
public sealed class LeaseConductorTests
{
    private static int AttachRequests(ClientHarness c)
    {
        c.Driver.Collect();
        return c.Driver.OfType(901, ShmAttachRequestDecoder.TemplateId).Count;
    }

    /// <summary>The detach requests the client sent so far.</summary>
    private static List<(ulong LeaseId, uint StreamId, uint ClientId, Role Role)> Detaches(ClientHarness c)
    {
        c.Driver.Collect();
        var detaches = new List<(ulong, uint, uint, Role)>();
        foreach (byte[] bytes in c.Driver.OfType(901, ShmDetachRequestDecoder.TemplateId))
        {
            Assert.That(ShmDetachRequestDecoder.TryWrap(bytes, out ShmDetachRequestDecoder d), Is.True);
            detaches.Add((d.LeaseId, d.StreamId, d.ClientId, d.Role));
        }
        return detaches;
    }

    [Test]
    public void A_lease_removed_by_its_timer_does_not_skip_the_next_leases_keepalive()
    {
        using var c = new ClientHarness(startDriver: false, client: o => o.DriverTimeout = TimeSpan.FromMinutes(10)) { DriverRunning = false };
        Task<DriverLease> unanswered = c.Connection.AttachAsync(ClientHarness.Consumer(), c.Events); // first in the list
        Task<DriverLease> granted = c.Connection.AttachAsync(ClientHarness.Producer(), c.Events);
        Respond(c, LastRequest(c).CorrelationId); // the producer's request was sent last
        Assert.That(granted.IsCompletedSuccessfully, Is.True);
        long keepalives = c.Connection.KeepalivesSent;

        // One duty cycle in which the unanswered attach gives up (5 s) and the granted lease's keepalive (1 s) is due.
        c.Driver.Clock.Advance(c.Options.AttachTimeout);
        c.Connection.DoWork();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(unanswered.Exception?.InnerException, Is.TypeOf<TimeoutException>());
            Assert.That(c.Connection.KeepalivesSent, Is.EqualTo(keepalives + 1), "the lease after the removed one ran its timers in the same cycle");
            Assert.That(c.Connection.Conductor.LeaseCount, Is.EqualTo(1));
        }
    }

    [Test]
    public void Leases_that_give_up_in_the_same_cycle_all_time_out_4_2()
    {
        using var c = Scripted();
        Task<DriverLease>[] tasks = [.. Enumerable.Range(0, 3).Select(_ => c.Connection.AttachAsync(ClientHarness.Consumer()))];
        c.Connection.DoWork();
        c.Driver.Clock.Advance(c.Options.AttachTimeout);
        c.Connection.DoWork();
        Assert.That(tasks.Select(t => t.Exception?.InnerException?.GetType()), Is.All.EqualTo(typeof(TimeoutException)));
        Assert.That(c.Connection.Conductor.LeaseCount, Is.Zero);
    }

    [Test]
    public void Cancelled_attach_is_forgotten_and_never_sent_again()
    {
        using var c = Scripted();
        using var cts = new CancellationTokenSource();
        Task<DriverLease> task = c.Connection.AttachAsync(ClientHarness.Consumer(), c.Events, cts.Token);
        c.Pump();
        Assert.That(AttachRequests(c), Is.EqualTo(1));
        cts.Cancel();
        c.Advance(TimeSpan.FromSeconds(10), steps: 40);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(task.IsCanceled, Is.True);
            Assert.That(AttachRequests(c), Is.EqualTo(1), "no retransmission after the cancellation");
            Assert.That(c.Connection.Conductor.LeaseCount, Is.Zero);
            Assert.That(Detaches(c), Is.Empty, "nothing was granted, nothing to give back");
            Assert.That(c.Events.Log, Is.Empty);
        }
    }

    [Test]
    public void Grant_that_arrives_after_cancellation_is_detached_4_9()
    {
        using var c = Scripted();
        using var cts = new CancellationTokenSource();
        Task<DriverLease> task = c.Connection.AttachAsync(ClientHarness.Consumer(), c.Events, cts.Token);
        (long id, uint clientId) = LastRequest(c);
        cts.Cancel();
        c.Pump(); // the duty cycle forgets the lease
        Assert.That(c.Connection.Conductor.LeaseCount, Is.Zero);

        Respond(c, id); // the driver answers late: lease 77
        Respond(c, id); // and answers the duplicate the same way (§4.8)

        var detaches = Detaches(c);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(task.IsCanceled, Is.True);
            Assert.That(detaches, Has.Count.EqualTo(1), "one detach for the unwanted grant");
            Assert.That(detaches, Is.EqualTo(new[] { (77UL, DriverHarness.Stream, clientId, Role.Consumer) }));
            Assert.That(c.Connection.AbandonedGrantsReleased, Is.EqualTo(1));
            Assert.That(c.Events.Log, Is.Empty, "the listener never hears of it");
        }
    }

    [Test]
    public void Grant_for_an_attach_cancelled_during_the_cycle_that_reads_it_is_detached_4_9()
    {
        using var c = Scripted();
        using var cts = new CancellationTokenSource();
        var transport = new PollHookTransport(c.Driver.ClientTransport);
        using var connection = new DriverConnection(transport, c.Options);
        Task<DriverLease> task = connection.AttachAsync(ClientHarness.Consumer(), c.Events, cts.Token);
        connection.DoWork();
        c.Driver.Collect();
        long id = BitConverter.ToInt64(c.Driver.OfType(901, ShmAttachRequestDecoder.TemplateId)[^1], 8);
        Respond(c, id, pump: false);

        // Cancelled after this cycle drained its commands, before it reads the answer: the close is not queued yet.
        transport.BeforePoll = cts.Cancel;
        connection.DoWork();
        transport.BeforePoll = null;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(task.IsCanceled, Is.True);
            Assert.That(Detaches(c).Select(d => d.LeaseId), Is.EqualTo(new[] { 77UL }), "detached in that same cycle");
            Assert.That(c.Events.Log, Is.Empty, "the listener never hears of a grant nobody waits for");
            Assert.That(connection.Conductor.LeaseCount, Is.Zero);
        }
    }

    [Test]
    public void Grant_for_an_attach_cancelled_while_its_listener_runs_goes_straight_back_4_9()
    {
        using var c = Scripted();
        using var cts = new CancellationTokenSource();
        var listener = new CancellingListener(cts);
        Task<DriverLease> task = c.Connection.AttachAsync(ClientHarness.Consumer(), listener, cts.Token);
        long id = LastRequest(c).CorrelationId;
        Respond(c, id, pump: false);
        c.Connection.DoWork(); // one cycle: grant, the listener runs and the attach is cancelled meanwhile
        using (Assert.EnterMultipleScope())
        {
            Assert.That(listener.Attached, Is.EqualTo(1));
            Assert.That(task.IsCanceled, Is.True);
            Assert.That(Detaches(c).Select(d => d.LeaseId), Is.EqualTo(new[] { 77UL }), "detached in the cycle that granted it");
        }
    }

    [Test]
    public void Grant_that_arrives_after_the_attach_timed_out_is_detached_4_9()
    {
        using var c = Scripted();
        Task<DriverLease> task = c.Connection.AttachAsync(ClientHarness.Consumer(), c.Events);
        for (int i = 0; i < 100 && !task.IsCompleted; i++)
        {
            c.Advance(TimeSpan.FromMilliseconds(100));
        }
        Assert.That(task.Exception?.InnerException, Is.TypeOf<TimeoutException>());
        Respond(c, LastRequest(c).CorrelationId);
        Assert.That(Detaches(c).Select(d => d.LeaseId), Is.EqualTo(new[] { 77UL }));
    }

    [Test]
    public void Grant_later_than_a_response_timeout_after_the_cancellation_is_left_to_expire_4_4()
    {
        using var c = Scripted();
        using var cts = new CancellationTokenSource();
        _ = c.Connection.AttachAsync(ClientHarness.Consumer(), c.Events, cts.Token);
        long id = LastRequest(c).CorrelationId;
        cts.Cancel();
        c.Pump(); // the lease is closed; its request is remembered for one response timeout from here
        c.Advance(c.Options.ResponseTimeout + TimeSpan.FromMilliseconds(100));
        Respond(c, id);
        Assert.That(Detaches(c), Is.Empty, "forgotten: without keepalives the driver expires it");
        Assert.That(c.Events.Log, Is.Empty);
    }

    /// <summary>Cancels the attach from inside <see cref="OnAttached"/>, as another thread could at that moment.</summary>
    private sealed class CancellingListener(CancellationTokenSource cts) : IDriverLeaseListener
    {
        public int Attached { get; private set; }

        public void OnAttached(DriverLease lease, LeaseGrant grant)
        {
            Attached++;
            cts.Cancel();
        }

        public void OnLost(DriverLease lease, LeaseLossReason reason, string detail)
        {
        }

        public void OnProducerRevoked(DriverLease lease, ulong producerLeaseId)
        {
        }

        public void OnEpochWaitTimedOut(DriverLease lease)
        {
        }
    }
}
