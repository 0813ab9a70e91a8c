/* superblock.c - ShmRegionSuperblock write/read/validate (wire spec §6, §7.1, §15.1; see superblock.h). */
#include "tensorpool/superblock.h"

#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "tensorpool/clock.h"
#include "tensorpool/error.h"

static const uint32_t TP_POOL_SLOT_BYTES_UNSET = UINT32_C(0xFFFFFFFF);

static void tp_superblock_init_common(tp_superblock_t *sb, uint32_t stream_id, uint64_t epoch, uint32_t nslots)
{
    memset(sb, 0, sizeof(*sb));
    sb->magic = TP_SUPERBLOCK_MAGIC;
    sb->layout_version = TP_LAYOUT_VERSION;
    sb->epoch = epoch;
    sb->stream_id = stream_id;
    sb->nslots = nslots;
    sb->pid = (uint64_t)getpid();
    sb->start_timestamp_ns = tp_clock_monotonic_ns();
    sb->activity_timestamp_ns = sb->start_timestamp_ns;
}

int tp_superblock_init_header_ring(tp_superblock_t *sb, uint32_t stream_id, uint64_t epoch, uint32_t nslots)
{
    if (sb == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "sb must not be NULL");
    }
    tp_superblock_init_common(sb, stream_id, epoch, nslots);
    sb->region_type = TP_REGION_TYPE_HEADER_RING;
    sb->pool_id = 0;                       /* §7.1: header rings carry pool_id 0 */
    sb->slot_bytes = TP_HEADER_RING_SLOT_BYTES; /* §8.1 */
    sb->stride_bytes = 0;                  /* unconstrained; the reference writes 0 */
    return 0;
}

int tp_superblock_init_payload_pool(tp_superblock_t *sb, uint32_t stream_id, uint64_t epoch, uint16_t pool_id,
    uint32_t nslots, uint32_t stride_bytes)
{
    if (sb == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "sb must not be NULL");
    }
    tp_superblock_init_common(sb, stream_id, epoch, nslots);
    sb->region_type = TP_REGION_TYPE_PAYLOAD_POOL;
    sb->pool_id = pool_id;
    sb->slot_bytes = TP_POOL_SLOT_BYTES_UNSET; /* unconstrained; the reference writes 0xFFFFFFFF */
    sb->stride_bytes = stride_bytes;
    return 0;
}

int tp_superblock_write(uint8_t *region, uint64_t length, const tp_superblock_t *sb)
{
    if (region == NULL || sb == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "region and sb must not be NULL");
    }
    if (((uintptr_t)region & 7u) != 0)
    {
        /* magic and activity_timestamp_ns are atomic 8-byte words: unaligned, they fault on arm64 (SIGBUS). */
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "region %p must be 8-byte aligned (a mapping's base is)",
            (const void *)region);
    }
    if (length < TP_SUPERBLOCK_SIZE)
    {
        return TP_ERR_SET(TP_ERR_SIZE, "region of %" PRIu64 " bytes cannot hold the 64-byte superblock", length);
    }
    tp_superblock_layout_t layout;
    layout.magic = 0;
    layout.layout_version = sb->layout_version;
    layout.epoch = sb->epoch;
    layout.stream_id = sb->stream_id;
    layout.region_type = sb->region_type;
    layout.pool_id = sb->pool_id;
    layout.nslots = sb->nslots;
    layout.slot_bytes = sb->slot_bytes;
    layout.stride_bytes = sb->stride_bytes;
    layout.pid = sb->pid;
    layout.start_timestamp_ns = sb->start_timestamp_ns;
    layout.activity_timestamp_ns = sb->activity_timestamp_ns;

    /* Everything but magic, then magic with release: a reader that sees the magic sees the rest. */
    TP_STORE_RELAXED((uint64_t *)region, (uint64_t)0);
    memcpy(region + 8, (const uint8_t *)&layout + 8, TP_SUPERBLOCK_OFFSET_ACTIVITY_TIMESTAMP_NS - 8);
    TP_STORE_RELAXED((uint64_t *)(region + TP_SUPERBLOCK_OFFSET_ACTIVITY_TIMESTAMP_NS), sb->activity_timestamp_ns);
    TP_STORE_RELEASE((uint64_t *)region, sb->magic);
    return 0;
}

int tp_superblock_read(tp_superblock_t *out, const uint8_t *region, uint64_t length)
{
    if (out == NULL || region == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "out and region must not be NULL");
    }
    if (((uintptr_t)region & 7u) != 0)
    {
        /* magic is read with an acquire load: unaligned, that faults on arm64 (SIGBUS) instead of failing. */
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "region %p must be 8-byte aligned (a mapping's base is)",
            (const void *)region);
    }
    if (length < TP_SUPERBLOCK_SIZE)
    {
        return TP_ERR_SET(TP_ERR_SIZE, "region of %" PRIu64 " bytes is shorter than the 64-byte superblock (§6)",
            length);
    }
    tp_superblock_layout_t layout;
    layout.magic = TP_LOAD_ACQUIRE((const uint64_t *)region);
    memcpy((uint8_t *)&layout + 8, region + 8, TP_SUPERBLOCK_OFFSET_ACTIVITY_TIMESTAMP_NS - 8);
    layout.activity_timestamp_ns = TP_LOAD_RELAXED((const uint64_t *)(region + TP_SUPERBLOCK_OFFSET_ACTIVITY_TIMESTAMP_NS));

    out->magic = layout.magic;
    out->layout_version = layout.layout_version;
    out->epoch = layout.epoch;
    out->stream_id = layout.stream_id;
    out->region_type = layout.region_type;
    out->pool_id = layout.pool_id;
    out->nslots = layout.nslots;
    out->slot_bytes = layout.slot_bytes;
    out->stride_bytes = layout.stride_bytes;
    out->pid = layout.pid;
    out->start_timestamp_ns = layout.start_timestamp_ns;
    out->activity_timestamp_ns = layout.activity_timestamp_ns;
    return 0;
}

