/*
 * slot.h - header-ring slots and payload-pool addressing (wire spec §8.1,
 * §8.2, §9, §15.5).
 *
 * Header ring: the superblock, then nslots slots of exactly 256 bytes.
 *
 *   slot_offset(i)         = 64 + i * 256          (§8.1)
 *   header_index           = seq & (nslots - 1)    (§10.2.1)
 *   payload_slot_offset(s) = 64 + s * stride_bytes (§9)
 *
 * One 256-byte slot, as SBE lays it out (schema 900: SlotHeader block,
 * headerBytes varData holding a whole TensorHeader message):
 *
 *  slot  0        8       12       16   18       22          30       34
 *        +--------+-------+--------+----+--------+-----------+--------+----------+
 *        |seq_    |values_|payload_|pool|payload_|timestamp_ |meta_   | pad[26]  |
 *        |commit  |len    |slot    |_id |offset  |ns         |version |          |
 *        |u64     |u32    |u32     |u16 |u32     |u64        |u32     |          |
 *        +--------+-------+--------+----+--------+-----------+--------+----------+
 *     60 +----------------+ headerBytes length, u32, always 192
 *     64 +----+----+----+----+ embedded SBE message header:
 *        |184 | 52 |900 | 1  | blockLength, templateId, schemaId, version (u16 each)
 *     72 +----+----+----+----+ TensorHeader block (184 bytes), block offsets:
 *        0 dtype i16 | 2 major_order i16 | 4 ndims u8 | 5 pad_align u8 |
 *        6 progress_unit u8 | 7 progress_stride_bytes u32 |
 *        11 dims i32[8] | 43 strides i32[8] | 75 pad[109]
 *    256 +
 *
 * SBE does not align: dims/strides sit at slot offsets 83 and 115 and
 * timestamp_ns at 22, so the layout structs below are packed. seq_commit is
 * at offset 0 of a 64-byte-aligned slot, one aligned 8-byte word (§8.2).
 * The maxDims constant of the schema takes no bytes.
 *
 * Producers write a slot in three steps (see seqlock.h): begin, payload and
 * tp_header_slot_write (bytes 8..255), commit. Consumers read through
 * frame.h, never directly.
 */
#ifndef TENSORPOOL_SLOT_H
#define TENSORPOOL_SLOT_H

#include "tensorpool/platform.h"
#include "tensorpool/superblock.h"
#include "tensorpool/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

enum
{
    TP_HEADER_SLOT_BYTES = TP_HEADER_RING_SLOT_BYTES, /* 256 (§8.1) */
    TP_SLOT_HEADER_BLOCK_LENGTH = 60,         /* SlotHeader fixed block */
    TP_SBE_MESSAGE_HEADER_LENGTH = 8,
    TP_TENSOR_HEADER_BLOCK_LENGTH = 184,      /* TensorHeader blockLength */
    TP_TENSOR_HEADER_LENGTH = 192,            /* headerBytes length: message header + block (§8.2) */
    TP_WIRE_SCHEMA_ID = 900,
    TP_WIRE_SCHEMA_VERSION = 1,
    TP_TENSOR_HEADER_TEMPLATE_ID = 52,

    /* Offsets within a slot */
    TP_SLOT_OFFSET_SEQ_COMMIT = 0,
    TP_SLOT_OFFSET_VALUES_LEN_BYTES = 8,
    TP_SLOT_OFFSET_PAYLOAD_SLOT = 12,
    TP_SLOT_OFFSET_POOL_ID = 16,
    TP_SLOT_OFFSET_PAYLOAD_OFFSET = 18,
    TP_SLOT_OFFSET_TIMESTAMP_NS = 22,
    TP_SLOT_OFFSET_META_VERSION = 30,
    TP_SLOT_OFFSET_PAD = 34,
    TP_SLOT_OFFSET_HEADER_BYTES_LENGTH = 60,
    TP_SLOT_OFFSET_TENSOR_MESSAGE_HEADER = 64,
    TP_SLOT_OFFSET_TENSOR_HEADER = 72,

