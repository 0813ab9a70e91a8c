/* slot.c - header-ring slot layout and payload addressing (wire spec §8.1, §8.2, §9; see slot.h). */
#include "tensorpool/slot.h"

#include <inttypes.h>
#include <string.h>

#include "tensorpool/error.h"

uint64_t tp_header_ring_length(uint32_t nslots)
{
    return TP_SUPERBLOCK_SIZE + (uint64_t)nslots * TP_HEADER_SLOT_BYTES;
}

uint64_t tp_payload_pool_length(uint32_t nslots, uint32_t stride_bytes)
{
    /* (2^32 - 1)^2 + 64 < 2^64 */
    return TP_SUPERBLOCK_SIZE + (uint64_t)nslots * stride_bytes;
}

uint64_t tp_header_slot_offset(uint32_t index)
{
    return TP_SUPERBLOCK_SIZE + (uint64_t)index * TP_HEADER_SLOT_BYTES;
}

uint64_t tp_payload_slot_offset(uint32_t slot, uint32_t stride_bytes)
{
    return TP_SUPERBLOCK_SIZE + (uint64_t)slot * stride_bytes;
}

/* Read and check the superblock of a region viewed in memory, and that `length` covers it all. */
static int tp_slot_wrap_region(tp_superblock_t *sb, const uint8_t *base, uint64_t length, int16_t region_type)
{
    if (base == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "base must not be NULL");
    }
    int rc = tp_superblock_read(sb, base, length);
    if (rc < 0)
    {
        return rc;
    }
    uint64_t required = 0;
    rc = tp_superblock_region_length(&required, sb);
    if (rc < 0)
    {
        return rc;
    }
    if (sb->region_type != region_type)
    {
        return TP_ERR_SET(TP_ERR_REGION_TYPE, "region_type %d where %d was expected", sb->region_type, region_type);
    }
    if (length < required)
    {
        return TP_ERR_SET(TP_ERR_SIZE, "%" PRIu64 " bytes cannot hold the %" PRIu64 " the superblock implies", length,
            required);
    }
    return 0;
}

int tp_header_ring_wrap(tp_header_ring_t *ring, uint8_t *base, uint64_t length)
{
    if (ring == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "ring must not be NULL");
    }
    memset(ring, 0, sizeof(*ring));
    tp_superblock_t sb;
    int rc = tp_slot_wrap_region(&sb, base, length, TP_REGION_TYPE_HEADER_RING);
    if (rc < 0)
    {
        return rc;
    }
    ring->base = base;
    ring->length = length;
    ring->nslots = sb.nslots;
    ring->mask = sb.nslots - 1;
    return 0;
}

int tp_payload_pool_wrap(tp_payload_pool_t *pool, uint8_t *base, uint64_t length)
{
    if (pool == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "pool must not be NULL");
    }
    memset(pool, 0, sizeof(*pool));
    tp_superblock_t sb;
    int rc = tp_slot_wrap_region(&sb, base, length, TP_REGION_TYPE_PAYLOAD_POOL);
    if (rc < 0)
    {
        return rc;
    }
    pool->base = base;
    pool->length = length;
    pool->nslots = sb.nslots;
    pool->stride_bytes = sb.stride_bytes;
    pool->pool_id = sb.pool_id;
    return 0;
}

uint8_t *tp_header_ring_slot(const tp_header_ring_t *ring, uint64_t seq)
{
    return ring->base + tp_header_slot_offset((uint32_t)(seq & ring->mask));
}

uint8_t *tp_payload_pool_slot(const tp_payload_pool_t *pool, uint32_t slot)
{
    return slot < pool->nslots ? pool->base + tp_payload_slot_offset(slot, pool->stride_bytes) : NULL;
}

/* Store only when the slot holds something else (see tp_header_slot_write). */
#define TP_SLOT_SET(lvalue, value) \
    do \
    { \
        if ((lvalue) != (value)) \
        { \
            (lvalue) = (value); \
        } \
    } while (0)

/* Zero `length` bytes at `p` unless they already are: a load of a line this core shares costs nothing remote. */
static void tp_slot_zero_if_needed(uint8_t *p, size_t length)
{
    uint64_t any = 0;
    size_t i = 0;
    for (; i + 8 <= length; i += 8)
    {
        uint64_t word;
        memcpy(&word, p + i, 8);
        any |= word;
    }
    for (; i < length; i++)
    {
        any |= p[i];
    }
    if (any != 0)
    {
        memset(p, 0, length);
    }
}

