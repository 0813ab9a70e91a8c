using TensorPool.Agents;
using TensorPool.Time;
using TensorPool.Transport;

namespace TensorPool.JoinBarrier;

/// <summary>
/// The receiving side of MergeMap (JoinBarrier spec §7.3, §10.3, §10.5): reads every announce on the control stream into
/// a <see cref="MergeMapRegistry"/>, and asks the authority for the maps a late joiner lacks. <see cref="Require(MergeMapKind, uint, ulong)"/> a
/// key when a barrier reports <see cref="JoinStatus.NoMap"/>: the client sends a SequenceMergeMapRequest (or
/// TimestampMergeMapRequest) at once and again every <see cref="MergeMapControlOptions.RequestInterval"/> until an
/// announce for the key, valid or not, has arrived.
/// </summary>
/// <remarks>
/// Run it as an agent (or call <see cref="DoWork"/> from the stage's loop). <see cref="Require(MergeMapKind, uint, ulong)"/> may be called from
/// any thread and costs nothing when the key is already required or known. An output stream has one pending
/// requirement per kind: requiring a newer epoch replaces the older one.
/// </remarks>
public sealed class MergeMapClient : IAgent, IDisposable
{
    private readonly Lock _gate = new();
    private readonly IPublication _publication;
    private readonly ISubscription _subscription;
    private readonly MergeMapProxy _proxy;
    private readonly IClock _clock;
    private readonly long _requestIntervalNs;
    private MergeMapRequirement[] _required = [];
    private long _requestsSent;
    private long _requestFailures;
    private long _satisfied;
    private bool _disposed;

    /// <summary>A client on the control stream of <paramref name="transport"/> feeding <paramref name="registry"/>.</summary>
    public MergeMapClient(ITransport transport, MergeMapRegistry registry, MergeMapControlOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(registry);
        MergeMapControlOptions o = (options ?? new MergeMapControlOptions()).Validated();
        _clock = o.Clock ?? MonotonicClock.Instance;
        _requestIntervalNs = (long)o.RequestInterval.TotalNanoseconds;
        Registry = registry;
        _subscription = transport.AddSubscription(o.Channel, o.ControlStreamId);
        try
        {
            _publication = transport.AddPublication(o.Channel, o.ControlStreamId);
        }
        catch
        {
            _subscription.Dispose();
            throw;
        }
        _proxy = new MergeMapProxy(_publication);
    }

    /// <inheritdoc/>
    public string RoleName => "mergemap-client";

    /// <summary>The registry announces are read into.</summary>
    public MergeMapRegistry Registry { get; }

    /// <summary>Requests sent (§10.3, §10.5).</summary>
    public long RequestsSent => Volatile.Read(ref _requestsSent);

    /// <summary>Requests the transport refused (tried again at the next interval).</summary>
    public long RequestFailures => Volatile.Read(ref _requestFailures);

    /// <summary>Requirements met by an announce.</summary>
    public long Satisfied => Volatile.Read(ref _satisfied);

    /// <summary>Keys still being asked for.</summary>
    public int Pending => Volatile.Read(ref _required).Length;

    /// <summary>
    /// Asks for the <paramref name="kind"/> map of (<paramref name="outStreamId"/>, <paramref name="epoch"/>) until it
    /// is known (§10.3: a consumer that needs a MergeMap sends a request). Nothing happens when the registry already
    /// holds an announce for the key, or it is already required.
    /// </summary>
    public void Require(MergeMapKind kind, uint outStreamId, ulong epoch)
    {
        if (Registry.GetState(kind, outStreamId, epoch) != MergeMapState.Absent)
        {
            return;
        }
        foreach (MergeMapRequirement r in Volatile.Read(ref _required))
        {
            if (r.Kind == kind && r.Key.OutStreamId == outStreamId && r.Key.Epoch == epoch)
            {
                return;
            }
        }
        lock (_gate)
        {
            MergeMapRequirement[] required = _required;
            var requirement = new MergeMapRequirement(kind, new MergeMapKey(outStreamId, epoch));
            int i = Array.FindIndex(required, r => r.Kind == kind && r.Key.OutStreamId == outStreamId);
            MergeMapRequirement[] updated = i < 0 ? [.. required, requirement] : (MergeMapRequirement[])required.Clone();
            if (i >= 0)
            {
                updated[i] = requirement;
            }
            Volatile.Write(ref _required, updated);
        }
    }

    /// <summary>Asks for the map <paramref name="barrier"/> is blocked on (its kind, output stream and output epoch).</summary>
    /// <exception cref="InvalidOperationException">The barrier's output epoch is not set.</exception>
    public void Require(JoinBarrierBase barrier)
    {
        ArgumentNullException.ThrowIfNull(barrier);
        ulong epoch = barrier.OutputEpoch ?? throw new InvalidOperationException("the barrier's output epoch is not set: there is no key to request");
        Require(barrier.MapKind, barrier.OutStreamId, epoch);
    }

    /// <inheritdoc/>
    public void OnStart()
    {
    }

    /// <summary>One duty cycle: reads announces into the registry, sends the requests that are due. Returns the work done.</summary>
    public int DoWork()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var reader = new AnnounceReader(Registry);
        int work = _subscription.Poll(ref reader, 64);
        MergeMapRequirement[] required = Volatile.Read(ref _required);
        if (required.Length == 0)
        {
            return work;
        }
        long now = _clock.NanoTime();
        bool anySatisfied = false;
        foreach (MergeMapRequirement r in required)
        {
            if (Registry.GetState(r.Kind, r.Key.OutStreamId, r.Key.Epoch) != MergeMapState.Absent)
            {
                anySatisfied = true;
                continue;
            }
            if (r.NextRequestNs == 0 || now - r.NextRequestNs >= 0)
            {
                if (_proxy.Request(r.Kind, r.Key.OutStreamId, r.Key.Epoch))
                {
                    Interlocked.Increment(ref _requestsSent);
                    work++;
                }
                else
                {
                    Interlocked.Increment(ref _requestFailures);
                }
                r.NextRequestNs = now + _requestIntervalNs;
            }
        }
        if (anySatisfied)
        {
            Prune();
        }
        return work;
    }

    /// <inheritdoc/>
    public void OnClose()
    {
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _subscription.Dispose();
        _publication.Dispose();
    }

    private void Prune()
    {
        lock (_gate)
        {
            MergeMapRequirement[] required = _required;
            MergeMapRequirement[] kept = Array.FindAll(required,
                r => Registry.GetState(r.Kind, r.Key.OutStreamId, r.Key.Epoch) == MergeMapState.Absent);
            Interlocked.Add(ref _satisfied, required.Length - kept.Length);
            Volatile.Write(ref _required, kept);
        }
    }

    private readonly struct AnnounceReader(MergeMapRegistry registry) : IMessageHandler
    {
        public void OnMessage(ReadOnlySpan<byte> message) => registry.Offer(message);
    }
}
