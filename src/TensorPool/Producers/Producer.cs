using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using TensorPool.Control;
using TensorPool.Diagnostics;
using TensorPool.Frames;
using TensorPool.Native.Internal;
using TensorPool.Sbe.Wire;
using TensorPool.Time;
using TensorPool.TraceLink;
using TensorPool.Transport;
using TensorPool.Diagnostics.Internal;

namespace TensorPool.Producers;

/// <summary>
/// Publishes frames of one data source (pool stream): writes them into its header ring and payload pools in shared
/// memory and announces each with a FrameDescriptor (wire spec §8.3, §9, §10.2.1, §15.18). Created by
/// <see cref="Client.TensorPoolClient.AddProducer(ProducerOptions)"/>.
/// </summary>
/// <remarks>
/// <para>Threads: <see cref="TryClaim"/>, <see cref="Commit"/>, <see cref="Abort"/> and <see cref="TryOffer(ReadOnlySpan{byte})"/>
/// run on the caller's thread, one thread at a time, allocate nothing and take no lock. The client's conductor sends
/// the announces (ShmPoolAnnounce, QosProducer, DataSourceAnnounce) and refreshes activity_timestamp_ns on its own
/// schedule; it never touches slots.</para>
/// <para>Overwrite is lossy by design (§15.4): the producer never waits for consumers.</para>
/// </remarks>
public sealed unsafe partial class Producer : IDisposable, IRegistryOwner
{
    private readonly IProducerOwner _owner;
    private ProducerAttachment _attachment; // replaced only on a driver re-grant (Producer.Driver.cs)
    private readonly IPublication _descriptors;
    private readonly IClock _clock;
    private ProducerMessages _messages;
    private AttachedPool[] _pools;
    private byte* _headerBase;
    private ulong _mask;
    private uint _metaVersion;
    private readonly bool _publishTimestamp;
    // Byte ranges of tp_slot_fields_t the tensor rules read: values_len_bytes, and progress_stride_bytes through strides
    // (pool_id lies between them; it follows from values_len_bytes, so including it costs nothing).
    private static readonly int ValuesLenOffset = (int)Marshal.OffsetOf<TpSlotFields>(nameof(TpSlotFields.ValuesLenBytes));
    private static readonly int ProgressStrideOffset = (int)Marshal.OffsetOf<TpSlotFields>(nameof(TpSlotFields.ProgressStrideBytes));
    private static readonly int TensorEndOffset = (int)Marshal.OffsetOf<TpSlotFields>(nameof(TpSlotFields.Reserved));
    private readonly byte[] _lastResolved = new byte[sizeof(TpSlotFields)];
    private bool _haveResolved;
    // Commits left before every slot of the ring holds the last resolved tensor description in its bytes 64..255; until
    // then headers are written whole, after that only their per-frame part, so those three cache lines of each slot are
    // never invalidated under the consumers while the description stays the same.
    private ulong _wholeHeadersLeft;
    private ulong _nextSeq;
    private bool _claimOpen;
    private long _framesPublished;
    private long _dropsNoPool;
    private long _bytesPublished;
    private long _offerFailures;
    private long _aborts;
    private int _disposed;

    internal Producer(IProducerOwner owner, ProducerAttachment attachment, IPublication descriptors, ProducerOptions options,
        uint producerId, IClock clock, ProducerControl control, TraceLinker? tracing = null)
    {
        _tracing = tracing;
        _owner = owner;
        _attachment = attachment;
        _descriptors = descriptors;
        _clock = clock;
        ProducerId = producerId;
        _pools = attachment.Pools;
        _headerBase = attachment.HeaderBase;
        _mask = attachment.HeaderNslots - 1;
        _metaVersion = options.MetaVersion;
        _publishTimestamp = options.PublishDescriptorTimestamp;
        _messages = new ProducerMessages(attachment, producerId, options);
        _control = control;
        _progressOut = control.ProgressOut;
        _metaBlobs = new MetaBlobSender(control.MetadataOut);
        Registry = new ConsumerRegistry(this, control.Transport, control.Settings);
        _pendingMeta = options.Metadata.Count > 0 ? MetaBlobSender.EncodeMeta(attachment.StreamId, _metaVersion, 0, [.. options.Metadata]) : null;
        Pools = PoolInfos(attachment);
        HeaderRegionUri = Encoding.ASCII.GetString(attachment.HeaderRegionUri);
        BindDriver(options);
    }

