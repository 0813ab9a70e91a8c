/*
 * frame.h - consumer-side validation of a frame in place (wire spec §8.2,
 * §8.3, §10.2.1, §15.3, §15.5, §15.8, §15.18, §15.21).
 *
 * Given a FrameDescriptor's `seq`, a mapped header ring and the announced
 * payload pools:
 *
 *   tp_frame_begin  header_index = seq & (nslots - 1); copy the 256-byte slot
 *                   out under the seqlock; check every rule below on the copy;
 *                   locate the payload. TP_FRAME_OK or the reason to DROP.
 *   ... read frame.payload[0, values_len_bytes) in place (zero copy) ...
 *   tp_frame_end    re-check seq_commit: TP_FRAME_OK only if the slot was not
 *                   touched while the payload was read (else DROP, drops_late).
 *
 * Nothing here waits for a commit (§15.21 rule 5), allocates, locks or sets
 * the thread's error message: a drop is an expected outcome, returned as a
 * positive tp_frame_status_t. Negative values mean misuse: NULL arguments,
 * or a ring view whose length does not cover the slot (views should come
 * from tp_header_ring_wrap / tp_payload_pool_wrap).
 *
 * Drop reasons, in the order they are checked:
 *   NOT_COMMITTED, CHANGED, SEQ_MISMATCH  the seqlock (§8.3, §15.3, §10.2.1)
 *   HEADER_LENGTH        headerBytes length != 192 (§8.3 step 5)
 *   HEADER_BLOCK_LENGTH  embedded blockLength != 184
 *   HEADER_TEMPLATE_ID   embedded templateId != 52 (TensorHeader)
 *   HEADER_SCHEMA_ID     embedded schemaId != 900
 *   HEADER_VERSION       embedded version != 1
 *   PAYLOAD_OFFSET       payload_offset != 0 (§8.2)
 *   PAYLOAD_SLOT_MISMATCH payload_slot != header_index (§9, §15.5)
 *   POOL_UNKNOWN         pool_id is not one of the announced pools
 *   PAYLOAD_SLOT_RANGE   payload_slot >= the pool's nslots, or its slot lies
 *                        past the pool view's length (§10.2.1)
 *   VALUES_LEN           values_len_bytes > stride_bytes (§10.2.1)
 *   NDIMS                ndims == 0 or > 8 (§8.2)
 *   DTYPE                UNKNOWN or unassigned dtype (§15.8)
 *   MAJOR_ORDER          UNKNOWN or unassigned major order (§15.8)
 *   DIMS_NEGATIVE        a dims[i] < 0 for i < ndims
 *   STRIDES_NEGATIVE     a strides[i] < 0 (§8.2: not supported in v1.2)
 *   STRIDES_LAYOUT       strides overlap or contradict major_order (§8.2)
 *   EXTENT               the layout needs more than values_len_bytes bytes
 *   PROGRESS_UNIT        unassigned progress_unit
 *   PROGRESS_STRIDE      progress_unit != NONE and progress_stride_bytes is 0
 *                        or not the row/column stride (§8.2)
 *
 * Stride rules (§8.2), walking dimensions from the fastest-varying one
 * (the last for ROW, the first for COLUMN): a stride of 0 is inferred as the
 * contiguous value; every stride must be at least the element size (the
 * innermost) or the previous stride times the previous extent (treating an
 * extent of 0 as 1), which is exactly "non-overlapping and consistent with
 * major_order". ROWS progress uses the stride of dimension 0, COLUMNS the
 * stride of dimension 1 (as the reference implementation). With
 * values_len_bytes == 0 the payload is never read (§8.2), so EXTENT is not
 * checked.
 */
#ifndef TENSORPOOL_FRAME_H
#define TENSORPOOL_FRAME_H

