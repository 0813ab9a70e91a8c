/* test_frame.c - consumer frame validation (wire spec §8.2, §8.3, §10.2.1, §15.5, §15.8, §15.18, §15.21). */
#include "tp_test.h"
#include "tp_test_util.h"

#include "tensorpool/frame.h"

enum { RING_SLOTS = 8, STRIDE = 256, POOL_ID = 1 };

static uint8_t payload[STRIDE];

static int setup(tp_test_stream_t *s)
{
    for (int i = 0; i < STRIDE; i++)
    {
        payload[i] = (uint8_t)i;
    }
    return tp_test_stream_init(s, RING_SLOTS, RING_SLOTS, STRIDE, POOL_ID);
}

/* Publish `fields` at `seq`, then try to read it back. */
static int32_t publish_and_read(tp_test_stream_t *s, uint64_t seq, const tp_slot_fields_t *fields, tp_frame_t *frame)
{
    tp_test_publish(s, seq, fields, payload, fields->values_len_bytes <= STRIDE ? fields->values_len_bytes : 0);
    return tp_frame_begin(frame, &s->ring, &s->pool, 1, seq);
}

/* A valid header for `seq` with one edit applied by the caller, expected to be dropped for `reason`. */
#define EXPECT_DROP(reason, seq, edit)                                                                \
    do                                                                                               \
    {                                                                                                \
        tp_slot_fields_t f_ = tp_test_fields((uint32_t)((seq) & (RING_SLOTS - 1)), POOL_ID, 16);     \
        tp_slot_fields_t *f = &f_;                                                                   \
        edit;                                                                                        \
        tp_frame_t frame_;                                                                           \
        int32_t got_ = publish_and_read(&s, (seq), f, &frame_);                                      \
        if (got_ != (reason))                                                                        \
            TP_FAIL_AT("%s: expected %s, got %s", #edit, tp_frame_status_name(reason), tp_frame_status_name(got_)); \
    } while (0)

#define EXPECT_OK(seq, edit) EXPECT_DROP(TP_FRAME_OK, seq, edit)

TP_TEST(accepts_a_committed_frame_and_locates_its_payload)
{
    tp_test_stream_t s;
    TP_CHECK_EQ_INT(0, setup(&s));
    tp_slot_fields_t f = tp_test_fields(3, POOL_ID, 16);
    f.timestamp_ns = 123456789;
    f.meta_version = 4;
    tp_frame_t frame;
    TP_CHECK_EQ_INT(TP_FRAME_OK, publish_and_read(&s, 11, &f, &frame));
    TP_CHECK_EQ_U64(11, frame.seq);
    TP_CHECK_EQ_U64(23, frame.seq_commit);
    TP_CHECK_EQ_INT(3, frame.header_index);
    TP_CHECK_EQ_INT(0, frame.pool_index);
    TP_CHECK(frame.payload == s.pool_memory + 64 + 3 * STRIDE);
    TP_CHECK(frame.slot == s.ring_memory + 64 + 3 * 256);
    TP_CHECK(memcmp(frame.payload, payload, 16) == 0);
    TP_CHECK_EQ_U64(123456789, frame.header.timestamp_ns);
    TP_CHECK_EQ_INT(4, frame.header.meta_version);
    TP_CHECK_EQ_INT(16, frame.header.values_len_bytes);
    TP_CHECK_EQ_INT(1, frame.layout.element_bytes);
    TP_CHECK_EQ_INT(1, frame.layout.strides[0]);
    TP_CHECK_EQ_U64(16, frame.layout.extent_bytes);
    TP_CHECK_EQ_INT(TP_FRAME_OK, tp_frame_end(&frame));
    tp_test_stream_free(&s);
    return 0;
}

TP_TEST(drops_when_not_committed_8_3)
{
    tp_test_stream_t s;
    TP_CHECK_EQ_INT(0, setup(&s));
    tp_frame_t frame;
    /* never written */
    TP_CHECK_EQ_INT(TP_FRAME_DROP_NOT_COMMITTED, tp_frame_begin(&frame, &s.ring, &s.pool, 1, 0));
    /* being written */
    tp_slot_fields_t f = tp_test_fields(2, POOL_ID, 16);
    tp_test_publish(&s, 2, &f, payload, 16);
    tp_seqlock_write_begin((uint64_t *)tp_header_ring_slot(&s.ring, 10), 10);
    TP_CHECK_EQ_INT(TP_FRAME_DROP_NOT_COMMITTED, tp_frame_begin(&frame, &s.ring, &s.pool, 1, 10));
    tp_test_stream_free(&s);
    return 0;
}

TP_TEST(drops_when_the_slot_holds_another_sequence_10_2_1)
{
    tp_test_stream_t s;
    TP_CHECK_EQ_INT(0, setup(&s));
    tp_slot_fields_t f = tp_test_fields(3, POOL_ID, 16);
    tp_test_publish(&s, 11, &f, payload, 16);
    tp_frame_t frame;
    /* the descriptor for 3 arrives after 11 reused the slot */
    TP_CHECK_EQ_INT(TP_FRAME_DROP_SEQ_MISMATCH, tp_frame_begin(&frame, &s.ring, &s.pool, 1, 3));
    /* a descriptor ahead of the slot (stale slot, §15.3) */
    TP_CHECK_EQ_INT(TP_FRAME_DROP_SEQ_MISMATCH, tp_frame_begin(&frame, &s.ring, &s.pool, 1, 19));
    tp_test_stream_free(&s);
    return 0;
}

TP_TEST(zero_copy_read_is_dropped_when_overwritten_before_end)
{
    tp_test_stream_t s;
    TP_CHECK_EQ_INT(0, setup(&s));
    tp_slot_fields_t f = tp_test_fields(1, POOL_ID, 16);
    tp_frame_t frame;
    TP_CHECK_EQ_INT(TP_FRAME_OK, publish_and_read(&s, 1, &f, &frame));
    /* The producer laps the ring and starts writing seq 9 into the same slot. */
    tp_seqlock_write_begin((uint64_t *)frame.slot, 9);
    TP_CHECK_EQ_INT(TP_FRAME_DROP_CHANGED, tp_frame_end(&frame));
    tp_seqlock_write_commit((uint64_t *)frame.slot, 9);
    TP_CHECK_EQ_INT(TP_FRAME_DROP_CHANGED, tp_frame_end(&frame));
    tp_test_stream_free(&s);
    return 0;
}

/* Corrupt one byte range of a committed slot's embedded header, keeping seq_commit. */
static int32_t read_with_embedded(tp_test_stream_t *s, size_t offset, const void *bytes, size_t length)
{
    tp_slot_fields_t f = tp_test_fields(5, POOL_ID, 16);
    tp_test_publish(s, 5, &f, payload, 16);
    memcpy(tp_header_ring_slot(&s->ring, 5) + offset, bytes, length);
    tp_frame_t frame;
    return tp_frame_begin(&frame, &s->ring, &s->pool, 1, 5);
}

TP_TEST(drops_a_bad_embedded_header_8_3)
{
    tp_test_stream_t s;
    TP_CHECK_EQ_INT(0, setup(&s));
    uint32_t length = 191;
    uint16_t v;
    TP_CHECK_EQ_INT(TP_FRAME_DROP_HEADER_LENGTH, read_with_embedded(&s, TP_SLOT_OFFSET_HEADER_BYTES_LENGTH, &length, 4));
    length = 0;
    TP_CHECK_EQ_INT(TP_FRAME_DROP_HEADER_LENGTH, read_with_embedded(&s, TP_SLOT_OFFSET_HEADER_BYTES_LENGTH, &length, 4));
    length = 0xFFFFFFFFu;
    TP_CHECK_EQ_INT(TP_FRAME_DROP_HEADER_LENGTH, read_with_embedded(&s, TP_SLOT_OFFSET_HEADER_BYTES_LENGTH, &length, 4));
    v = 183;
    TP_CHECK_EQ_INT(TP_FRAME_DROP_HEADER_BLOCK_LENGTH, read_with_embedded(&s, TP_SLOT_OFFSET_TENSOR_MESSAGE_HEADER, &v, 2));
    v = 53;
    TP_CHECK_EQ_INT(TP_FRAME_DROP_HEADER_TEMPLATE_ID, read_with_embedded(&s, TP_SLOT_OFFSET_TENSOR_MESSAGE_HEADER + 2, &v, 2));
    v = 901;
    TP_CHECK_EQ_INT(TP_FRAME_DROP_HEADER_SCHEMA_ID, read_with_embedded(&s, TP_SLOT_OFFSET_TENSOR_MESSAGE_HEADER + 4, &v, 2));
    v = 2;
    TP_CHECK_EQ_INT(TP_FRAME_DROP_HEADER_VERSION, read_with_embedded(&s, TP_SLOT_OFFSET_TENSOR_MESSAGE_HEADER + 6, &v, 2));
    v = 0;
    TP_CHECK_EQ_INT(TP_FRAME_DROP_HEADER_VERSION, read_with_embedded(&s, TP_SLOT_OFFSET_TENSOR_MESSAGE_HEADER + 6, &v, 2));
    tp_test_stream_free(&s);
    return 0;
}

TP_TEST(drops_on_payload_placement_rules_10_2_1)
{
    tp_test_stream_t s;
    TP_CHECK_EQ_INT(0, setup(&s));
    EXPECT_DROP(TP_FRAME_DROP_PAYLOAD_OFFSET, 2, f->payload_offset = 64);
    EXPECT_DROP(TP_FRAME_DROP_PAYLOAD_SLOT_MISMATCH, 2, f->payload_slot = 3);
    EXPECT_DROP(TP_FRAME_DROP_PAYLOAD_SLOT_MISMATCH, 2, f->payload_slot = 0xFFFFFFFFu);
    EXPECT_DROP(TP_FRAME_DROP_POOL_UNKNOWN, 2, f->pool_id = 2);
    EXPECT_DROP(TP_FRAME_DROP_POOL_UNKNOWN, 2, f->pool_id = 0);
    EXPECT_DROP(TP_FRAME_DROP_VALUES_LEN, 2, (f->values_len_bytes = STRIDE + 1, f->dims[0] = 1));
    EXPECT_OK(2, (f->values_len_bytes = STRIDE, f->dims[0] = STRIDE));
    tp_test_stream_free(&s);
    return 0;
}

TP_TEST(drops_payload_slot_out_of_range_for_the_pool_10_2_1)
{
    /* A pool mapped with fewer slots than the ring (announce violating §15.5): index 5 has no payload slot. */
    tp_test_stream_t s;
    TP_CHECK_EQ_INT(0, tp_test_stream_init(&s, RING_SLOTS, 4, STRIDE, POOL_ID));
    tp_slot_fields_t f = tp_test_fields(5, POOL_ID, 16);
    tp_test_publish(&s, 5, &f, NULL, 0);
    tp_frame_t frame;
    TP_CHECK_EQ_INT(TP_FRAME_DROP_PAYLOAD_SLOT_RANGE, tp_frame_begin(&frame, &s.ring, &s.pool, 1, 5));
    TP_CHECK(frame.payload == NULL);
    tp_test_stream_free(&s);
    return 0;
}

TP_TEST(finds_the_pool_by_id_among_several)
{
    tp_test_stream_t a, b;
    TP_CHECK_EQ_INT(0, tp_test_stream_init(&a, RING_SLOTS, RING_SLOTS, 128, 7));
    TP_CHECK_EQ_INT(0, tp_test_stream_init(&b, RING_SLOTS, RING_SLOTS, 1024, 9));
    tp_payload_pool_t pools[2] = { a.pool, b.pool };
    tp_slot_fields_t f = tp_test_fields(4, 9, 512);
    tp_test_publish(&a, 4, &f, NULL, 0);
    tp_frame_t frame;
    TP_CHECK_EQ_INT(TP_FRAME_OK, tp_frame_begin(&frame, &a.ring, pools, 2, 4));
    TP_CHECK_EQ_INT(1, frame.pool_index);
    TP_CHECK(frame.payload == b.pool_memory + 64 + 4 * 1024);
    /* 512 bytes do not fit pool 7's 128-byte stride */
    f.pool_id = 7;
    tp_test_publish(&a, 4, &f, NULL, 0);
    TP_CHECK_EQ_INT(TP_FRAME_DROP_VALUES_LEN, tp_frame_begin(&frame, &a.ring, pools, 2, 4));
    TP_CHECK_EQ_INT(TP_FRAME_DROP_POOL_UNKNOWN, tp_frame_begin(&frame, &a.ring, NULL, 0, 4));
    tp_test_stream_free(&a);
    tp_test_stream_free(&b);
    return 0;
}

TP_TEST(drops_bad_ndims_dtype_and_major_order_8_2_15_8)
{
    tp_test_stream_t s;
    TP_CHECK_EQ_INT(0, setup(&s));
    EXPECT_DROP(TP_FRAME_DROP_NDIMS, 1, f->ndims = 0);
    EXPECT_DROP(TP_FRAME_DROP_DTYPE, 1, f->dtype = TP_DTYPE_UNKNOWN);
    EXPECT_DROP(TP_FRAME_DROP_DTYPE, 1, f->dtype = 12);
    EXPECT_DROP(TP_FRAME_DROP_DTYPE, 1, f->dtype = 15);
    EXPECT_DROP(TP_FRAME_DROP_DTYPE, 1, f->dtype = -1);
    EXPECT_DROP(TP_FRAME_DROP_MAJOR_ORDER, 1, f->major_order = TP_MAJOR_ORDER_UNKNOWN);
    EXPECT_DROP(TP_FRAME_DROP_MAJOR_ORDER, 1, f->major_order = 3);
    EXPECT_OK(1, (f->ndims = 8, f->dims[1] = f->dims[2] = f->dims[3] = f->dims[4] = f->dims[5] = f->dims[6] = f->dims[7] = 1));
    tp_test_stream_free(&s);
    return 0;
}

TP_TEST(drops_ndims_above_max_written_raw)
{
    /* tp_header_slot_write refuses ndims > 8, so a hostile producer writes the byte itself. */
    tp_test_stream_t s;
    TP_CHECK_EQ_INT(0, setup(&s));
    uint8_t nine = 9;
    TP_CHECK_EQ_INT(TP_FRAME_DROP_NDIMS,
        read_with_embedded(&s, TP_SLOT_OFFSET_TENSOR_HEADER + TP_TENSOR_OFFSET_NDIMS, &nine, 1));
    uint8_t big = 255;
    TP_CHECK_EQ_INT(TP_FRAME_DROP_NDIMS,
        read_with_embedded(&s, TP_SLOT_OFFSET_TENSOR_HEADER + TP_TENSOR_OFFSET_NDIMS, &big, 1));
    tp_test_stream_free(&s);
    return 0;
}

TP_TEST(ignores_dims_and_strides_beyond_ndims_8_2)
{
    tp_test_stream_t s;
    TP_CHECK_EQ_INT(0, setup(&s));
    int32_t garbage[2] = { -5, 0x7FFFFFFF };
    TP_CHECK_EQ_INT(TP_FRAME_OK,
        read_with_embedded(&s, TP_SLOT_OFFSET_TENSOR_HEADER + TP_TENSOR_OFFSET_DIMS + 4 * 6, garbage, sizeof(garbage)));
    TP_CHECK_EQ_INT(TP_FRAME_OK,
        read_with_embedded(&s, TP_SLOT_OFFSET_TENSOR_HEADER + TP_TENSOR_OFFSET_STRIDES + 4 * 6, garbage, sizeof(garbage)));
    uint8_t junk[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    TP_CHECK_EQ_INT(TP_FRAME_OK, read_with_embedded(&s, TP_SLOT_OFFSET_PAD, junk, sizeof(junk)));
    TP_CHECK_EQ_INT(TP_FRAME_OK, read_with_embedded(&s, TP_SLOT_OFFSET_TENSOR_HEADER + TP_TENSOR_OFFSET_PAD, junk, sizeof(junk)));
    TP_CHECK_EQ_INT(TP_FRAME_OK, read_with_embedded(&s, TP_SLOT_OFFSET_TENSOR_HEADER + TP_TENSOR_OFFSET_PAD_ALIGN, junk, 1));
    tp_test_stream_free(&s);
    return 0;
}

TP_TEST(drops_negative_dims_and_strides_8_2)
{
    tp_test_stream_t s;
    TP_CHECK_EQ_INT(0, setup(&s));
    EXPECT_DROP(TP_FRAME_DROP_DIMS_NEGATIVE, 1, f->dims[0] = -16);
    EXPECT_DROP(TP_FRAME_DROP_STRIDES_NEGATIVE, 1, f->strides[0] = -1);
    EXPECT_DROP(TP_FRAME_DROP_STRIDES_NEGATIVE, 1,
        (f->ndims = 2, f->dims[0] = 4, f->dims[1] = 4, f->strides[0] = -4, f->strides[1] = 1));
    tp_test_stream_free(&s);
    return 0;
}

TP_TEST(drops_overlapping_strides_and_strides_against_major_order_8_2)
{
    tp_test_stream_t s;
    TP_CHECK_EQ_INT(0, setup(&s));
    /* FLOAT32 4x4 row-major: contiguous strides are [16, 4]. */
#define GRID(a, b)                                                                                   \
    (f->values_len_bytes = 64, f->dtype = TP_DTYPE_FLOAT32, f->ndims = 2, f->dims[0] = 4, f->dims[1] = 4, \
        f->strides[0] = (a), f->strides[1] = (b))
    EXPECT_OK(1, GRID(16, 4));
    EXPECT_OK(1, GRID(0, 0));
    EXPECT_DROP(TP_FRAME_DROP_STRIDES_LAYOUT, 1, GRID(16, 2));  /* elements overlap */
    EXPECT_DROP(TP_FRAME_DROP_STRIDES_LAYOUT, 1, GRID(8, 4));   /* rows overlap */
    EXPECT_DROP(TP_FRAME_DROP_STRIDES_LAYOUT, 1, GRID(4, 16));  /* column-major strides in a ROW header */
    EXPECT_DROP(TP_FRAME_DROP_STRIDES_LAYOUT, 1, GRID(16, 16)); /* rows overlap */
    /* The same strides are right for COLUMN. */
    EXPECT_OK(1, (GRID(4, 16), f->major_order = TP_MAJOR_ORDER_COLUMN));
    EXPECT_DROP(TP_FRAME_DROP_STRIDES_LAYOUT, 1, (GRID(16, 4), f->major_order = TP_MAJOR_ORDER_COLUMN));
#undef GRID
    tp_test_stream_free(&s);
    return 0;
}

TP_TEST(infers_zero_strides_per_dimension)
{
    tp_test_stream_t s;
    TP_CHECK_EQ_INT(0, setup(&s));
    tp_frame_t frame;
    /* FLOAT64 3x5 column-major: [8, 24] */
    tp_slot_fields_t f = tp_test_fields(1, POOL_ID, 120);
    f.dtype = TP_DTYPE_FLOAT64;
    f.major_order = TP_MAJOR_ORDER_COLUMN;
    f.ndims = 2;
    f.dims[0] = 3;
    f.dims[1] = 5;
    TP_CHECK_EQ_INT(TP_FRAME_OK, publish_and_read(&s, 1, &f, &frame));
    TP_CHECK_EQ_INT(8, frame.layout.strides[0]);
    TP_CHECK_EQ_INT(24, frame.layout.strides[1]);
    TP_CHECK_EQ_U64(120, frame.layout.extent_bytes);
    /* UINT16 2x3x4 row-major with padded rows: strides [0, 16, 0] -> [48, 16, 2] */
    f = tp_test_fields(1, POOL_ID, 96);
    f.dtype = TP_DTYPE_UINT16;
    f.ndims = 3;
    f.dims[0] = 2;
    f.dims[1] = 3;
    f.dims[2] = 4;
    f.strides[1] = 16;
    TP_CHECK_EQ_INT(TP_FRAME_OK, publish_and_read(&s, 1, &f, &frame));
    TP_CHECK_EQ_INT(48, frame.layout.strides[0]);
    TP_CHECK_EQ_INT(16, frame.layout.strides[1]);
    TP_CHECK_EQ_INT(2, frame.layout.strides[2]);
    TP_CHECK_EQ_U64(48 + 2 * 16 + 3 * 2 + 2, frame.layout.extent_bytes);
    TP_CHECK_EQ_INT(0, frame.layout.strides[3]);
    tp_test_stream_free(&s);
    return 0;
}

TP_TEST(drops_a_layout_larger_than_values_len)
{
    tp_test_stream_t s;
    TP_CHECK_EQ_INT(0, setup(&s));
    EXPECT_DROP(TP_FRAME_DROP_EXTENT, 1, f->dims[0] = 17);
    EXPECT_DROP(TP_FRAME_DROP_EXTENT, 1, (f->dtype = TP_DTYPE_INT32, f->dims[0] = 5));
    EXPECT_DROP(TP_FRAME_DROP_EXTENT, 1, f->dims[0] = 0x7FFFFFFF);
    /* Explicit strides that spread elements past the payload: 2 elements 16 bytes apart need 17 bytes. */
    EXPECT_DROP(TP_FRAME_DROP_EXTENT, 1, (f->dims[0] = 2, f->strides[0] = 16));
    EXPECT_OK(1, (f->dims[0] = 2, f->strides[0] = 15));
    /* An inferred stride that does not fit i32 */
    EXPECT_DROP(TP_FRAME_DROP_STRIDES_LAYOUT, 1,
        (f->ndims = 3, f->dims[0] = 2, f->dims[1] = 65536, f->dims[2] = 65536));
    tp_test_stream_free(&s);
    return 0;
}

TP_TEST(accepts_empty_tensors_and_empty_payloads_8_2)
{
    tp_test_stream_t s;
    TP_CHECK_EQ_INT(0, setup(&s));
    tp_frame_t frame;
    tp_slot_fields_t f = tp_test_fields(1, POOL_ID, 16);
    f.ndims = 2;
    f.dims[0] = 0;
    f.dims[1] = 5;
    TP_CHECK_EQ_INT(TP_FRAME_OK, publish_and_read(&s, 1, &f, &frame));
    TP_CHECK_EQ_U64(0, frame.layout.extent_bytes);
    /* values_len_bytes = 0 is valid and the payload is never read, whatever the dims say. */
    f = tp_test_fields(1, POOL_ID, 0);
    f.dims[0] = 1000;
    TP_CHECK_EQ_INT(TP_FRAME_OK, publish_and_read(&s, 1, &f, &frame));
    TP_CHECK_EQ_INT(0, frame.header.values_len_bytes);
    tp_test_stream_free(&s);
    return 0;
}

TP_TEST(checks_progress_unit_and_stride_8_2)
{
    tp_test_stream_t s;
    TP_CHECK_EQ_INT(0, setup(&s));
    /* UINT8 4x4 row-major: row stride 4, column stride 1. */
#define IMAGE (f->ndims = 2, f->dims[0] = 4, f->dims[1] = 4)
    EXPECT_OK(1, (IMAGE, f->progress_unit = TP_PROGRESS_UNIT_ROWS, f->progress_stride_bytes = 4));
    EXPECT_OK(1, (IMAGE, f->progress_unit = TP_PROGRESS_UNIT_COLUMNS, f->progress_stride_bytes = 1));
    EXPECT_OK(1, (IMAGE, f->progress_unit = TP_PROGRESS_UNIT_NONE, f->progress_stride_bytes = 999));
    EXPECT_DROP(TP_FRAME_DROP_PROGRESS_STRIDE, 1, (IMAGE, f->progress_unit = TP_PROGRESS_UNIT_ROWS, f->progress_stride_bytes = 0));
    EXPECT_DROP(TP_FRAME_DROP_PROGRESS_STRIDE, 1, (IMAGE, f->progress_unit = TP_PROGRESS_UNIT_ROWS, f->progress_stride_bytes = 8));
    EXPECT_DROP(TP_FRAME_DROP_PROGRESS_STRIDE, 1, (IMAGE, f->progress_unit = TP_PROGRESS_UNIT_COLUMNS, f->progress_stride_bytes = 4));
    EXPECT_DROP(TP_FRAME_DROP_PROGRESS_STRIDE, 1, (f->progress_unit = TP_PROGRESS_UNIT_COLUMNS, f->progress_stride_bytes = 1));
    EXPECT_DROP(TP_FRAME_DROP_PROGRESS_UNIT, 1, (IMAGE, f->progress_unit = 3, f->progress_stride_bytes = 4));
    EXPECT_DROP(TP_FRAME_DROP_PROGRESS_UNIT, 1, (IMAGE, f->progress_unit = 255));
    /* Padded rows: the progress stride must be the true stride, not the packed one. */
    EXPECT_OK(1, (IMAGE, f->strides[0] = 8, f->values_len_bytes = 32, f->progress_unit = TP_PROGRESS_UNIT_ROWS,
                     f->progress_stride_bytes = 8));
#undef IMAGE
    tp_test_stream_free(&s);
    return 0;
}

TP_TEST(validate_slot_checks_a_private_copy)
{
    tp_test_stream_t s;
    TP_CHECK_EQ_INT(0, setup(&s));
    uint64_t copy[32] = { 0 };
    tp_slot_fields_t f = tp_test_fields(6, POOL_ID, 16);
    TP_CHECK_OK(tp_header_slot_write((uint8_t *)copy, &f));
    tp_frame_t frame;
    TP_CHECK_EQ_INT(TP_FRAME_OK, tp_frame_validate_slot(&frame, (const uint8_t *)copy, 6, &s.pool, 1));
    TP_CHECK(frame.payload == s.pool_memory + 64 + 6 * STRIDE);
    TP_CHECK_EQ_INT(TP_FRAME_DROP_PAYLOAD_SLOT_MISMATCH, tp_frame_validate_slot(&frame, (const uint8_t *)copy, 5, &s.pool, 1));
    tp_test_stream_free(&s);
    return 0;
}

TP_TEST(tensor_layout_resolve_serves_producers_too)
{
    tp_slot_fields_t f = tp_test_fields(0, POOL_ID, 24);
    f.dtype = TP_DTYPE_INT16;
    f.ndims = 2;
    f.dims[0] = 3;
    f.dims[1] = 4;
    tp_tensor_layout_t layout;
    TP_CHECK_EQ_INT(TP_FRAME_OK, tp_tensor_layout_resolve(&layout, &f));
    TP_CHECK_EQ_INT(8, layout.strides[0]);
    TP_CHECK_EQ_INT(2, layout.strides[1]);
    TP_CHECK_EQ_INT(2, layout.element_bytes);
    TP_CHECK_EQ_U64(24, layout.extent_bytes);
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_tensor_layout_resolve(NULL, &f));
    return 0;
}

TP_TEST(dtype_sizes_follow_the_registry_15_8)
{
    const int32_t dtypes[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, -1 };
    const uint32_t sizes[] = { 0, 1, 1, 2, 2, 4, 4, 8, 8, 4, 8, 1, 0, 1, 1, 0, 0 };
    for (size_t i = 0; i < sizeof(dtypes) / sizeof(dtypes[0]); i++)
    {
        TP_CHECK_EQ_INT(sizes[i], tp_dtype_element_bytes(dtypes[i]));
    }
    return 0;
}

TP_TEST(rejects_misuse_without_crashing)
{
    tp_test_stream_t s;
    TP_CHECK_EQ_INT(0, setup(&s));
    tp_frame_t frame;
    tp_header_ring_t empty;
    memset(&empty, 0, sizeof(empty));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_frame_begin(NULL, &s.ring, &s.pool, 1, 0));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_frame_begin(&frame, NULL, &s.pool, 1, 0));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_frame_begin(&frame, &empty, &s.pool, 1, 0));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_frame_begin(&frame, &s.ring, NULL, 1, 0));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_frame_validate_slot(&frame, NULL, 0, &s.pool, 1));
    /* Views filled by hand with lengths that do not cover the slots are refused, never read past. */
    tp_header_ring_t short_ring = s.ring;
    short_ring.length = 64 + 3 * 256;
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_frame_begin(&frame, &short_ring, &s.pool, 1, 3));
    tp_slot_fields_t f = tp_test_fields(2, POOL_ID, 16);
    tp_test_publish(&s, 2, &f, payload, 16);
    tp_payload_pool_t short_pool = s.pool;
    short_pool.length = 64 + 2 * STRIDE;
    TP_CHECK_EQ_INT(TP_FRAME_DROP_PAYLOAD_SLOT_RANGE, tp_frame_begin(&frame, &s.ring, &short_pool, 1, 2));
    TP_CHECK_EQ_INT(TP_FRAME_OK, tp_frame_begin(&frame, &s.ring, &s.pool, 1, 2));
    tp_test_stream_free(&s);
    return 0;
}

