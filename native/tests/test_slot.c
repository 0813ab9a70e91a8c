/* test_slot.c - header-ring slots and payload addressing (wire spec §8.1, §8.2, §9). */
#include "tp_test.h"
#include "tp_test_util.h"

#include "tensorpool/slot.h"

#include <sys/mman.h>
#include <unistd.h>

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static uint16_t rd16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

TP_TEST(offsets_follow_8_1_and_9)
{
    TP_CHECK_EQ_U64(64, tp_header_slot_offset(0));
    TP_CHECK_EQ_U64(64 + 256, tp_header_slot_offset(1));
    TP_CHECK_EQ_U64(64 + 4294967295ULL * 256, tp_header_slot_offset(4294967295u));
    TP_CHECK_EQ_U64(64, tp_payload_slot_offset(0, 1 << 20));
    TP_CHECK_EQ_U64(64 + 5ULL * (1 << 20), tp_payload_slot_offset(5, 1 << 20));
    TP_CHECK_EQ_U64(64 + 4294967295ULL * 4294967295ULL, tp_payload_slot_offset(4294967295u, 4294967295u));
    TP_CHECK_EQ_U64(64 + 8 * 256, tp_header_ring_length(8));
    TP_CHECK_EQ_U64(64 + 8 * 4096, tp_payload_pool_length(8, 4096));
    return 0;
}

static tp_slot_fields_t sample_fields(void)
{
    tp_slot_fields_t f;
    memset(&f, 0, sizeof(f));
    f.timestamp_ns = 0x0102030405060708ULL;
    f.values_len_bytes = 0x11121314;
    f.payload_slot = 0x21222324;
    f.payload_offset = 0;
    f.meta_version = 0x31323334;
    f.progress_stride_bytes = 0x41424344;
    f.pool_id = 0x5152;
    f.dtype = TP_DTYPE_FLOAT32;
    f.major_order = TP_MAJOR_ORDER_COLUMN;
    f.ndims = 3;
    f.progress_unit = TP_PROGRESS_UNIT_COLUMNS;
    for (int i = 0; i < TP_MAX_DIMS; i++)
    {
        f.dims[i] = 100 + i;       /* [3, 8) must not reach the slot */
        f.strides[i] = 1000 + i;
    }
    return f;
}

TP_TEST(write_lays_out_every_field_at_its_offset)
{
    uint64_t storage[32];
    uint8_t *slot = (uint8_t *)storage;
    memset(slot, 0xEE, 256);
    storage[0] = 0xDEADBEEFCAFEF00DULL;
    tp_slot_fields_t f = sample_fields();
    TP_CHECK_OK(tp_header_slot_write(slot, &f));

    TP_CHECK_EQ_U64(0xDEADBEEFCAFEF00DULL, rd64(slot)); /* seq_commit is the seqlock's */
    TP_CHECK_EQ_U64(0x11121314, rd32(slot + TP_SLOT_OFFSET_VALUES_LEN_BYTES));
    TP_CHECK_EQ_U64(0x21222324, rd32(slot + TP_SLOT_OFFSET_PAYLOAD_SLOT));
    TP_CHECK_EQ_U64(0x5152, rd16(slot + TP_SLOT_OFFSET_POOL_ID));
    TP_CHECK_EQ_U64(0, rd32(slot + TP_SLOT_OFFSET_PAYLOAD_OFFSET));
    TP_CHECK_EQ_U64(0x0102030405060708ULL, rd64(slot + TP_SLOT_OFFSET_TIMESTAMP_NS));
    TP_CHECK_EQ_U64(0x31323334, rd32(slot + TP_SLOT_OFFSET_META_VERSION));
    for (int i = 0; i < TP_SLOT_PAD_LENGTH; i++)
    {
        TP_CHECK_EQ_INT(0, slot[TP_SLOT_OFFSET_PAD + i]);
    }
    TP_CHECK_EQ_U64(192, rd32(slot + TP_SLOT_OFFSET_HEADER_BYTES_LENGTH));
    const uint8_t message_header[8] = { 0xb8, 0x00, 0x34, 0x00, 0x84, 0x03, 0x01, 0x00 };
    TP_CHECK(memcmp(slot + TP_SLOT_OFFSET_TENSOR_MESSAGE_HEADER, message_header, 8) == 0);

    const uint8_t *t = slot + TP_SLOT_OFFSET_TENSOR_HEADER;
    TP_CHECK_EQ_INT(TP_DTYPE_FLOAT32, rd16(t + TP_TENSOR_OFFSET_DTYPE));
    TP_CHECK_EQ_INT(TP_MAJOR_ORDER_COLUMN, rd16(t + TP_TENSOR_OFFSET_MAJOR_ORDER));
    TP_CHECK_EQ_INT(3, t[TP_TENSOR_OFFSET_NDIMS]);
    TP_CHECK_EQ_INT(0, t[TP_TENSOR_OFFSET_PAD_ALIGN]);
    TP_CHECK_EQ_INT(TP_PROGRESS_UNIT_COLUMNS, t[TP_TENSOR_OFFSET_PROGRESS_UNIT]);
    TP_CHECK_EQ_U64(0x41424344, rd32(t + TP_TENSOR_OFFSET_PROGRESS_STRIDE_BYTES));
    for (int i = 0; i < TP_MAX_DIMS; i++)
    {
        uint32_t dim = rd32(t + TP_TENSOR_OFFSET_DIMS + 4 * i);
        uint32_t stride = rd32(t + TP_TENSOR_OFFSET_STRIDES + 4 * i);
        /* §8.2: producers zero-fill dims/strides beyond ndims */
        TP_CHECK_EQ_U64(i < 3 ? (uint32_t)(100 + i) : 0, dim);
        TP_CHECK_EQ_U64(i < 3 ? (uint32_t)(1000 + i) : 0, stride);
    }
    for (int i = 0; i < TP_TENSOR_PAD_LENGTH; i++)
    {
        TP_CHECK_EQ_INT(0, t[TP_TENSOR_OFFSET_PAD + i]);
    }
    return 0;
}

