/*
 * superblock.h - ShmRegionSuperblock, the 64 bytes at offset 0 of every SHM
 * region (wire spec §6, §7.1; schema 900 message 50, written without an SBE
 * message header).
 *
 * SBE packs the fields back to back, so `epoch` is NOT 8-byte aligned:
 *
 *   0       8        12               20        24    26    28
 *   +-------+--------+----------------+---------+-----+-----+--------+
 *   | magic | layout |     epoch      | stream  |type |pool |nslots  |
 *   |  u64  |  u32   |      u64       |   u32   | i16 | u16 |  u32   |
 *   +-------+--------+----------------+---------+-----+-----+--------+
 *   32          36           40      48                56              64
 *   +-----------+------------+-------+-----------------+---------------+
 *   | slot_bytes|stride_bytes|  pid  |start_timestamp  |activity_ts    |
 *   |    u32    |    u32     |  u64  |    _ns u64      |  _ns u64      |
 *   +-----------+------------+-------+-----------------+---------------+
 *
 * magic is ASCII "TPOLSHM1" read as a little-endian u64 (0x544F504C53484D31,
 * bytes "1MHSLPOT" in memory). activity_timestamp_ns (offset 56, 8-aligned)
 * is the only field written after creation; it is stored and loaded
 * atomically (§7.1, §15.14).
 *
 * Rules checked here, each with its own code:
 *   TP_ERR_MAGIC           magic != TPOLSHM1 (§7.1)
 *   TP_ERR_LAYOUT_VERSION  layout_version != TP_LAYOUT_VERSION, or != expected (§15.1)
 *   TP_ERR_REGION_TYPE     not HEADER_RING (1) / PAYLOAD_POOL (2), or != expected
 *   TP_ERR_EPOCH           != expected (§15.1)
 *   TP_ERR_STREAM_ID       != expected
 *   TP_ERR_POOL_ID         header ring with pool_id != 0; pool != expected (§7.1)
 *   TP_ERR_NSLOTS          zero or not a power of two (§15.18 masking), != expected
 *   TP_ERR_SLOT_BYTES      header ring with slot_bytes != 256 (§8.1), != expected
 *   TP_ERR_STRIDE          pool stride zero or not a multiple of 64 (§15.22), != expected
 * What the spec does not constrain is accepted: stride_bytes of a header
 * ring (the reference writes 0) and slot_bytes of a pool (it writes
 * 0xFFFFFFFF). pid and the timestamps are informational.
 */
#ifndef TENSORPOOL_SUPERBLOCK_H
#define TENSORPOOL_SUPERBLOCK_H

#include "tensorpool/platform.h"