    /// <summary>The data source (pool stream id).</summary>
    public uint StreamId => _attachment.StreamId;

    public uint ProducerId { get; }

    /// <summary>This producer's epoch (§15.2): new for every producer, strictly increasing.</summary>
    public ulong Epoch => _attachment.Epoch;

    /// <summary>Slots in the header ring (and in every pool).</summary>
    public int HeaderNslots => (int)_attachment.HeaderNslots;

    /// <summary>The pools, smallest stride first.</summary>
    public IReadOnlyList<PayloadPoolInfo> Pools { get; private set; }

    /// <summary>The shm:file URI of the header ring.</summary>
    public string HeaderRegionUri { get; private set; }

    /// <summary>The largest frame any pool holds.</summary>
    public int MaxFrameLength => (int)_pools[^1].StrideBytes;

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public ProducerCounters Counters => new()
    {
        FramesPublished = Volatile.Read(ref _framesPublished),
        BytesPublished = Volatile.Read(ref _bytesPublished),
        DropsNoPool = Volatile.Read(ref _dropsNoPool),
        DescriptorOfferFailures = Volatile.Read(ref _offerFailures),
        Aborts = Volatile.Read(ref _aborts),
        NextSeq = Volatile.Read(ref _nextSeq),
    };

    internal ProducerAttachment Attachment => _attachment;

    internal ProducerMessages Messages => _messages;

    /// <summary>When the conductor next announces this producer (its clock, ns); 0 = at once.</summary>
    internal long NextAnnounceNs { get; set; }

    /// <summary>
    /// Claim the payload slot of the next frame, <paramref name="length"/> bytes in the smallest pool whose stride holds
    /// them (§9). The slot is marked in progress before this returns (§8.3 step 1). False, and the frame counted in
    /// <see cref="ProducerCounters.DropsNoPool"/>, when no pool is large enough: the producer drops rather than blocks.
    /// </summary>
    /// <exception cref="InvalidOperationException">A claim is still open, or the producer is disposed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    public bool TryClaim(int length, out FrameClaim claim)
    {
        if (_claimOpen || _disposed != 0)
        {
            ThrowClaimMisuse();
        }
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (_driverLink is not null && !DriverLeaseUsable())
        {
            claim = default;
            return false;
        }
        AttachedPool? pool = null;
        AttachedPool[] pools = _pools;
        for (int i = 0; i < pools.Length; i++)
        {
            if (pools[i].StrideBytes >= (uint)length)
            {
                pool = pools[i];
                break;
            }
        }
        if (pool is null)
        {
            _dropsNoPool++;
            claim = default;
            return false;
        }
        ulong seq = _nextSeq;
        uint index = (uint)(seq & _mask);
        byte* slot = _headerBase + TpSuperblockConstants.SuperblockSize + ((nuint)index * TpSlotConstants.HeaderSlotBytes);
        NativeMethods.tp_seqlock_write_begin((ulong*)slot, seq); // §15.18 step 3: in progress before any payload byte
        FaultPoint.At(FaultStep.Claim);
        byte* payload = pool.Base + TpSuperblockConstants.SuperblockSize + ((nuint)index * pool.StrideBytes);
        _claimOpen = true;
        _progressStarted = false;
        claim = new FrameClaim(this, seq, slot, new Span<byte>(payload, length), index, pool.PoolId, (ulong)_clock.NanoTime(), Volatile.Read(ref _metaVersion));
        return true;
    }

