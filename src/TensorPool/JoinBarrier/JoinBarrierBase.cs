using TensorPool.Time;

namespace TensorPool.JoinBarrier;

/// <summary>
/// What the three join barriers share (JoinBarrier spec §4-§9): the output stream and epoch whose MergeMap applies,
/// the map's resolution from a <see cref="MergeMapRegistry"/>, and what is known of each input stream (its epoch,
/// observed and processed cursors and times). The barriers only gate attempts to process: they never touch shared
/// memory, never wait for a slot commit and never prevent an overwrite (§5, §7.2, §8.3, §9.3).
/// </summary>
/// <remarks>
/// <para>Feed it with <see cref="Observe"/> for every FrameDescriptor the stage receives (and
/// <see cref="MarkProcessed"/> for every input frame it consumed, when processed cursors are required), then call the
/// barrier's <c>Check</c>. After start-up, observing and checking allocate nothing and take no lock; a map is
/// (re)applied inside the next check after the registry changes.</para>
/// <para>Threads: one thread observes and checks (the stage's duty cycle); the registry may be fed from another.</para>
/// </remarks>
public abstract class JoinBarrierBase
{
    // The inputs known to the barrier; the active map's required inputs are kept at 0.._requiredCount-1, in order,
    // so a check indexes required input r directly (BindInputs moves them there).
    private protected readonly JoinInput[] _table;
    private int _tableCount;
    private long _seenVersion = -1;
    private bool _hasOutputEpoch;
    private ulong _outputEpoch;
    private JoinStatus _mapStatus = JoinStatus.NoOutputEpoch;
    private MergeMapRejection _mapRejection;
    private protected readonly JoinInputStatus[] _status;
    private protected readonly Work[] _work;
    private protected int _requiredCount;
    private protected long _mapAppliedNs;
    private protected ulong? _staleTimeoutNs;

    private protected JoinBarrierBase(MergeMapRegistry registry, uint outStreamId, JoinBarrierOptions? options)
    {
        ArgumentNullException.ThrowIfNull(registry);
        JoinBarrierOptions o = (options ?? new JoinBarrierOptions()).Validated();
        Registry = registry;
        OutStreamId = outStreamId;
        Clock = o.Clock ?? MonotonicClock.Instance;
        RequireProcessed = o.RequireProcessed;
        MaxInputs = o.MaxInputs;
        _table = new JoinInput[o.MaxInputs];
        _status = new JoinInputStatus[o.MaxInputs];
        _work = new Work[o.MaxInputs];
    }

    /// <summary>The registry the barrier takes its MergeMap from.</summary>
    public MergeMapRegistry Registry { get; }

    /// <summary>The output stream the barrier gates.</summary>
    public uint OutStreamId { get; }

    /// <summary>The output's epoch, once set: the map must be the one of (<see cref="OutStreamId"/>, this epoch) (§6.4).</summary>
    public ulong? OutputEpoch => _hasOutputEpoch ? _outputEpoch : null;

    /// <summary>Which kind of map the barrier applies.</summary>
    public abstract MergeMapKind MapKind { get; }

    /// <summary>Whether processed cursors / times are part of readiness (§7.1, §8.1).</summary>
    public bool RequireProcessed { get; }

    /// <summary>Input streams the barrier can track.</summary>
    public int MaxInputs { get; }

    /// <summary>The clock that times staleness.</summary>
    public IClock Clock { get; }

    /// <summary>What the barrier counted.</summary>
    public JoinBarrierCounters Counters { get; } = new();

    /// <summary>
    /// The required inputs of the active map (its distinct input streams, in rule order) as the last check that
    /// evaluated them left them (a check rejected for its out_time evaluates none). Valid until the next check; empty
    /// while blocked.
    /// </summary>
    public ReadOnlySpan<JoinInputStatus> Inputs => _status.AsSpan(0, _requiredCount);

    /// <summary>Why the key's map is invalid, when checks return <see cref="JoinStatus.MapInvalid"/>.</summary>
    public MergeMapRejection MapRejection => _mapRejection;

    /// <summary>
    /// Sets the output's epoch. A new epoch blocks readiness until the map of (out_stream_id, new epoch) is known (§6.4:
    /// a fresh MergeMap is required on an epoch change).
    /// </summary>
    public void SetOutputEpoch(ulong epoch)
    {
        if (_hasOutputEpoch && _outputEpoch == epoch)
        {
            return;
        }
        _hasOutputEpoch = true;
        _outputEpoch = epoch;
        _seenVersion = -1;
        _requiredCount = 0;
        OnOutputEpochChanged();
    }

