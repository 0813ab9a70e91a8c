using TensorPool.Sbe.JoinBarrier;

namespace TensorPool.JoinBarrier;

/// <summary>
/// Gates output sequences on input sequences (JoinBarrier spec §7): out_seq is ready when, for every rule of the
/// sequence MergeMap of (out_stream_id, epoch), the input's observed cursor (and, when required, its processed cursor)
/// has reached <c>required_in_seq(rule, out_seq)</c> (§7.1). Offsets may be negative (§6.2.1); windows gate on their
/// upper bound (§6.2.2). Without a map for the output's epoch the barrier stays blocked (§7.3).
/// </summary>
/// <example>
/// <code>
/// var barrier = new SequenceJoinBarrier(registry, outStreamId: 20000);
/// barrier.SetOutputEpoch(producer.Epoch);
/// barrier.Observe(camA, new JoinObservation(frame.Epoch, frame.Seq));   // for each descriptor
/// if (barrier.Check(outSeq).IsReady) { /* read in_seq of each input once; drop what fails validation */ }
/// </code>
/// </example>
public sealed class SequenceJoinBarrier : JoinBarrierBase
{
    private readonly uint[] _ruleStreams;
    private CompiledRule[] _rules = [];
    private int[] _ruleRequired = [];
    private int _ruleCount;
    private SequenceMergeMap? _map;

    /// <summary>A barrier for <paramref name="outStreamId"/> taking its map from <paramref name="registry"/>.</summary>
    public SequenceJoinBarrier(MergeMapRegistry registry, uint outStreamId, JoinBarrierOptions? options = null)
        : base(registry, outStreamId, options)
    {
        _ruleStreams = new uint[MaxInputs];
    }

    /// <inheritdoc/>
    public override MergeMapKind MapKind => MergeMapKind.Sequence;

    /// <summary>The map in force (null while blocked).</summary>
    public SequenceMergeMap? Map => _requiredCount > 0 ? _map : null;

    /// <summary>
    /// Is <paramref name="outSeq"/> ready (§7.1)? Evaluates every rule; the inputs' states are in
    /// <see cref="JoinBarrierBase.Inputs"/>. Never waits; allocation-free after start-up.
    /// </summary>
    public JoinResult Check(ulong outSeq)
    {
        JoinStatus mapStatus = Resolve();
        if (mapStatus != JoinStatus.Ready)
        {
            return BlockedResult(mapStatus);
        }
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
            JoinInputReason reason = Evaluate(in rule, outSeq, ref table[r], requireProcessed, out ulong low, out ulong high);
            work[r].Add(reason, reason is JoinInputReason.None or JoinInputReason.Behind or JoinInputReason.NotProcessed, low, high);
        }
        var tally = default(Tally);
        long now = long.MinValue;
        for (int r = 0; r < required; r++)
        {
            ref Work w = ref work[r];
            JoinInputState state = w.Reason == JoinInputReason.None ? JoinInputState.Ready
                : IsStale(in table[r], ref now) ? JoinInputState.Stale
                : JoinInputState.Waiting;
            Record(r, state, w.Reason, w.Start, w.End, ref tally);
        }
        return Finish(in tally);
    }

    /// <summary>
    /// One rule against one input for out_seq (§6.2.1, §6.2.2, §7.1): the first not-ready edge, or None; and the
    /// input sequences the rule makes usable.
    /// </summary>
    private static JoinInputReason Evaluate(in CompiledRule rule, ulong outSeq, ref JoinInput input, bool requireProcessed,
        out ulong low, out ulong high)
    {
        low = high = 0;
        if (rule.IsWindow)
        {
            // §6.2.2: not ready while out_seq + 1 < N; readiness uses the window's upper bound, out_seq.
            if (outSeq < rule.Window - 1)
            {
                return JoinInputReason.WindowNotFull;
            }
            high = outSeq;
            low = outSeq - (rule.Window - 1);
        }
        else if (rule.Offset < 0)
        {
            // §6.2.1: out_seq + offset < 0 is not ready until out_seq >= -offset.
            ulong back = (ulong)(-rule.Offset);
            if (outSeq < back)
            {
                return JoinInputReason.BeforeOffset;
            }
            high = low = outSeq - back;
        }
        else
        {
            high = outSeq + (ulong)rule.Offset;
            if (high < outSeq)
            {
                return JoinInputReason.Unreachable;
            }
            low = high;
        }
        if (!input.HasObservation)
        {
            return JoinInputReason.NoObservation;
        }
        if (input.ObservedSeq < high)
        {
            return JoinInputReason.Behind;
        }
        if (requireProcessed && (!input.HasProcessed || input.ProcessedSeq < high))
        {
            return JoinInputReason.NotProcessed;
        }
        return JoinInputReason.None;
    }

    private protected override JoinStatus ResolveMap(ulong epoch, out MergeMapRejection rejection)
    {
        MergeMapState state = Registry.GetSequence(OutStreamId, epoch, out SequenceMergeMap? map, out rejection);
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
        ReadOnlySpan<SequenceMergeRule> rules = map.Rules;
        if (_rules.Length < rules.Length)
        {
            // A map with more rules than any before: grown once, at map change (control plane, not the check).
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
            SequenceMergeRule rule = rules[i];
            _rules[i] = rule.RuleType == MergeRuleType.Window
                ? new CompiledRule(_ruleRequired[i], true, 0, rule.WindowSize!.Value)
                : new CompiledRule(_ruleRequired[i], false, rule.Offset!.Value, 0);
        }
        _ruleCount = rules.Length;
        _map = map;
        return JoinStatus.Ready;
    }

    private readonly record struct CompiledRule(int Required, bool IsWindow, long Offset, ulong Window);
}
