using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using TensorPool.Agents;
using TensorPool.Diagnostics;
using TensorPool.Sbe.Driver;
using ResponseCode = TensorPool.Sbe.Driver.ResponseCode;
using TensorPool.Diagnostics.Internal;

namespace TensorPool.DriverClient;

/// <summary>
/// The lease state machine of the driver client (driver spec §4.12.1, Appendix B): owns every <see cref="DriverLease"/>
/// and its timers — attach attempts with retransmission, give-up and backoff, keepalives, driver liveness, epoch waits —
/// and reacts to what the <see cref="DriverEventsAdapter"/> decoded. Requests go out through the
/// <see cref="DriverProxy"/>. Everything runs on the duty cycle's thread; other threads only enqueue commands.
/// </summary>
/// <remarks>
/// <para>A lease removed from the duty cycle (closed, refused, given up) is marked <see cref="DriverLeaseState.Closed"/>
/// at once and taken out of the list only at the end of the cycle, so a removal never shifts the list under a loop
/// that is walking it (every loop skips closed leases).</para>
/// <para>A lease closed while its attach request is in flight (cancelled, disposed, given up) is remembered by
/// correlation id for one response timeout (<see cref="AbandonedAttaches"/>): a grant that arrives for it is detached at
/// once instead of being held by the driver until it expires (§4.9).</para>
/// </remarks>
internal sealed class LeaseConductor : IAgent, IDriverEventsListener
{
    private readonly DriverClientOptions _options;
    private readonly DriverProxy _proxy;
    private readonly DriverEventsAdapter _events;
    private readonly ConcurrentQueue<(DriverLease Lease, bool Close)> _commands = new();
    private readonly List<DriverLease> _leases = [];
    private readonly AbandonedAttaches _abandoned;
    private readonly long _responseTimeoutNs;
    private readonly long _attachTimeoutNs;
    private readonly long _refusedRetryNs;
    private readonly long _initialBackoffNs;
    private readonly long _maxBackoffNs;
    private readonly long _keepaliveNs;
    private readonly long _driverTimeoutNs;
    private readonly long _epochWaitNs;
    private bool _closedLeasesToSweep;
    private int _stopped;
    private long _malformedResponses;
    private long _protocolErrors;
    private long _keepalivesSent;
    private long _driverShutdowns;
    private long _abandonedGrantsReleased;

    /// <param name="options">Validated options (the caller's copy).</param>
    /// <param name="proxy">Where requests go.</param>
    /// <param name="events">Where the driver's messages come from; polled by <see cref="DoWork"/>.</param>
    public LeaseConductor(DriverClientOptions options, DriverProxy proxy, DriverEventsAdapter events)
    {
        _options = options;
        _proxy = proxy;
        _events = events;
        _responseTimeoutNs = Nanos(options.ResponseTimeout);
        _attachTimeoutNs = Nanos(options.AttachTimeout);
        _refusedRetryNs = Nanos(options.RefusedProducerRetry);
        _initialBackoffNs = Nanos(options.InitialBackoff);
        _maxBackoffNs = Nanos(options.MaxBackoff);
        _keepaliveNs = Nanos(options.KeepaliveInterval);
        _driverTimeoutNs = Nanos(options.EffectiveDriverTimeout);
        _epochWaitNs = Nanos(options.AnnouncePeriod) * 3;
        _abandoned = new AbandonedAttaches(_responseTimeoutNs);
    }

    public string RoleName => "tensorpool-driver-client";

    /// <summary>Attach responses for one of our leases with an unknown code.</summary>
    public long MalformedResponses => Interlocked.Read(ref _malformedResponses);

    public long ProtocolErrors => Interlocked.Read(ref _protocolErrors);

    public long KeepalivesSent => Interlocked.Read(ref _keepalivesSent);

    public long DriverShutdowns => Interlocked.Read(ref _driverShutdowns);