int tp_superblock_check(const tp_superblock_t *sb)
{
    if (sb == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "sb must not be NULL");
    }
    if (sb->magic != TP_SUPERBLOCK_MAGIC)
    {
        return TP_ERR_SET(TP_ERR_MAGIC, "superblock magic is 0x%016" PRIx64 ", not TPOLSHM1 (0x%016" PRIx64 ", §7.1)",
            sb->magic, (uint64_t)TP_SUPERBLOCK_MAGIC);
    }
    if (sb->layout_version != TP_LAYOUT_VERSION)
    {
        return TP_ERR_SET(TP_ERR_LAYOUT_VERSION, "superblock layout_version %" PRIu32 " is not supported (only %d)",
            sb->layout_version, TP_LAYOUT_VERSION);
    }
    if (sb->region_type != TP_REGION_TYPE_HEADER_RING && sb->region_type != TP_REGION_TYPE_PAYLOAD_POOL)
    {
        return TP_ERR_SET(TP_ERR_REGION_TYPE, "superblock region_type %d is neither HEADER_RING (1) nor PAYLOAD_POOL (2)",
            sb->region_type);
    }
    if (sb->nslots == 0 || (sb->nslots & (sb->nslots - 1)) != 0)
    {
        return TP_ERR_SET(TP_ERR_NSLOTS, "superblock nslots %" PRIu32 " is not a non-zero power of two", sb->nslots);
    }
    if (sb->region_type == TP_REGION_TYPE_HEADER_RING)
    {
        if (sb->pool_id != 0)
        {
            return TP_ERR_SET(TP_ERR_POOL_ID, "header ring superblock has pool_id %u; it MUST be 0 (§7.1)",
                (unsigned)sb->pool_id);
        }
        if (sb->slot_bytes != TP_HEADER_RING_SLOT_BYTES)
        {
            return TP_ERR_SET(TP_ERR_SLOT_BYTES, "header ring superblock has slot_bytes %" PRIu32 ", not 256 (§8.1)",
                sb->slot_bytes);
        }
    }
    else if (sb->stride_bytes == 0 || sb->stride_bytes % TP_PAYLOAD_STRIDE_ALIGNMENT != 0)
    {
        return TP_ERR_SET(TP_ERR_STRIDE, "pool superblock stride_bytes %" PRIu32 " is not a non-zero multiple of 64 (§15.22)",
            sb->stride_bytes);
    }
    return 0;
}

int tp_superblock_validate(const tp_superblock_t *actual, const tp_superblock_t *expected)
{
    if (actual == NULL || expected == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "actual and expected must not be NULL");
    }
    int rc = tp_superblock_check(actual);
    if (rc < 0)
    {
        return rc;
    }
    /* §15.1: every field the announce carries must match; each mismatch has its own code. */
    if (actual->layout_version != expected->layout_version)
    {
        return TP_ERR_SET(TP_ERR_LAYOUT_VERSION, "superblock layout_version %" PRIu32 ", announced %" PRIu32,
            actual->layout_version, expected->layout_version);
    }
    if (actual->region_type != expected->region_type)
    {
        return TP_ERR_SET(TP_ERR_REGION_TYPE, "superblock region_type %d, expected %d", actual->region_type,
            expected->region_type);
    }
    if (actual->epoch != expected->epoch)
    {
        return TP_ERR_SET(TP_ERR_EPOCH, "superblock epoch %" PRIu64 ", announced %" PRIu64, actual->epoch,
            expected->epoch);
    }
    if (actual->stream_id != expected->stream_id)
    {
        return TP_ERR_SET(TP_ERR_STREAM_ID, "superblock stream_id %" PRIu32 ", announced %" PRIu32, actual->stream_id,
            expected->stream_id);
    }
    if (actual->pool_id != expected->pool_id)
    {
        return TP_ERR_SET(TP_ERR_POOL_ID, "superblock pool_id %u, announced %u", (unsigned)actual->pool_id,
            (unsigned)expected->pool_id);
    }
    if (actual->nslots != expected->nslots)
    {
        return TP_ERR_SET(TP_ERR_NSLOTS, "superblock nslots %" PRIu32 ", announced %" PRIu32, actual->nslots,
            expected->nslots);
    }
    if (actual->region_type == TP_REGION_TYPE_HEADER_RING)
    {
        if (actual->slot_bytes != expected->slot_bytes)
        {
            return TP_ERR_SET(TP_ERR_SLOT_BYTES, "superblock slot_bytes %" PRIu32 ", announced %" PRIu32,
                actual->slot_bytes, expected->slot_bytes);
        }
    }
    else if (actual->stride_bytes != expected->stride_bytes)
    {
        return TP_ERR_SET(TP_ERR_STRIDE, "superblock stride_bytes %" PRIu32 ", announced %" PRIu32,
            actual->stride_bytes, expected->stride_bytes);
    }
    return 0;
}

void tp_superblock_store_activity(uint8_t *region, uint64_t now_ns)
{
    TP_STORE_RELEASE((uint64_t *)(region + TP_SUPERBLOCK_OFFSET_ACTIVITY_TIMESTAMP_NS), now_ns);
}

uint64_t tp_superblock_load_activity(const uint8_t *region)
{
    return TP_LOAD_ACQUIRE((const uint64_t *)(region + TP_SUPERBLOCK_OFFSET_ACTIVITY_TIMESTAMP_NS));
}
