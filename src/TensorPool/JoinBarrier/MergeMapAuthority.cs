using TensorPool.Agents;
using TensorPool.Sbe;
using TensorPool.Sbe.JoinBarrier;
using TensorPool.Time;
using TensorPool.Transport;

namespace TensorPool.JoinBarrier;

/// <summary>
/// The MergeMap authority of one or more output streams (JoinBarrier spec §4, §10): it announces each map it owns on
/// the control stream when published and then at a low cadence as soft state, and answers every
/// SequenceMergeMapRequest / TimestampMergeMapRequest for an (out_stream_id, epoch) it owns with that map's announce
/// (§10.1, §10.3, §10.4). Requests for keys it does not own are left to their own authority.
/// </summary>
/// <remarks>
/// <para>Run it as an agent (<see cref="AgentRunner"/>, <see cref="AgentInvoker"/>, or call <see cref="DoWork"/> from
/// the stage's loop). <see cref="Publish(SequenceMergeMap)"/> may be called from any thread. Requests are hostile
/// input: malformed bytes are counted, and requests for one map arriving within <see cref="MergeMapControlOptions.ResponseHoldoff"/>
/// share one answer (the announce is broadcast: every requester sees it).</para>
/// <para>An output stream has one map of each kind, for its newest epoch: publishing the map of a new epoch replaces
/// the old one (a producer restart, §6.4).</para>
/// </remarks>
public sealed class MergeMapAuthority : IAgent, IDisposable
{
    private readonly Lock _gate = new();
    private readonly IPublication _publication;
    private readonly ISubscription _subscription;
    private readonly MergeMapProxy _proxy;
    private readonly IClock _clock;
    private readonly long _announceIntervalNs;
    private readonly long _holdoffNs;
    private OwnedMergeMap[] _owned = [];
    private long _announces;
    private long _responses;
    private long _requests;
    private long _requestsNotOwned;
    private long _malformed;
    private long _offerFailures;
    private bool _disposed;

