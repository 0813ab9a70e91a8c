using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using TensorPool.Control.Internal;
using TensorPool.Control;
using TensorPool.Sbe.Wire;
using TensorPool.Transport;

namespace TensorPool.Producers;

/// <summary>Consumer control (§10.1.2/§10.1.3), per-consumer streams (§5), FrameProgress (§10.2.2) and metadata (§10.3).</summary>
public sealed unsafe partial class Producer
{
    private readonly ProducerControl _control;
    private readonly IPublication _progressOut;
    private readonly MetaBlobSender _metaBlobs;
    private readonly ConcurrentQueue<(IDisposable[] Publications, long Generation)> _retired = new();
    private ConsumerFanout _fanout = ConsumerFanout.Empty;
    // Odd while the producer's thread is using a fan-out it read; lets the conductor dispose retired publications
    // only once no commit can still be offering on them (no lock on the commit path).
    private long _fanoutGeneration;
    private byte[]? _pendingMeta;
    private byte[]? _currentMeta;
    private bool _progressStarted;
    private long _progressLastNs;
    private ulong _progressLastBytes;
    private long _progressSent;
    private int _controlClosed;

    internal ConsumerRegistry Registry { get; }

    /// <summary>Consumer-control counters (readable from any thread).</summary>
    public ProducerControlCounters ControlCounters => new()
    {
        HellosReceived = Registry.Hellos,
        HellosRejected = Registry.Rejected,
        RequestsDeclined = Registry.Declined,
        ConfigsSent = Registry.ConfigsSent,
        ConsumersTracked = Registry.Tracked,
        ConsumersTimedOut = Registry.TimedOut,
        PerConsumerStreamsOpen = Registry.OpenStreams,
        DescriptorsRateLimited = RateLimitedOnStreams(),
        ProgressSent = Volatile.Read(ref _progressSent),
    };

    /// <summary>The DataSourceMeta version frames claimed from now on refer to (§10.3.2).</summary>
    public uint MetaVersion => Volatile.Read(ref _metaVersion);

    /// <summary>The current DataSourceMeta attributes' encoded message, or null before any (conductor: periodic re-send).</summary>
    internal byte[]? CurrentMeta => Volatile.Read(ref _currentMeta);

    /// <summary>Conductor: a DataSourceMeta to send now (set by <see cref="SetMetadata"/>), taken once.</summary>
    internal byte[]? TakePendingMeta()
    {
        byte[]? pending = Interlocked.Exchange(ref _pendingMeta, null);
        if (pending is not null)
        {
            Volatile.Write(ref _currentMeta, pending);
        }
        return pending;
    }

    /// <summary>
    /// Replace the data source's metadata: meta_version is bumped (§10.3.2), later claims refer to the new version, and the
    /// conductor sends DataSourceMeta at once and then with every announce; DataSourceAnnounce carries the new version.
    /// Any thread.
    /// </summary>
    /// <returns>The new meta_version.</returns>
    /// <exception cref="ArgumentException">A key or format is not ASCII, or the attributes do not fit one message.</exception>
    public uint SetMetadata(IReadOnlyList<MetaAttribute> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        ProducerOptions.CheckAttributes(attributes);
        uint version = Interlocked.Increment(ref _metaVersion);
        byte[] encoded = MetaBlobSender.EncodeMeta(StreamId, version, (ulong)_clock.NanoTime(), attributes);
        if (encoded.Length > _control.MetadataOut.MaxMessageLength)
        {
            throw new ArgumentException($"the metadata encodes to {encoded.Length} bytes, more than the metadata stream's {_control.MetadataOut.MaxMessageLength}: use a meta blob", nameof(attributes));
        }
        Volatile.Write(ref _pendingMeta, encoded);
        _owner.Wake(); // §10.3.2: sent on change, not at the conductor's next timer
        return version;
    }