    /// <summary>
    /// Publish a claimed frame: fill the whole header (shape, strides, dtype, order, pool, slot, timestamps,
    /// meta_version), commit the seqlock, and only then offer the FrameDescriptor (§8.3, §10.2.1, §15.18).
    /// </summary>
    /// <exception cref="ArgumentException">The tensor description breaks a rule of §8.2 (the rule is named): nothing is
    /// published and the claim is aborted.</exception>
    /// <exception cref="InvalidOperationException">The claim is not this producer's open claim.</exception>
    public void Commit(ref FrameClaim claim)
    {
        CheckClaim(ref claim);
        ApplyDefaultTensor(ref claim);
        int status = (int)TpFrameStatus.Ok;
        fixed (TpSlotFields* fields = &claim.Fields)
        {
            if (!SameTensorAsLastResolved(fields))
            {
                TpTensorLayout layout;
                status = NativeMethods.tp_tensor_layout_resolve(&layout, fields);
                if (status == (int)TpFrameStatus.Ok)
                {
                    RememberResolved(fields);
                }
            }
            if (status == (int)TpFrameStatus.Ok)
            {
                if (_wholeHeadersLeft == 0)
                {
                    NativeMethods.tp_header_slot_write_frame(claim.Slot, fields);
                }
                else
                {
                    status = NativeMethods.tp_header_slot_write(claim.Slot, fields);
                    _wholeHeadersLeft--;
                }
            }
        }
        if (status != (int)TpFrameStatus.Ok)
        {
            Abort(ref claim);
            ThrowTensorRule(status);
        }
        ulong seq = claim.Seq;
        NativeMethods.tp_seqlock_write_commit((ulong*)claim.Slot, seq);
        FaultPoint.At(FaultStep.Commit);
        ulong publishTime = _publishTimestamp ? (ulong)_clock.NanoTime() : FrameDescriptorEncoder.TimestampNsNullValue;
        ReadOnlySpan<byte> descriptor = _messages.Descriptor(seq, claim.Fields.MetaVersion, publishTime, TraceIdToPublish(claim.TraceId));
        long position = _descriptors.Offer(descriptor);
        if (position < 0)
        {
            _offerFailures++;
        }
        if (!Volatile.Read(ref _fanout).IsEmpty)
        {
            FanOut(descriptor, (long)claim.Fields.TimestampNs, seq, claim.Fields.ValuesLenBytes);
        }
        _framesPublished++;
        _bytesPublished += claim.Fields.ValuesLenBytes;
        Volatile.Write(ref _nextSeq, seq + 1);
        _claimOpen = false;
        claim = default;
    }

    /// <summary>
    /// Give the claim up: nothing is published and the sequence is reused by the next claim. The slot stays marked in
    /// progress until then, so consumers drop the frame it held before (it was being overwritten).
    /// </summary>
    /// <exception cref="InvalidOperationException">The claim is not this producer's open claim.</exception>
    public void Abort(ref FrameClaim claim)
    {
        CheckClaim(ref claim);
        _aborts++;
        _claimOpen = false;
        claim = default;
    }

    /// <summary>
    /// Publish <paramref name="payload"/> as a 1-D UINT8 frame, copied once into shared memory (<see cref="TryClaim"/>,
    /// copy, <see cref="Commit"/>). Named as a try: it reports whether the frame went out, unlike a transport's
    /// <see cref="Transport.IPublication.Offer"/>, which returns a stream position.
    /// </summary>
    /// <returns>False when the frame was dropped: no pool holds it (counted in <see cref="ProducerCounters.DropsNoPool"/>)
    /// or, with a driver, no lease is held (counted in <see cref="DropsNoLease"/>).</returns>
    public bool TryOffer(ReadOnlySpan<byte> payload)
    {
        if (!TryClaim(payload.Length, out FrameClaim claim))
        {
            return false;
        }
        if (FaultPoint.Armed)
        {
            // A crash mid-write leaves half the bytes of this frame over the old ones (D205).
            int half = payload.Length / 2;
            payload[..half].CopyTo(claim.Payload);
            FaultPoint.At(FaultStep.PayloadWrite);
            payload[half..].CopyTo(claim.Payload[half..]);
        }
        else
        {
            payload.CopyTo(claim.Payload);
        }
        Commit(ref claim);
        return true;
    }

