/*
 * frame.h - consumer-side validation of a frame in place (wire spec §8.2,
 * §8.3, §10.2.1, §15.3, §15.5, §15.8, §15.18, §15.21).
 *
 * Given a FrameDescriptor's `seq`, a mapped header ring and the announced
 * payload pools:
 *
 *   tp_frame_begin  header_index = seq & (nslots - 1); copy the 256-byte slot
 *                   out under the seqlock; check every rule on the copy;
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
 * The drop reasons and the order they are checked in are listed in
 * frame_status.h; the tensor rules (strides, extent, progress) in
 * tensor_layout.h.
 */
#ifndef TENSORPOOL_FRAME_H
#define TENSORPOOL_FRAME_H

#include "tensorpool/frame_status.h"
#include "tensorpool/platform.h"
#include "tensorpool/seqlock.h"
#include "tensorpool/slot.h"
#include "tensorpool/tensor_layout.h"

#ifdef __cplusplus
extern "C" {
#endif

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

TP_STATIC_ASSERT(sizeof(tp_frame_t) == 192, "tp_frame_t has no implicit padding");

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

#ifdef __cplusplus
}
#endif

#endif /* TENSORPOOL_FRAME_H */
