/* frame.c - consumer validation of a frame in place (wire spec §8.2, §8.3, §10.2.1, §15.18, §15.21; see frame.h). */
#include "tensorpool/frame.h"

#include <string.h>

#include "tensorpool/error.h"

/* The embedded message header values of headerBytes. */
typedef struct tp_frame_embedded_stct
{
    uint32_t length;
    tp_sbe_message_header_t header;
} tp_frame_embedded_t;

/* Copy every field a consumer checks out of the slot (shared or private) into private memory. */
static void tp_frame_decode(tp_frame_t *frame, tp_frame_embedded_t *embedded, const uint8_t *slot)
{
    const tp_header_slot_layout_t *s = (const tp_header_slot_layout_t *)slot;
    (void)tp_header_slot_decode(&frame->header, slot);
    embedded->length = s->header_bytes_length;
    embedded->header = s->tensor_message_header;
}

/* §8.3 step 5 / §15.21 rule 3: headerBytes must be exactly a v1 TensorHeader message. */
static int32_t tp_frame_check_embedded_header(const tp_frame_embedded_t *e)
{
    if (e->length != TP_TENSOR_HEADER_LENGTH)
    {
        return TP_FRAME_DROP_HEADER_LENGTH;
    }
    if (e->header.block_length != TP_TENSOR_HEADER_BLOCK_LENGTH)
    {
        return TP_FRAME_DROP_HEADER_BLOCK_LENGTH;
    }
    if (e->header.template_id != TP_TENSOR_HEADER_TEMPLATE_ID)
    {
        return TP_FRAME_DROP_HEADER_TEMPLATE_ID;
    }
    if (e->header.schema_id != TP_WIRE_SCHEMA_ID)
    {
        return TP_FRAME_DROP_HEADER_SCHEMA_ID;
    }
    if (e->header.version != TP_WIRE_SCHEMA_VERSION)
    {
        return TP_FRAME_DROP_HEADER_VERSION;
    }
    return TP_FRAME_OK;
}

/* Every rule after the seqlock, on private, stable values. */
static int32_t tp_frame_check(tp_frame_t *frame, const tp_frame_embedded_t *embedded, uint32_t header_index,
    const tp_payload_pool_t *pools, uint32_t pool_count)
{
    frame->header_index = header_index;
    frame->payload = NULL;
    frame->pool_index = 0;
    int32_t status = tp_frame_check_embedded_header(embedded);
    if (status != TP_FRAME_OK)
    {
        return status;
    }
    const tp_slot_fields_t *h = &frame->header;
    if (h->payload_offset != 0)
    {
        return TP_FRAME_DROP_PAYLOAD_OFFSET; /* §8.2: MUST be 0 in v1.2 */
    }
    if (h->payload_slot != header_index)
    {
        return TP_FRAME_DROP_PAYLOAD_SLOT_MISMATCH; /* §15.5: payload_slot = header_index */
    }
    uint32_t p = 0;
    while (p < pool_count && pools[p].pool_id != h->pool_id)
    {
        p++;
    }
    if (p == pool_count)
    {
        return TP_FRAME_DROP_POOL_UNKNOWN;
    }
    const tp_payload_pool_t *pool = &pools[p];
    /* §10.2.1; the length test also guards a pool view that was not built by tp_payload_pool_wrap. */
    if (h->payload_slot >= pool->nslots ||
        tp_payload_slot_offset(h->payload_slot, pool->stride_bytes) + pool->stride_bytes > pool->length)
    {
        return TP_FRAME_DROP_PAYLOAD_SLOT_RANGE;
    }
    if (h->values_len_bytes > pool->stride_bytes)
    {
        return TP_FRAME_DROP_VALUES_LEN; /* §10.2.1 */
    }
    status = tp_tensor_layout_resolve(&frame->layout, h);
    if (status != TP_FRAME_OK)
    {
        return status;
    }
    frame->pool_index = p;
    frame->payload = pool->base + tp_payload_slot_offset(h->payload_slot, pool->stride_bytes);
    return TP_FRAME_OK;
}

int32_t tp_frame_validate_slot(tp_frame_t *frame, const uint8_t *slot_copy, uint32_t header_index,
    const tp_payload_pool_t *pools, uint32_t pool_count)
{
    if (frame == NULL || slot_copy == NULL || (pools == NULL && pool_count != 0))
    {
        return TP_ERR_INVALID_ARGUMENT;
    }
    tp_frame_embedded_t embedded;
    tp_frame_decode(frame, &embedded, slot_copy);
    return tp_frame_check(frame, &embedded, header_index, pools, pool_count);
}

int32_t tp_frame_begin(tp_frame_t *frame, const tp_header_ring_t *ring, const tp_payload_pool_t *pools,
    uint32_t pool_count, uint64_t seq)
{
    if (frame == NULL || ring == NULL || ring->base == NULL || (pools == NULL && pool_count != 0))
    {
        return TP_ERR_INVALID_ARGUMENT;
    }
    uint32_t index = (uint32_t)(seq & ring->mask); /* §10.2.1 */
    if (tp_header_slot_offset(index) + TP_HEADER_SLOT_BYTES > ring->length)
    {
        return TP_ERR_INVALID_ARGUMENT; /* a ring view not built by tp_header_ring_wrap */
    }
    uint8_t *slot = tp_header_ring_slot(ring, seq);
    uint64_t *word = (uint64_t *)slot;
    frame->seq = seq;
    frame->slot = slot;
    frame->header_index = index;
    frame->payload = NULL;

    uint64_t observed = tp_seqlock_read_begin(word);
    frame->seq_commit = observed;
    if ((observed & 1u) == 0)
    {
        return TP_FRAME_DROP_NOT_COMMITTED; /* §15.21 rule 5: never wait */
    }
    if ((observed >> 1) != seq)
    {
        return TP_FRAME_DROP_SEQ_MISMATCH; /* stale or already reused (§10.2.1) */
    }
    /*
     * Copy the fields out of the slot the producer may be overwriting, then
     * let the seqlock say whether the copy is whole. Only the private copy is
     * checked and used afterwards.
     */
    tp_frame_embedded_t embedded;
    tp_frame_decode(frame, &embedded, slot);
    int32_t status = tp_seqlock_read_validate(word, observed, seq);
    if (status != TP_SEQLOCK_OK)
    {
        return status;
    }
    return tp_frame_check(frame, &embedded, index, pools, pool_count);
}

int32_t tp_frame_end(const tp_frame_t *frame)
{
    return tp_seqlock_read_validate((const uint64_t *)frame->slot, frame->seq_commit, frame->seq) == TP_SEQLOCK_OK
               ? TP_FRAME_OK
               : TP_FRAME_DROP_CHANGED;
}
