using TensorPool.Client;
using TensorPool.Consumers;
using TensorPool.Frames;
using TensorPool.Producers;
using TensorPool.Sbe.JoinBarrier;
using TensorPool.Time;
using TensorPool.TraceLink;

namespace TensorPool.JoinBarrier.Stage;

/// <summary>
/// An N→1 stage (JoinBarrier spec §4-§9): consumes N input streams, gates each output on a join barrier, hands the
/// handler the aligned input frames in place, and publishes one output frame. By default it is also the MergeMap
/// authority of its output: it publishes the map of every output epoch and answers requests for it (§10).
/// </summary>
/// <remarks>
/// <para>Call <see cref="DoWork{THandler}(ref THandler)"/> from one thread (the stage's duty cycle). After start-up a
/// cycle allocates nothing and takes no lock; starting or restarting the output producer (first frames, an input's new
/// epoch in a sequence join) is control-plane work and may.</para>
/// <para>Input frames are validated once when read and re-checked after the handler wrote the output: a frame
/// overwritten meanwhile drops the output (§7.2, §8.3, §9.3: single attempt, drop on failure); nothing waits.</para>
/// <para>Sequence joins: the output's FrameDescriptor.seq is the barrier's out_seq. An output that cannot be made
/// (an input frame overwritten) gives its sequence up, and the output's consumers count a gap. A new epoch of any
/// input restarts the output with a new epoch too (its sequences restart), which needs its fresh map (§6.4).</para>
/// <para>TraceLink: when the output is traced (<see cref="ProducerOptions.Trace"/> of <see cref="JoinStageOptions.Output"/>),
/// each output frame's trace id is minted from the trace ids of the input frames it was made from, in input order, and
/// its TraceLinkSet is queued for the client's conductor (TraceLink §6.3 N→1, §9).</para>
/// </remarks>
public sealed class JoinStage : IDisposable
{
    private readonly TensorPoolClient _client;
    private readonly JoinStageOptions _options;
    private readonly InputTrack[] _inputs;
    private readonly ulong[] _parentTraceIds;
    private readonly MergeMapRegistry _registry = new();
    private readonly MergeMapClient _mapClient;
    private readonly MergeMapAuthority? _authority;
    private readonly JoinBarrierBase _barrier;
    private readonly MonotonicClock _clock = MonotonicClock.Instance;
    private Producer? _producer;
    private bool _inputRestarted;
    private bool _observedSinceCheck = true;
    private long _registryVersionAtCheck = -1;
    private long _lastCheckNs;
    private bool _hasOutTime;
    private ulong _lastOutTime;
    private JoinStatus _lastStatus = JoinStatus.NoOutputEpoch;
    private long _outputs;
    private long _dropped;
    private long _skipped;
    private long _noPool;
    private long _outputEpochs;
    private bool _disposed;

    /// <summary>A stage on <paramref name="client"/>: its consumers at once, its output producer as soon as it can size it.</summary>
    /// <exception cref="ArgumentException">The options are inconsistent (the message says which).</exception>
    public JoinStage(TensorPoolClient client, JoinStageOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _options = options.Validated();
        _inputs = new InputTrack[_options.Inputs.Count];
        _parentTraceIds = new ulong[_inputs.Length];
        try
        {
            for (int i = 0; i < _inputs.Length; i++)
            {
                uint stream = _options.Inputs[i];
                _inputs[i] = new InputTrack(i, stream, client.AddConsumer(new ConsumerOptions { StreamId = stream }));
            }
            _mapClient = new MergeMapClient(client.Transport, _registry, _options.Control);
            _authority = _options.IsAuthority ? new MergeMapAuthority(client.Transport, _options.Control, _registry) : null;
        }
        catch
        {
            DisposeInputs();
            _mapClient?.Dispose();
            throw;
        }
        uint output = _options.Output.StreamId;
        _barrier = _options.Barrier switch
        {
            JoinBarrierKind.Sequence => new SequenceJoinBarrier(_registry, output),
            JoinBarrierKind.Timestamp => new TimestampJoinBarrier(_registry, output),
            _ => new LatestValueJoinBarrier(_registry, output),
        };
        if (_options.OutputFrameBytes is not null)
        {
            StartOutput();
        }
    }

