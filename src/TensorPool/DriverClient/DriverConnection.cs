using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using TensorPool.Agents;
using TensorPool.Sbe;
using TensorPool.Sbe.Driver;
using TensorPool.Sbe.Wire;
using ResponseCode = TensorPool.Sbe.Driver.ResponseCode;
using TensorPool.Transport;

namespace TensorPool.DriverClient;

/// <summary>
/// The driver client (driver spec §4, Appendix B): attaches leases with timeout, retry and backoff, keeps them alive,
/// detaches them, and follows the driver — ShmLeaseRevoked, ShmDriverShutdown, announces (driver liveness, epochs) —
/// reattaching whatever it loses until the lease is disposed.
/// </summary>
/// <remarks>
/// <para>One duty cycle (<see cref="DoWork"/>) does everything: the connection runs it on its own thread
/// (<see cref="Connect"/>), or the client conductor calls it (<see cref="DriverConnection(ITransport, DriverClientOptions)"/>).
/// Listener callbacks run on that thread. <see cref="AttachAsync"/> and <see cref="DriverLease.Dispose"/> may be called
/// from any thread: they hand a command to the duty cycle.</para>
/// <para>Correlation ids start at a per-process random value (B.1); a retransmitted attempt keeps its correlation id
/// (the driver answers a duplicate with the same response, §4.8) and a new attempt takes a fresh one. Responses to
/// other ids, and duplicates after an accepted OK, are ignored (B.1). Client id 0 means auto: a random non-zero id,
/// replaced when the driver answers "client_id already attached" (B.2); each lease has its own client id, since the
/// driver allows one active lease per client id (§4.8).</para>
/// </remarks>
public sealed class DriverConnection : IAgent, IDisposable
{
    private const int PollLimit = 32;

    private readonly DriverClientOptions _options;
    private readonly ITransport _transport;
    private readonly bool _ownsTransport;
    private readonly ISubscription _control;
    private readonly ISubscription? _announces;
    private readonly IPublication _requests;
    private readonly AgentRunner? _runner;
    private readonly ConcurrentQueue<(DriverLease Lease, bool Close)> _commands = new();
    private readonly List<DriverLease> _leases = [];
    private readonly byte[] _buffer = new byte[256];
    private readonly long _responseTimeoutNs;
    private readonly long _keepaliveNs;
    private readonly long _driverTimeoutNs;
    private readonly long _epochWaitNs;
    private long _nextCorrelationId;
    private int _disposed;
    private long _malformed;
    private long _protocolErrors;
    private long _keepalivesSent;
    private long _driverShutdowns;

    /// <summary>A connection whose duty cycle the caller runs (<see cref="DoWork"/>), over <paramref name="transport"/>.</summary>
    public DriverConnection(ITransport transport, DriverClientOptions options)
        : this(transport, options, ownsTransport: false, dedicatedThread: false)
    {
    }