    /// <summary>
    /// Takes one FrameDescriptor of <paramref name="streamId"/> (with the slot's timestamp when the stage read it).
    /// A higher epoch than the input's current one starts it again (cursors of another epoch never count, §9.1); an
    /// older one is ignored. Returns false when the observation was ignored or dropped (counted).
    /// </summary>
    public bool Observe(uint streamId, in JoinObservation observation)
    {
        int index = InputIndex(streamId, add: true);
        if (index < 0)
        {
            Counters._overCapacity++;
            return false;
        }
        ref JoinInput input = ref _table[index];
        if (!input.HasEpoch || observation.Epoch > input.Epoch)
        {
            if (input.HasEpoch)
            {
                Counters._inputEpochChanges++;
            }
            input.StartEpoch(observation.Epoch);
        }
        else if (observation.Epoch < input.Epoch)
        {
            Counters._oldEpochObservations++;
            return false;
        }
        Counters._observations++;
        if (!input.HasObservation)
        {
            input.HasObservation = true;
            input.ObservedSeq = observation.Seq;
        }
        else if (observation.Seq > input.ObservedSeq)
        {
            input.ObservedSeq = observation.Seq;
        }
        if (!input.Descriptor.Observe(observation.DescriptorTimestampNs, observation.Seq))
        {
            Counters._nonMonotonicTimestamps++;
        }
        if (!input.Slot.Observe(observation.SlotTimestampNs, observation.Seq))
        {
            Counters._nonMonotonicTimestamps++;
        }
        input.ClockDomain = observation.ClockDomain;
        input.HasObservedEver = true;
        input.LastObservedNs = Clock.NanoTime();
        return true;
    }

    /// <summary>
    /// Records that the stage consumed input frame <paramref name="frame"/> of <paramref name="streamId"/>: the
    /// processed cursor and times advance (§4: processed time advances only when the frame is actually consumed).
    /// Returns false for a stream or epoch the barrier does not follow.
    /// </summary>
    public bool MarkProcessed(uint streamId, in JoinObservation frame)
    {
        int index = InputIndex(streamId, add: false);
        if (index < 0 || !_table[index].HasEpoch || _table[index].Epoch != frame.Epoch)
        {
            return false;
        }
        ref JoinInput input = ref _table[index];
        if (!input.HasProcessed || frame.Seq > input.ProcessedSeq)
        {
            input.HasProcessed = true;
            input.ProcessedSeq = frame.Seq;
        }
        input.Descriptor.Process(frame.DescriptorTimestampNs);
        input.Slot.Process(frame.SlotTimestampNs);
        return true;
    }

    private protected ref JoinInput Input(int requiredIndex) => ref _table[requiredIndex];

    /// <summary>
    /// The map status before any rule is evaluated: <see cref="JoinStatus.Ready"/> when a valid map is applied, else
    /// why the barrier is blocked. Re-resolves (allocation-free) when the registry or the output epoch changed.
    /// </summary>
    private protected JoinStatus Resolve()
    {
        if (!_hasOutputEpoch)
        {
            return JoinStatus.NoOutputEpoch;
        }
        long version = Registry.Version;
        if (version != _seenVersion)
        {
            _seenVersion = version;
            _mapStatus = ResolveMap(_outputEpoch, out _mapRejection);
            if (_mapStatus != JoinStatus.Ready)
            {
                _requiredCount = 0;
            }
        }
        return _mapStatus;
    }

    /// <summary>Looks up and, when it changed, applies the map of (OutStreamId, epoch); returns Ready, NoMap or MapInvalid.</summary>
    private protected abstract JoinStatus ResolveMap(ulong epoch, out MergeMapRejection rejection);

    private protected virtual void OnOutputEpochChanged()
    {
    }

    /// <summary>
    /// Binds a new map's inputs: the distinct streams of <paramref name="ruleStreams"/> become the required inputs (in
    /// first-rule order, moved to the front of the input table) and <paramref name="ruleRequired"/> gets each rule's
    /// required index. False when they do not fit.
    /// </summary>
    private protected bool BindInputs(ReadOnlySpan<uint> ruleStreams, Span<int> ruleRequired, ulong? staleTimeoutNs)
    {
        int distinct = 0;
        for (int r = 0; r < ruleStreams.Length; r++)
        {
            int found = -1;
            for (int k = 0; k < distinct; k++)
            {
                if (_table[k].StreamId == ruleStreams[r])
                {
                    found = k;
                    break;
                }
            }
            if (found < 0)
            {
                int index = InputIndex(ruleStreams[r], add: true);
                if (index < 0)
                {
                    _requiredCount = 0;
                    Counters._mapsRefused++;
                    return false;
                }
                (_table[distinct], _table[index]) = (_table[index], _table[distinct]);
                found = distinct++;
            }
            ruleRequired[r] = found;
        }
        _requiredCount = distinct;
        _staleTimeoutNs = staleTimeoutNs;
        _mapAppliedNs = Clock.NanoTime();
        Counters._mapsApplied++;
        return true;
    }

