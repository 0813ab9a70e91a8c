using TensorPool.Agents;
using TensorPool.Sbe.Driver;
using TensorPool.Transport;

namespace TensorPool.DriverClient;

/// <summary>
/// The driver client (driver spec §4, Appendix B): attaches leases with timeout, retry and backoff, keeps them alive,
/// detaches them, and follows the driver — ShmLeaseRevoked, ShmDriverShutdown, announces (driver liveness, epochs) —
/// reattaching whatever it loses until the lease is disposed.
/// </summary>
/// <remarks>
/// <para>Built as Aeron's client is: a <see cref="DriverProxy"/> encodes requests, a <see cref="DriverEventsAdapter"/>
/// decodes what the driver sends and dispatches it, and a <see cref="LeaseConductor"/> owns the leases and their timers.
/// This class opens the streams, wires the three together and is what applications hold.</para>
/// <para>One duty cycle does everything: the connection runs it on its own thread (<see cref="Connect"/>), or the owner
/// calls <see cref="DoWork"/> (<see cref="DriverConnection(ITransport, DriverClientOptions)"/>; the client's conductor
/// does). Listener callbacks run on that thread. <see cref="AttachAsync"/> and <see cref="DriverLease.Dispose"/> may be
/// called from any thread: they hand a command to the duty cycle.</para>
/// <para>Correlation ids start at a per-process random value (B.1); a retransmitted attempt keeps its correlation id
/// (the driver answers a duplicate with the same response, §4.8) and a new attempt takes a fresh one. Responses to
/// other ids, and duplicates after an accepted OK, are ignored (B.1). Client id 0 means auto: a random non-zero id,
/// replaced when the driver answers "client_id already attached" (B.2); each lease has its own client id, since the
/// driver allows one active lease per client id (§4.8).</para>
/// </remarks>
public sealed class DriverConnection : IDisposable
{
    private readonly DriverClientOptions _options;
    private readonly ITransport _transport;
    private readonly bool _ownsTransport;
    private readonly DriverEventsAdapter _events;
    private readonly DriverProxy _proxy;
    private readonly LeaseConductor _conductor;
    private readonly AgentRunner? _runner;
    private long _dutyCycleErrors;
    private int _disposed;

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
        var opened = new List<IDisposable>();
        try
        {
            ISubscription control = Add(opened, transport.AddSubscription(_options.ControlChannel, _options.ControlStreamId));
            ISubscription? announces = null;
            if (_options.EffectiveAnnounceChannel != _options.ControlChannel || _options.EffectiveAnnounceStreamId != _options.ControlStreamId)
            {
                announces = Add(opened, transport.AddSubscription(_options.EffectiveAnnounceChannel, _options.EffectiveAnnounceStreamId));
            }
            IPublication requests = Add(opened, transport.AddPublication(_options.ControlChannel, _options.ControlStreamId));
            _events = new DriverEventsAdapter(control, announces);
            _proxy = new DriverProxy(requests);
            _conductor = new LeaseConductor(_options, _proxy, _events);
            if (dedicatedThread)
            {
                _runner = new AgentRunner(_conductor, new BackoffIdleStrategy(), _ => Interlocked.Increment(ref _dutyCycleErrors));
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

    public DriverClientOptions Options => _options.Clone();

    /// <summary>Driver messages that did not decode or broke a rule (unknown enum values, newer schema versions).</summary>
    public long MalformedMessages => _events.Malformed + _conductor.MalformedResponses;

    /// <summary>
    /// OK responses that failed §4.2 validation (each dropped, detached and reattached), plus exceptions the duty cycle
    /// caught on the connection's own thread.
    /// </summary>
    public long ProtocolErrors => _conductor.ProtocolErrors + Interlocked.Read(ref _dutyCycleErrors);

    public long KeepalivesSent => _conductor.KeepalivesSent;

    /// <summary>Why the last OK response was refused (§4.2), for diagnostics.</summary>
    public string? LastProtocolError => _conductor.LastProtocolError;

    /// <summary>ShmDriverShutdown notices seen.</summary>
    public long DriverShutdowns => _conductor.DriverShutdowns;

    /// <summary>
    /// Grants that arrived after their attach was cancelled, closed or given up; each was detached at once rather than
    /// left to expire at the driver (§4.9).
    /// </summary>
    public long AbandonedGrantsReleased => _conductor.AbandonedGrantsReleased;

    internal LeaseConductor Conductor => _conductor;

    /// <summary>
    /// Attach: send ShmAttachRequest, wait for the response (retransmitting after <see cref="DriverClientOptions.ResponseTimeout"/>),
    /// and return the lease once granted. The lease then lives until disposed, reattaching after any loss.
    /// </summary>
    /// <remarks>
    /// Cancelling gives the attach up: the task ends canceled and nothing of the attempt remains. A grant the driver sends
    /// after that is detached at once (<see cref="AbandonedGrantsReleased"/>).
    /// </remarks>
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
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<DriverLease>(cancellationToken);
        }
        var lease = new DriverLease(_conductor, request, listener, request.ClientId != 0 ? request.ClientId : LeaseConductor.RandomClientId())
        {
            FirstAttach = new TaskCompletionSource<DriverLease>(TaskCreationOptions.RunContinuationsAsynchronously),
        };
        Task<DriverLease> task = lease.FirstAttach.Task;
        if (cancellationToken.CanBeCanceled)
        {
            TaskCompletionSource<DriverLease> first = lease.FirstAttach;
            CancellationTokenRegistration registration = cancellationToken.Register(() =>
            {
                if (first.TrySetCanceled(cancellationToken))
                {
                    _conductor.Close(lease); // the duty cycle forgets it; a grant still in flight is detached
                }
            });
            task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        _conductor.Submit(lease);
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
                idle.Idle(_conductor.DoWork());
            }
        }
        return task.GetAwaiter().GetResult();
    }

    /// <summary>
    /// Run one duty cycle on this thread: commands, the driver's messages, the leases' timers. Only for a connection
    /// created with <see cref="DriverConnection(ITransport, DriverClientOptions)"/>, whose owner runs it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The connection runs its duty cycle on its own thread (<see cref="Connect"/>).</exception>
    public int DoWork()
    {
        if (_runner is not null)
        {
            throw new InvalidOperationException("the connection runs its duty cycle on its own thread (DriverConnection.Connect); DoWork is for connections whose owner runs it");
        }
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _conductor.DoWork();
    }

    /// <summary>Detach every lease (best effort), stop the duty cycle, close the streams.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _runner?.Dispose();
        _conductor.Stop();
        _events.Dispose();
        _proxy.Dispose();
        if (_ownsTransport)
        {
            _transport.Dispose();
        }
    }

    private static T Add<T>(List<IDisposable> opened, T item)
        where T : IDisposable
    {
        opened.Add(item);
        return item;
    }
}