    /// <summary>Grants that arrived for an attach nobody wanted any more (cancelled, closed, given up), detached at once.</summary>
    public long AbandonedGrantsReleased => Interlocked.Read(ref _abandonedGrantsReleased);

    public string? LastProtocolError { get; private set; }

    /// <summary>Leases the duty cycle holds (attaching, attached or backing off); for tests.</summary>
    internal int LeaseCount => _leases.Count;

    /// <summary>From any thread: start attaching <paramref name="lease"/> at the next duty cycle.</summary>
    public void Submit(DriverLease lease) => _commands.Enqueue((lease, false));

    /// <summary>From any thread: close <paramref name="lease"/> at the next duty cycle (nothing once stopped).</summary>
    public void Close(DriverLease lease)
    {
        if (Volatile.Read(ref _stopped) == 0)
        {
            _commands.Enqueue((lease, true));
        }
    }

    public void OnStart()
    {
    }

    public int DoWork()
    {
        long now = _options.Clock.NanoTime();
        int work = DrainCommands(now);
        work += _events.Receive(this);
        now = _options.Clock.NanoTime();
        for (int i = 0; i < _leases.Count; i++)
        {
            work += OnTimer(_leases[i], now);
        }
        _abandoned.Expire(now);
        SweepClosed();
        return work;
    }

    public void OnClose()
    {
    }

    /// <summary>
    /// Close every lease (detaching those attached, best effort) and accept no more commands. Called once the duty cycle
    /// has stopped, on the thread that stopped it.
    /// </summary>
    public void Stop()
    {
        long now = _options.Clock.NanoTime();
        DrainCommands(now);
        Volatile.Write(ref _stopped, 1);
        DrainCommands(now); // a close enqueued while stopping
        foreach (DriverLease lease in _leases)
        {
            CloseNow(lease, now);
        }
        SweepClosed();
    }

    public void OnAttachResponse(in ShmAttachResponseDecoder response)
    {
        long now = _options.Clock.NanoTime();
        DriverLease? lease = null;
        for (int i = 0; i < _leases.Count; i++)
        {
            if (_leases[i].State == DriverLeaseState.Attaching && _leases[i].CorrelationId == response.CorrelationId)
            {
                lease = _leases[i];
                break;
            }
        }
        if (lease is not null && lease.FirstAttach is { Task.IsCompleted: true })
        {
            // Cancelled on another thread after this cycle drained its commands: nobody waits for this answer.
            CloseNow(lease, now);
            lease = null;
        }
        if (lease is null)
        {
            ReleaseIfAbandoned(response);
            return; // another client's, or a duplicate after the OK was accepted (B.1)
        }
        if (!response.TryGetCode(out ResponseCode code))
        {
            Interlocked.Increment(ref _malformedResponses);
            return;
        }
        if (code == ResponseCode.Ok)
        {
            if (AttachResponseValidator.TryValidate(response, lease.Request, lease.ClientId, out LeaseGrant? grant, out string error))
            {
                Grant(lease, grant!, now);
                return;
            }
            // §4.7a: fail closed. Give the lease back so the driver does not hold it until expiry, then reattach.
            Interlocked.Increment(ref _protocolErrors);
            if (response.LeaseId is { } leaseId && response.StreamId is { } streamId)
            {
                _ = _proxy.Detach(leaseId, streamId, lease.ClientId, lease.Request.Role);
            }
            LastProtocolError = error;
            Backoff(lease, now);
            return;
        }
        string message = Encoding.ASCII.GetString(response.ErrorMessage);
        if (code == ResponseCode.Rejected && message == "client_id already attached" && lease.AutoClientId)
        {
            lease.ClientId = RandomClientId(); // B.2
            Backoff(lease, now);
            return;
        }
        if (code == ResponseCode.Rejected && lease.FirstAttach is not null && now < lease.RetryRefusedUntilNs)
        {
            // A restarted producer's old lease holds the stream until the driver expires it (§5, §7): try again (D213).
            lease.SetRefused(message);
            Backoff(lease, now);
            return;
        }
        if (lease.FirstAttach is { } first)
        {
            lease.FirstAttach = null;
            Remove(lease);
            first.TrySetException(new DriverAttachException(code, message));
            return;
        }
        Backoff(lease, now); // a reattach keeps trying until the lease is disposed
    }

