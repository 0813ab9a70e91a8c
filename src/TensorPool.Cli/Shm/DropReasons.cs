using System.Globalization;
using TensorPool.Native.Internal;

namespace TensorPool.Cli.Shm;

/// <summary>Each frame drop reason of the native core (frame.h) in words, with the values that caused it.</summary>
internal static class DropReasons
{
    public static string Describe(TpFrameStatus status, SlotHeaderView h, uint index, PoolReport? pool) => status switch
    {
        TpFrameStatus.DropHeaderLength =>
            F($"headerBytes length {h.HeaderBytesLength}, not {TpSlotConstants.TensorHeaderLength} (§8.3)"),
        TpFrameStatus.DropHeaderBlockLength =>
            F($"embedded blockLength {h.EmbeddedHeader.BlockLength}, not {TpSlotConstants.TensorHeaderBlockLength} (§8.3)"),
        TpFrameStatus.DropHeaderTemplateId =>
            F($"embedded templateId {h.EmbeddedHeader.TemplateId}, not {TpSlotConstants.TensorHeaderTemplateId} TensorHeader (§15.21)"),
        TpFrameStatus.DropHeaderSchemaId =>
            F($"embedded schemaId {h.EmbeddedHeader.SchemaId}, not {TpSlotConstants.WireSchemaId} (§8.3)"),
        TpFrameStatus.DropHeaderVersion =>
            F($"embedded version {h.EmbeddedHeader.Version}, not {TpSlotConstants.WireSchemaVersion} (§8.3)"),
        TpFrameStatus.DropPayloadOffset => F($"payload_offset {h.PayloadOffset}; it MUST be 0 in v1.2 (§8.2)"),
        TpFrameStatus.DropPayloadSlotMismatch => F($"payload_slot {h.PayloadSlot} is not the header index {index} (§15.5)"),
        TpFrameStatus.DropPoolUnknown => F($"pool_id {h.PoolId} is not a pool of this stream (§10.2.1)"),
        TpFrameStatus.DropPayloadSlotRange =>
            F($"payload_slot {h.PayloadSlot} lies outside pool {h.PoolId} ({pool?.Nslots} slots) (§10.2.1)"),
        TpFrameStatus.DropValuesLen =>
            F($"values_len_bytes {h.ValuesLenBytes} exceeds pool {h.PoolId} stride_bytes {pool?.StrideBytes} (§10.2.1)"),
        TpFrameStatus.DropNdims => F($"ndims {h.Ndims} is not in 1..{TpTensorConstants.MaxDims} (§8.2)"),
        TpFrameStatus.DropDtype => F($"dtype {h.Dtype} is UNKNOWN or unassigned (§15.8)"),
        TpFrameStatus.DropMajorOrder => F($"major_order {h.MajorOrder} is UNKNOWN or unassigned (§15.8)"),
        TpFrameStatus.DropDimsNegative => F($"a dimension is negative: dims {Shape.Format(h.Dims)} (§8.2)"),
        TpFrameStatus.DropStridesNegative => F($"a stride is negative: strides {Shape.Format(h.Strides)}; not supported in v1.2 (§8.2)"),
        TpFrameStatus.DropStridesLayout =>
            F($"strides {Shape.Format(h.Strides)} overlap or contradict major_order for dims {Shape.Format(h.Dims)} (§8.2)"),
        TpFrameStatus.DropExtent => F($"the tensor needs more than values_len_bytes {h.ValuesLenBytes} bytes (§8.2)"),
        TpFrameStatus.DropProgressUnit => F($"progress_unit {h.ProgressUnit} is unassigned (§15.8)"),
        TpFrameStatus.DropProgressStride =>
            F($"progress_stride_bytes {h.ProgressStrideBytes} is 0 or not the row/column stride (§8.2)"),
        _ => NativeMethods.tp_frame_status_name_string((int)status) ?? status.ToString(),
    };

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