void tp_header_slot_write_frame(uint8_t *slot, const tp_slot_fields_t *fields)
{
    tp_header_slot_layout_t *s = (tp_header_slot_layout_t *)slot;
    memset(slot + 8, 0, TP_SLOT_OFFSET_HEADER_BYTES_LENGTH - 8); /* bytes 0..7 are seq_commit: the seqlock's */
    s->values_len_bytes = fields->values_len_bytes;
    s->payload_slot = fields->payload_slot;
    s->pool_id = fields->pool_id;
    s->payload_offset = fields->payload_offset;
    s->timestamp_ns = fields->timestamp_ns;
    s->meta_version = fields->meta_version;
    s->header_bytes_length = TP_TENSOR_HEADER_LENGTH;
}

int tp_header_slot_write(uint8_t *slot, const tp_slot_fields_t *fields)
{
    if (slot == NULL || fields == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "slot and fields must not be NULL");
    }
    if (fields->ndims > TP_MAX_DIMS)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "ndims %u exceeds MAX_DIMS %d", (unsigned)fields->ndims,
            TP_MAX_DIMS);
    }
    /*
     * Plain stores straight into the slot: this runs between
     * tp_seqlock_write_begin and tp_seqlock_write_commit, whose fence and
     * release store order these stores for readers (seqlock.h); composing a
     * private image and copying it would cost store-forwarding stalls on
     * SBE's unaligned fields. Bytes 8..63 change with every frame and are
     * stored whole (pad zeroed, §8.2). Bytes 64..255, the embedded
     * TensorHeader, change only with the tensor description: they are
     * stored only where the slot holds something else, so in a steady
     * stream their three cache lines stay shared with the consumers that
     * read them a lap ago instead of being invalidated and fetched again
     * on every frame (the seqlock covers the whole slot either way).
     */
    tp_header_slot_write_frame(slot, fields);
    tp_header_slot_layout_t *s = (tp_header_slot_layout_t *)slot;
    TP_SLOT_SET(s->tensor_message_header.block_length, TP_TENSOR_HEADER_BLOCK_LENGTH);
    TP_SLOT_SET(s->tensor_message_header.template_id, TP_TENSOR_HEADER_TEMPLATE_ID);
    TP_SLOT_SET(s->tensor_message_header.schema_id, TP_WIRE_SCHEMA_ID);
    TP_SLOT_SET(s->tensor_message_header.version, TP_WIRE_SCHEMA_VERSION);
    TP_SLOT_SET(s->tensor.dtype, fields->dtype);
    TP_SLOT_SET(s->tensor.major_order, fields->major_order);
    TP_SLOT_SET(s->tensor.ndims, fields->ndims);
    TP_SLOT_SET(s->tensor.pad_align, 0);
    TP_SLOT_SET(s->tensor.progress_unit, fields->progress_unit);
    TP_SLOT_SET(s->tensor.progress_stride_bytes, fields->progress_stride_bytes);
    for (uint32_t i = 0; i < TP_MAX_DIMS; i++)
    {
        int32_t dim = i < fields->ndims ? fields->dims[i] : 0;
        int32_t stride = i < fields->ndims ? fields->strides[i] : 0;
        TP_SLOT_SET(s->tensor.dims[i], dim);
        TP_SLOT_SET(s->tensor.strides[i], stride);
    }
    tp_slot_zero_if_needed(s->tensor.pad, sizeof(s->tensor.pad));
    return 0;
}

int tp_header_slot_decode(tp_slot_fields_t *out, const uint8_t *slot)
{
    if (out == NULL || slot == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "out and slot must not be NULL");
    }
    const tp_header_slot_layout_t *s = (const tp_header_slot_layout_t *)slot;
    memset(out, 0, sizeof(*out));
    out->timestamp_ns = s->timestamp_ns;
    out->values_len_bytes = s->values_len_bytes;
    out->payload_slot = s->payload_slot;
    out->payload_offset = s->payload_offset;
    out->meta_version = s->meta_version;
    out->progress_stride_bytes = s->tensor.progress_stride_bytes;
    out->pool_id = s->pool_id;
    out->dtype = s->tensor.dtype;
    out->major_order = s->tensor.major_order;
    out->ndims = s->tensor.ndims;
    out->progress_unit = s->tensor.progress_unit;
    /* Copy all eight: consumers ignore [ndims, 8) (§8.2), tools may want to see them. */
    for (int i = 0; i < TP_MAX_DIMS; i++)
    {
        out->dims[i] = s->tensor.dims[i];
        out->strides[i] = s->tensor.strides[i];
    }
    return 0;
}

int tp_superblock_region_length(uint64_t *length, const tp_superblock_t *sb)
{
    if (length == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "length must not be NULL");
    }
    int rc = tp_superblock_check(sb);
    if (rc < 0)
    {
        return rc;
    }
    *length = sb->region_type == TP_REGION_TYPE_HEADER_RING ? tp_header_ring_length(sb->nslots)
                                                              : tp_payload_pool_length(sb->nslots, sb->stride_bytes);
    return 0;
}
