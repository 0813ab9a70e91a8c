using TensorPool.Sbe.JoinBarrier;

namespace TensorPool.JoinBarrier;

/// <summary>
/// Gates output times on input timestamps (JoinBarrier spec §8): out_time is ready when, for every rule of the
/// timestamp MergeMap of (out_stream_id, epoch), the input's observed time in the rule's source (FrameDescriptor or
/// SlotHeader, §8.2) — and, when required, its processed time — reaches <c>required_in_time(rule, out_time) -
/// lateness_ns</c> (§8.1). Lateness is applied only there (§6.3.1, §6.3.2).
/// </summary>
/// <remarks>
/// Rejections (§8.2): an input whose timestamps in a rule's source go backwards within its epoch, or whose clock domain
/// is not the map's, is rejected, and so is a check whose out_time is in another clock domain or earlier than the last
/// one: the result is <see cref="JoinStatus.Rejected"/>, counted, never an exception. A null timestamp in the newest
/// frame is never ready (§8.2).
/// </remarks>
public sealed class TimestampJoinBarrier : JoinBarrierBase
{
    private readonly uint[] _ruleStreams;
    private CompiledRule[] _rules = [];
    private int[] _ruleRequired = [];
    private int _ruleCount;
    private TimestampMergeMap? _map;
    private ClockDomain _clockDomain;
    private ulong _latenessNs;
    private bool _hasOutTime;
    private ulong _lastOutTime;

    /// <summary>A barrier for <paramref name="outStreamId"/> taking its map from <paramref name="registry"/>.</summary>
    public TimestampJoinBarrier(MergeMapRegistry registry, uint outStreamId, JoinBarrierOptions? options = null)
        : base(registry, outStreamId, options)
    {
        _ruleStreams = new uint[MaxInputs];
    }

    /// <inheritdoc/>
    public override MergeMapKind MapKind => MergeMapKind.Timestamp;

    /// <summary>The map in force (null while blocked).</summary>
    public TimestampMergeMap? Map => _requiredCount > 0 ? _map : null;

    /// <summary>The highest out_time checked in this output epoch (out_time must not go below it, §8.2).</summary>
    public ulong? LastOutTimeNs => _hasOutTime ? _lastOutTime : null;

    /// <summary>
    /// Is <paramref name="outTimeNs"/>, in <paramref name="clockDomain"/>, ready (§8.1)? Never waits; allocation-free
    /// after start-up.
    /// </summary>
    public JoinResult Check(ulong outTimeNs, ClockDomain clockDomain = ClockDomain.Monotonic)
    {
        JoinStatus mapStatus = Resolve();
        if (mapStatus != JoinStatus.Ready)
        {
            return BlockedResult(mapStatus);
        }
        // §8.2: out_time uses the map's clock domain and is monotonic non-decreasing for the output stream.
        if (clockDomain != _clockDomain)
        {
            Counters._outputTimeRegressions++;
            return Finish(default, JoinRejectReason.OutputClockDomain);
        }
        if (_hasOutTime && outTimeNs < _lastOutTime)
        {
            Counters._outputTimeRegressions++;
            return Finish(default, JoinRejectReason.OutputTimeRegressed);
        }
        _hasOutTime = true;
        _lastOutTime = outTimeNs;

        int required = _requiredCount;
        Work[] work = _work;
        JoinInput[] table = _table;
        Array.Clear(work, 0, required);
        bool requireProcessed = RequireProcessed;
        CompiledRule[] rules = _rules;
        for (int i = 0; i < _ruleCount; i++)
        {
            ref readonly CompiledRule rule = ref rules[i];
            int r = rule.Required;
            JoinInputReason reason = Evaluate(in rule, outTimeNs, ref table[r], requireProcessed, out ulong low, out ulong high);
            ref Work w = ref work[r];
            // A rejection outranks a wait: the input cannot take part whatever else holds.
            if (IsRejection(reason) && !IsRejection(w.Reason))
            {
                w.Reason = JoinInputReason.None;
            }
            w.Add(reason, reason is JoinInputReason.None or JoinInputReason.Behind or JoinInputReason.NotProcessed or JoinInputReason.NullTimestamp, low, high);
        }
        var tally = default(Tally);
        long now = long.MinValue;
        for (int r = 0; r < required; r++)
        {
            ref Work w = ref work[r];
            JoinInputReason reason = w.Reason;
            JoinInputState state;
            if (reason == JoinInputReason.None)
            {
                state = JoinInputState.Ready;
            }
            else if (IsRejection(reason))
            {
                state = JoinInputState.Rejected;
                if (reason == JoinInputReason.ClockDomainMismatch)
                {
                    Counters._clockDomainMismatches++;
                }
            }
            else
            {
                state = IsStale(in table[r], ref now) ? JoinInputState.Stale : JoinInputState.Waiting;
            }
            Record(r, state, reason, w.Start, w.End, ref tally);
        }
        return Finish(in tally);
    }