    /// <summary>The output producer, once started.</summary>
    public Producer? Output => _producer;

    /// <summary>The barrier the stage gates with (its counters, its inputs' states after the last check).</summary>
    public JoinBarrierBase Barrier => _barrier;

    /// <summary>The registry the barrier reads (the control stream's announces, and the stage's own maps).</summary>
    public MergeMapRegistry Registry => _registry;

    /// <summary>The late-joiner side (requests sent for a map the stage lacks).</summary>
    public MergeMapClient MapClient => _mapClient;

    /// <summary>The authority of the output's maps, or null when another process is.</summary>
    public MergeMapAuthority? Authority => _authority;

    /// <summary>The input streams, in handler order.</summary>
    public IReadOnlyList<uint> Inputs => _options.Inputs.AsReadOnly();

    /// <summary>The status of the last check.</summary>
    public JoinStatus LastStatus => _lastStatus;

    /// <summary>What the stage counted.</summary>
    public JoinStageCounters Counters => new()
    {
        Outputs = Volatile.Read(ref _outputs),
        DroppedOutputs = Volatile.Read(ref _dropped),
        SkippedSequences = Volatile.Read(ref _skipped),
        DropsNoPool = Volatile.Read(ref _noPool),
        OutputEpochs = Volatile.Read(ref _outputEpochs),
        Checks = _barrier.Counters.Checks,
        Blocked = _barrier.Counters.Blocked,
        NotReady = _barrier.Counters.NotReady,
        Rejected = _barrier.Counters.Rejected,
        MapsApplied = _barrier.Counters.MapsApplied,
        MapRequests = _mapClient.RequestsSent,
    };

    /// <summary>What the stage counted for input <paramref name="index"/> (handler order).</summary>
    public JoinInputCounters GetInputCounters(int index)
    {
        InputTrack t = _inputs[index];
        return new JoinInputCounters
        {
            StreamId = t.StreamId,
            Observations = Volatile.Read(ref t.Observations),
            Ready = Volatile.Read(ref t.Ready),
            Stale = Volatile.Read(ref t.Stale),
            Invalid = Volatile.Read(ref t.Invalid),
            Rejected = Volatile.Read(ref t.Rejected),
            Dropped = Volatile.Read(ref t.Dropped),
        };
    }