    /// <summary>An authority on the control stream of <paramref name="transport"/>.</summary>
    /// <param name="transport">The transport (the authority opens, and owns, one publication and one subscription).</param>
    /// <param name="options">Channel, control stream and timers; defaults when null.</param>
    /// <param name="registry">Where published maps also apply locally (the stage's own barriers), or null.</param>
    public MergeMapAuthority(ITransport transport, MergeMapControlOptions? options = null, MergeMapRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        MergeMapControlOptions o = (options ?? new MergeMapControlOptions()).Validated();
        _clock = o.Clock ?? MonotonicClock.Instance;
        _announceIntervalNs = (long)o.AnnounceInterval.TotalNanoseconds;
        _holdoffNs = (long)o.ResponseHoldoff.TotalNanoseconds;
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
    public string RoleName => "mergemap-authority";

    /// <summary>The registry published maps are applied to, if any.</summary>
    public MergeMapRegistry? Registry { get; }

    /// <summary>Announces sent (published, periodic and answers).</summary>
    public long Announces => Volatile.Read(ref _announces);

    /// <summary>Announces sent to answer requests (§10.3, §10.5).</summary>
    public long Responses => Volatile.Read(ref _responses);

    /// <summary>Well-formed requests received for maps this authority owns.</summary>
    public long Requests => Volatile.Read(ref _requests);

    /// <summary>Well-formed requests for keys this authority does not own (another epoch, another output).</summary>
    public long RequestsNotOwned => Volatile.Read(ref _requestsNotOwned);

    /// <summary>MergeMap-schema bytes that were not a well-formed message.</summary>
    public long Malformed => Volatile.Read(ref _malformed);

    /// <summary>Offers the transport refused (back pressure, not connected); the announce is tried again next cycle.</summary>
    public long OfferFailures => Volatile.Read(ref _offerFailures);

    /// <summary>Owns <paramref name="map"/> from now on (replacing the output's previous sequence map) and announces it at once.</summary>
    public void Publish(SequenceMergeMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        Own(new OwnedMergeMap(MergeMapKind.Sequence, map.Key, map.ToArray()));
        Registry?.Apply(map);
    }

    /// <summary>Owns <paramref name="map"/> from now on (replacing the output's previous timestamp map) and announces it at once.</summary>
    public void Publish(TimestampMergeMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        Own(new OwnedMergeMap(MergeMapKind.Timestamp, map.Key, map.ToArray()));
        Registry?.Apply(map);
    }

    /// <summary>Stops announcing and answering for the <paramref name="kind"/> map of <paramref name="outStreamId"/>; false when not owned.</summary>
    public bool Withdraw(MergeMapKind kind, uint outStreamId)
    {
        lock (_gate)
        {
            OwnedMergeMap[] owned = _owned;
            int i = Array.FindIndex(owned, m => m.Kind == kind && m.Key.OutStreamId == outStreamId);
            if (i < 0)
            {
                return false;
            }
            Volatile.Write(ref _owned, [.. owned[..i], .. owned[(i + 1)..]]);
            return true;
        }
    }

    /// <inheritdoc/>
    public void OnStart()
    {
    }

    /// <summary>One duty cycle: reads requests, answers them, sends the announces that are due. Returns the work done.</summary>
    public int DoWork()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var reader = new RequestReader(this);
        int work = _subscription.Poll(ref reader, 64);
        long now = _clock.NanoTime();
        foreach (OwnedMergeMap map in Volatile.Read(ref _owned))
        {
            if (map.ResponsePending && (map.LastResponseNs == long.MinValue || now - map.LastResponseNs >= _holdoffNs))
            {
                if (Send(map))
                {
                    map.ResponsePending = false;
                    map.LastResponseNs = now;
                    map.NextAnnounceNs = now + _announceIntervalNs;
                    Interlocked.Increment(ref _responses);
                    work++;
                }
            }
            else if (now - map.NextAnnounceNs >= 0 || map.NextAnnounceNs == 0)
            {
                if (Send(map))
                {
                    map.NextAnnounceNs = now + _announceIntervalNs;
                    work++;
                }
            }
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

    private void Own(OwnedMergeMap map)
    {
        lock (_gate)
        {
            OwnedMergeMap[] owned = _owned;
            int i = Array.FindIndex(owned, m => m.Kind == map.Kind && m.Key.OutStreamId == map.Key.OutStreamId);
            OwnedMergeMap[] updated = i < 0 ? [.. owned, map] : (OwnedMergeMap[])owned.Clone();
            if (i >= 0)
            {
                updated[i] = map;
            }
            Volatile.Write(ref _owned, updated);
        }
    }

    private bool Send(OwnedMergeMap map)
    {
        if (_proxy.Announce(map.Announce))
        {
            Interlocked.Increment(ref _announces);
            return true;
        }
        Interlocked.Increment(ref _offerFailures);
        return false;
    }

    private void OnRequest(MergeMapKind kind, uint outStreamId, ulong epoch)
    {
        foreach (OwnedMergeMap map in Volatile.Read(ref _owned))
        {
            if (map.Kind == kind && map.Key.OutStreamId == outStreamId && map.Key.Epoch == epoch)
            {
                // §10.3, §10.5: answered with the announce of the requested key, after this poll.
                map.ResponsePending = true;
                Interlocked.Increment(ref _requests);
                return;
            }
        }
        Interlocked.Increment(ref _requestsNotOwned);
    }

    private struct RequestReader(MergeMapAuthority owner) : IMessageHandler
    {
        public readonly void OnMessage(ReadOnlySpan<byte> message)
        {
            // §14: the schema is checked before any decode; other schemas share the control stream.
            if (!SbeMessageHeader.TryRead(message, out SbeMessageHeader header) || header.SchemaId != SequenceMergeMapRequestDecoder.SchemaId)
            {
                return;
            }
            switch (header.TemplateId)
            {
                case SequenceMergeMapRequestDecoder.TemplateId:
                    if (SequenceMergeMapRequestDecoder.TryWrap(message, out SequenceMergeMapRequestDecoder s, out _))
                    {
                        owner.OnRequest(MergeMapKind.Sequence, s.OutStreamId, s.Epoch);
                        return;
                    }
                    break;
                case TimestampMergeMapRequestDecoder.TemplateId:
                    if (TimestampMergeMapRequestDecoder.TryWrap(message, out TimestampMergeMapRequestDecoder t, out _))
                    {
                        owner.OnRequest(MergeMapKind.Timestamp, t.OutStreamId, t.Epoch);
                        return;
                    }
                    break;
                case SequenceMergeMapAnnounceDecoder.TemplateId:
                case TimestampMergeMapAnnounceDecoder.TemplateId:
                    return; // announces (ours included) are for registries
                default:
                    break;
            }
            Interlocked.Increment(ref owner._malformed);
        }
    }
}