TP_TEST(decode_returns_what_write_wrote)
{
    uint64_t storage[32] = { 0 };
    tp_slot_fields_t f = sample_fields();
    TP_CHECK_OK(tp_header_slot_write((uint8_t *)storage, &f));
    tp_slot_fields_t back;
    TP_CHECK_OK(tp_header_slot_decode(&back, (const uint8_t *)storage));
    for (int i = 3; i < TP_MAX_DIMS; i++)
    {
        f.dims[i] = 0;
        f.strides[i] = 0;
    }
    TP_CHECK(memcmp(&f, &back, sizeof(f)) == 0);
    return 0;
}

/*
 * A steady stream rewrites a slot with the same tensor description: the
 * embedded TensorHeader (bytes 64..255) must then not be stored to at all,
 * so its cache lines stay shared with consumers. The slot is placed so those
 * bytes sit on their own page, made read-only: any store there would fault.
 * A changed description (fewer dims) is stored and re-zeroes what it left.
 */
TP_TEST(write_leaves_an_unchanged_tensor_header_untouched)
{
    long page = sysconf(_SC_PAGESIZE);
    uint8_t *pages = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    TP_CHECK(pages != MAP_FAILED);
    uint8_t *slot = pages + page - TP_SLOT_OFFSET_TENSOR_MESSAGE_HEADER;
    memset(slot, 0x5A, 256);
    tp_slot_fields_t f = sample_fields();
    TP_CHECK_OK(tp_header_slot_write(slot, &f));
    TP_CHECK_EQ_INT(0, mprotect(pages + page, (size_t)page, PROT_READ));

    f.timestamp_ns++;
    f.payload_slot++;
    f.values_len_bytes = 17;
    TP_CHECK_OK(tp_header_slot_write(slot, &f)); /* faults if it stores into the read-only page */
    TP_CHECK_EQ_U64(17, rd32(slot + TP_SLOT_OFFSET_VALUES_LEN_BYTES));

    TP_CHECK_EQ_INT(0, mprotect(pages + page, (size_t)page, PROT_READ | PROT_WRITE));
    f.ndims = 1;
    TP_CHECK_OK(tp_header_slot_write(slot, &f));
    tp_slot_fields_t back;
    TP_CHECK_OK(tp_header_slot_decode(&back, slot));
    TP_CHECK_EQ_INT(1, back.ndims);
    TP_CHECK_EQ_INT(100, back.dims[0]);
    const uint8_t *t = slot + TP_SLOT_OFFSET_TENSOR_HEADER;
    for (int i = 1; i < TP_MAX_DIMS; i++)
    {
        TP_CHECK_EQ_U64(0, rd32(t + TP_TENSOR_OFFSET_DIMS + 4 * i));
        TP_CHECK_EQ_U64(0, rd32(t + TP_TENSOR_OFFSET_STRIDES + 4 * i));
    }
    for (int i = 0; i < TP_TENSOR_PAD_LENGTH; i++)
    {
        TP_CHECK_EQ_INT(0, t[TP_TENSOR_OFFSET_PAD + i]);
    }
    munmap(pages, (size_t)page * 2);
    return 0;
}

