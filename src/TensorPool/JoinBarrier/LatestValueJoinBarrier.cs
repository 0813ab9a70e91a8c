using TensorPool.Sbe.JoinBarrier;

namespace TensorPool.JoinBarrier;

/// <summary>
/// The as-of join (JoinBarrier spec §9): ready when every input the active MergeMap requires (rule parameters
/// ignored) has a frame observed in its current epoch and that frame still validates. No alignment on sequences or
/// times; never a frame of an earlier epoch; best effort and possibly stale (§9.3).
/// </summary>
/// <remarks>
/// Each check validates each selected frame once through the stage's <see cref="IJoinFrameValidator"/>: a frame that
/// was overwritten or fails validation makes its input absent and the check not ready, to be retried on a later tick
/// (§9.1). With a map stale timeout, an input that has observed nothing newer for longer than it is absent without
/// blocking (§7.4, Appendix A.5).
/// </remarks>
public sealed class LatestValueJoinBarrier : JoinBarrierBase
{
    private readonly MergeMapKind _mapKind;
    private readonly uint[] _ruleStreams;
    private readonly TimestampSource[] _sources;
    private int[] _ruleRequired = [];
    private object? _map;
    private ClockDomain _clockDomain;

    /// <summary>
    /// A barrier for <paramref name="outStreamId"/> whose inputs come from the <paramref name="mapKind"/> map in
    /// <paramref name="registry"/>, picking each input's latest frame by <paramref name="ordering"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Timestamp ordering without a timestamp map (no clock domain to order in, §9.2).</exception>
    public LatestValueJoinBarrier(MergeMapRegistry registry, uint outStreamId, MergeMapKind mapKind = MergeMapKind.Sequence,
        LatestValueOrdering ordering = LatestValueOrdering.Sequence, JoinBarrierOptions? options = null)
        : base(registry, outStreamId, options)
    {
        if (!Enum.IsDefined(mapKind))
        {
            throw new ArgumentOutOfRangeException(nameof(mapKind), mapKind, "not a MergeMap kind");
        }
        if (ordering == LatestValueOrdering.Timestamp && mapKind != MergeMapKind.Timestamp)
        {
            throw new ArgumentException("timestamp ordering needs a timestamp MergeMap: its clock domain makes \"most recent\" unambiguous (§9.2)", nameof(ordering));
        }
        _mapKind = mapKind;
        Ordering = ordering;
        _ruleStreams = new uint[MaxInputs];
        _sources = new TimestampSource[MaxInputs];
    }

    /// <inheritdoc/>
    public override MergeMapKind MapKind => _mapKind;

    /// <summary>How the latest frame of each input is picked.</summary>
    public LatestValueOrdering Ordering { get; }

    /// <summary>
    /// Is the output tick ready (§9.1)? Selects each required input's latest frame and validates it once with
    /// <paramref name="validator"/>; the selected sequence is each input's <see cref="JoinInputStatus.RangeStart"/>.
    /// </summary>
    public JoinResult Check<TValidator>(ref TValidator validator)
        where TValidator : IJoinFrameValidator
    {
        JoinStatus mapStatus = Resolve();
        if (mapStatus != JoinStatus.Ready)
        {
            return BlockedResult(mapStatus);
        }
        var tally = default(Tally);
        long now = long.MinValue;
        bool byTime = Ordering == LatestValueOrdering.Timestamp;
        for (int r = 0; r < _requiredCount; r++)
        {
            ref JoinInput input = ref Input(r);
            JoinInputReason reason = JoinInputReason.None;
            ulong selected = 0;
            if (!input.HasObservation)
            {
                reason = JoinInputReason.NoObservation;
            }
            else if (byTime)
            {
                ref JoinTimeCursor cursor = ref _sources[r] == TimestampSource.FrameDescriptor ? ref input.Descriptor : ref input.Slot;
                if (input.ClockDomain != _clockDomain)
                {
                    reason = JoinInputReason.ClockDomainMismatch;
                }
                else if (!cursor.HasTime)
                {
                    reason = JoinInputReason.NullTimestamp;
                }
                else
                {
                    selected = cursor.LatestSeq;
                }
            }
            else
            {
                selected = input.ObservedSeq;
            }

            JoinInputState state;
            if (reason == JoinInputReason.ClockDomainMismatch)
            {
                state = JoinInputState.Rejected;
                Counters._clockDomainMismatches++;
            }
            else if (IsStale(in input, ref now))
            {
                // A.5.1: a stale input is absent (and not validated), the others go on.
                state = JoinInputState.Stale;
            }
            else if (reason != JoinInputReason.None)
            {
                state = JoinInputState.Waiting;
            }
            else if (!validator.Validate(input.StreamId, input.Epoch, selected))
            {
                // §9.1: one validation attempt; an overwritten or invalid frame is absent for this tick.
                state = JoinInputState.Invalid;
                reason = JoinInputReason.ValidationFailed;
                Counters._validationFailures++;
            }
            else
            {
                state = JoinInputState.Ready;
            }
            Record(r, state, reason, selected, selected, ref tally);
        }
        return Finish(in tally);
    }

    private protected override JoinStatus ResolveMap(ulong epoch, out MergeMapRejection rejection)
    {
        object? map;
        MergeMapState state;
        int count;
        ulong? staleTimeoutNs;
        if (_mapKind == MergeMapKind.Sequence)
        {
            state = Registry.GetSequence(OutStreamId, epoch, out SequenceMergeMap? s, out rejection);
            map = s;
            count = s?.Rules.Length ?? 0;
            staleTimeoutNs = s?.StaleTimeoutNs;
        }
        else
        {
            state = Registry.GetTimestamp(OutStreamId, epoch, out TimestampMergeMap? t, out rejection);
            map = t;
            count = t?.Rules.Length ?? 0;
            staleTimeoutNs = t?.StaleTimeoutNs;
        }
        if (state == MergeMapState.Absent)
        {
            return JoinStatus.NoMap;
        }
        if (state == MergeMapState.Invalid || map is null)
        {
            return JoinStatus.MapInvalid;
        }
        if (ReferenceEquals(map, _map) && _requiredCount > 0)
        {
            return JoinStatus.Ready;
        }
        if (_ruleRequired.Length < count)
        {
            _ruleRequired = new int[count];
        }
        Span<uint> streams = count <= _ruleStreams.Length ? _ruleStreams : new uint[count];
        for (int i = 0; i < count; i++)
        {
            streams[i] = map is SequenceMergeMap sm ? sm.Rules[i].InputStreamId : ((TimestampMergeMap)map).Rules[i].InputStreamId;
        }
        // §9.1: the required inputs are the map's streams; the rules' parameters are ignored.
        if (!BindInputs(streams[..count], _ruleRequired, staleTimeoutNs))
        {
            _map = null;
            rejection = new MergeMapRejection(MergeMapRejectReason.TooManyInputs);
            return JoinStatus.MapInvalid;
        }
        if (map is TimestampMergeMap tm)
        {
            _clockDomain = tm.ClockDomain;
            // Each input is ordered by the source of the first rule that names it.
            for (int i = count - 1; i >= 0; i--)
            {
                _sources[_ruleRequired[i]] = tm.Rules[i].TimestampSource;
            }
        }
        _map = map;
        return JoinStatus.Ready;
    }
}