    /// <summary>
    /// Publish <paramref name="values"/> as a contiguous tensor of <paramref name="shape"/> (dtype from
    /// <typeparamref name="T"/>, see <see cref="DtypeInfo.Of{T}"/>), copied once into shared memory.
    /// </summary>
    /// <returns>False when the frame was dropped: no pool holds it (counted in <see cref="ProducerCounters.DropsNoPool"/>)
    /// or, with a driver, no lease is held (counted in <see cref="DropsNoLease"/>).</returns>
    /// <exception cref="ArgumentException">The shape breaks a rule of §8.2 or does not fit the values.</exception>
    public bool TryOffer<T>(ReadOnlySpan<T> values, ReadOnlySpan<int> shape, MajorOrder order = MajorOrder.Row)
        where T : unmanaged
    {
        Dtype dtype = DtypeInfo.Of<T>();
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(values);
        if (!TryClaim(bytes.Length, out FrameClaim claim))
        {
            return false;
        }
        bytes.CopyTo(claim.Payload);
        try
        {
            claim.SetTensor(dtype, shape, order);
        }
        catch
        {
            Abort(ref claim);
            throw;
        }
        Commit(ref claim);
        return true;
    }

    /// <summary>
    /// Stop announcing, close the descriptor publication, unmap the regions and remove this epoch's directory
    /// (§15.21a.7). Consumers notice through the activity timestamp going stale (§15.14).
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _claimOpen = false;
        _owner.Remove(this);
        _descriptors.Dispose();
        _attachment.Dispose();
        _driverLink?.Dispose();
    }

    /// <summary>
    /// The tensor rules (§8.2) depend only on values_len_bytes, progress, dtype, order, ndims, dims and strides: a
    /// description equal to the last one the native core accepted is accepted again without asking it (the common
    /// case of a stream of same-shaped frames).
    /// </summary>
    private bool SameTensorAsLastResolved(TpSlotFields* fields)
    {
        if (!_haveResolved)
        {
            return false;
        }
        var current = new ReadOnlySpan<byte>(fields, sizeof(TpSlotFields));
        ReadOnlySpan<byte> last = _lastResolved;
        return current.Slice(ValuesLenOffset, 4).SequenceEqual(last.Slice(ValuesLenOffset, 4)) &&
            current[ProgressStrideOffset..TensorEndOffset].SequenceEqual(last[ProgressStrideOffset..TensorEndOffset]);
    }

    private void RememberResolved(TpSlotFields* fields)
    {
        new ReadOnlySpan<byte>(fields, sizeof(TpSlotFields)).CopyTo(_lastResolved);
        _haveResolved = true;
        _wholeHeadersLeft = _mask + 1UL; // a new description (or a new ring): one whole lap first
    }

    private void CheckClaim(ref FrameClaim claim)
    {
        if (!ReferenceEquals(claim.Owner, this) || !_claimOpen || claim.Seq != _nextSeq)
        {
            ThrowNotOpenClaim();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowClaimMisuse()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        throw new InvalidOperationException("a claim is already open on this producer: commit or abort it before claiming again");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNotOpenClaim() =>
        throw new InvalidOperationException("the claim is not this producer's open claim (already committed, aborted, or from another producer)");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowTensorRule(int status) =>
        throw new ArgumentException(
            $"the tensor header breaks a rule of the wire spec (§8.2): {NativeMethods.tp_frame_status_name_string(status)}; nothing was published");

    public override string ToString() => $"Producer(stream {StreamId}, epoch {Epoch})";
}
