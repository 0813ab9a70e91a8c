namespace TensorPool.Frames;

/// <summary>
/// Why a frame's header slot was not accepted: one value per rule the native core checks in place
/// (<c>tp_frame_begin</c>/<c>tp_frame_end</c>, wire spec §8.2, §8.3, §10.2.1, §15.5, §15.8, §15.21). The numbers are the
/// native <c>tp_frame_status_t</c> values (a test holds them equal).
/// </summary>
public enum SlotRejectReason
{
    /// <summary>The producer is writing the slot (commit bit 0, §15.21 rule 2).</summary>
    NotCommitted = 1,

    /// <summary>The slot changed while it was read (§15.3: drops_late).</summary>
    Changed = 2,

    /// <summary>The slot holds another sequence than the descriptor's (§10.2.1 stale reuse guard).</summary>
    SeqMismatch = 3,

    /// <summary>headerBytes is not 192 bytes long (§8.3 step 5).</summary>
    HeaderLength = 4,

    /// <summary>The embedded TensorHeader's blockLength is not 184.</summary>
    HeaderBlockLength = 5,

    /// <summary>The embedded message is not a TensorHeader (templateId 52).</summary>
    HeaderTemplateId = 6,

    /// <summary>The embedded message is not of schema 900.</summary>
    HeaderSchemaId = 7,

    /// <summary>The embedded message is not version 1.</summary>
    HeaderVersion = 8,

    /// <summary>payload_offset is not 0 (§8.2).</summary>
    PayloadOffset = 9,

    /// <summary>payload_slot is not the header index (§9, §15.5).</summary>
    PayloadSlotMismatch = 10,

    /// <summary>pool_id is not one of the announced pools.</summary>
    PoolUnknown = 11,

    /// <summary>payload_slot is outside the mapped pool (§10.2.1).</summary>
    PayloadSlotRange = 12,

    /// <summary>values_len_bytes exceeds the pool's stride_bytes (§10.2.1).</summary>
    ValuesLen = 13,

    /// <summary>ndims is 0 or more than 8 (§8.2).</summary>
    Ndims = 14,

    /// <summary>UNKNOWN or unassigned dtype (§15.8).</summary>
    Dtype = 15,

    /// <summary>UNKNOWN or unassigned major order (§15.8).</summary>
    MajorOrder = 16,

    /// <summary>A dimension is negative.</summary>
    DimsNegative = 17,

    /// <summary>A stride is negative (§8.2: not supported in v1.2).</summary>
    StridesNegative = 18,

    /// <summary>Strides overlap or contradict the major order (§8.2).</summary>
    StridesLayout = 19,

    /// <summary>The layout reaches past values_len_bytes (docs/DECISIONS.md D7).</summary>
    Extent = 20,

    /// <summary>Unassigned progress unit.</summary>
    ProgressUnit = 21,

    /// <summary>progress_stride_bytes is 0 or not the row/column stride (§8.2).</summary>
    ProgressStride = 22,
}