    /// <summary>
    /// One duty cycle: MergeMap traffic, every input's new descriptors into the barrier, then as many outputs as are
    /// ready (at most <see cref="JoinStageOptions.MaxOutputsPerCycle"/>). Returns the work done (0 when idle).
    /// </summary>
    public int DoWork<THandler>(ref THandler handler)
        where THandler : struct, IJoinHandler
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int work = _mapClient.DoWork();
        if (_authority is not null)
        {
            work += _authority.DoWork();
        }
        int limit = _options.PollLimit;
        for (int i = 0; i < _inputs.Length; i++)
        {
            var observer = new Observer(this, _inputs[i]);
            work += _inputs[i].Consumer.Poll(ref observer, limit);
        }
        if (_producer is null)
        {
            foreach (InputTrack t in _inputs)
            {
                if (t.FirstLength < 0)
                {
                    return work;
                }
            }
            StartOutput();
        }
        if (_inputRestarted)
        {
            _inputRestarted = false;
            if (_options.Barrier == JoinBarrierKind.Sequence)
            {
                RestartOutput();
            }
        }
        return work + Join(ref handler);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _producer?.Dispose();
        _authority?.Dispose();
        _mapClient.Dispose();
        DisposeInputs();
    }

    /// <inheritdoc/>
    public override string ToString() => $"JoinStage({_options.Barrier}, inputs [{string.Join(", ", _options.Inputs)}] -> {_options.Output.StreamId})";

    private void DisposeInputs()
    {
        foreach (InputTrack? t in _inputs)
        {
            t?.Consumer.Dispose();
        }
    }

    private void StartOutput(bool anchored = false)
    {
        int bytes = _options.OutputFrameBytes ?? _inputs.Length * Math.Max(1, _inputs.Max(t => t.FirstLength));
        uint stride = (uint)((bytes + 63) & ~63);
        ProducerOptions output = _options.Output.Clone();
        output.Pools = [new PayloadPoolOptions(1, stride)];
        _producer = _client.AddProducer(output);
        Interlocked.Increment(ref _outputEpochs);
        _hasOutTime = false;
        _barrier.SetOutputEpoch(_producer.Epoch);
        if (_authority is not null)
        {
            PublishMap(_producer.Epoch, anchored);
        }
        foreach (InputTrack t in _inputs)
        {
            t.RestartedSinceOutputStart = false;
        }
    }

    /// <summary>
    /// An input restarted (its sequences start again at 0): the output starts a new epoch, blocked until that epoch's
    /// map is applied (§6.4, §7.3). As the authority the stage publishes it at once, its OFFSET rules anchored (D225).
    /// </summary>
    private void RestartOutput()
    {
        _producer?.Dispose();
        _producer = null;
        StartOutput(anchored: true);
    }

    private void PublishMap(ulong epoch, bool anchored)
    {
        uint output = _options.Output.StreamId;
        if (_options.Barrier == JoinBarrierKind.Timestamp)
        {
            IEnumerable<TimestampMergeRule> rules = _options.TimestampRules ?? _options.Inputs.Select(s => TimestampMergeRule.ForOffset(s, 0));
            _authority!.Publish(new TimestampMergeMap(output, epoch, ClockDomain.Monotonic, rules, _options.LatenessNs, _options.StaleTimeoutNs));
        }
        else
        {
            IEnumerable<SequenceMergeRule> rules = _options.SequenceRules ?? _options.Inputs.Select(s => SequenceMergeRule.ForOffset(s, 0));
            _authority!.Publish(new SequenceMergeMap(output, epoch, anchored ? rules.Select(Anchor) : rules, _options.StaleTimeoutNs));
        }
    }

    /// <summary>
    /// D225: the map of an output epoch started by an input's restart. The restarted input counts from 0 again, so its
    /// rule stays as configured; an input that did not restart keeps counting, so its OFFSET is moved by its newest
    /// observed sequence: out_seq 0 of the new epoch pairs the restarted input's first frame with the other inputs'
    /// frames of that moment, not with frames from before the restart (long overwritten in a stage that ran a while).
    /// A WINDOW rule has no offset to move, and an offset beyond 32 bits cannot be sent (§6.2.1): both stay as configured.
    /// </summary>
    private SequenceMergeRule Anchor(SequenceMergeRule rule)
    {
        InputTrack? t = Find(rule.InputStreamId);
        if (rule.RuleType != MergeRuleType.Offset || rule.Offset is not int offset || t is null || t.RestartedSinceOutputStart || !t.HasNewest)
        {
            return rule;
        }
        long anchored = offset + (long)Math.Min(t.NewestSeq, int.MaxValue + 1UL);
        return anchored <= int.MaxValue ? SequenceMergeRule.ForOffset(rule.InputStreamId, (int)anchored) : rule;
    }

    private int Join<THandler>(ref THandler handler)
        where THandler : struct, IJoinHandler
    {
        Producer producer = _producer!;
        int made = 0;
        for (int k = 0; k < _options.MaxOutputsPerCycle; k++)
        {
            if (!CheckDue())
            {
                break;
            }
            ulong outTime = 0;
            JoinResult result;
            switch (_options.Barrier)
            {
                case JoinBarrierKind.Sequence:
                    result = ((SequenceJoinBarrier)_barrier).Check(producer.NextSeq);
                    break;
                case JoinBarrierKind.Timestamp:
                    // The first input paces the output: each new frame of it is an out_time (monotonic, §8.2).
                    if (!_inputs[0].TryNewestSlotTime(out outTime) || (_hasOutTime && outTime <= _lastOutTime))
                    {
                        return made;
                    }
                    result = ((TimestampJoinBarrier)_barrier).Check(outTime);
                    break;
                default:
                    if (!AnyFresh())
                    {
                        return made;
                    }
                    var validator = new Validator(this);
                    result = ((LatestValueJoinBarrier)_barrier).Check(ref validator);
                    break;
            }
            _lastStatus = result.Status;
            if (result.Status is JoinStatus.NoMap or JoinStatus.MapInvalid)
            {
                if (!_options.IsAuthority && result.Status == JoinStatus.NoMap)
                {
                    _mapClient.Require(_barrier); // §7.3, §10.3: a late joiner asks for the map of its output epoch
                }
                break;
            }
            CountChecked();
            if (!result.IsReady)
            {
                _observedSinceCheck = false;
                break;
            }
            if (Attempt(ref handler, producer, outTime))
            {
                made++;
            }
        }
        return made;
    }

    /// <summary>
    /// A check is worth making when something it reads changed since the last one that was not ready: an observation,
    /// the registry, or time (staleness, §7.4) — at most once a millisecond otherwise.
    /// </summary>
    private bool CheckDue()
    {
        long now = _clock.NanoTime();
        if (_observedSinceCheck || _registry.Version != _registryVersionAtCheck || now - _lastCheckNs >= 1_000_000)
        {
            _registryVersionAtCheck = _registry.Version;
            _lastCheckNs = now;
            return true;
        }
        return false;
    }

    private bool AnyFresh()
    {
        foreach (InputTrack t in _inputs)
        {
            if (t.Fresh)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Counts each input's state in the check just made (rejections whatever the outcome, the rest per output attempt).</summary>
    private void CountChecked()
    {
        ReadOnlySpan<JoinInputStatus> statuses = _barrier.Inputs;
        foreach (InputTrack t in _inputs)
        {
            t.Present = false;
            t.State = JoinInputState.Waiting;
        }
        for (int r = 0; r < statuses.Length; r++)
        {
            InputTrack? t = Find(statuses[r].StreamId);
            if (t is null)
            {
                continue; // a stream the map requires that this stage does not consume: it can only be waiting or stale
            }
            t.State = statuses[r].State;
            if (t.State == JoinInputState.Rejected)
            {
                t.Rejected++;
            }
        }
    }

    private bool Attempt<THandler>(ref THandler handler, Producer producer, ulong outTime)
        where THandler : struct, IJoinHandler
    {
        ReadOnlySpan<JoinInputStatus> statuses = _barrier.Inputs;
        bool lost = false;
        int present = 0;
        int absent = 0;
        for (int r = 0; r < statuses.Length; r++)
        {
            JoinInputStatus s = statuses[r];
            InputTrack? t = Find(s.StreamId);
            if (t is null)
            {
                continue;
            }
            switch (s.State)
            {
                case JoinInputState.Ready:
                    break;
                case JoinInputState.Stale:
                    t.Stale++;
                    absent++;
                    continue;
                default:
                    t.Invalid++;
                    absent++;
                    continue;
            }
            if (!Read(t, in s))
            {
                t.Dropped++;
                lost = true;
                continue;
            }
            t.Present = true;
            t.Ready++;
            present++;
        }
        if (!lost)
        {
            var frames = new JoinFrames(_inputs, producer.NextSeq, _options.Barrier == JoinBarrierKind.Timestamp ? outTime : null);
            int length = handler.OutputLength(in frames);
            if (length >= 0)
            {
                if (!producer.TryClaim(length, out FrameClaim claim))
                {
                    _noPool++;
                    lost = true;
                }
                else
                {
                    try
                    {
                        handler.WriteOutput(in frames, ref claim);
                    }
                    catch
                    {
                        if (claim.IsActive)
                        {
                            producer.Abort(ref claim);
                        }
                        throw;
                    }
                    if (!StillValid())
                    {
                        producer.Abort(ref claim);
                        lost = true;
                    }
                    else
                    {
                        ulong seq = claim.Seq;
                        ulong traceId = producer.IsTraced ? LinkTrace(producer, ref claim) : TraceId.Null;
                        producer.Commit(ref claim);
                        long latency = Latency(_clock.NanoTime());
                        Interlocked.Increment(ref _outputs);
                        MarkProcessed();
                        handler.OnPublished(new JoinOutput { Seq = seq, Epoch = producer.Epoch, Present = present, Absent = absent, LatencyNs = latency, TraceId = traceId });
                    }
                }
            }
        }
        if (lost)
        {
            Interlocked.Increment(ref _dropped);
            if (_options.Barrier == JoinBarrierKind.Sequence)
            {
                producer.SkipSequence(); // this out_seq cannot be made: its sequence is given up, not retried forever
                Interlocked.Increment(ref _skipped);
            }
        }
        // The tick is done, made or dropped: the next out_time is a newer frame; latest values wait for a fresh one.
        if (_options.Barrier == JoinBarrierKind.Timestamp)
        {
            _hasOutTime = true;
            _lastOutTime = outTime;
        }
        foreach (InputTrack t in _inputs)
        {
            t.Fresh = false;
        }
        _observedSinceCheck = true;
        return !lost;
    }

    /// <summary>
    /// TraceLink §6.3 N→1: the output's trace id from the trace ids of the input frames it was made from, in input order;
    /// absent inputs and untraced ones (0) are not parents. Called only once the output is sure to be committed, so no
    /// TraceLinkSet names a frame that was never published. The parents buffer is the stage's: nothing is allocated.
    /// </summary>
    private ulong LinkTrace(Producer producer, ref FrameClaim claim)
    {
        for (int i = 0; i < _inputs.Length; i++)
        {
            InputTrack t = _inputs[i];
            _parentTraceIds[i] = t.Present ? t.SelectedTraceId : TraceId.Null;
        }
        return producer.LinkTrace(ref claim, _parentTraceIds);
    }

    /// <summary>Begins reading the frame the barrier named for a ready input (once: §7.2 single attempt).</summary>
    private bool Read(InputTrack t, in JoinInputStatus s)
    {
        ulong seq;
        switch (_options.Barrier)
        {
            case JoinBarrierKind.Sequence:
                seq = s.RangeEnd; // in_seq of the rule (the window's upper bound)
                break;
            case JoinBarrierKind.Timestamp:
                if (!t.TryFindByTime(s.RangeEnd, out seq))
                {
                    return false;
                }
                break;
            default:
                t.Select(s.RangeStart); // the validator began the read of the selected frame
                return true;
        }
        t.Select(seq);
        return t.Consumer.TryBeginJoinRead(t.Epoch, seq);
    }

    private bool StillValid()
    {
        bool valid = true;
        foreach (InputTrack t in _inputs)
        {
            if (t.Present && !t.Consumer.EndJoinRead())
            {
                t.Dropped++;
                valid = false;
            }
        }
        return valid;
    }

    private void MarkProcessed()
    {
        foreach (InputTrack t in _inputs)
        {
            if (t.Present)
            {
                _barrier.MarkProcessed(t.StreamId, new JoinObservation { Epoch = t.SelectedEpoch, Seq = t.SelectedSeq });
            }
        }
    }

    private long Latency(long committedNs)
    {
        long newest = 0;
        foreach (InputTrack t in _inputs)
        {
            if (t.Present && t.SelectedCommitNs > newest)
            {
                newest = t.SelectedCommitNs;
            }
        }
        return newest == 0 ? 0 : Math.Max(0, committedNs - newest);
    }

    private InputTrack? Find(uint streamId)
    {
        foreach (InputTrack t in _inputs)
        {
            if (t.StreamId == streamId)
            {
                return t;
            }
        }
        return null;
    }

    private void OnObserved(InputTrack track, in Frame frame)
    {
        if (track.Observe(in frame))
        {
            _inputRestarted = true;
        }
        _barrier.Observe(track.StreamId, new JoinObservation
        {
            Epoch = frame.Epoch,
            Seq = frame.Seq,
            DescriptorTimestampNs = frame.DescriptorTimestampNs,
            SlotTimestampNs = JoinObservation.SlotTimestamp(frame.TimestampNs),
        });
        _observedSinceCheck = true;
    }

    /// <summary>Takes each delivered frame's descriptor into the barrier (the payload is read only when an output needs it).</summary>
    private readonly struct Observer(JoinStage stage, InputTrack track) : IFrameHandler
    {
        public void OnFrame(in Frame frame) => stage.OnObserved(track, in frame);
    }

    /// <summary>The latest-value barrier's one validation of a selected frame (§9.1): the read begins here.</summary>
    private readonly struct Validator(JoinStage stage) : IJoinFrameValidator
    {
        public bool Validate(uint streamId, ulong epoch, ulong seq)
        {
            InputTrack? t = stage.Find(streamId);
            return t is not null && t.Consumer.TryBeginJoinRead(epoch, seq);
        }
    }
}