#ifdef __cplusplus
extern "C" {
#endif

enum
{
    TP_SUPERBLOCK_SIZE = 64,           /* superblock_size, exactly (§6) */
    TP_LAYOUT_VERSION = 1,             /* the SHM layout this library reads and writes */
    TP_PAYLOAD_STRIDE_ALIGNMENT = 64,  /* stride_bytes is a multiple of this (§15.22) */
    TP_HEADER_RING_SLOT_BYTES = 256,   /* slot_bytes of every header ring (§8.1); slot.h lays the slots out */

    TP_SUPERBLOCK_OFFSET_MAGIC = 0,
    TP_SUPERBLOCK_OFFSET_LAYOUT_VERSION = 8,
    TP_SUPERBLOCK_OFFSET_EPOCH = 12,
    TP_SUPERBLOCK_OFFSET_STREAM_ID = 20,
    TP_SUPERBLOCK_OFFSET_REGION_TYPE = 24,
    TP_SUPERBLOCK_OFFSET_POOL_ID = 26,
    TP_SUPERBLOCK_OFFSET_NSLOTS = 28,
    TP_SUPERBLOCK_OFFSET_SLOT_BYTES = 32,
    TP_SUPERBLOCK_OFFSET_STRIDE_BYTES = 36,
    TP_SUPERBLOCK_OFFSET_PID = 40,
    TP_SUPERBLOCK_OFFSET_START_TIMESTAMP_NS = 48,
    TP_SUPERBLOCK_OFFSET_ACTIVITY_TIMESTAMP_NS = 56
};

/*
 * "TPOLSHM1" as a little-endian u64 (§7.1). A 64-bit enumerator is a GNU
 * extension (GCC and Clang); __extension__ keeps -pedantic builds quiet.
 */
__extension__ enum tp_superblock_magic_en
{
    TP_SUPERBLOCK_MAGIC = 0x544F504C53484D31ULL
};

/* RegionType of schema 900 (i16 on the wire). */
typedef enum tp_region_type_en
{
    TP_REGION_TYPE_HEADER_RING = 1,
    TP_REGION_TYPE_PAYLOAD_POOL = 2
} tp_region_type_t;

/* The exact bytes of the superblock, as SBE lays them out (packed). */
typedef struct __attribute__((packed)) tp_superblock_layout_stct
{
    uint64_t magic;
    uint32_t layout_version;
    uint64_t epoch;
    uint32_t stream_id;
    int16_t region_type;
    uint16_t pool_id;
    uint32_t nslots;
    uint32_t slot_bytes;
    uint32_t stride_bytes;
    uint64_t pid;
    uint64_t start_timestamp_ns;
    uint64_t activity_timestamp_ns;
} tp_superblock_layout_t;

TP_STATIC_ASSERT(sizeof(tp_superblock_layout_t) == TP_SUPERBLOCK_SIZE, "superblock is 64 bytes (§6)");
TP_STATIC_ASSERT(offsetof(tp_superblock_layout_t, magic) == TP_SUPERBLOCK_OFFSET_MAGIC, "magic offset");
TP_STATIC_ASSERT(offsetof(tp_superblock_layout_t, layout_version) == TP_SUPERBLOCK_OFFSET_LAYOUT_VERSION, "layout_version offset");
TP_STATIC_ASSERT(offsetof(tp_superblock_layout_t, epoch) == TP_SUPERBLOCK_OFFSET_EPOCH, "epoch offset");
TP_STATIC_ASSERT(offsetof(tp_superblock_layout_t, stream_id) == TP_SUPERBLOCK_OFFSET_STREAM_ID, "stream_id offset");
TP_STATIC_ASSERT(offsetof(tp_superblock_layout_t, region_type) == TP_SUPERBLOCK_OFFSET_REGION_TYPE, "region_type offset");
TP_STATIC_ASSERT(offsetof(tp_superblock_layout_t, pool_id) == TP_SUPERBLOCK_OFFSET_POOL_ID, "pool_id offset");
TP_STATIC_ASSERT(offsetof(tp_superblock_layout_t, nslots) == TP_SUPERBLOCK_OFFSET_NSLOTS, "nslots offset");
TP_STATIC_ASSERT(offsetof(tp_superblock_layout_t, slot_bytes) == TP_SUPERBLOCK_OFFSET_SLOT_BYTES, "slot_bytes offset");
TP_STATIC_ASSERT(offsetof(tp_superblock_layout_t, stride_bytes) == TP_SUPERBLOCK_OFFSET_STRIDE_BYTES, "stride_bytes offset");
TP_STATIC_ASSERT(offsetof(tp_superblock_layout_t, pid) == TP_SUPERBLOCK_OFFSET_PID, "pid offset");
TP_STATIC_ASSERT(offsetof(tp_superblock_layout_t, start_timestamp_ns) == TP_SUPERBLOCK_OFFSET_START_TIMESTAMP_NS, "start_timestamp_ns offset");
TP_STATIC_ASSERT(offsetof(tp_superblock_layout_t, activity_timestamp_ns) == TP_SUPERBLOCK_OFFSET_ACTIVITY_TIMESTAMP_NS, "activity_timestamp_ns offset");
TP_STATIC_ASSERT(TP_SUPERBLOCK_OFFSET_ACTIVITY_TIMESTAMP_NS % 8 == 0, "activity timestamp must be 8-aligned for atomic stores");

/* The superblock's fields, naturally aligned: what the functions below take and return. */
typedef struct tp_superblock_stct
{
    uint64_t magic;
    uint64_t epoch;
    uint64_t pid;
    uint64_t start_timestamp_ns;
    uint64_t activity_timestamp_ns;
    uint32_t layout_version;
    uint32_t stream_id;
    uint32_t nslots;
    uint32_t slot_bytes;
    uint32_t stride_bytes;
    int16_t region_type;   /* tp_region_type_t */
    uint16_t pool_id;
} tp_superblock_t;

TP_STATIC_ASSERT(sizeof(tp_superblock_t) == 64, "tp_superblock_t has no padding");

/*
 * Fill `sb` for a header ring: magic, layout 1, HEADER_RING, pool 0,
 * slot_bytes 256, stride 0, this pid, start = activity = now (monotonic).
 */
TP_EXPORT int tp_superblock_init_header_ring(tp_superblock_t *sb, uint32_t stream_id, uint64_t epoch, uint32_t nslots);

/* Fill `sb` for a payload pool: as above with PAYLOAD_POOL, pool_id, stride, slot_bytes 0xFFFFFFFF. */
TP_EXPORT int tp_superblock_init_payload_pool(tp_superblock_t *sb, uint32_t stream_id, uint64_t epoch, uint16_t pool_id,
    uint32_t nslots, uint32_t stride_bytes);

/*
 * Write the 64 bytes at `region` (which holds at least `length` bytes):
 * every field but magic first, then magic with a release store, so a reader
 * that sees the magic sees the rest. Writes `sb` as given (no validation).
 * TP_ERR_INVALID_ARGUMENT when `region` is not 8-byte aligned.
 */
TP_EXPORT int tp_superblock_write(uint8_t *region, uint64_t length, const tp_superblock_t *sb);

/*
 * Copy the superblock at `region` out (no validation). TP_ERR_SIZE when length < 64; TP_ERR_INVALID_ARGUMENT when
 * `region` is not 8-byte aligned (its magic is read atomically, which faults on arm64 when unaligned).
 */
TP_EXPORT int tp_superblock_read(tp_superblock_t *out, const uint8_t *region, uint64_t length);

/* The rules that need no announce: magic, layout version, region type, pool_id, nslots, slot_bytes, stride. */
TP_EXPORT int tp_superblock_check(const tp_superblock_t *sb);

/*
 * tp_superblock_check, then compare with what the announce says (§15.1):
 * layout_version, region_type, epoch, stream_id, pool_id, nslots, and
 * slot_bytes (header ring) or stride_bytes (pool). `expected->magic`, pid
 * and timestamps are ignored.
 */
TP_EXPORT int tp_superblock_validate(const tp_superblock_t *actual, const tp_superblock_t *expected);

/* Refresh activity_timestamp_ns with a release store (§7.1: at announce cadence). */
TP_EXPORT TP_TRIVIAL void tp_superblock_store_activity(uint8_t *region, uint64_t now_ns);

/* activity_timestamp_ns with an acquire load, for liveness checks (§15.14). */
TP_EXPORT TP_TRIVIAL uint64_t tp_superblock_load_activity(const uint8_t *region);

#ifdef __cplusplus
}
#endif

#endif /* TENSORPOOL_SUPERBLOCK_H */