/*
 * Random slots (a valid one with random bytes overwritten, and pure noise):
 * every verdict is a known status, and an accepted frame's payload lies in
 * its pool slot with the layout inside values_len <= stride.
 */
TP_TEST(random_slots_get_a_verdict_and_never_escape_the_pool)
{
    tp_test_stream_t s;
    TP_CHECK_EQ_INT(0, setup(&s));
    uint64_t state = 0x243F6A8885A308D3ULL;
    uint64_t accepted = 0;
    for (int iteration = 0; iteration < 200000; iteration++)
    {
        uint64_t copy[32];
        uint32_t index = (uint32_t)(tp_test_random(&state) % RING_SLOTS);
        if (iteration % 4 == 0)
        {
            for (int w = 0; w < 32; w++) copy[w] = tp_test_random(&state);
        }
        else
        {
            tp_slot_fields_t f = tp_test_fields(index, POOL_ID, 16);
            memset(copy, 0, sizeof(copy));
            tp_header_slot_write((uint8_t *)copy, &f);
            int edits = 1 + (int)(tp_test_random(&state) % 3);
            for (int e = 0; e < edits; e++)
            {
                uint64_t r = tp_test_random(&state);
                ((uint8_t *)copy)[8 + r % 248] = (uint8_t)(r >> 32);
            }
        }
        tp_frame_t frame;
        int32_t status = tp_frame_validate_slot(&frame, (const uint8_t *)copy, index, &s.pool, 1);
        TP_CHECK(status >= 0 && status < TP_FRAME_STATUS_COUNT);
        if (status == TP_FRAME_OK)
        {
            accepted++;
            TP_CHECK(frame.payload == s.pool_memory + 64 + (uint64_t)index * STRIDE);
            TP_CHECK(frame.header.values_len_bytes <= STRIDE);
            TP_CHECK(frame.header.values_len_bytes == 0 || frame.layout.extent_bytes <= frame.header.values_len_bytes);
            TP_CHECK(frame.header.ndims >= 1 && frame.header.ndims <= TP_MAX_DIMS);
        }
    }
    TP_CHECK(accepted > 0);
    tp_test_stream_free(&s);
    return 0;
}

TP_TEST(status_names_are_distinct)
{
    for (int32_t i = 0; i < TP_FRAME_STATUS_COUNT; i++)
    {
        const char *name = tp_frame_status_name(i);
        TP_CHECK(strncmp(name, "TP_FRAME_", 9) == 0);
        TP_CHECK(strcmp(name, "TP_FRAME_STATUS_UNKNOWN") != 0);
        for (int32_t j = 0; j < i; j++)
        {
            TP_CHECK(strcmp(name, tp_frame_status_name(j)) != 0);
        }
    }
    TP_CHECK_STR("TP_FRAME_DROP_EXTENT", tp_frame_status_name(TP_FRAME_DROP_EXTENT));
    TP_CHECK_STR("TP_FRAME_STATUS_UNKNOWN", tp_frame_status_name(TP_FRAME_STATUS_COUNT));
    TP_CHECK_STR("TP_FRAME_STATUS_UNKNOWN", tp_frame_status_name(-1));
    return 0;
}

TP_TEST_MAIN()