    /* Offsets within the TensorHeader block */
    TP_TENSOR_OFFSET_DTYPE = 0,
    TP_TENSOR_OFFSET_MAJOR_ORDER = 2,
    TP_TENSOR_OFFSET_NDIMS = 4,
    TP_TENSOR_OFFSET_PAD_ALIGN = 5,
    TP_TENSOR_OFFSET_PROGRESS_UNIT = 6,
    TP_TENSOR_OFFSET_PROGRESS_STRIDE_BYTES = 7,
    TP_TENSOR_OFFSET_DIMS = 11,
    TP_TENSOR_OFFSET_STRIDES = 43,
    TP_TENSOR_OFFSET_PAD = 75,
    TP_TENSOR_PAD_LENGTH = 109,
    TP_SLOT_PAD_LENGTH = 26
};

/* SBE messageHeader composite. */
typedef struct __attribute__((packed)) tp_sbe_message_header_stct
{
    uint16_t block_length;
    uint16_t template_id;
    uint16_t schema_id;
    uint16_t version;
} tp_sbe_message_header_t;

/* TensorHeader block (schema 900, template 52). */
typedef struct __attribute__((packed)) tp_tensor_header_layout_stct
{
    int16_t dtype;
    int16_t major_order;
    uint8_t ndims;
    uint8_t pad_align;
    uint8_t progress_unit;
    uint32_t progress_stride_bytes;
    int32_t dims[TP_MAX_DIMS];
    int32_t strides[TP_MAX_DIMS];
    uint8_t pad[TP_TENSOR_PAD_LENGTH];
} tp_tensor_header_layout_t;

/* One whole 256-byte header slot. */
typedef struct __attribute__((packed)) tp_header_slot_layout_stct
{
    uint64_t seq_commit;
    uint32_t values_len_bytes;
    uint32_t payload_slot;
    uint16_t pool_id;
    uint32_t payload_offset;
    uint64_t timestamp_ns;
    uint32_t meta_version;
    uint8_t pad[TP_SLOT_PAD_LENGTH];
    uint32_t header_bytes_length;
    tp_sbe_message_header_t tensor_message_header;
    tp_tensor_header_layout_t tensor;
} tp_header_slot_layout_t;