TP_TEST(write_rejects_more_than_max_dims)
{
    uint64_t storage[32] = { 0 };
    tp_slot_fields_t f = sample_fields();
    f.ndims = 9;
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_header_slot_write((uint8_t *)storage, &f));
    TP_CHECK_EQ_U64(0, storage[1]); /* nothing written */
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_header_slot_write(NULL, &f));
    return 0;
}

TP_TEST(ring_wrap_maps_seq_to_slots)
{
    tp_test_stream_t s;
    TP_CHECK_EQ_INT(0, tp_test_stream_init(&s, 8, 8, 128, 1));
    TP_CHECK_EQ_INT(8, s.ring.nslots);
    TP_CHECK_EQ_INT(7, s.ring.mask);
    TP_CHECK(tp_header_ring_slot(&s.ring, 0) == s.ring_memory + 64);
    TP_CHECK(tp_header_ring_slot(&s.ring, 7) == s.ring_memory + 64 + 7 * 256);
    TP_CHECK(tp_header_ring_slot(&s.ring, 8) == s.ring_memory + 64);
    TP_CHECK(tp_header_ring_slot(&s.ring, 0xFFFFFFFFFFFFFFFFULL) == s.ring_memory + 64 + 7 * 256);
    tp_test_stream_free(&s);
    return 0;
}

TP_TEST(pool_slot_is_bounds_checked)
{
    tp_test_stream_t s;
    TP_CHECK_EQ_INT(0, tp_test_stream_init(&s, 4, 4, 192, 9));
    TP_CHECK_EQ_INT(9, s.pool.pool_id);
    TP_CHECK_EQ_INT(192, s.pool.stride_bytes);
    TP_CHECK(tp_payload_pool_slot(&s.pool, 0) == s.pool_memory + 64);
    TP_CHECK(tp_payload_pool_slot(&s.pool, 3) == s.pool_memory + 64 + 3 * 192);
    TP_CHECK(tp_payload_pool_slot(&s.pool, 4) == NULL);
    TP_CHECK(tp_payload_pool_slot(&s.pool, 0xFFFFFFFFu) == NULL);
    tp_test_stream_free(&s);
    return 0;
}

TP_TEST(wrap_checks_type_superblock_and_length)
{
    tp_test_stream_t s;
    TP_CHECK_EQ_INT(0, tp_test_stream_init(&s, 8, 8, 128, 1));
    tp_header_ring_t ring;
    tp_payload_pool_t pool;
    uint64_t ring_length = tp_header_ring_length(8);
    uint64_t pool_length = tp_payload_pool_length(8, 128);
    TP_CHECK_ERR(TP_ERR_REGION_TYPE, tp_header_ring_wrap(&ring, s.pool_memory, pool_length));
    TP_CHECK_ERR(TP_ERR_REGION_TYPE, tp_payload_pool_wrap(&pool, s.ring_memory, ring_length));
    TP_CHECK_ERR(TP_ERR_SIZE, tp_header_ring_wrap(&ring, s.ring_memory, ring_length - 1));
    TP_CHECK_ERR(TP_ERR_SIZE, tp_payload_pool_wrap(&pool, s.pool_memory, pool_length - 1));
    TP_CHECK_ERR(TP_ERR_SIZE, tp_header_ring_wrap(&ring, s.ring_memory, 63));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_header_ring_wrap(&ring, NULL, ring_length));
    s.ring_memory[0] ^= 1;
    TP_CHECK_ERR(TP_ERR_MAGIC, tp_header_ring_wrap(&ring, s.ring_memory, ring_length));
    TP_CHECK(ring.base == NULL);
    tp_test_stream_free(&s);
    return 0;
}

TP_TEST_MAIN()