    /// <summary>§4.9: own lease → lost; the producer of a consumed stream → wait for the new epoch; others → ignored.</summary>
    public void OnLeaseRevoked(ulong leaseId, uint streamId, uint clientId, Role role, LeaseRevokeReason reason, ReadOnlySpan<byte> errorMessage)
    {
        long now = _options.Clock.NanoTime();
        for (int i = 0; i < _leases.Count; i++)
        {
            DriverLease lease = _leases[i];
            if (lease.State != DriverLeaseState.Attached || lease.Grant is not { } grant)
            {
                continue;
            }
            if (grant.LeaseId == leaseId && grant.StreamId == streamId && grant.ClientId == clientId && grant.Role == role)
            {
                LeaseLossReason loss = reason switch
                {
                    LeaseRevokeReason.Detached => LeaseLossReason.Detached,
                    LeaseRevokeReason.Expired => LeaseLossReason.Expired,
                    _ => LeaseLossReason.Revoked,
                };
                Lose(lease, loss, Encoding.ASCII.GetString(errorMessage), now);
            }
            else if (role == Role.Producer && grant.Role == Role.Consumer && grant.StreamId == streamId)
            {
                lease.EpochWaitDeadlineNs = now + _epochWaitNs;
                lease.WaitAboveEpoch = lease.SeenEpoch;
                lease.Listener?.OnProducerRevoked(lease, leaseId);
            }
        }
    }

    public void OnDriverShutdown(ReadOnlySpan<byte> errorMessage)
    {
        Interlocked.Increment(ref _driverShutdowns);
        long now = _options.Clock.NanoTime();
        string detail = "driver shut down: " + Encoding.ASCII.GetString(errorMessage);
        for (int i = 0; i < _leases.Count; i++)
        {
            if (_leases[i].State == DriverLeaseState.Attached)
            {
                Lose(_leases[i], LeaseLossReason.DriverShutdown, detail, now); // §4.13: immediate invalidation
            }
        }
    }

    /// <summary>Driver liveness and epochs (§4.9, §4.13, §10) from the driver's announces of leased streams.</summary>
    public void OnPoolAnnounce(uint streamId, ulong epoch)
    {
        long now = _options.Clock.NanoTime();
        for (int i = 0; i < _leases.Count; i++)
        {
            DriverLease lease = _leases[i];
            if (lease.State != DriverLeaseState.Attached || lease.Grant is not { } grant || grant.StreamId != streamId)
            {
                continue;
            }
            if (epoch > grant.Epoch && grant.Role == Role.Producer)
            {
                // The stream moved on without this producer: the driver no longer knows the lease (a restart, §10).
                Lose(lease, LeaseLossReason.EpochChanged, $"stream {grant.StreamId} announced epoch {epoch} after {grant.Epoch}", now);
                continue;
            }
            lease.LastDriverSignNs = now;
            lease.SeenEpoch = Math.Max(lease.SeenEpoch, epoch);
            if (epoch > lease.WaitAboveEpoch)
            {
                lease.EpochWaitDeadlineNs = long.MaxValue; // §4.9: the epoch-bumped announce arrived
            }
        }
    }