TP_STATIC_ASSERT(sizeof(tp_sbe_message_header_t) == TP_SBE_MESSAGE_HEADER_LENGTH, "SBE message header is 8 bytes");
TP_STATIC_ASSERT(sizeof(tp_tensor_header_layout_t) == TP_TENSOR_HEADER_BLOCK_LENGTH, "TensorHeader block is 184 bytes");
TP_STATIC_ASSERT(sizeof(tp_header_slot_layout_t) == TP_HEADER_SLOT_BYTES, "a header slot is 256 bytes (§8.1)");
TP_STATIC_ASSERT(TP_SBE_MESSAGE_HEADER_LENGTH + TP_TENSOR_HEADER_BLOCK_LENGTH == TP_TENSOR_HEADER_LENGTH, "headerBytes is 192 bytes");
TP_STATIC_ASSERT(TP_SLOT_HEADER_BLOCK_LENGTH + 4 + TP_TENSOR_HEADER_LENGTH == TP_HEADER_SLOT_BYTES, "60 + 4 + 192 = 256 (§8.2)");
TP_STATIC_ASSERT(offsetof(tp_sbe_message_header_t, template_id) == 2, "templateId offset");
TP_STATIC_ASSERT(offsetof(tp_sbe_message_header_t, schema_id) == 4, "schemaId offset");
TP_STATIC_ASSERT(offsetof(tp_sbe_message_header_t, version) == 6, "version offset");
TP_STATIC_ASSERT(offsetof(tp_header_slot_layout_t, seq_commit) == TP_SLOT_OFFSET_SEQ_COMMIT, "seq_commit offset");
TP_STATIC_ASSERT(offsetof(tp_header_slot_layout_t, values_len_bytes) == TP_SLOT_OFFSET_VALUES_LEN_BYTES, "values_len_bytes offset");
TP_STATIC_ASSERT(offsetof(tp_header_slot_layout_t, payload_slot) == TP_SLOT_OFFSET_PAYLOAD_SLOT, "payload_slot offset");
TP_STATIC_ASSERT(offsetof(tp_header_slot_layout_t, pool_id) == TP_SLOT_OFFSET_POOL_ID, "pool_id offset");
TP_STATIC_ASSERT(offsetof(tp_header_slot_layout_t, payload_offset) == TP_SLOT_OFFSET_PAYLOAD_OFFSET, "payload_offset offset");
TP_STATIC_ASSERT(offsetof(tp_header_slot_layout_t, timestamp_ns) == TP_SLOT_OFFSET_TIMESTAMP_NS, "timestamp_ns offset");
TP_STATIC_ASSERT(offsetof(tp_header_slot_layout_t, meta_version) == TP_SLOT_OFFSET_META_VERSION, "meta_version offset");
TP_STATIC_ASSERT(offsetof(tp_header_slot_layout_t, pad) == TP_SLOT_OFFSET_PAD, "pad offset");
TP_STATIC_ASSERT(offsetof(tp_header_slot_layout_t, header_bytes_length) == TP_SLOT_OFFSET_HEADER_BYTES_LENGTH, "headerBytes length offset");
TP_STATIC_ASSERT(offsetof(tp_header_slot_layout_t, tensor_message_header) == TP_SLOT_OFFSET_TENSOR_MESSAGE_HEADER, "embedded message header offset");
TP_STATIC_ASSERT(offsetof(tp_header_slot_layout_t, tensor) == TP_SLOT_OFFSET_TENSOR_HEADER, "TensorHeader block offset");
TP_STATIC_ASSERT(offsetof(tp_tensor_header_layout_t, dtype) == TP_TENSOR_OFFSET_DTYPE, "dtype offset");
TP_STATIC_ASSERT(offsetof(tp_tensor_header_layout_t, major_order) == TP_TENSOR_OFFSET_MAJOR_ORDER, "major_order offset");
TP_STATIC_ASSERT(offsetof(tp_tensor_header_layout_t, ndims) == TP_TENSOR_OFFSET_NDIMS, "ndims offset");
TP_STATIC_ASSERT(offsetof(tp_tensor_header_layout_t, pad_align) == TP_TENSOR_OFFSET_PAD_ALIGN, "pad_align offset");
TP_STATIC_ASSERT(offsetof(tp_tensor_header_layout_t, progress_unit) == TP_TENSOR_OFFSET_PROGRESS_UNIT, "progress_unit offset");
TP_STATIC_ASSERT(offsetof(tp_tensor_header_layout_t, progress_stride_bytes) == TP_TENSOR_OFFSET_PROGRESS_STRIDE_BYTES, "progress_stride_bytes offset");
TP_STATIC_ASSERT(offsetof(tp_tensor_header_layout_t, dims) == TP_TENSOR_OFFSET_DIMS, "dims offset");
TP_STATIC_ASSERT(offsetof(tp_tensor_header_layout_t, strides) == TP_TENSOR_OFFSET_STRIDES, "strides offset");
TP_STATIC_ASSERT(offsetof(tp_tensor_header_layout_t, pad) == TP_TENSOR_OFFSET_PAD, "tensor pad offset");

/*
 * The fields of a slot header a producer sets (and a consumer reads back),
 * naturally aligned. seq_commit is not here: the seqlock owns it.
 */
typedef struct tp_slot_fields_stct
{
    uint64_t timestamp_ns;           /* capture time, SlotHeader.timestamp_ns (§10.2.1) */
    uint32_t values_len_bytes;
    uint32_t payload_slot;           /* must equal header_index in v1.2 (§15.5) */
    uint32_t payload_offset;         /* must be 0 in v1.2 */
    uint32_t meta_version;
    uint32_t progress_stride_bytes;
    uint16_t pool_id;
    int16_t dtype;                   /* tp_dtype_t */
    int16_t major_order;             /* tp_major_order_t */
    uint8_t ndims;
    uint8_t progress_unit;           /* tp_progress_unit_t */
    int32_t dims[TP_MAX_DIMS];       /* only [0, ndims) are meaningful */
    int32_t strides[TP_MAX_DIMS];    /* bytes; 0 = inferred contiguous */
    uint32_t reserved;               /* always 0 */
} tp_slot_fields_t;

TP_STATIC_ASSERT(sizeof(tp_slot_fields_t) == 104, "tp_slot_fields_t has no implicit padding");

