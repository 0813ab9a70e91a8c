using System.Numerics.Tensors;
using TensorPool.Consumers;
using TensorPool.Native.Internal;
using TensorPool.Sbe.Wire;

namespace TensorPool.Frames;

/// <summary>
/// A frame read in place from shared memory (zero copy), handed to a frame handler by
/// <see cref="Consumer.Poll(FrameHandler, int)"/>. It is valid only during the handler call.
/// </summary>
/// <remarks>
/// <para>The header fields were copied out of the slot under the seqlock and checked by the native core before the
/// handler was called (wire spec §8.3, §10.2.1, §15.21), so they are stable. The payload is read where the producer
/// wrote it: the producer may overwrite it while the handler reads (lossy overwrite, §15.4). Call
/// <see cref="IsStillValid"/> after reading: <c>true</c> means every byte read before the call belonged to this frame.
/// When the handler does not call it, the consumer checks right after the handler returns; either way a frame whose
/// final check fails is counted in <c>drops_late</c> and not in <see cref="ConsumerCounters.FramesAccepted"/>.</para>
/// <para><see cref="TryCopyTo"/> (or <see cref="CopyPayloadTo"/>, which names the outcome) is the always-safe path: it
/// copies the payload and checks it in one call.</para>
/// </remarks>
public readonly unsafe ref struct Frame
{
    private readonly Consumer _owner;
    private readonly TpFrame* _frame;
    private readonly ulong _epoch;
    private readonly ulong _descriptorTimestampNs;
    private readonly ulong _traceId;

    internal Frame(Consumer owner, TpFrame* frame, ulong epoch, ulong descriptorTimestampNs, ulong traceId)
    {
        _owner = owner;
        _frame = frame;
        _epoch = epoch;
        _descriptorTimestampNs = descriptorTimestampNs;
        _traceId = traceId;
    }

    /// <summary>The data source (pool stream id).</summary>
    public uint StreamId => _owner.StreamId;

    /// <summary>The producer epoch the frame belongs to.</summary>
    public ulong Epoch => _epoch;

    /// <summary>The frame's sequence number (FrameDescriptor.seq = seq_commit &gt;&gt; 1).</summary>
    public ulong Seq => _frame->Seq;

    /// <summary>seq &amp; (nslots - 1): the header slot (and, in v1.2, the payload slot).</summary>
    public uint HeaderIndex => _frame->HeaderIndex;

    /// <summary>Capture time the producer wrote in the slot (SlotHeader.timestamp_ns, CLOCK_MONOTONIC ns, §15.7).</summary>
    public ulong TimestampNs => _frame->Header.TimestampNs;

    /// <summary>Publish time from the descriptor, or null when the producer left it out (§10.2.1).</summary>
    public ulong? DescriptorTimestampNs => _descriptorTimestampNs == FrameDescriptorDecoder.TimestampNsNullValue ? null : _descriptorTimestampNs;

    /// <summary>
    /// The TraceLink trace id from the frame's FrameDescriptor (TraceLink §8.1); 0 (the null sentinel) when the stream is
    /// not traced. A 1→1 stage passes it on unchanged (<see cref="Producers.FrameClaim.TraceId"/>, §6.3).
    /// </summary>
    public ulong TraceId => _traceId;

    /// <summary>The DataSourceMeta version the frame refers to (§10.3.2).</summary>
    public uint MetaVersion => _frame->Header.MetaVersion;

    public ushort PoolId => _frame->Header.PoolId;

    public uint PayloadSlot => _frame->Header.PayloadSlot;

    public uint ValuesLenBytes => _frame->Header.ValuesLenBytes;

    public Dtype Dtype => (Dtype)_frame->Header.Dtype;

    public MajorOrder MajorOrder => (MajorOrder)_frame->Header.MajorOrder;

    public int Ndims => _frame->Header.Ndims;

    /// <summary>The shape (ndims values).</summary>
    public ReadOnlySpan<int> Dims => new(_frame->Header.Dims, _frame->Header.Ndims);

    /// <summary>Byte strides as declared in the header (0 = inferred contiguous).</summary>
    public ReadOnlySpan<int> DeclaredStrides => new(_frame->Header.Strides, _frame->Header.Ndims);

    /// <summary>Effective byte strides, zeros resolved to their contiguous values (tp_tensor_layout_resolve).</summary>
    public ReadOnlySpan<int> Strides => new(_frame->Layout.Strides, _frame->Header.Ndims);

    public ProgressUnit ProgressUnit => (ProgressUnit)_frame->Header.ProgressUnit;

    public uint ProgressStrideBytes => _frame->Header.ProgressStrideBytes;

    /// <summary>The payload bytes in shared memory (values_len_bytes of them); empty when values_len_bytes is 0 (§8.2).</summary>
    public ReadOnlySpan<byte> Payload =>
        _frame->Header.ValuesLenBytes == 0 ? default : new(_frame->Payload, (int)_frame->Header.ValuesLenBytes);

    /// <summary>
    /// Re-checks the slot's seqlock (§8.3 consumer step 4/6): true when the producer has not touched the slot since the
    /// header was read, so every payload byte read before this call is this frame's. Records the answer: the last call
    /// decides whether the frame is counted as accepted or late.
    /// </summary>
    public bool IsStillValid() => _owner.CheckFrameStillValid();

    /// <summary>
    /// Copies the payload into <paramref name="destination"/> and checks it: true when the destination holds this frame
    /// whole. False, as <see cref="Span{T}.TryCopyTo"/>, when the destination is shorter than
    /// <see cref="ValuesLenBytes"/> (nothing copied, nothing thrown), and false when the read was torn (the producer
    /// overwrote the slot meanwhile; the frame is then counted as late). <see cref="CopyPayloadTo"/> tells the two apart.
    /// </summary>
    public bool TryCopyTo(Span<byte> destination) => CopyPayloadTo(destination) == FrameCopyResult.Copied;

    /// <summary>
    /// Copies the payload into <paramref name="destination"/> and re-checks the slot's seqlock (§8.3): the one-call safe
    /// path, with the outcome named: <see cref="FrameCopyResult.Copied"/>, <see cref="FrameCopyResult.DestinationTooShort"/>
    /// (nothing copied, the frame not checked) or <see cref="FrameCopyResult.Torn"/> (counted as late).
    /// </summary>
    public FrameCopyResult CopyPayloadTo(Span<byte> destination)
    {
        ReadOnlySpan<byte> payload = Payload;
        if (!payload.TryCopyTo(destination))
        {
            return FrameCopyResult.DestinationTooShort;
        }
        return IsStillValid() ? FrameCopyResult.Copied : FrameCopyResult.Torn;
    }

    /// <summary>
    /// The payload as a tensor of <typeparamref name="T"/> with the header's shape and strides (element strides =
    /// byte strides / sizeof(T)), in place. Valid only during the handler; check <see cref="IsStillValid"/> after reading.
    /// </summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> does not match the frame's dtype, or a stride is
    /// not a whole number of elements.</exception>
    public ReadOnlyTensorSpan<T> AsTensorSpan<T>()
        where T : unmanaged
    {
        Dtype dtype = Dtype;
        if (!DtypeInfo.CanView<T>(dtype) || sizeof(T) != DtypeInfo.ElementSize(dtype))
        {
            throw new InvalidOperationException($"a {dtype} frame cannot be viewed as {typeof(T).Name}");
        }
        int ndims = Ndims;
        Span<nint> lengths = stackalloc nint[ndims];
        Span<nint> strides = stackalloc nint[ndims];
        ReadOnlySpan<int> dims = Dims;
        ReadOnlySpan<int> byteStrides = Strides;
        for (int i = 0; i < ndims; i++)
        {
            if (byteStrides[i] % sizeof(T) != 0)
            {
                throw new InvalidOperationException($"stride {i} ({byteStrides[i]} bytes) is not a whole number of {typeof(T).Name} elements");
            }
            lengths[i] = dims[i];
            strides[i] = byteStrides[i] / sizeof(T);
        }
        nint elements = (nint)(ValuesLenBytes / (uint)sizeof(T));
        return new ReadOnlyTensorSpan<T>((T*)_frame->Payload, elements, lengths, strides);
    }
}