    /// <summary>§7.4: the input's last observed frame (or, never observed, the map's start) is older than the map's stale timeout.</summary>
    private protected bool IsStale(in JoinInput input, ref long nowNs)
    {
        if (_staleTimeoutNs is not ulong timeout)
        {
            return false;
        }
        if (nowNs == long.MinValue)
        {
            nowNs = Clock.NanoTime();
        }
        long since = input.HasObservedEver ? input.LastObservedNs : _mapAppliedNs;
        long age = nowNs - since;
        return age > 0 && (ulong)age > timeout;
    }

    /// <summary>Writes the status of required input <paramref name="r"/> and counts it into <paramref name="tally"/>.</summary>
    private protected void Record(int r, JoinInputState state, JoinInputReason reason, ulong rangeStart, ulong rangeEnd, ref Tally tally)
    {
        ref JoinInput input = ref Input(r);
        _status[r] = new JoinInputStatus(input.StreamId, state, reason, input.Epoch,
            input.HasObservation ? input.ObservedSeq : null, rangeStart, rangeEnd);
        switch (state)
        {
            case JoinInputState.Ready: tally.Ready++; break;
            case JoinInputState.Waiting: tally.Waiting++; break;
            case JoinInputState.Stale: tally.Stale++; break;
            case JoinInputState.Rejected: tally.Rejected++; break;
            default: tally.Invalid++; break;
        }
    }

    /// <summary>Turns a tally into the check's result and counts it (§7.4: stale inputs are absent, at least one input must be ready).</summary>
    private protected JoinResult Finish(in Tally tally, JoinRejectReason rejectReason = JoinRejectReason.None)
    {
        Counters._checks++;
        JoinStatus status;
        if (rejectReason != JoinRejectReason.None || tally.Rejected > 0)
        {
            status = JoinStatus.Rejected;
            rejectReason = rejectReason == JoinRejectReason.None ? JoinRejectReason.InputRejected : rejectReason;
            Counters._rejected++;
        }
        else if (tally.Waiting > 0 || tally.Invalid > 0 || tally.Ready == 0)
        {
            status = JoinStatus.NotReady;
            Counters._notReady++;
        }
        else
        {
            status = JoinStatus.Ready;
            Counters._ready++;
            Counters._staleAbsences += tally.Stale;
        }
        return new JoinResult(status, tally.Ready, tally.Waiting, tally.Stale, tally.Rejected, tally.Invalid, rejectReason);
    }

    private protected JoinResult BlockedResult(JoinStatus status)
    {
        Counters._checks++;
        Counters._blocked++;
        return JoinResult.Blocked(status);
    }

    private int InputIndex(uint streamId, bool add)
    {
        JoinInput[] table = _table;
        for (int i = 0; i < _tableCount; i++)
        {
            if (table[i].StreamId == streamId)
            {
                return i;
            }
        }
        if (!add || _tableCount == table.Length)
        {
            return -1;
        }
        table[_tableCount] = new JoinInput { StreamId = streamId };
        return _tableCount++;
    }

    /// <summary>What a check found for one required input, before its state is decided.</summary>
    private protected struct Work
    {
        public JoinInputReason Reason;
        public bool HasRange;
        public ulong Start;
        public ulong End;

        /// <summary>Takes one rule's outcome: the first not-ready reason, and the union of the usable ranges.</summary>
        public void Add(JoinInputReason reason, bool hasRange, ulong low, ulong high)
        {
            if (hasRange)
            {
                if (!HasRange)
                {
                    HasRange = true;
                    Start = low;
                    End = high;
                }
                else
                {
                    Start = Math.Min(Start, low);
                    End = Math.Max(End, high);
                }
            }
            if (reason != JoinInputReason.None && Reason == JoinInputReason.None)
            {
                Reason = reason;
            }
        }
    }

    /// <summary>Required inputs by state, summed during a check.</summary>
    private protected struct Tally
    {
        public int Ready;
        public int Waiting;
        public int Stale;
        public int Rejected;
        public int Invalid;
    }
}
