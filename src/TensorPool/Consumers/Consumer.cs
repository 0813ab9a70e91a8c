using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TensorPool.Agents;
using TensorPool.Concurrency;
using TensorPool.Control;
using TensorPool.Diagnostics;
using TensorPool.DriverClient;
using TensorPool.Frames;
using TensorPool.Native.Internal;
using TensorPool.Sbe;
using TensorPool.Sbe.Wire;
using TensorPool.Time;
using TensorPool.Transport;
using TensorPool.Diagnostics.Internal;

namespace TensorPool.Consumers;

/// <summary>
/// Reads the frames of one data source (pool stream) in place from the producer's shared memory, never torn, with
/// every drop counted (wire spec §10.2.1, §15.4, §15.18, §15.21). Created by
/// <see cref="Client.TensorPoolClient.AddConsumer(ConsumerOptions)"/>.
/// </summary>
/// <remarks>
/// <para>Threads: <see cref="Poll{THandler}(ref THandler, int)"/> runs on the caller's thread (one at a time): it reads
/// this consumer's own descriptor subscription and validates each frame with the native core. It allocates nothing and
/// takes no lock. The client's conductor handles announces, maps regions and posts them to the consumer, which
/// switches at the start of its next poll; it also sends QosConsumer (§10.4.1).</para>
/// <para>Frames are accepted only once their slot passed every rule and the seqlock re-check after the handler
/// (<see cref="Frame.IsStillValid"/>). Nothing waits or retries (§15.21 rule 5).</para>
/// </remarks>
public sealed unsafe partial class Consumer : IDisposable
{
    private readonly IConsumerOwner _owner;
    private ISubscription _descriptors;
    // The streams this consumer's polls read: descriptors, and progress when asked for (kept current on a switch).
    private readonly SubscriptionWaitSet _waitSet = new();
    private readonly MappingMailbox _mailbox;
    private readonly TpFrame* _frame;
    private readonly ulong _maxGap;
    private ConsumerMapping _mapping = ConsumerMapping.Unmapped;
    // Sequence and loss accounting and the rate gate: written by the polling thread, counters read from any.
    private SequenceAccounting _accounting;
    private int _frameCheck;
    private int _remapRequested;
    private bool _polling;
    private int _disposed;
    private long _bytesAccepted;
    // Polls hold the frame view and the mapping: a Dispose during one (from a handler or another thread) defers their
    // release to the end of that poll (D86).
    private ExclusiveUse _use;
    private readonly PollResources _pollResources;

    internal Consumer(IConsumerOwner owner, IClock clock, ISubscription descriptors, ConsumerOptions options, uint consumerId)
    {
        _owner = owner;
        _descriptors = descriptors;
        _waitSet.Add(descriptors);
        _mailbox = new MappingMailbox { Poller = _waitSet };
        StreamId = options.StreamId;
        _consumerId = consumerId;
        _clock = clock;
        if (options.ProgressHandler is not null)
        {
            _progressReader = new ProgressReader(options.StreamId, options.ProgressHandler);
        }
        _maxGap = (ulong)options.MaxOutstandingSeqGap;
        _accounting = new SequenceAccounting(_maxGap);
        _frame = (TpFrame*)NativeMemory.AllocZeroed((nuint)sizeof(TpFrame));
        _pollResources = new PollResources(this);
    }

    /// <summary>The data source (pool stream id) this consumer reads.</summary>
    public uint StreamId { get; }

    /// <summary>The id this consumer reports in ConsumerHello and QosConsumer; a new random one after a collision (§10.1.2).</summary>
    public uint ConsumerId => Volatile.Read(ref _consumerId);

    /// <summary>
    /// UNMAPPED or MAPPED as this consumer's polling thread last saw it, or FALLBACK / FAILED when the producer said
    /// use_shm=0 (§15.12).
    /// </summary>
    public MappingState State
    {
        get
        {
            var control = (MappingState)Volatile.Read(ref _controlState);
            if (control is MappingState.Fallback or MappingState.Failed)
            {
                return control;
            }
            return Volatile.Read(ref _mapping).IsMapped ? MappingState.Mapped : MappingState.Unmapped;
        }
    }