#include "tensorpool/platform.h"
#include "tensorpool/seqlock.h"
#include "tensorpool/slot.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tp_frame_status_en
{
    TP_FRAME_OK = TP_SEQLOCK_OK,
    TP_FRAME_DROP_NOT_COMMITTED = TP_SEQLOCK_NOT_COMMITTED,
    TP_FRAME_DROP_CHANGED = TP_SEQLOCK_CHANGED,
    TP_FRAME_DROP_SEQ_MISMATCH = TP_SEQLOCK_SEQ_MISMATCH,
    TP_FRAME_DROP_HEADER_LENGTH = 4,
    TP_FRAME_DROP_HEADER_BLOCK_LENGTH = 5,
    TP_FRAME_DROP_HEADER_TEMPLATE_ID = 6,
    TP_FRAME_DROP_HEADER_SCHEMA_ID = 7,
    TP_FRAME_DROP_HEADER_VERSION = 8,
    TP_FRAME_DROP_PAYLOAD_OFFSET = 9,
    TP_FRAME_DROP_PAYLOAD_SLOT_MISMATCH = 10,
    TP_FRAME_DROP_POOL_UNKNOWN = 11,
    TP_FRAME_DROP_PAYLOAD_SLOT_RANGE = 12,
    TP_FRAME_DROP_VALUES_LEN = 13,
    TP_FRAME_DROP_NDIMS = 14,
    TP_FRAME_DROP_DTYPE = 15,
    TP_FRAME_DROP_MAJOR_ORDER = 16,
    TP_FRAME_DROP_DIMS_NEGATIVE = 17,
    TP_FRAME_DROP_STRIDES_NEGATIVE = 18,
    TP_FRAME_DROP_STRIDES_LAYOUT = 19,
    TP_FRAME_DROP_EXTENT = 20,
    TP_FRAME_DROP_PROGRESS_UNIT = 21,
    TP_FRAME_DROP_PROGRESS_STRIDE = 22,
    TP_FRAME_STATUS_COUNT = 23
} tp_frame_status_t;

/* The resolved layout of a tensor inside its payload slot. */
typedef struct tp_tensor_layout_stct
{
    int32_t strides[TP_MAX_DIMS];  /* effective byte strides (zeros inferred), 0 beyond ndims */
    uint64_t extent_bytes;         /* bytes from element 0 to one past the last element; 0 when a dim is 0 */
    uint32_t element_bytes;        /* tp_dtype_element_bytes(dtype) */
    uint32_t reserved;
} tp_tensor_layout_t;

/* A frame validated in place. */
typedef struct tp_frame_stct
{
    tp_slot_fields_t header;       /* the slot header, copied under the seqlock */
    tp_tensor_layout_t layout;
    uint64_t seq;                  /* FrameDescriptor.seq */
    uint64_t seq_commit;           /* the committed word tp_frame_end re-checks */
    uint8_t *payload;              /* payload slot start; values_len_bytes readable there */
    uint8_t *slot;                 /* the header slot in the mapping */
    uint32_t header_index;
    uint32_t pool_index;           /* index of the pool in the array given to tp_frame_begin */
} tp_frame_t;

TP_STATIC_ASSERT(sizeof(tp_tensor_layout_t) == 48, "tp_tensor_layout_t has no implicit padding");
TP_STATIC_ASSERT(sizeof(tp_frame_t) == 192, "tp_frame_t has no implicit padding");

/*
 * Resolve and check the tensor part of `header` (ndims, dtype, major order,
 * dims, strides, extent against values_len_bytes, progress). Producers can
 * call it before writing. Returns TP_FRAME_OK or a drop reason; a negative
 * code for NULL arguments.
 */
TP_EXPORT int32_t tp_tensor_layout_resolve(tp_tensor_layout_t *out, const tp_slot_fields_t *header);

/*
 * Check a stable private copy of a slot (256 bytes) that sits at
 * `header_index` against every rule after the seqlock (see above), and fill
 * `frame` (header, layout, header_index, pool_index, payload). Used by
 * tp_frame_begin; exposed for tools and tests.
 */
TP_EXPORT int32_t tp_frame_validate_slot(tp_frame_t *frame, const uint8_t *slot_copy, uint32_t header_index,
    const tp_payload_pool_t *pools, uint32_t pool_count);

/*
 * Begin reading frame `seq` (see above). `pools` may be NULL only when
 * pool_count is 0. Returns TP_FRAME_OK, a drop reason, or a negative code.
 */
TP_EXPORT int32_t tp_frame_begin(tp_frame_t *frame, const tp_header_ring_t *ring, const tp_payload_pool_t *pools,
    uint32_t pool_count, uint64_t seq);

/* End reading: TP_FRAME_OK when the slot still holds the frame, TP_FRAME_DROP_CHANGED otherwise. */
TP_EXPORT TP_TRIVIAL int32_t tp_frame_end(const tp_frame_t *frame);

/* "TP_FRAME_DROP_EXTENT" and so on; "TP_FRAME_STATUS_UNKNOWN" for other values. Never NULL. */
TP_EXPORT const char *tp_frame_status_name(int32_t status);

#ifdef __cplusplus
}
#endif

#endif /* TENSORPOOL_FRAME_H */
