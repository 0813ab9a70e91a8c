using System.Runtime.CompilerServices;
using TensorPool.Control;
using TensorPool.Native.Internal;

namespace TensorPool.Consumers;

/// <summary>
/// The sequence and loss accounting of one consumer's descriptor stream (wire spec §15.4) and its local RATE_LIMITED
/// gate (§11): which descriptors go on to be read, and a count for every one that does not. Knows nothing of mappings,
/// slots or subscriptions; the <see cref="Consumer"/> asks it and acts.
/// </summary>
/// <remarks>
/// Written by the consumer's polling thread only. The counters are read from any thread (<see cref="Snapshot"/>,
/// <see cref="QosDrops"/>): each is one aligned 64-bit word, read and written whole.
/// </remarks>
internal struct SequenceAccounting
{
    private const ulong NoSeq = ulong.MaxValue;

    private readonly ulong _maxGap;
    private readonly long[] _slotRejects;
    private RateGate _gate;
    private bool _tracking;
    private ulong _trackedEpoch;
    private ulong _expectedSeq;
    private ulong _latestKnownSeq;
    private ulong _resyncBelow;
    private bool _resyncSkipped;
    private ulong _firstSeq;
    private ulong _lastSeq;
    private long _descriptorsReceived;
    private long _malformed;
    private long _accepted;
    private long _dropsGap;
    private long _dropsLate;
    private long _dropsEpoch;
    private long _dropsUnmapped;
    private long _dropsInvalid;
    private long _dropsRegressed;
    private long _dropsResync;
    private long _resyncs;
    private long _rateLimited;

    /// <param name="maxOutstandingSeqGap">How far behind the newest known frame a consumer may fall before it resyncs (§15.4).</param>
    public SequenceAccounting(ulong maxOutstandingSeqGap)
    {
        _maxGap = maxOutstandingSeqGap;
        _slotRejects = new long[(int)TpFrameStatus.StatusCount];
        _firstSeq = NoSeq;
        _lastSeq = NoSeq;
    }

    /// <summary>The sequence the next descriptor should carry (the last tracked + 1; where the consumer joined before any).</summary>
    public readonly ulong ExpectedSeq => _expectedSeq;

    /// <summary>Descriptors below this sequence are passed over unread: a resync skipped them (0 = none).</summary>
    public readonly ulong ResyncBelow => _resyncBelow;

    /// <summary>
    /// A FrameDescriptor of this stream arrived: count it and apply the sequence rules (§15.4). Gaps are drops_gap,
    /// or rate limiting when <paramref name="gapsAreRateLimited"/> (the producer's max_rate_hz cap on a per-consumer
    /// stream, §5), or resync drops when the backlog was skipped. A new epoch restarts the count at 0 once anything was
    /// seen; the very first descriptor starts it where the consumer joined.
    /// </summary>
    public DescriptorVerdict OnDescriptor(ulong epoch, ulong seq, bool gapsAreRateLimited)
    {
        _descriptorsReceived++;
        if (!_tracking)
        {
            _tracking = true;
            _trackedEpoch = epoch;
            _expectedSeq = seq;
            Volatile.Write(ref _firstSeq, seq);
        }
        else if (epoch < _trackedEpoch)
        {
            _dropsEpoch++; // an older epoch than the one being followed: never accepted, never resets the count
            return DescriptorVerdict.OlderEpoch;
        }
        else if (epoch != _trackedEpoch)
        {
            _trackedEpoch = epoch;
            _expectedSeq = 0;
            _latestKnownSeq = 0;
            _resyncBelow = 0;
            _resyncSkipped = false;
        }
        if (seq < _expectedSeq)
        {
            _dropsRegressed++; // §15.2: a remap requirement
            return DescriptorVerdict.Regressed;
        }
        long missed = (long)(seq - _expectedSeq);
        if (_resyncSkipped)
        {
            _resyncSkipped = false;
            _dropsResync += missed; // their descriptors were passed over by the resync
        }
        else if (gapsAreRateLimited)
        {
            _rateLimited += missed; // the producer's max_rate_hz cap at work, not a loss (§5)
        }
        else
        {
            _dropsGap += missed;
        }
        _expectedSeq = seq + 1;
        Volatile.Write(ref _lastSeq, seq);
        if (seq > _latestKnownSeq)
        {
            _latestKnownSeq = seq;
        }
        if (seq < _resyncBelow)
        {
            _dropsResync++; // §15.4 resync: skipped unread
            return DescriptorVerdict.SkippedByResync;
        }
        return DescriptorVerdict.Read;
    }

    /// <summary>A message on the descriptor stream that did not decode.</summary>
    public void CountMalformed() => _malformed++;

    /// <summary>A descriptor received while nothing was mapped, or while shared memory is not used (§15.21, §15.12).</summary>
    public void CountUnmapped() => _dropsUnmapped++;

    /// <summary>A descriptor whose epoch is not the mapped one (§10.2.1).</summary>
    public void CountEpochMismatch() => _dropsEpoch++;

    /// <summary>A frame read whole: still valid after the handler.</summary>
    public void CountAccepted() => _accepted++;