    /// <summary>
    /// Publish a large metadata item as a meta blob (§10.3.3, §15.9) for the current meta_version, in 64 KiB chunks, with
    /// CRC-32C of the whole blob when <paramref name="checksum"/>. Runs on the caller's thread (the producer's thread:
    /// not concurrently with another blob).
    /// </summary>
    /// <returns>False when the transport refused a message (receivers discard the blob).</returns>
    public bool PublishMetaBlob(uint blobType, ReadOnlySpan<byte> blob, bool checksum = true)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return _metaBlobs.Send(StreamId, MetaVersion, blobType, blob, checksum);
    }

    /// <summary>
    /// Report that the first <paramref name="bytesFilled"/> bytes of the claimed payload are written (§10.2.2). The first
    /// report writes the slot header (so consumers can check the prefix) and sends STARTED; later ones send PROGRESS at
    /// most once per the aggregated interval and only when the fill advanced by the aggregated delta; <see cref="Commit"/>
    /// then sends COMPLETE after the FrameDescriptor. Nothing is sent while no consumer supports progress. No allocation.
    /// </summary>
    /// <returns>True when a FrameProgress went out.</returns>
    /// <exception cref="ArgumentOutOfRangeException">More bytes than the claim holds, or fewer than already reported.</exception>
    public bool ReportProgress(ref FrameClaim claim, long bytesFilled)
    {
        CheckClaim(ref claim);
        if (bytesFilled < 0 || (ulong)bytesFilled > claim.Fields.ValuesLenBytes || (_progressStarted && (ulong)bytesFilled < _progressLastBytes))
        {
            ThrowProgressRange(bytesFilled, claim.Fields.ValuesLenBytes, _progressLastBytes);
        }
        ConsumerFanout f = Volatile.Read(ref _fanout);
        if (!f.ProgressEnabled)
        {
            return false; // §10.2.2: only when at least one consumer supports progress
        }
        long now = _clock.NanoTime();
        FrameProgressState state = FrameProgressState.Started;
        if (!_progressStarted)
        {
            ApplyDefaultTensor(ref claim);
            fixed (Native.Internal.TpSlotFields* fields = &claim.Fields)
            {
                if (!SameTensorAsLastResolved(fields))
                {
                    // This slot now holds another description than the ring's steady one: Commit writes whole headers again.
                    _wholeHeadersLeft = _mask + 1UL;
                }
                if (Native.Internal.NativeMethods.tp_header_slot_write(claim.Slot, fields) < 0)
                {
                    ThrowTensorRule((int)Native.Internal.TpFrameStatus.DropNdims);
                }
            }
        }
        else
        {
            ulong threshold = f.ProgressBytesDelta;
            if (f.ProgressMajorDeltaUnits != 0 && claim.Fields.ProgressStrideBytes != 0)
            {
                threshold = Math.Min(threshold, (ulong)f.ProgressMajorDeltaUnits * claim.Fields.ProgressStrideBytes);
            }
            ulong advanced = (ulong)bytesFilled - _progressLastBytes;
            if (now - _progressLastNs < f.ProgressIntervalNs || advanced == 0 || advanced < threshold)
            {
                return false; // intermediate states are dropped; the latest goes out once the interval elapsed
            }
            state = FrameProgressState.Progress;
        }
        _progressStarted = true;
        _progressLastNs = now;
        _progressLastBytes = (ulong)bytesFilled;
        SendProgress(claim.Seq, (ulong)bytesFilled, state);
        return true;
    }

    void IRegistryOwner.SetFanout(ConsumerFanout fanout)
    {
        Volatile.Write(ref _fanout, fanout);
        Interlocked.MemoryBarrier();
    }

    void IRegistryOwner.Retire(IDisposable[] publications) =>
        _retired.Enqueue((publications, Interlocked.Read(ref _fanoutGeneration)));

    /// <summary>Conductor: dispose retired publications the producer's thread cannot be using any more.</summary>
    internal void DrainRetiredPublications()
    {
        while (_retired.TryPeek(out (IDisposable[] Publications, long Generation) item))
        {
            long now = Interlocked.Read(ref _fanoutGeneration);
            if ((item.Generation & 1) != 0 && now == item.Generation && !IsDisposed)
            {
                return; // the producer was inside a commit that may hold the old fan-out: next cycle
            }
            _retired.TryDequeue(out _);
            foreach (IDisposable p in item.Publications)
            {
                p.Dispose();
            }
        }
    }

    /// <summary>Conductor (or the client after the conductor stopped): close every per-consumer stream and own publication.</summary>
    internal void CloseControl()
    {
        if (Interlocked.Exchange(ref _controlClosed, 1) != 0)
        {
            return;
        }
        Registry.CloseAll();
        DrainRetiredPublications();
        _progressOut.Dispose();
        _control.MetadataOut.Dispose();
    }

    private void ApplyDefaultTensor(ref FrameClaim claim)
    {
        if (!claim.TensorSet)
        {
            // The default description: the payload as a 1-D UINT8 tensor.
            claim.Fields.Dtype = (short)Dtype.Uint8;
            claim.Fields.MajorOrder = (short)MajorOrder.Row;
            claim.Fields.Ndims = 1;
            claim.Fields.Dims[0] = (int)claim.Fields.ValuesLenBytes;
        }
    }

    /// <summary>Per-consumer descriptors (§5, max_rate_hz on each) and COMPLETE when progress was reported (§15.18 step 8).</summary>
    private void FanOut(ReadOnlySpan<byte> descriptor, long timestampNs, ulong seq, uint valuesLen)
    {
        long generation = Interlocked.Increment(ref _fanoutGeneration);
        try
        {
            PerConsumerStream[] streams = Volatile.Read(ref _fanout).Descriptors;
            for (int i = 0; i < streams.Length; i++)
            {
                streams[i].TryOffer(descriptor, timestampNs);
            }
        }
        finally
        {
            Volatile.Write(ref _fanoutGeneration, generation + 1);
        }
        if (_progressStarted)
        {
            _progressStarted = false;
            SendProgress(seq, valuesLen, FrameProgressState.Complete);
        }
    }

    private void SendProgress(ulong seq, ulong bytes, FrameProgressState state)
    {
        ReadOnlySpan<byte> message = _messages.Progress(seq, bytes, state);
        long generation = Interlocked.Increment(ref _fanoutGeneration);
        try
        {
            ConsumerFanout f = Volatile.Read(ref _fanout);
            if (f.ProgressShared)
            {
                _progressOut.Offer(message);
                _progressSent++;
            }
            IPublication[] controls = f.ProgressControls;
            for (int i = 0; i < controls.Length; i++)
            {
                controls[i].Offer(message); // §5: only FrameProgress goes on per-consumer control streams
                _progressSent++;
            }
        }
        finally
        {
            Volatile.Write(ref _fanoutGeneration, generation + 1);
        }
    }

    private long RateLimitedOnStreams()
    {
        long total = 0;
        foreach (PerConsumerStream s in Volatile.Read(ref _fanout).Descriptors)
        {
            total += s.RateLimited;
        }
        return total;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowProgressRange(long bytes, uint valuesLen, ulong last) =>
        throw new ArgumentOutOfRangeException(nameof(bytes),
            $"payload_bytes_filled {bytes} must be within [{last}, {valuesLen}]: at most values_len_bytes and never regressing within a frame (§10.2.2)");
}
