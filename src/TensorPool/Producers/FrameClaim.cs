using System.Runtime.InteropServices;
using TensorPool.Native.Internal;
using TensorPool.Sbe.Wire;

namespace TensorPool.Producers;

/// <summary>
/// A payload slot claimed by <see cref="Producer.TryClaim"/>: fill <see cref="Payload"/> in place (it is the shared
/// memory consumers will read), describe the tensor, then <see cref="Producer.Commit"/> or <see cref="Producer.Abort"/>.
/// The slot is already marked in progress (§8.3 producer step 1), so consumers never read it half written.
/// </summary>
/// <remarks>
/// Without <see cref="SetTensor(Dtype, ReadOnlySpan{int}, MajorOrder)"/> the frame is published as a 1-D UINT8 tensor of
/// its length. Only one claim per producer is open at a time.
/// </remarks>
public unsafe ref struct FrameClaim
{
    internal Producer? Owner;
    internal byte* Slot;
    internal TpSlotFields Fields;
    internal bool TensorSet;
    private readonly Span<byte> _payload;
    private readonly ulong _seq;

    internal FrameClaim(Producer owner, ulong seq, byte* slot, Span<byte> payload, uint headerIndex, ushort poolId, ulong timestampNs, uint metaVersion)
    {
        Owner = owner;
        Slot = slot;
        _payload = payload;
        _seq = seq;
        Fields = default;
        Fields.ValuesLenBytes = (uint)payload.Length;
        Fields.PayloadSlot = headerIndex; // §15.5: payload_slot = header_index
        Fields.PoolId = poolId;
        Fields.TimestampNs = timestampNs;
        Fields.MetaVersion = metaVersion;
        TensorSet = false;
        TraceId = 0;
    }

    /// <summary>The claimed payload bytes in shared memory (exactly the length claimed).</summary>
    public readonly Span<byte> Payload => _payload;

    /// <summary>The frame's sequence number (FrameDescriptor.seq once committed).</summary>
    public readonly ulong Seq => _seq;

    /// <summary>True between a successful claim and its commit or abort.</summary>
    public readonly bool IsActive => Owner is not null;

    /// <summary>Capture time written to SlotHeader.timestamp_ns (§10.2.1); the claim time unless set.</summary>
    public ulong TimestampNs
    {
        readonly get => Fields.TimestampNs;
        set => Fields.TimestampNs = value;
    }

    /// <summary>
    /// The TraceLink trace id the frame's FrameDescriptor carries (TraceLink §8.1). 0 unless set: a traced producer
    /// (<see cref="ProducerOptions.Trace"/>) then mints a new root id at commit (§6.3), an untraced one publishes 0. A
    /// 1→1 stage sets its input frame's id (§6.3: reused unchanged); <see cref="Producer.LinkTrace"/> sets an N→1 id.
    /// </summary>
    public ulong TraceId { readonly get; set; }

    /// <summary>The DataSourceMeta version of this frame (§10.3.2); the producer's unless set.</summary>
    public uint MetaVersion
    {
        readonly get => Fields.MetaVersion;
        set => Fields.MetaVersion = value;
    }

    /// <summary>Describe the payload as a contiguous tensor (strides inferred, §8.2).</summary>
    /// <exception cref="ArgumentException">The shape has no dimension or more than 8.</exception>
    public void SetTensor(Dtype dtype, ReadOnlySpan<int> shape, MajorOrder order = MajorOrder.Row) =>
        SetTensor(dtype, shape, default, order);

    /// <summary>
    /// Describe the payload as a tensor with explicit byte strides (one per dimension; 0 = inferred). The rules of §8.2
    /// (non-overlapping strides consistent with the major order, no negative values, extent within the payload) are
    /// checked at commit.
    /// </summary>
    /// <exception cref="ArgumentException">The shape has no dimension or more than 8, or strides do not match it.</exception>
    public void SetTensor(Dtype dtype, ReadOnlySpan<int> shape, ReadOnlySpan<int> strides, MajorOrder order = MajorOrder.Row)
    {
        if (shape.Length is < 1 or > TpTensorConstants.MaxDims)
        {
            throw new ArgumentException($"a tensor has 1 to {TpTensorConstants.MaxDims} dimensions (§8.2), not {shape.Length}", nameof(shape));
        }
        if (!strides.IsEmpty && strides.Length != shape.Length)
        {
            throw new ArgumentException($"{strides.Length} strides for {shape.Length} dimensions", nameof(strides));
        }
        Fields.Dtype = (short)dtype;
        Fields.MajorOrder = (short)order;
        Fields.Ndims = (byte)shape.Length;
        // §8.2: dims and strides beyond ndims are zero.
        Span<int> dims = MemoryMarshal.CreateSpan(ref Fields.Dims[0], TpTensorConstants.MaxDims);
        Span<int> byteStrides = MemoryMarshal.CreateSpan(ref Fields.Strides[0], TpTensorConstants.MaxDims);
        shape.CopyTo(dims);
        dims[shape.Length..].Clear();
        strides.CopyTo(byteStrides);
        byteStrides[strides.Length..].Clear();
        TensorSet = true;
    }

    /// <summary>Declare progress reporting granularity (§8.2): ROWS or COLUMNS with the row/column stride in bytes.</summary>
    public void SetProgress(ProgressUnit unit, uint strideBytes)
    {
        Fields.ProgressUnit = (byte)unit;
        Fields.ProgressStrideBytes = strideBytes;
    }
}