    private static bool IsRejection(JoinInputReason reason) =>
        reason is JoinInputReason.NonMonotonicTimestamps or JoinInputReason.ClockDomainMismatch;

    /// <summary>One rule against one input for out_time (§6.3.1, §6.3.2, §8.1, §8.2): the first not-ready edge, or None.</summary>
    private JoinInputReason Evaluate(in CompiledRule rule, ulong outTime, ref JoinInput input, bool requireProcessed,
        out ulong low, out ulong high)
    {
        low = high = 0;
        if (input.HasObservation && input.ClockDomain != _clockDomain)
        {
            return JoinInputReason.ClockDomainMismatch;
        }
        ref JoinTimeCursor cursor = ref rule.Source == TimestampSource.FrameDescriptor ? ref input.Descriptor : ref input.Slot;
        if (cursor.Rejected)
        {
            return JoinInputReason.NonMonotonicTimestamps;
        }
        if (rule.IsWindow)
        {
            // §6.3.2: not ready while out_time < window_ns; the range is [out_time - window_ns, out_time].
            if (outTime < rule.Window)
            {
                return JoinInputReason.WindowNotFull;
            }
            high = outTime;
            low = outTime - rule.Window;
        }
        else if (rule.Offset < 0)
        {
            // §6.3.1: out_time + offset_ns < 0 is not ready until out_time >= -offset_ns.
            ulong back = (ulong)(-rule.Offset);
            if (outTime < back)
            {
                return JoinInputReason.BeforeOffset;
            }
            high = low = outTime - back;
        }
        else
        {
            high = outTime + (ulong)rule.Offset;
            if (high < outTime)
            {
                return JoinInputReason.Unreachable;
            }
            low = high;
        }
        if (!input.HasObservation)
        {
            return JoinInputReason.NoObservation;
        }
        // §8.2: a null timestamp in the newest frame (or none ever in this source) is never ready.
        if (cursor.NewestIsNull || !cursor.HasTime)
        {
            return JoinInputReason.NullTimestamp;
        }
        // §8.1: lateness only in the inequality, clamped at zero.
        ulong threshold = high >= _latenessNs ? high - _latenessNs : 0;
        if (cursor.Time < threshold)
        {
            return JoinInputReason.Behind;
        }
        if (requireProcessed && (!cursor.HasProcessed || cursor.ProcessedTime < threshold))
        {
            return JoinInputReason.NotProcessed;
        }
        return JoinInputReason.None;
    }

    private protected override void OnOutputEpochChanged() => _hasOutTime = false;

    private protected override JoinStatus ResolveMap(ulong epoch, out MergeMapRejection rejection)
    {
        MergeMapState state = Registry.GetTimestamp(OutStreamId, epoch, out TimestampMergeMap? map, out rejection);
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
        ReadOnlySpan<TimestampMergeRule> rules = map.Rules;
        if (_rules.Length < rules.Length)
        {
            _rules = new CompiledRule[rules.Length];
            _ruleRequired = new int[rules.Length];
        }
        Span<uint> streams = rules.Length <= _ruleStreams.Length ? _ruleStreams : new uint[rules.Length];
        for (int i = 0; i < rules.Length; i++)
        {
            streams[i] = rules[i].InputStreamId;
        }
        if (!BindInputs(streams[..rules.Length], _ruleRequired, map.StaleTimeoutNs))
        {
            _map = null;
            rejection = new MergeMapRejection(MergeMapRejectReason.TooManyInputs);
            return JoinStatus.MapInvalid;
        }
        for (int i = 0; i < rules.Length; i++)
        {
            TimestampMergeRule rule = rules[i];
            _rules[i] = rule.RuleType == MergeTimeRuleType.WindowNs
                ? new CompiledRule(_ruleRequired[i], rule.TimestampSource, true, 0, rule.WindowNs!.Value)
                : new CompiledRule(_ruleRequired[i], rule.TimestampSource, false, rule.OffsetNs!.Value, 0);
        }
        _ruleCount = rules.Length;
        _map = map;
        _clockDomain = map.ClockDomain;
        _latenessNs = map.EffectiveLatenessNs;
        return JoinStatus.Ready;
    }

    private readonly record struct CompiledRule(int Required, TimestampSource Source, bool IsWindow, long Offset, ulong Window);
}