    private int DrainCommands(long now)
    {
        int work = 0;
        while (_commands.TryDequeue(out (DriverLease Lease, bool Close) command))
        {
            work++;
            if (command.Close)
            {
                CloseNow(command.Lease, now);
                continue;
            }
            DriverLease lease = command.Lease;
            if (lease.State == DriverLeaseState.Closed || lease.FirstAttach?.Task.IsCompleted == true || Volatile.Read(ref _stopped) != 0)
            {
                lease.SetState(DriverLeaseState.Closed);
                lease.FirstAttach?.TrySetException(new ObjectDisposedException(nameof(DriverConnection)));
                continue; // cancelled before it started, or the connection is closing
            }
            lease.GiveUpNs = now + _attachTimeoutNs;
            lease.RetryRefusedUntilNs = lease.Request.Role == Role.Producer && _refusedRetryNs > 0 ? now + _refusedRetryNs : long.MinValue;
            lease.BackoffNs = _initialBackoffNs;
            lease.InDutyCycle = true;
            _leases.Add(lease);
            SendAttach(lease, now, fresh: true);
        }
        return work;
    }

    private int OnTimer(DriverLease lease, long now)
    {
        switch (lease.State)
        {
            case DriverLeaseState.Attaching when now >= lease.AttemptDeadlineNs:
                if (now >= lease.GiveUpNs && lease.FirstAttach is { } first)
                {
                    lease.FirstAttach = null;
                    Abandon(lease, now); // a grant that still comes is given back
                    Remove(lease);
                    first.TrySetException(new TimeoutException(
                        $"no attach response from the driver on {_options.ControlChannel}:{_options.ControlStreamId} within {_options.AttachTimeout} (is the driver running?)"));
                    return 1;
                }
                SendAttach(lease, now, fresh: false); // same correlation id: the driver answers a duplicate with the same lease
                return 1;
            case DriverLeaseState.Backoff when now >= lease.NextAttemptNs:
                SendAttach(lease, now, fresh: true);
                return 1;
            case DriverLeaseState.Attached:
                return AttachedTimers(lease, now);
            default:
                return 0;
        }
    }

    private int AttachedTimers(DriverLease lease, long now)
    {
        LeaseGrant grant = lease.Grant!;
        if (now - lease.LastDriverSignNs > _driverTimeoutNs)
        {
            Lose(lease, LeaseLossReason.DriverTimeout, $"no announce of stream {grant.StreamId} for {_options.EffectiveDriverTimeout}", now);
            return 1;
        }
        if (now >= lease.EpochWaitDeadlineNs)
        {
            lease.EpochWaitDeadlineNs = long.MaxValue;
            lease.Listener?.OnEpochWaitTimedOut(lease);
        }
        if (now < lease.NextKeepaliveNs)
        {
            return 0;
        }
        lease.NextKeepaliveNs = now + lease.KeepaliveNs;
        if (!_proxy.Keepalive(grant, now))
        {
            Lose(lease, LeaseLossReason.KeepaliveFailed, "the keepalive could not be sent", now); // §4.4: fatal
            return 1;
        }
        Interlocked.Increment(ref _keepalivesSent);
        FaultPoint.At(FaultStep.Keepalive);
        return 1;
    }

    private void SendAttach(DriverLease lease, long now, bool fresh)
    {
        if (fresh)
        {
            lease.CorrelationId = _proxy.NextCorrelationId();
        }
        lease.SetState(DriverLeaseState.Attaching);
        lease.AttemptDeadlineNs = now + _responseTimeoutNs;
        _ = _proxy.Attach(lease.CorrelationId, lease.Request, lease.ClientId); // a lost request is a timeout, then a retransmission
    }

