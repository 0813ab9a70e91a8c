using TensorPool.Native.Internal;

namespace TensorPool.Cli.Shm;

/// <summary>The fields of a slot copy, decoded by the native core (<c>tp_header_slot_decode</c>), as managed values.</summary>
internal sealed record SlotHeaderView
{
    public required ulong TimestampNs { get; init; }
    public required uint ValuesLenBytes { get; init; }
    public required uint PayloadSlot { get; init; }
    public required ushort PoolId { get; init; }
    public required uint PayloadOffset { get; init; }
    public required uint MetaVersion { get; init; }
    public required short Dtype { get; init; }
    public required short MajorOrder { get; init; }
    public required byte Ndims { get; init; }
    public required byte ProgressUnit { get; init; }
    public required uint ProgressStrideBytes { get; init; }

    /// <summary>dims[0, min(ndims, MAX_DIMS)): what the header declares (§8.2).</summary>
    public required int[] Dims { get; init; }

    /// <summary>strides[0, min(ndims, MAX_DIMS)) as written; 0 means inferred contiguous (§8.2).</summary>
    public required int[] Strides { get; init; }

    /// <summary>The headerBytes length and the embedded message header, for the reasons of a HEADER_* drop.</summary>
    public required uint HeaderBytesLength { get; init; }
    public required TpSbeMessageHeader EmbeddedHeader { get; init; }

    public static unsafe SlotHeaderView From(in TpSlotFields f, byte* slotCopy)
    {
        int n = Math.Min((int)f.Ndims, TpTensorConstants.MaxDims);
        var dims = new int[n];
        var strides = new int[n];
        fixed (TpSlotFields* p = &f)
        {
            for (int i = 0; i < n; i++)
            {
                dims[i] = p->Dims[i];
                strides[i] = p->Strides[i];
            }
        }
        var layout = (TpHeaderSlotLayout*)slotCopy;
        return new SlotHeaderView
        {
            TimestampNs = f.TimestampNs,
            ValuesLenBytes = f.ValuesLenBytes,
            PayloadSlot = f.PayloadSlot,
            PoolId = f.PoolId,
            PayloadOffset = f.PayloadOffset,
            MetaVersion = f.MetaVersion,
            Dtype = f.Dtype,
            MajorOrder = f.MajorOrder,
            Ndims = f.Ndims,
            ProgressUnit = f.ProgressUnit,
            ProgressStrideBytes = f.ProgressStrideBytes,
            Dims = dims,
            Strides = strides,
            HeaderBytesLength = layout->HeaderBytesLength,
            EmbeddedHeader = layout->TensorMessageHeader,
        };
    }
}