    /// <summary>The epoch of the mapped regions, or null when unmapped.</summary>
    public ulong? Epoch
    {
        get
        {
            ConsumerMapping m = Volatile.Read(ref _mapping);
            return m.IsMapped ? m.Epoch : null;
        }
    }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>
    /// What the polling thread can sleep on between polls: this consumer's descriptor stream (and its progress stream
    /// when a progress handler was given), kept current across per-consumer stream switches. Use it with a
    /// <see cref="Agents.WaitingIdleStrategy"/> (poll, then idle) or <see cref="WaitForFrames"/>; Dispose wakes it.
    /// </summary>
    public IWaitSource WaitSource => _waitSet;

    /// <summary>
    /// Sleep until a descriptor (or progress) message may be ready to poll, up to <paramref name="timeout"/>
    /// (<see cref="Timeout.InfiniteTimeSpan"/>: until a message, cancellation or disposal). Returns false on a timeout
    /// or when woken without a message; poll either way. Allocates nothing unless <paramref name="cancellationToken"/>
    /// can be cancelled. Call from the polling thread, between polls.
    /// </summary>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public bool WaitForFrames(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "must be non-negative or Timeout.InfiniteTimeSpan");
        }
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        using CancellationTokenRegistration registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static s => ((SubscriptionWaitSet)s!).Wake(), _waitSet)
            : default;
        bool ready = _waitSet.WaitForMessages(timeout == Timeout.InfiniteTimeSpan ? -1 : timeout.Ticks * 100);
        cancellationToken.ThrowIfCancellationRequested();
        return ready;
    }

    /// <summary>
    /// <see cref="WaitForFrames"/> for async code: completes with true when a descriptor (or progress) message may be
    /// ready to poll, false when woken without one (a mapping, a stream switch, Dispose); poll either way. No thread is
    /// held while waiting: one background thread of the process sleeps on the futex words of every consumer waited on
    /// so, and a commit wakes it within microseconds (docs/DECISIONS.md D187). One wait at a time, between polls;
    /// allocates nothing unless <paramref name="cancellationToken"/> can be cancelled.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The consumer was disposed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled (thrown by the returned task).</exception>
    /// <exception cref="InvalidOperationException">Another asynchronous wait of this consumer is in progress.</exception>
    public ValueTask<bool> WaitForFramesAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return cancellationToken.IsCancellationRequested
            ? ValueTask.FromCanceled<bool>(cancellationToken)
            : _waitSet.WaitForMessagesAsync(cancellationToken);
    }

    /// <summary>Drop and announce counters (readable from any thread).</summary>
    public ConsumerCounters Counters
    {
        get
        {
            AnnounceTracker? t = Tracker;
            return _accounting.Snapshot() with
            {
                BytesAccepted = Volatile.Read(ref _bytesAccepted),
                AnnouncesAccepted = t?.Accepted ?? 0,
                AnnouncesRejected = t?.RejectsTotal ?? 0,
                Mappings = t?.Mappings ?? 0,
                LivenessTimeouts = t?.LivenessTimeouts ?? 0,
            };
        }
    }

    /// <summary>Slots dropped for <paramref name="reason"/> (the per-rule breakdown of drops_late and DropsInvalid).</summary>
    public long GetSlotRejects(SlotRejectReason reason) => _accounting.SlotRejects((int)reason);

    /// <summary>Announces of this stream ignored or rejected for <paramref name="reason"/>.</summary>
    public long GetAnnounceRejects(AnnounceRejectReason reason) => Tracker?.Rejects(reason) ?? 0;

    /// <summary>The last announce rejection with its detail (for diagnostics), or null.</summary>
    public string? LastAnnounceRejection => Tracker?.LastRejection;

    internal AnnounceTracker? Tracker { get; set; }

    /// <summary>The driver lease (null without a driver, and until the driver granted it).</summary>
    public DriverLease? DriverLease => Tracker?.Lease;

    internal MappingMailbox Mailbox => _mailbox;

    /// <summary>When the conductor next sends this consumer's QosConsumer (its clock, ns).</summary>
    internal long NextQosNs { get; set; }

    /// <summary>Deliver up to <paramref name="limit"/> descriptors' frames to <paramref name="handler"/>.</summary>
    /// <returns>The number of descriptor-stream messages consumed (0 when idle), for idle strategies.</returns>
    public int Poll(FrameHandler handler, int limit)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var adapter = new DelegateFrameHandler(handler);
        return Poll(ref adapter, limit);
    }

    /// <summary>
    /// Deliver up to <paramref name="limit"/> descriptors' frames to <paramref name="handler"/>, which keeps its state
    /// across calls (it is passed by reference). No allocation.
    /// </summary>
    /// <returns>The number of descriptor-stream messages consumed (0 when idle), for idle strategies.</returns>
    /// <exception cref="InvalidOperationException">Called from inside a frame handler of this consumer.</exception>
    public int Poll<THandler>(ref THandler handler, int limit)
        where THandler : struct, IFrameHandler
    {
        if (_polling)
        {
            ThrowPollMisuse();
        }
        ObjectDisposedException.ThrowIf(!_use.TryEnter(_pollResources), this);
        _polling = true;
        try
        {
            if (_mailbox.HasMail)
            {
                SwitchMapping();
            }
            if (Volatile.Read(ref _pendingSwitch) is not null)
            {
                TakeSwitch();
            }
            var dispatcher = new Dispatcher<THandler> { Owner = this, Handler = handler };
            int work = _descriptors.Poll(ref dispatcher, limit);
            handler = dispatcher.Handler;
            if (_progress is not null && _disposed == 0)
            {
                var progress = new ProgressDispatcher(this);
                work += _progress.Poll(ref progress, limit);
            }
            return work;
        }
        finally
        {
            _polling = false;
            _use.Exit(_pollResources);
        }
    }

    /// <summary>
    /// Frames copied out of shared memory into pooled buffers, for code that does not need zero copy. Only frames whose
    /// copy passed the seqlock check are yielded; dispose each <see cref="ReceivedFrame"/> to return its buffer. Polls
    /// this consumer, so do not poll it elsewhere meanwhile; the client's conductor must be running (its own thread, the
    /// default, or invoked by the application). Between frames it waits as <see cref="WaitForFramesAsync"/> does: an idle
    /// reader costs no CPU. Cancellation ends it with <see cref="OperationCanceledException"/>, Dispose with
    /// <see cref="ObjectDisposedException"/>, both at once.
    /// </summary>
    public async IAsyncEnumerable<ReceivedFrame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var collector = new CopyingFrameHandler(new Queue<ReceivedFrame>());
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // A poll of a disposed consumer may return 0 (its subscriptions closed) rather than throw: end here, not wait.
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            int work = Poll(ref collector, 64);
            while (collector.Ready.TryDequeue(out ReceivedFrame? frame))
            {
                yield return frame;
            }
            if (work == 0)
            {
                // No thread held and no timer: the async-wait thread completes this at the next commit (D187).
                await _waitSet.WaitForMessagesAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Stop receiving: close the descriptor subscription and release the mapping. May be called from any thread, or
    /// from this consumer's own frame handler: a poll in progress ends after its current handler, and the frame view
    /// and the mapping are released when it returns.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _owner.Remove(this);
        _waitSet.Wake(); // a polling thread asleep between polls returns and finds the consumer disposed
        // Closing the subscriptions ends a poll in progress after its current handler. A poll taking a stream switch
        // meanwhile closes the subscription it installs itself (TakeSwitch); the release closes whatever is current.
        Volatile.Read(ref _descriptors).Dispose();
        Volatile.Read(ref _progress)?.Dispose();
        _use.Close(_pollResources);
    }

    /// <summary>What polls use, released once no poll is in progress (<see cref="ExclusiveUse"/>).</summary>
    private void ReleasePollResources()
    {
        Interlocked.Exchange(ref _pendingSwitch, null)?.Dispose();
        // Closed by Dispose already, unless a stream switch taken by a racing poll replaced them (Dispose is idempotent).
        _descriptors.Dispose();
        _progress?.Dispose();
        _progressReader?.Dispose();
        _mailbox.Close();
        ConsumerMapping m = _mapping;
        _mapping = ConsumerMapping.Unmapped;
        m.Release();
        NativeMemory.Free(_frame);
    }

    /// <summary>Called by <see cref="Frame.IsStillValid"/> during a handler.</summary>
    internal bool CheckFrameStillValid()
    {
        bool ok = NativeMethods.tp_frame_end(_frame) == (int)TpFrameStatus.Ok;
        _frameCheck = ok ? 1 : 2;
        return ok;
    }

    /// <summary>Conductor: whether the polling thread asked for a remap (and clear the request).</summary>
    internal bool TakeRemapRequest() => Interlocked.Exchange(ref _remapRequested, 0) != 0;

    /// <summary>For QosConsumer (§10.4.1): last_seq_seen, epoch, drops_gap (gaps and resync skips) and drops_late.</summary>
    internal (ulong Epoch, ulong LastSeq, ulong DropsGap, ulong DropsLate) QosSnapshot()
    {
        ConsumerMapping m = Volatile.Read(ref _mapping);
        (ulong last, ulong gap, ulong late) = _accounting.QosDrops();
        return (m.IsMapped ? m.Epoch : 0, last, gap, late);
    }

    private void SwitchMapping()
    {
        ConsumerMapping? next = _mailbox.Take();
        if (next is null)
        {
            return;
        }
        ConsumerMapping old = _mapping;
        Volatile.Write(ref _mapping, next);
        if (old.IsMapped)
        {
            FaultPoint.At(FaultStep.EpochChange);
        }
        old.Release();
    }

    private void OnDescriptorMessage<THandler>(ReadOnlySpan<byte> message, ref THandler handler)
        where THandler : struct, IFrameHandler
    {
        if (!SbeMessageHeader.TryRead(message, out SbeMessageHeader header))
        {
            _accounting.CountMalformed();
            return;
        }
        if (header.SchemaId != FrameDescriptorDecoder.SchemaId || header.TemplateId != FrameDescriptorDecoder.TemplateId)
        {
            return; // another message on the stream (FrameProgress, ...): not ours to count
        }
        if (!FrameDescriptorDecoder.TryWrap(message, out FrameDescriptorDecoder descriptor, out _))
        {
            _accounting.CountMalformed();
            return;
        }
        if (descriptor.StreamId != StreamId)
        {
            return; // another data source sharing the descriptor stream
        }
        ulong timestamp = SbeCodecReadTimestamp(message);
        ulong trace = descriptor.TraceId ?? 0;
        OnDescriptor(descriptor.Epoch, descriptor.Seq, timestamp, trace, ref handler);
    }

    private static ulong SbeCodecReadTimestamp(ReadOnlySpan<byte> message) =>
        System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(message[(SbeMessageHeader.Size + FrameDescriptorDecoder.TimestampNsOffset)..]);

    private void OnDescriptor<THandler>(ulong epoch, ulong seq, ulong timestampNs, ulong traceId, ref THandler handler)
        where THandler : struct, IFrameHandler
    {
        // §11: a RATE_LIMITED consumer reading its per-consumer stream is capped by the producer (its gaps are the cap, not
        // losses); reading the shared stream, it gates locally. Decided by the stream this thread reads now.
        long rateInterval = Control?.RateIntervalNs ?? 0;
        bool perConsumer = _pollingPerConsumerDescriptors;
        switch (_accounting.OnDescriptor(epoch, seq, rateInterval != 0 && perConsumer))
        {
            case DescriptorVerdict.Read:
                break;
            case DescriptorVerdict.Regressed:
                // §15.2: a sequence going backwards within an epoch is a remap requirement.
                Volatile.Write(ref _remapRequested, 1);
                _owner.Wake(); // the tracker unmaps on the conductor's thread
                ConsumerMapping old = _mapping;
                Volatile.Write(ref _mapping, ConsumerMapping.Unmapped);
                old.Release();
                return;
            default:
                return; // an older epoch, or skipped by a resync: counted
        }
        ConsumerMapping mapping = _mapping;
        if (!mapping.IsMapped || _controlState != 0)
        {
            _accounting.CountUnmapped(); // §15.21: M0 drops every frame; so do FALLBACK and FAILED (§15.12: shared memory not used)
            return;
        }
        long gate = perConsumer ? 0 : rateInterval;
        if (gate != 0 && timestampNs != FrameDescriptorDecoder.TimestampNsNullValue && _accounting.RateGateSkips((long)timestampNs, gate))
        {
            return; // §11: gated on FrameDescriptor.timestamp_ns when present
        }
        if (epoch != mapping.Epoch)
        {
            _accounting.CountEpochMismatch(); // §10.2.1: the epoch must match the mapped regions
            return;
        }
        int status = NativeMethods.tp_frame_begin(_frame, mapping.Ring, mapping.Pools, mapping.PoolCount, seq);
        if (status != (int)TpFrameStatus.Ok)
        {
            ulong slotSeq = SequenceAccounting.NeedsSlotSeq(status) ? SlotSeq() : 0;
            if (_accounting.CountSlotDrop(status, seq, slotSeq))
            {
                SkipDescriptorBacklog();
            }
            return;
        }
        if (gate != 0 && timestampNs == FrameDescriptorDecoder.TimestampNsNullValue &&
            _accounting.RateGateSkips(_frame->Header.TimestampNs != 0 ? (long)_frame->Header.TimestampNs : _clock.NanoTime(), gate))
        {
            return; // §11: else SlotHeader.timestamp_ns, else the local monotonic clock
        }
        _frameCheck = 0;
        try
        {
            handler.OnFrame(new Frame(this, _frame, epoch, timestampNs, traceId));
        }
        finally
        {
            bool accepted = _frameCheck switch
            {
                1 => true,
                2 => false,
                _ => NativeMethods.tp_frame_end(_frame) == (int)TpFrameStatus.Ok,
            };
            if (accepted)
            {
                _accounting.CountAccepted();
                _bytesAccepted += _frame->Header.ValuesLenBytes;
            }
            else if (_accounting.CountTorn(seq, SlotSeq())) // §15.3: changed while read
            {
                SkipDescriptorBacklog();
            }
        }
    }

    /// <summary>The sequence the frame view's slot holds now (seq_commit &gt;&gt; 1): newer than the descriptor's when overwritten.</summary>
    private ulong SlotSeq() => Volatile.Read(ref *(ulong*)_frame->Slot) >> 1;

    /// <summary>
    /// A resync also gives up the descriptor backlog: behind by more than the gap, the descriptors waiting on the
    /// stream mostly name overwritten slots, and reading each one costs about what the producer pays to write it, so a
    /// consumer that read them all would stay behind for good. The newest half ring (at most max_outstanding_seq_gap)
    /// is kept: frames that may still be intact, the last ones of a burst among them. Frames whose descriptors were
    /// passed over are counted as resync drops when the next descriptor shows the gap (docs/DECISIONS.md D84).
    /// </summary>
    private void SkipDescriptorBacklog()
    {
        if (_disposed != 0)
        {
            return; // disposed by the handler of this very poll: the subscription is closing
        }
        uint nslots = _mapping.IsMapped ? _mapping.Ring->Nslots : 0;
        int keep = (int)Math.Min(nslots / 2, Math.Min(_maxGap, int.MaxValue));
        if (_descriptors.SkipBacklog(keep, FrameDescriptorEncoder.MinEncodedLength) > 0)
        {
            _accounting.NoteBacklogSkipped();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowPollMisuse()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        throw new InvalidOperationException("Poll was called from inside one of this consumer's frame handlers");
    }

    public override string ToString() => $"Consumer(stream {StreamId}, id {ConsumerId})";

    private sealed class PollResources(Consumer owner) : IDisposable
    {
        public void Dispose() => owner.ReleasePollResources();
    }

    private struct Dispatcher<THandler> : IMessageHandler
        where THandler : struct, IFrameHandler
    {
        public Consumer Owner;
        public THandler Handler;

        public void OnMessage(ReadOnlySpan<byte> message) => Owner.OnDescriptorMessage(message, ref Handler);
    }

    private readonly struct DelegateFrameHandler(FrameHandler handler) : IFrameHandler
    {
        public void OnFrame(in Frame frame) => handler(in frame);
    }
}