    private void Grant(DriverLease lease, LeaseGrant grant, long now)
    {
        FaultPoint.At(FaultStep.Attach);
        lease.SetAttached(grant);
        lease.LastDriverSignNs = now;
        lease.EpochWaitDeadlineNs = long.MaxValue;
        lease.SeenEpoch = grant.Epoch;
        lease.BackoffNs = _initialBackoffNs;
        long untilExpiry = grant.LeaseExpiryTimestampNs is { } expiry ? (long)Math.Min(expiry, long.MaxValue) - now : long.MaxValue;
        // §4.2: the expiry is a hard deadline and each keepalive extends it by the same duration (§4.4); keep every
        // keepalive well inside it, whatever interval the options say.
        lease.KeepaliveNs = Math.Max(1, Math.Min(_keepaliveNs, untilExpiry / 2));
        lease.NextKeepaliveNs = now + lease.KeepaliveNs;
        lease.Listener?.OnAttached(lease, grant);
        if (lease.FirstAttach is { } first)
        {
            lease.FirstAttach = null;
            if (!first.TrySetResult(lease))
            {
                CloseNow(lease, now); // cancelled while the listener ran: the grant goes straight back (§4.9)
            }
        }
    }

    private void Lose(DriverLease lease, LeaseLossReason reason, string detail, long now)
    {
        lease.SetLost();
        lease.EpochWaitDeadlineNs = long.MaxValue;
        lease.Listener?.OnLost(lease, reason, detail);
        if (lease.State != DriverLeaseState.Closed)
        {
            Backoff(lease, now);
        }
    }

    private void Backoff(DriverLease lease, long now)
    {
        lease.SetState(DriverLeaseState.Backoff);
        lease.NextAttemptNs = now + lease.BackoffNs;
        lease.BackoffNs = Math.Min(lease.BackoffNs * 2, _maxBackoffNs);
    }

    private void CloseNow(DriverLease lease, long now)
    {
        if (lease.State == DriverLeaseState.Closed)
        {
            return;
        }
        if (lease.State == DriverLeaseState.Attached && lease.Grant is { } grant)
        {
            _ = _proxy.Detach(grant.LeaseId, grant.StreamId, grant.ClientId, grant.Role);
        }
        else if (lease.State == DriverLeaseState.Attaching && lease.InDutyCycle)
        {
            Abandon(lease, now);
        }
        lease.SetState(DriverLeaseState.Closed);
        lease.FirstAttach?.TrySetException(new ObjectDisposedException(nameof(DriverLease), "the lease was closed before it was granted"));
        lease.FirstAttach = null;
        Remove(lease);
    }

    /// <summary>Remember an attach request in flight that nobody waits for, so that a grant for it is detached.</summary>
    private void Abandon(DriverLease lease, long now) => _abandoned.Remember(lease.CorrelationId, lease.ClientId, lease.Request.Role, now);

    private void ReleaseIfAbandoned(in ShmAttachResponseDecoder response)
    {
        if (_abandoned.TryTake(response.CorrelationId, out uint clientId, out Role role) &&
            response.TryGetCode(out ResponseCode code) && code == ResponseCode.Ok &&
            response.LeaseId is { } leaseId && response.StreamId is { } streamId)
        {
            _ = _proxy.Detach(leaseId, streamId, clientId, role);
            Interlocked.Increment(ref _abandonedGrantsReleased);
        }
    }

    /// <summary>Mark <paramref name="lease"/> closed now; it leaves the list at the end of the cycle (<see cref="SweepClosed"/>).</summary>
    private void Remove(DriverLease lease)
    {
        lease.SetState(DriverLeaseState.Closed);
        _closedLeasesToSweep = true;
    }

    private void SweepClosed()
    {
        if (!_closedLeasesToSweep)
        {
            return;
        }
        _closedLeasesToSweep = false;
        int kept = 0;
        for (int i = 0; i < _leases.Count; i++)
        {
            if (_leases[i].State != DriverLeaseState.Closed)
            {
                _leases[kept++] = _leases[i];
            }
        }
        _leases.RemoveRange(kept, _leases.Count - kept);
    }

    internal static uint RandomClientId()
    {
        uint id;
        do
        {
            id = BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4));
        }
        while (id == 0 || id == uint.MaxValue);
        return id;
    }

    private static long Nanos(TimeSpan span) => span.Ticks * 100;
}
