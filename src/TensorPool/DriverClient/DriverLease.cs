namespace TensorPool.DriverClient;

/// <summary>
/// A lease held through a <see cref="DriverConnection"/> (driver spec §4.1): the current grant while attached,
/// keepalives sent by the connection's duty cycle, and — after any loss (revocation, expiry, driver shutdown or
/// restart) — a reattach with backoff until it is disposed. The listener hears every grant and loss.
/// </summary>
/// <remarks>State is changed only by the connection's duty cycle; the properties may be read from any thread.</remarks>
public sealed class DriverLease : IDisposable
{
    private readonly LeaseConductor _conductor;
    private volatile LeaseGrant? _grant;
    private volatile DriverLeaseState _state = DriverLeaseState.Attaching;
    private long _attaches;
    private long _losses;
    private long _refusals;

    internal DriverLease(LeaseConductor conductor, AttachRequest request, IDriverLeaseListener? listener, uint clientId)
    {
        _conductor = conductor;
        Request = request;
        Listener = listener;
        ClientId = clientId;
        AutoClientId = request.ClientId == 0;
    }

    public AttachRequest Request { get; }

    /// <summary>The client id of the current (or next) attach; it changes when an auto-assigned id collided.</summary>
    public uint ClientId { get; internal set; }

    /// <summary>The grant in force, null while not attached.</summary>
    public LeaseGrant? Grant => _grant;

    public DriverLeaseState State => _state;

    /// <summary>Grants received (the first attach and every reattach).</summary>
    public long Attaches => Interlocked.Read(ref _attaches);

    /// <summary>Losses suffered (each followed by a reattach unless closed).</summary>
    public long Losses => Interlocked.Read(ref _losses);

    /// <summary>Refusals of the first attach that were retried (<see cref="DriverClientOptions.RefusedProducerRetry"/>).</summary>
    public long Refusals => Interlocked.Read(ref _refusals);

    /// <summary>The driver's message of the last refusal retried; null when none was.</summary>
    public string? LastRefusal { get; private set; }

    /// <summary>Until when a refused first attach is tried again (monotonic ns); long.MinValue: not at all.</summary>
    internal long RetryRefusedUntilNs { get; set; } = long.MinValue;

    internal IDriverLeaseListener? Listener { get; }

    internal bool AutoClientId { get; }

    internal long CorrelationId { get; set; }

    /// <summary>When the current attempt stops waiting for its response.</summary>
    internal long AttemptDeadlineNs { get; set; }

    /// <summary>When the first attach gives up (AttachAsync); long.MaxValue for reattaches.</summary>
    internal long GiveUpNs { get; set; } = long.MaxValue;

    internal long NextAttemptNs { get; set; }

    internal long BackoffNs { get; set; }

    internal long NextKeepaliveNs { get; set; }

    /// <summary>The keepalive period of the current grant: the configured interval, at most half the grant's lifetime.</summary>
    internal long KeepaliveNs { get; set; }

    /// <summary>The last sign of the driver for this lease (its response, an announce of the stream).</summary>
    internal long LastDriverSignNs { get; set; }

    /// <summary>Set while a consumer waits for the epoch after its producer's revocation (§4.9).</summary>
    internal long EpochWaitDeadlineNs { get; set; } = long.MaxValue;

    /// <summary>The highest epoch announced for the stream since the grant.</summary>
    internal ulong SeenEpoch { get; set; }

    /// <summary>During an epoch wait: the epoch an announce must exceed (§4.9).</summary>
    internal ulong WaitAboveEpoch { get; set; }

    /// <summary>Set when the duty cycle took the lease on (its first request may be in flight from then on).</summary>
    internal bool InDutyCycle { get; set; }

    /// <summary>The first attach's completion; null after it completed.</summary>
    internal TaskCompletionSource<DriverLease>? FirstAttach { get; set; }

    internal void SetAttached(LeaseGrant grant)
    {
        _grant = grant;
        _state = DriverLeaseState.Attached;
        Interlocked.Increment(ref _attaches);
    }

    internal void SetLost()
    {
        _grant = null;
        _state = DriverLeaseState.Backoff;
        Interlocked.Increment(ref _losses);
    }

    internal void SetState(DriverLeaseState state) => _state = state;

    internal void SetRefused(string message)
    {
        LastRefusal = message;
        Interlocked.Increment(ref _refusals);
    }

    /// <summary>Detach (best effort, §4.9) and stop reattaching. Safe from any thread; idempotent.</summary>
    public void Dispose() => _conductor.Close(this);

    public override string ToString() =>
        $"DriverLease(stream {Request.StreamId}, {Request.Role}, client {ClientId}, {State}, lease {Grant?.LeaseId.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"})";
}