/* A mapped header ring: plain view, owned by whoever owns the mapping. */
typedef struct tp_header_ring_stct
{
    uint8_t *base;      /* start of the region (superblock at 0) */
    uint64_t length;    /* bytes mapped */
    uint32_t nslots;    /* power of two */
    uint32_t mask;      /* nslots - 1 */
} tp_header_ring_t;

/* A mapped payload pool: plain view. */
typedef struct tp_payload_pool_stct
{
    uint8_t *base;
    uint64_t length;
    uint32_t nslots;
    uint32_t stride_bytes;
    uint16_t pool_id;
    uint16_t reserved0;
    uint32_t reserved1;
} tp_payload_pool_t;

/* 64 + nslots * 256. */
TP_EXPORT TP_TRIVIAL uint64_t tp_header_ring_length(uint32_t nslots);

/* 64 + nslots * stride_bytes (fits u64 for every u32 pair). */
TP_EXPORT TP_TRIVIAL uint64_t tp_payload_pool_length(uint32_t nslots, uint32_t stride_bytes);

/* 64 + index * 256 (§8.1). */
TP_EXPORT TP_TRIVIAL uint64_t tp_header_slot_offset(uint32_t index);

/* 64 + slot * stride_bytes (§9). */
TP_EXPORT TP_TRIVIAL uint64_t tp_payload_slot_offset(uint32_t slot, uint32_t stride_bytes);

/*
 * The exact region length the superblock implies: 64 + nslots * 256 for a
 * header ring, 64 + nslots * stride_bytes for a pool (cannot overflow u64).
 * Checks the superblock first.
 */
TP_EXPORT int tp_superblock_region_length(uint64_t *length, const tp_superblock_t *sb);

/*
 * View `length` bytes at `base` as a header ring: the superblock must pass
 * tp_superblock_check, be a HEADER_RING, and `length` must cover every slot.
 */
TP_EXPORT int tp_header_ring_wrap(tp_header_ring_t *ring, uint8_t *base, uint64_t length);

/* View `length` bytes at `base` as a payload pool (PAYLOAD_POOL, length covers every slot). */
TP_EXPORT int tp_payload_pool_wrap(tp_payload_pool_t *pool, uint8_t *base, uint64_t length);

/* The slot for `seq`: base + 64 + (seq & mask) * 256. Always inside a wrapped ring. */
TP_EXPORT TP_TRIVIAL uint8_t *tp_header_ring_slot(const tp_header_ring_t *ring, uint64_t seq);

/* The payload slot `slot`, or NULL when slot >= nslots (bounds check, §10.2.1). */
TP_EXPORT TP_TRIVIAL uint8_t *tp_payload_pool_slot(const tp_payload_pool_t *pool, uint32_t slot);

/*
 * Write bytes 8..255 of a slot from `fields`: the SlotHeader fields, zeroed
 * pads, headerBytes length 192, the embedded message header {184, 52, 900,
 * 1} and the TensorHeader with dims/strides beyond ndims zero-filled.
 * seq_commit (bytes 0..7) is left to the seqlock: call this between
 * tp_seqlock_write_begin and tp_seqlock_write_commit, which order its plain
 * stores for concurrent readers. Bytes 64..255 are stored only where the
 * slot holds something else (their cache lines stay shared with readers).
 * TP_ERR_INVALID_ARGUMENT when ndims > TP_MAX_DIMS.
 */
TP_EXPORT int tp_header_slot_write(uint8_t *slot, const tp_slot_fields_t *fields);

/*
 * Write only bytes 8..63 of a slot (the SlotHeader fields and headerBytes
 * length, pads zeroed), for a producer that knows bytes 64..255 already hold
 * this frame's tensor description: it wrote that description with
 * tp_header_slot_write into every slot of the ring since it last changed.
 * Same seqlock rules as tp_header_slot_write; never fails.
 */
TP_EXPORT TP_TRIVIAL void tp_header_slot_write_frame(uint8_t *slot, const tp_slot_fields_t *fields);

/*
 * Decode the fields of a slot. No validation (see frame.h); on a slot the
 * producer may be writing, the result is only meaningful once the seqlock
 * confirms it (tp_frame_begin does exactly that).
 */
TP_EXPORT int tp_header_slot_decode(tp_slot_fields_t *out, const uint8_t *slot);

#ifdef __cplusplus
}
#endif

#endif /* TENSORPOOL_SLOT_H */