    private DriverConnection(ITransport transport, DriverClientOptions options, bool ownsTransport, bool dedicatedThread)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        _options.Validate();
        _transport = transport;
        _ownsTransport = ownsTransport;
        _responseTimeoutNs = Nanos(_options.ResponseTimeout);
        _keepaliveNs = Nanos(_options.KeepaliveInterval);
        _driverTimeoutNs = Nanos(_options.EffectiveDriverTimeout);
        _epochWaitNs = Nanos(_options.AnnouncePeriod) * 3;
        _nextCorrelationId = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8)) & 0x3FFF_FFFF_FFFF_FFFFL;
        var opened = new List<IDisposable>();
        try
        {
            _control = Add(opened, transport.AddSubscription(_options.ControlChannel, _options.ControlStreamId));
            if (_options.EffectiveAnnounceChannel != _options.ControlChannel || _options.EffectiveAnnounceStreamId != _options.ControlStreamId)
            {
                _announces = Add(opened, transport.AddSubscription(_options.EffectiveAnnounceChannel, _options.EffectiveAnnounceStreamId));
            }
            _requests = Add(opened, transport.AddPublication(_options.ControlChannel, _options.ControlStreamId));
            if (dedicatedThread)
            {
                _runner = new AgentRunner(this, new BackoffIdleStrategy(), _ => Interlocked.Increment(ref _protocolErrors));
                _runner.Start();
            }
        }
        catch
        {
            foreach (IDisposable d in opened)
            {
                d.Dispose();
            }
            if (ownsTransport)
            {
                transport.Dispose();
            }
            throw;
        }
    }

    /// <summary>
    /// Connect to the driver described by <paramref name="options"/> (its transport, or a tp:ipc one it owns) with the
    /// duty cycle on a thread of its own.
    /// </summary>
    public static DriverConnection Connect(DriverClientOptions? options = null)
    {
        DriverClientOptions o = options ?? new DriverClientOptions();
        ITransport transport = o.Transport ?? new TpIpcTransport(new TpIpcOptions { BaseDir = o.IpcBaseDir, Namespace = o.Namespace });
        return new DriverConnection(transport, o, ownsTransport: o.Transport is null, dedicatedThread: true);
    }

    public string RoleName => "tensorpool-driver-client";

    public DriverClientOptions Options => _options.Clone();

    /// <summary>Driver messages that did not decode or broke a rule (unknown enum values, newer schema versions).</summary>
    public long MalformedMessages => Interlocked.Read(ref _malformed);

    /// <summary>OK responses that failed §4.2 validation (each dropped, detached and reattached).</summary>
    public long ProtocolErrors => Interlocked.Read(ref _protocolErrors);

    public long KeepalivesSent => Interlocked.Read(ref _keepalivesSent);

    /// <summary>Why the last OK response was refused (§4.2), for diagnostics.</summary>
    public string? LastProtocolError { get; private set; }

    /// <summary>ShmDriverShutdown notices seen.</summary>
    public long DriverShutdowns => Interlocked.Read(ref _driverShutdowns);

    /// <summary>
    /// Attach: send ShmAttachRequest, wait for the response (retransmitting after <see cref="DriverClientOptions.ResponseTimeout"/>),
    /// and return the lease once granted. The lease then lives until disposed, reattaching after any loss.
    /// </summary>
    /// <exception cref="DriverAttachException">The driver refused (REJECTED, INVALID_PARAMS, UNSUPPORTED, INTERNAL_ERROR).</exception>
    /// <exception cref="TimeoutException">No valid grant within <see cref="DriverClientOptions.AttachTimeout"/> (no driver?).</exception>
    public Task<DriverLease> AttachAsync(AttachRequest request, IDriverLeaseListener? listener = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!request.Role.IsKnown())
        {
            throw new ArgumentException($"role {request.Role} is not PRODUCER or CONSUMER", nameof(request));
        }
        var lease = new DriverLease(this, request, listener, request.ClientId != 0 ? request.ClientId : RandomClientId())
        {
            FirstAttach = new TaskCompletionSource<DriverLease>(TaskCreationOptions.RunContinuationsAsynchronously),
        };
        Task<DriverLease> task = lease.FirstAttach.Task;
        if (cancellationToken.CanBeCanceled)
        {
            CancellationTokenRegistration registration = cancellationToken.Register(() =>
            {
                if (lease.FirstAttach?.TrySetCanceled(cancellationToken) == true)
                {
                    Close(lease);
                }
            });
            task.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
        }
        _commands.Enqueue((lease, false));
        return task;
    }

    /// <summary>
    /// <see cref="AttachAsync"/> for synchronous callers; when the caller runs the duty cycle itself, it is run here while waiting.
    /// </summary>
    public DriverLease Attach(AttachRequest request, IDriverLeaseListener? listener = null)
    {
        Task<DriverLease> task = AttachAsync(request, listener);
        if (_runner is null)
        {
            var idle = new SleepingIdleStrategy(TimeSpan.FromMilliseconds(1));
            while (!task.IsCompleted)
            {
                idle.Idle(DoWork());
            }
        }
        return task.GetAwaiter().GetResult();
    }

    public void OnStart()
    {
    }

    public void OnClose()
    {
    }

    public int DoWork()
    {
        long now = _options.Clock.NanoTime();
        int work = DrainCommands(now);
        var handler = new Handler(this);
        work += _control.Poll(ref handler, PollLimit);
        if (_announces is not null)
        {
            work += _announces.Poll(ref handler, PollLimit);
        }
        now = _options.Clock.NanoTime();
        for (int i = 0; i < _leases.Count; i++)
        {
            work += OnTimer(_leases[i], now);
        }
        return work;
    }

    /// <summary>Detach every lease (best effort), stop the duty cycle, close the streams.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _runner?.Dispose();
        DrainCommands(_options.Clock.NanoTime());
        foreach (DriverLease lease in _leases.ToArray())
        {
            CloseNow(lease);
        }
        _control.Dispose();
        _announces?.Dispose();
        _requests.Dispose();
        if (_ownsTransport)
        {
            _transport.Dispose();
        }
    }

    internal void Close(DriverLease lease)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }
        _commands.Enqueue((lease, true));
    }

    private int DrainCommands(long now)
    {
        int work = 0;
        while (_commands.TryDequeue(out (DriverLease Lease, bool Close) command))
        {
            work++;
            if (command.Close)
            {
                CloseNow(command.Lease);
                continue;
            }
            DriverLease lease = command.Lease;
            if (lease.State == DriverLeaseState.Closed || lease.FirstAttach?.Task.IsCompleted == true)
            {
                continue; // cancelled before it started
            }
            lease.GiveUpNs = now + Nanos(_options.AttachTimeout);
            lease.BackoffNs = Nanos(_options.InitialBackoff);
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
        var k = ShmLeaseKeepaliveEncoder.WrapAndApplyHeader(_buffer);
        k.LeaseId = grant.LeaseId;
        k.StreamId = grant.StreamId;
        k.ClientId = grant.ClientId;
        k.Role = grant.Role;
        k.ClientTimestampNs = (ulong)now;
        if (_requests.Offer(_buffer.AsSpan(0, k.EncodedLength)) < 0)
        {
            Lose(lease, LeaseLossReason.KeepaliveFailed, "the keepalive could not be sent", now); // §4.4: fatal
            return 1;
        }
        Interlocked.Increment(ref _keepalivesSent);
        return 1;
    }

    private void SendAttach(DriverLease lease, long now, bool fresh)
    {
        if (fresh)
        {
            lease.CorrelationId = _nextCorrelationId++;
        }
        lease.SetState(DriverLeaseState.Attaching);
        lease.AttemptDeadlineNs = now + _responseTimeoutNs;
        AttachRequest r = lease.Request;
        var e = ShmAttachRequestEncoder.WrapAndApplyHeader(_buffer);
        e.CorrelationId = lease.CorrelationId;
        e.StreamId = r.StreamId;
        e.ClientId = lease.ClientId;
        e.Role = r.Role;
        e.ExpectedLayoutVersion = r.ExpectedLayoutVersion;
        e.PublishMode = r.PublishMode;
        e.RequireHugepages = r.RequireHugepages;
        e.DesiredNodeId = r.DesiredNodeId;
        _ = _requests.Offer(_buffer.AsSpan(0, e.EncodedLength)); // a lost request is a timeout, then a retransmission
    }

    private void OnMessage(ReadOnlySpan<byte> message)
    {
        if (!SbeMessageHeader.TryRead(message, out SbeMessageHeader header))
        {
            return;
        }
        if (header.SchemaId == ShmPoolAnnounceDecoder.SchemaId && header.TemplateId == ShmPoolAnnounceDecoder.TemplateId)
        {
            OnAnnounce(message);
            return;
        }
        if (header.SchemaId != ShmAttachResponseDecoder.SchemaId)
        {
            return; // §4.4a: only the driver schema's messages are driver messages
        }
        switch (header.TemplateId)
        {
            case ShmAttachResponseDecoder.TemplateId:
                if (ShmAttachResponseDecoder.TryWrap(message, out ShmAttachResponseDecoder response, out _))
                {
                    OnAttachResponse(response);
                }
                else
                {
                    Interlocked.Increment(ref _malformed); // includes a newer schema version (§4.4a: rejected)
                }
                break;
            case ShmLeaseRevokedDecoder.TemplateId:
                if (ShmLeaseRevokedDecoder.TryWrap(message, out ShmLeaseRevokedDecoder revoked, out _))
                {
                    OnRevoked(revoked);
                }
                else
                {
                    Interlocked.Increment(ref _malformed);
                }
                break;
            case ShmDriverShutdownDecoder.TemplateId:
                if (ShmDriverShutdownDecoder.TryWrap(message, out ShmDriverShutdownDecoder shutdown, out _))
                {
                    OnDriverShutdown(shutdown);
                }
                else
                {
                    Interlocked.Increment(ref _malformed);
                }
                break;
        }
    }

    private void OnAttachResponse(in ShmAttachResponseDecoder response)
    {
        DriverLease? lease = null;
        for (int i = 0; i < _leases.Count; i++)
        {
            if (_leases[i].State == DriverLeaseState.Attaching && _leases[i].CorrelationId == response.CorrelationId)
            {
                lease = _leases[i];
                break;
            }
        }
        if (lease is null)
        {
            return; // another client's, or a duplicate after the OK was accepted (B.1)
        }
        long now = _options.Clock.NanoTime();
        if (!response.TryGetCode(out ResponseCode code))
        {
            Interlocked.Increment(ref _malformed);
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
                SendDetach(leaseId, streamId, lease.ClientId, lease.Request.Role);
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
        if (lease.FirstAttach is { } first)
        {
            lease.FirstAttach = null;
            Remove(lease);
            first.TrySetException(new DriverAttachException(code, message));
            return;
        }
        Backoff(lease, now); // a reattach keeps trying until the lease is disposed
    }

    private void Grant(DriverLease lease, LeaseGrant grant, long now)
    {
        lease.SetAttached(grant);
        lease.LastDriverSignNs = now;
        lease.EpochWaitDeadlineNs = long.MaxValue;
        lease.SeenEpoch = grant.Epoch;
        lease.BackoffNs = Nanos(_options.InitialBackoff);
        long untilExpiry = grant.LeaseExpiryTimestampNs is { } expiry ? (long)Math.Min(expiry, long.MaxValue) - now : long.MaxValue;
        // §4.2: the expiry is a hard deadline and each keepalive extends it by the same duration (§4.4); keep every
        // keepalive well inside it, whatever interval the options say.
        lease.KeepaliveNs = Math.Max(1, Math.Min(_keepaliveNs, untilExpiry / 2));
        lease.NextKeepaliveNs = now + lease.KeepaliveNs;
        lease.Listener?.OnAttached(lease, grant);
        if (lease.FirstAttach is { } first)
        {
            lease.FirstAttach = null;
            first.TrySetResult(lease);
        }
    }

    /// <summary>§4.9: own lease → lost; the producer of a consumed stream → wait for the new epoch; others → ignored.</summary>
    private void OnRevoked(in ShmLeaseRevokedDecoder revoked)
    {
        if (!revoked.TryGetReason(out LeaseRevokeReason reason) || !revoked.TryGetRole(out Role role))
        {
            Interlocked.Increment(ref _malformed); // §4.9: unknown reason or role values are rejected
            return;
        }
        long now = _options.Clock.NanoTime();
        for (int i = 0; i < _leases.Count; i++)
        {
            DriverLease lease = _leases[i];
            if (lease.State != DriverLeaseState.Attached || lease.Grant is not { } grant)
            {
                continue;
            }
            if (grant.LeaseId == revoked.LeaseId && grant.StreamId == revoked.StreamId && grant.ClientId == revoked.ClientId && grant.Role == role)
            {
                LeaseLossReason loss = reason switch
                {
                    LeaseRevokeReason.Detached => LeaseLossReason.Detached,
                    LeaseRevokeReason.Expired => LeaseLossReason.Expired,
                    _ => LeaseLossReason.Revoked,
                };
                Lose(lease, loss, Encoding.ASCII.GetString(revoked.ErrorMessage), now);
            }
            else if (role == Role.Producer && grant.Role == Role.Consumer && grant.StreamId == revoked.StreamId)
            {
                lease.EpochWaitDeadlineNs = now + _epochWaitNs;
                lease.WaitAboveEpoch = lease.SeenEpoch;
                lease.Listener?.OnProducerRevoked(lease, revoked.LeaseId);
            }
        }
    }

    private void OnDriverShutdown(in ShmDriverShutdownDecoder shutdown)
    {
        Interlocked.Increment(ref _driverShutdowns);
        long now = _options.Clock.NanoTime();
        string detail = "driver shut down: " + Encoding.ASCII.GetString(shutdown.ErrorMessage);
        for (int i = 0; i < _leases.Count; i++)
        {
            if (_leases[i].State == DriverLeaseState.Attached)
            {
                Lose(_leases[i], LeaseLossReason.DriverShutdown, detail, now); // §4.13: immediate invalidation
            }
        }
    }

    /// <summary>Driver liveness and epochs (§4.9, §4.13, §10) from the driver's announces of leased streams.</summary>
    private void OnAnnounce(ReadOnlySpan<byte> message)
    {
        if (!ShmPoolAnnounceDecoder.TryWrap(message, out ShmPoolAnnounceDecoder announce, out _))
        {
            return;
        }
        long now = _options.Clock.NanoTime();
        for (int i = 0; i < _leases.Count; i++)
        {
            DriverLease lease = _leases[i];
            if (lease.State != DriverLeaseState.Attached || lease.Grant is not { } grant || grant.StreamId != announce.StreamId)
            {
                continue;
            }
            if (announce.Epoch > grant.Epoch && grant.Role == Role.Producer)
            {
                // The stream moved on without this producer: the driver no longer knows the lease (a restart, §10).
                Lose(lease, LeaseLossReason.EpochChanged, $"stream {grant.StreamId} announced epoch {announce.Epoch} after {grant.Epoch}", now);
                continue;
            }
            lease.LastDriverSignNs = now;
            lease.SeenEpoch = Math.Max(lease.SeenEpoch, announce.Epoch);
            if (announce.Epoch > lease.WaitAboveEpoch)
            {
                lease.EpochWaitDeadlineNs = long.MaxValue; // §4.9: the epoch-bumped announce arrived
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
        lease.BackoffNs = Math.Min(lease.BackoffNs * 2, Nanos(_options.MaxBackoff));
    }

    private void CloseNow(DriverLease lease)
    {
        if (lease.State == DriverLeaseState.Closed)
        {
            return;
        }
        if (lease.State == DriverLeaseState.Attached && lease.Grant is { } grant)
        {
            SendDetach(grant.LeaseId, grant.StreamId, grant.ClientId, grant.Role);
        }
        lease.SetState(DriverLeaseState.Closed);
        lease.FirstAttach?.TrySetException(new ObjectDisposedException(nameof(DriverLease), "the lease was closed before it was granted"));
        lease.FirstAttach = null;
        Remove(lease);
    }

    private void SendDetach(ulong leaseId, uint streamId, uint clientId, Role role)
    {
        var d = ShmDetachRequestEncoder.WrapAndApplyHeader(_buffer);
        d.CorrelationId = _nextCorrelationId++;
        d.LeaseId = leaseId;
        d.StreamId = streamId;
        d.ClientId = clientId;
        d.Role = role;
        _ = _requests.Offer(_buffer.AsSpan(0, d.EncodedLength)); // best effort (§4.9): expiry covers a lost detach
    }

    private void Remove(DriverLease lease)
    {
        lease.SetState(DriverLeaseState.Closed);
        _leases.Remove(lease);
    }

    private static uint RandomClientId()
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

    private static T Add<T>(List<IDisposable> opened, T item)
        where T : IDisposable
    {
        opened.Add(item);
        return item;
    }

    private readonly struct Handler(DriverConnection connection) : IMessageHandler
    {
        public void OnMessage(ReadOnlySpan<byte> message) => connection.OnMessage(message);
    }
}