    /// <summary>
    /// §11 local gate: true when the frame stamped <paramref name="timestampNs"/> is skipped to keep under max_rate_hz
    /// (counted as rate limited, not as a drop).
    /// </summary>
    public bool RateGateSkips(long timestampNs, long intervalNs)
    {
        if (_gate.TryPass(timestampNs, intervalNs))
        {
            return false;
        }
        _rateLimited++;
        return true;
    }

    /// <summary>
    /// Whether judging a slot refused with <paramref name="status"/> needs the sequence the slot holds now: the seqlock
    /// statuses, where a newer frame in the slot means late rather than stale.
    /// </summary>
    public static bool NeedsSlotSeq(int status) => status is > 0 and <= (int)TpFrameStatus.DropSeqMismatch;

    /// <summary>
    /// A slot <c>tp_frame_begin</c> refused: late when the seqlock said no because a newer frame took (or is taking) the
    /// slot (§15.4 drops_late), else invalid. <paramref name="slotSeq"/> is the sequence the slot holds now (only read
    /// when <see cref="NeedsSlotSeq"/>). Returns true when the consumer fell so far behind that it resyncs: it should
    /// then skip the descriptor backlog.
    /// </summary>
    public bool CountSlotDrop(int status, ulong seq, ulong slotSeq)
    {
        if (status < 0 || status >= _slotRejects.Length)
        {
            _dropsInvalid++; // a misuse code cannot happen with views built by the native wrap; counted, never thrown
            return false;
        }
        _slotRejects[status]++;
        bool resync = false;
        if (NeedsSlotSeq(status))
        {
            bool overwritten = NoteSlotSeq(seq, slotSeq, out resync);
            if (status == (int)TpFrameStatus.DropChanged || overwritten)
            {
                _dropsLate++; // §15.4 drops_late
                return resync;
            }
        }
        _dropsInvalid++;
        return resync;
    }

    /// <summary>
    /// The seqlock re-check after the handler failed: the frame changed while it was read (§15.3). Same return as
    /// <see cref="CountSlotDrop"/>.
    /// </summary>
    public bool CountTorn(ulong seq, ulong slotSeq)
    {
        _slotRejects[(int)TpFrameStatus.DropChanged]++;
        _dropsLate++;
        NoteSlotSeq(seq, slotSeq, out bool resync);
        return resync;
    }

    /// <summary>The consumer skipped descriptors after a resync: the gap the next descriptor shows is theirs (D84).</summary>
    public void NoteBacklogSkipped() => _resyncSkipped = true;

    /// <summary>Slots refused for <paramref name="reason"/> (a <c>tp_frame_status_t</c> value); any thread.</summary>
    public readonly long SlotRejects(int reason) =>
        reason > 0 && reason < _slotRejects.Length ? Volatile.Read(ref _slotRejects[reason]) : 0;

    /// <summary>For QosConsumer (§10.4.1): last_seq_seen (0 before any), drops_gap (gaps and resync skips), drops_late; any thread.</summary>
    public readonly (ulong LastSeq, ulong DropsGap, ulong DropsLate) QosDrops()
    {
        ulong last = Read(in _lastSeq);
        return (last == NoSeq ? 0 : last, (ulong)(Read(in _dropsGap) + Read(in _dropsResync)), (ulong)Read(in _dropsLate));
    }

    /// <summary>The counters this struct keeps (the announce counters are the caller's to add); any thread.</summary>
    public readonly ConsumerCounters Snapshot()
    {
        ulong first = Read(in _firstSeq);
        ulong last = Read(in _lastSeq);
        return new ConsumerCounters
        {
            FramesAccepted = Read(in _accepted),
            DropsGap = Read(in _dropsGap),
            DropsLate = Read(in _dropsLate),
            DropsEpoch = Read(in _dropsEpoch),
            DropsUnmapped = Read(in _dropsUnmapped),
            DropsInvalid = Read(in _dropsInvalid),
            DropsRegressed = Read(in _dropsRegressed),
            DropsResync = Read(in _dropsResync),
            Resyncs = Read(in _resyncs),
            RateLimited = Read(in _rateLimited),
            DescriptorsReceived = Read(in _descriptorsReceived),
            MalformedDescriptors = Read(in _malformed),
            FirstSeqSeen = first == NoSeq ? null : first,
            LastSeqSeen = last == NoSeq ? null : last,
        };
    }

    /// <summary>
    /// The slot holds <paramref name="current"/> now; true when that is newer than <paramref name="seq"/> (the frame was
    /// overwritten). Feeds the resync rule: more than max_outstanding_seq_gap behind the newest known frame, the consumer
    /// skips to it (§15.4, docs/DECISIONS.md D84).
    /// </summary>
    private bool NoteSlotSeq(ulong seq, ulong current, out bool resync)
    {
        resync = false;
        if (current <= seq)
        {
            return false;
        }
        if (current > _latestKnownSeq)
        {
            _latestKnownSeq = current;
        }
        if (_latestKnownSeq - seq > _maxGap && _latestKnownSeq > _resyncBelow)
        {
            _resyncBelow = _latestKnownSeq;
            _resyncs++;
            resync = true;
        }
        return true;
    }

    private static long Read(ref readonly long field) => Volatile.Read(ref Unsafe.AsRef(in field));

    private static ulong Read(ref readonly ulong field) => Volatile.Read(ref Unsafe.AsRef(in field));
}
