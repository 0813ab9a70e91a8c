/*
 * test_reference.c - the SHM layouts the reference C implementation wrote
 * (../shared/reference/shm, see its README): every field decoded, our
 * encoders byte-identical, frames validated as a consumer must.
 */
#include "tp_test.h"
#include "tp_test_util.h"

#include <sys/mman.h>

#include "tensorpool/frame.h"
#include "tensorpool/region.h"

#define LOAD(var, name)                                                                   \
    size_t var##_length = 0;                                                              \
    uint8_t *var = tp_test_reference_file("shm/" name, &var##_length);                    \
    if (var == NULL)                                                                      \
    {                                                                                     \
        if (tp_test_shared_dir() == NULL) TP_SKIP("../shared/reference is absent");       \
        TP_FAIL_AT("cannot read reference shm/%s", name);                                 \
    }

TP_TEST(superblock_bin_decodes_and_reencodes_identically)
{
    LOAD(bytes, "superblock.bin");
    TP_CHECK_EQ_INT(64, bytes_length);
    tp_superblock_t sb;
    TP_CHECK_OK(tp_superblock_read(&sb, bytes, bytes_length));
    TP_CHECK_EQ_U64(TP_SUPERBLOCK_MAGIC, sb.magic);
    TP_CHECK_EQ_INT(1, sb.layout_version);
    TP_CHECK_EQ_U64(1, sb.epoch);
    TP_CHECK_EQ_INT(1000, sb.stream_id);
    TP_CHECK_EQ_INT(TP_REGION_TYPE_HEADER_RING, sb.region_type);
    TP_CHECK_EQ_INT(0, sb.pool_id);
    TP_CHECK_EQ_INT(8, sb.nslots);
    TP_CHECK_EQ_INT(256, sb.slot_bytes);
    TP_CHECK_EQ_INT(0, sb.stride_bytes);
    TP_CHECK_EQ_U64(0, sb.pid);
    TP_CHECK_EQ_U64(0, sb.start_timestamp_ns);
    TP_CHECK_EQ_U64(0, sb.activity_timestamp_ns);
    TP_CHECK_OK(tp_superblock_check(&sb));
    uint64_t length = 0;
    TP_CHECK_OK(tp_superblock_region_length(&length, &sb));
    TP_CHECK_EQ_U64(64 + 8 * 256, length);

    /* Our initialiser plus the same identity fields writes the same 64 bytes. */
    tp_superblock_t ours;
    tp_superblock_init_header_ring(&ours, 1000, 1, 8);
    ours.pid = 0;
    ours.start_timestamp_ns = 0;
    ours.activity_timestamp_ns = 0;
    uint8_t encoded[64];
    TP_CHECK_OK(tp_superblock_write(encoded, sizeof(encoded), &ours));
    TP_CHECK(memcmp(encoded, bytes, 64) == 0);
    free(bytes);
    return 0;
}

TP_TEST(pool_superblock_bin_decodes_and_reencodes_identically)
{
    LOAD(bytes, "pool_superblock.bin");
    TP_CHECK_EQ_INT(64, bytes_length);
    tp_superblock_t sb;
    TP_CHECK_OK(tp_superblock_read(&sb, bytes, bytes_length));
    TP_CHECK_EQ_U64(TP_SUPERBLOCK_MAGIC, sb.magic);
    TP_CHECK_EQ_INT(1, sb.layout_version);
    TP_CHECK_EQ_INT(10000, sb.stream_id);
    TP_CHECK_EQ_INT(TP_REGION_TYPE_PAYLOAD_POOL, sb.region_type);
    TP_CHECK_EQ_INT(1, sb.pool_id);
    TP_CHECK_EQ_INT(64, sb.nslots);
    TP_CHECK_EQ_U64(0xFFFFFFFFu, sb.slot_bytes); /* unconstrained for pools; the reference writes all ones */
    TP_CHECK_EQ_INT(1 << 20, sb.stride_bytes);
    TP_CHECK(sb.epoch != 0);
    TP_CHECK(sb.pid != 0);
    TP_CHECK(sb.start_timestamp_ns != 0);
    TP_CHECK(sb.activity_timestamp_ns >= sb.start_timestamp_ns);
    TP_CHECK_OK(tp_superblock_check(&sb));

    tp_superblock_t ours;
    tp_superblock_init_payload_pool(&ours, 10000, sb.epoch, 1, 64, 1 << 20);
    ours.pid = sb.pid;
    ours.start_timestamp_ns = sb.start_timestamp_ns;
    ours.activity_timestamp_ns = sb.activity_timestamp_ns;
    uint8_t encoded[64];
    TP_CHECK_OK(tp_superblock_write(encoded, sizeof(encoded), &ours));
    TP_CHECK(memcmp(encoded, bytes, 64) == 0);
    TP_CHECK_OK(tp_superblock_validate(&sb, &ours));
    free(bytes);
    return 0;
}

/* The 1-D header the reference writes for its example frames. */
static tp_slot_fields_t reference_fields(int16_t dtype, uint32_t values_len, int32_t dim0, uint32_t payload_slot)
{
    tp_slot_fields_t f;
    memset(&f, 0, sizeof(f));
    f.values_len_bytes = values_len;
    f.payload_slot = payload_slot;
    f.pool_id = 1;
    f.dtype = dtype;
    f.major_order = TP_MAJOR_ORDER_ROW;
    f.ndims = 1;
    f.dims[0] = dim0;
    return f;
}

TP_TEST(slot_header_bin_decodes_reencodes_and_validates)
{
    LOAD(bytes, "slot_header.bin");
    TP_CHECK_EQ_INT(256, bytes_length);
    const tp_header_slot_layout_t *raw = (const tp_header_slot_layout_t *)bytes;
    TP_CHECK_EQ_U64(1, raw->seq_commit); /* sequence 0, committed */
    TP_CHECK_EQ_INT(192, raw->header_bytes_length);
    TP_CHECK_EQ_INT(184, raw->tensor_message_header.block_length);
    TP_CHECK_EQ_INT(52, raw->tensor_message_header.template_id);
    TP_CHECK_EQ_INT(900, raw->tensor_message_header.schema_id);
    TP_CHECK_EQ_INT(1, raw->tensor_message_header.version);
    tp_slot_fields_t f;
    TP_CHECK_OK(tp_header_slot_decode(&f, bytes));
    TP_CHECK_EQ_INT(192, f.values_len_bytes);
    TP_CHECK_EQ_INT(0, f.payload_slot);
    TP_CHECK_EQ_INT(1, f.pool_id);
    TP_CHECK_EQ_INT(0, f.payload_offset);
    TP_CHECK_EQ_U64(0, f.timestamp_ns);
    TP_CHECK_EQ_INT(0, f.meta_version);
    TP_CHECK_EQ_INT(TP_DTYPE_FLOAT32, f.dtype);
    TP_CHECK_EQ_INT(TP_MAJOR_ORDER_ROW, f.major_order);
    TP_CHECK_EQ_INT(1, f.ndims);
    TP_CHECK_EQ_INT(TP_PROGRESS_UNIT_NONE, f.progress_unit);
    TP_CHECK_EQ_INT(0, f.progress_stride_bytes);
    TP_CHECK_EQ_INT(1, f.dims[0]);
    TP_CHECK_EQ_INT(0, f.strides[0]);

    /* Our producer path writes the same 256 bytes. */
    uint64_t ours[32] = { 0 };
    tp_slot_fields_t mine = reference_fields(TP_DTYPE_FLOAT32, 192, 1, 0);
    tp_seqlock_write_begin(&ours[0], 0);
    TP_CHECK_OK(tp_header_slot_write((uint8_t *)ours, &mine));
    tp_seqlock_write_commit(&ours[0], 0);
    TP_CHECK(memcmp(ours, bytes, 256) == 0);

    /* A consumer accepts it at index 0 of a ring whose pool 1 can hold 192 bytes. */
    tp_test_stream_t s;
    TP_CHECK_EQ_INT(0, tp_test_stream_init(&s, 8, 8, 256, 1));
    memcpy(tp_header_ring_slot(&s.ring, 0), bytes, 256);
    tp_frame_t frame;
    TP_CHECK_EQ_INT(TP_FRAME_OK, tp_frame_begin(&frame, &s.ring, &s.pool, 1, 0));
    TP_CHECK_EQ_INT(4, frame.layout.element_bytes);
    TP_CHECK_EQ_U64(4, frame.layout.extent_bytes);
    tp_test_stream_free(&s);
    free(bytes);
    return 0;
}

TP_TEST(slot_tensor_bin_is_dropped_at_index_1_payload_slot_mismatch)
{
    LOAD(bytes, "slot_tensor.bin");
    TP_CHECK_EQ_INT(256, bytes_length);
    const tp_header_slot_layout_t *raw = (const tp_header_slot_layout_t *)bytes;
    TP_CHECK_EQ_U64(3, raw->seq_commit); /* sequence 1, committed */
    tp_slot_fields_t f;
    TP_CHECK_OK(tp_header_slot_decode(&f, bytes));
    TP_CHECK_EQ_INT(64, f.values_len_bytes);
    TP_CHECK_EQ_INT(0, f.payload_slot);
    TP_CHECK_EQ_INT(1, f.pool_id);

    /* Sequence 1 lives at index 1 of an 8-slot ring; payload_slot 0 breaks §15.5. */
    tp_test_stream_t s;
    TP_CHECK_EQ_INT(0, tp_test_stream_init(&s, 8, 8, 256, 1));
    memcpy(tp_header_ring_slot(&s.ring, 1), bytes, 256);
    tp_frame_t frame;
    TP_CHECK_EQ_INT(TP_FRAME_DROP_PAYLOAD_SLOT_MISMATCH, tp_frame_begin(&frame, &s.ring, &s.pool, 1, 1));
    tp_test_stream_free(&s);
    free(bytes);
    return 0;
}

TP_TEST(tensor_header_bin_is_the_embedded_message)
{
    LOAD(tensor, "tensor_header.bin");
    LOAD(slot, "slot_header.bin");
    TP_CHECK_EQ_INT(192, tensor_length);
    TP_CHECK(memcmp(tensor, slot + TP_SLOT_OFFSET_TENSOR_MESSAGE_HEADER, 192) == 0);
    const tp_sbe_message_header_t *mh = (const tp_sbe_message_header_t *)tensor;
    TP_CHECK_EQ_INT(184, mh->block_length);
    TP_CHECK_EQ_INT(52, mh->template_id);
    TP_CHECK_EQ_INT(900, mh->schema_id);
    TP_CHECK_EQ_INT(1, mh->version);
    const tp_tensor_header_layout_t *t = (const tp_tensor_header_layout_t *)(tensor + 8);
    TP_CHECK_EQ_INT(TP_DTYPE_FLOAT32, t->dtype);
    TP_CHECK_EQ_INT(TP_MAJOR_ORDER_ROW, t->major_order);
    TP_CHECK_EQ_INT(1, t->ndims);
    TP_CHECK_EQ_INT(0, t->progress_unit);
    TP_CHECK_EQ_INT(1, t->dims[0]);
    for (int i = 1; i < TP_MAX_DIMS; i++)
    {
        TP_CHECK_EQ_INT(0, t->dims[i]);
    }
    for (int i = 0; i < TP_MAX_DIMS; i++)
    {
        TP_CHECK_EQ_INT(0, t->strides[i]);
    }
    free(tensor);
    free(slot);
    return 0;
}

TP_TEST(header_ring_8_frames_validates_every_frame)
{
    LOAD(ring_bytes, "header_ring_8_frames.ring");
    LOAD(pool_superblock, "pool_superblock.bin");
    TP_CHECK_EQ_INT(64 + 64 * 256, ring_bytes_length);

    /* Copy into 64-byte-aligned memory, as a mapping would be. */
    uint8_t *ring_memory = aligned_alloc(64, ring_bytes_length);
    TP_CHECK(ring_memory != NULL);
    memcpy(ring_memory, ring_bytes, ring_bytes_length);
    tp_header_ring_t ring;
    TP_CHECK_OK(tp_header_ring_wrap(&ring, ring_memory, ring_bytes_length));
    TP_CHECK_EQ_INT(64, ring.nslots);
    tp_superblock_t sb;
    tp_superblock_read(&sb, ring_memory, ring_bytes_length);
    TP_CHECK_EQ_INT(10000, sb.stream_id);
    TP_CHECK_EQ_INT(0, sb.stride_bytes);

    /* The pool of that stream: its real superblock over 64 MiB of reserved, untouched memory. */
    tp_superblock_t psb;
    tp_superblock_read(&psb, pool_superblock, pool_superblock_length);
    TP_CHECK_EQ_U64(sb.epoch, psb.epoch);
    uint64_t pool_length = tp_payload_pool_length(psb.nslots, psb.stride_bytes);
    uint8_t *pool_memory = mmap(NULL, (size_t)pool_length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    TP_CHECK(pool_memory != MAP_FAILED);
    memcpy(pool_memory, pool_superblock, 64);
    tp_payload_pool_t pool;
    TP_CHECK_OK(tp_payload_pool_wrap(&pool, pool_memory, pool_length));

    for (uint64_t seq = 0; seq < 8; seq++)
    {
        tp_frame_t frame;
        int32_t status = tp_frame_begin(&frame, &ring, &pool, 1, seq);
        if (status != TP_FRAME_OK)
        {
            TP_FAIL_AT("seq %" PRIu64 ": %s", seq, tp_frame_status_name(status));
        }
        TP_CHECK_EQ_U64(seq * 2 + 1, frame.seq_commit);
        TP_CHECK_EQ_INT(16, frame.header.values_len_bytes);
        TP_CHECK_EQ_U64(seq, frame.header.payload_slot);
        TP_CHECK_EQ_INT(1, frame.header.pool_id);
        TP_CHECK_EQ_INT(TP_DTYPE_UINT8, frame.header.dtype);
        TP_CHECK_EQ_INT(TP_MAJOR_ORDER_ROW, frame.header.major_order);
        TP_CHECK_EQ_INT(1, frame.header.ndims);
        TP_CHECK_EQ_INT(16, frame.header.dims[0]);
        TP_CHECK_EQ_INT(1, frame.header.strides[0]); /* the reference driver writes the stride explicitly */
        TP_CHECK_EQ_INT(1, frame.layout.strides[0]);
        TP_CHECK(frame.header.timestamp_ns != 0);
        TP_CHECK(frame.payload == pool_memory + 64 + seq * (1 << 20));
        TP_CHECK_EQ_INT(TP_FRAME_OK, tp_frame_end(&frame));

        /* Our writer reproduces the slot apart from the timestamp it carries. */
        uint64_t ours[32] = { 0 };
        tp_slot_fields_t mine = reference_fields(TP_DTYPE_UINT8, 16, 16, (uint32_t)seq);
        mine.timestamp_ns = frame.header.timestamp_ns;
        mine.strides[0] = 1;
        tp_header_slot_write((uint8_t *)ours, &mine);
        tp_seqlock_write_commit(&ours[0], seq);
        TP_CHECK(memcmp(ours, tp_header_ring_slot(&ring, seq), 256) == 0);
    }
    for (uint64_t seq = 8; seq < 64; seq++)
    {
        tp_frame_t frame;
        TP_CHECK_EQ_INT(TP_FRAME_DROP_NOT_COMMITTED, tp_frame_begin(&frame, &ring, &pool, 1, seq));
    }
    /* A descriptor from the next lap finds the old frame: stale. */
    tp_frame_t frame;
    TP_CHECK_EQ_INT(TP_FRAME_DROP_SEQ_MISMATCH, tp_frame_begin(&frame, &ring, &pool, 1, 64 + 3));
    munmap(pool_memory, (size_t)pool_length);
    free(ring_memory);
    free(ring_bytes);
    free(pool_superblock);
    return 0;
}

TP_TEST(header_ring_file_maps_through_every_check)
{
    const char *shared = tp_test_shared_dir();
    if (shared == NULL)
    {
        TP_SKIP("../shared/reference is absent");
    }
    char dir[1024];
    char path[1100];
    snprintf(dir, sizeof(dir), "%s/reference/shm", shared);
    snprintf(path, sizeof(path), "%s/header_ring_8_frames.ring", dir);
    tp_path_policy_t *policy = NULL;
    TP_CHECK_OK(tp_path_policy_create(&policy));
    TP_CHECK_OK(tp_path_policy_add_base_dir(policy, dir));
    size_t length = 0;
    uint8_t *bytes = tp_test_read_file(path, &length);
    TP_CHECK(bytes != NULL);
    tp_superblock_t expected;
    tp_superblock_read(&expected, bytes, length);
    free(bytes);
    tp_region_t *region = NULL;
    TP_CHECK_OK(tp_region_map(&region, policy, path, TP_REGION_ACCESS_READ_ONLY, 0, &expected));
    TP_CHECK_EQ_U64(64 + 64 * 256, tp_region_length(region));
    /* The announce of a different epoch does not match it. */
    tp_region_close(region);
    expected.epoch++;
    TP_CHECK_ERR(TP_ERR_EPOCH, tp_region_map(&region, policy, path, TP_REGION_ACCESS_READ_ONLY, 0, &expected));
    tp_path_policy_close(policy);
    return 0;
}

TP_TEST_MAIN()
