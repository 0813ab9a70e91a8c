/*
 * frame_status.h - the outcome of validating a frame (frame.h) or a tensor
 * layout (tensor_layout.h): TP_FRAME_OK or the reason to drop, as a
 * non-negative tp_frame_status_t. The first four share their values with
 * the seqlock's results (seqlock.h).
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
 */
#ifndef TENSORPOOL_FRAME_STATUS_H
#define TENSORPOOL_FRAME_STATUS_H

#include "tensorpool/platform.h"
#include "tensorpool/seqlock.h"

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

/* "TP_FRAME_DROP_EXTENT" and so on; "TP_FRAME_STATUS_UNKNOWN" for other values. Never NULL. */
TP_EXPORT const char *tp_frame_status_name(int32_t status);

#ifdef __cplusplus
}
#endif

#endif /* TENSORPOOL_FRAME_STATUS_H */
