/* test_superblock.c - ShmRegionSuperblock (wire spec §6, §7.1, §15.1, §15.14). */
#include "tp_test.h"
#include "tp_test_util.h"

#include "tensorpool/superblock.h"

static tp_superblock_t header_ring(uint32_t nslots)
{
    tp_superblock_t sb;
    tp_superblock_init_header_ring(&sb, 1000, 7, nslots);
    return sb;
}

static tp_superblock_t pool(uint32_t nslots, uint32_t stride)
{
    tp_superblock_t sb;
    tp_superblock_init_payload_pool(&sb, 1000, 7, 3, nslots, stride);
    return sb;
}

TP_TEST(init_header_ring_sets_every_field)
{
    uint64_t before = tp_clock_monotonic_ns();
    tp_superblock_t sb = header_ring(8);
    TP_CHECK_EQ_U64(0x544F504C53484D31ULL, sb.magic);
    TP_CHECK_EQ_INT(1, sb.layout_version);
    TP_CHECK_EQ_U64(7, sb.epoch);
    TP_CHECK_EQ_INT(1000, sb.stream_id);
    TP_CHECK_EQ_INT(TP_REGION_TYPE_HEADER_RING, sb.region_type);
    TP_CHECK_EQ_INT(0, sb.pool_id);
    TP_CHECK_EQ_INT(8, sb.nslots);
    TP_CHECK_EQ_INT(256, sb.slot_bytes);
    TP_CHECK_EQ_INT(0, sb.stride_bytes);
    TP_CHECK_EQ_U64((uint64_t)getpid(), sb.pid);
    TP_CHECK(sb.start_timestamp_ns >= before);
    TP_CHECK_EQ_U64(sb.start_timestamp_ns, sb.activity_timestamp_ns);
    TP_CHECK_OK(tp_superblock_check(&sb));
    return 0;
}

TP_TEST(init_payload_pool_sets_every_field)
{
    tp_superblock_t sb = pool(16, 1 << 20);
    TP_CHECK_EQ_INT(TP_REGION_TYPE_PAYLOAD_POOL, sb.region_type);
    TP_CHECK_EQ_INT(3, sb.pool_id);
    TP_CHECK_EQ_INT(16, sb.nslots);
    TP_CHECK_EQ_INT(1 << 20, sb.stride_bytes);
    TP_CHECK_EQ_U64(0xFFFFFFFFu, sb.slot_bytes);
    TP_CHECK_OK(tp_superblock_check(&sb));
    return 0;
}

TP_TEST(write_lays_out_the_sbe_bytes)
{
    uint8_t buf[64];
    memset(buf, 0xAA, sizeof(buf));
    tp_superblock_t sb = pool(16, 4096);
    sb.epoch = 0x0102030405060708ULL;
    sb.pid = 0x1112131415161718ULL;
    sb.start_timestamp_ns = 0x2122232425262728ULL;
    sb.activity_timestamp_ns = 0x3132333435363738ULL;
    TP_CHECK_OK(tp_superblock_write(buf, sizeof(buf), &sb));
    TP_CHECK(memcmp(buf, "1MHSLPOT", 8) == 0); /* "TPOLSHM1" as a little-endian u64 */
    uint64_t u64;
    uint32_t u32;
    uint16_t u16;
    int16_t i16;
    memcpy(&u32, buf + TP_SUPERBLOCK_OFFSET_LAYOUT_VERSION, 4);
    TP_CHECK_EQ_INT(1, u32);
    memcpy(&u64, buf + TP_SUPERBLOCK_OFFSET_EPOCH, 8);
    TP_CHECK_EQ_U64(0x0102030405060708ULL, u64);
    memcpy(&u32, buf + TP_SUPERBLOCK_OFFSET_STREAM_ID, 4);
    TP_CHECK_EQ_INT(1000, u32);
    memcpy(&i16, buf + TP_SUPERBLOCK_OFFSET_REGION_TYPE, 2);
    TP_CHECK_EQ_INT(2, i16);
    memcpy(&u16, buf + TP_SUPERBLOCK_OFFSET_POOL_ID, 2);
    TP_CHECK_EQ_INT(3, u16);
    memcpy(&u32, buf + TP_SUPERBLOCK_OFFSET_NSLOTS, 4);
    TP_CHECK_EQ_INT(16, u32);
    memcpy(&u32, buf + TP_SUPERBLOCK_OFFSET_SLOT_BYTES, 4);
    TP_CHECK_EQ_U64(0xFFFFFFFFu, u32);
    memcpy(&u32, buf + TP_SUPERBLOCK_OFFSET_STRIDE_BYTES, 4);
    TP_CHECK_EQ_INT(4096, u32);
    memcpy(&u64, buf + TP_SUPERBLOCK_OFFSET_PID, 8);
    TP_CHECK_EQ_U64(0x1112131415161718ULL, u64);
    memcpy(&u64, buf + TP_SUPERBLOCK_OFFSET_START_TIMESTAMP_NS, 8);
    TP_CHECK_EQ_U64(0x2122232425262728ULL, u64);
    memcpy(&u64, buf + TP_SUPERBLOCK_OFFSET_ACTIVITY_TIMESTAMP_NS, 8);
    TP_CHECK_EQ_U64(0x3132333435363738ULL, u64);
    return 0;
}

TP_TEST(read_returns_what_write_wrote)
{
    uint64_t buf[8];
    tp_superblock_t sb = header_ring(64);
    tp_superblock_t back;
    TP_CHECK_OK(tp_superblock_write((uint8_t *)buf, sizeof(buf), &sb));
    TP_CHECK_OK(tp_superblock_read(&back, (const uint8_t *)buf, sizeof(buf)));
    TP_CHECK(memcmp(&sb, &back, sizeof(sb)) == 0);
    return 0;
}

TP_TEST(write_and_read_refuse_short_buffers)
{
    uint64_t buf[8];
    tp_superblock_t sb = header_ring(8);
    TP_CHECK_ERR(TP_ERR_SIZE, tp_superblock_write((uint8_t *)buf, 63, &sb));
    TP_CHECK_ERR(TP_ERR_SIZE, tp_superblock_read(&sb, (const uint8_t *)buf, 0));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_superblock_read(NULL, (const uint8_t *)buf, 64));
    return 0;
}

/*
 * A superblock read from or written to an unaligned buffer is refused: its magic is an atomic 8-byte word, and an
 * unaligned atomic access faults on arm64 (SIGBUS), where a caller's error must be an error, not a crash.
 */
TP_TEST(write_and_read_refuse_unaligned_buffers)
{
    uint64_t buf[9] = { 0 };
    const uint8_t *odd = (const uint8_t *)buf + 1;
    tp_superblock_t sb = header_ring(8);
    tp_superblock_t back;
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_superblock_write((uint8_t *)buf + 4, 68, &sb));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_superblock_read(&back, odd, 64));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_superblock_read(&back, (const uint8_t *)buf + 4, 64));
    TP_CHECK(strstr(tp_errmsg(), "aligned") != NULL);
    return 0;
}

TP_TEST(check_rejects_wrong_magic)
{
    tp_superblock_t sb = header_ring(8);
    sb.magic = 0x544F504C53484D32ULL; /* TPOLSHM2 */
    TP_CHECK_ERR(TP_ERR_MAGIC, tp_superblock_check(&sb));
    sb.magic = 0;
    TP_CHECK_ERR(TP_ERR_MAGIC, tp_superblock_check(&sb));
    return 0;
}

TP_TEST(check_rejects_unsupported_layout_version)
{
    tp_superblock_t sb = header_ring(8);
    sb.layout_version = 2;
    TP_CHECK_ERR(TP_ERR_LAYOUT_VERSION, tp_superblock_check(&sb));
    sb.layout_version = 0;
    TP_CHECK_ERR(TP_ERR_LAYOUT_VERSION, tp_superblock_check(&sb));
    return 0;
}

TP_TEST(check_rejects_unknown_region_type)
{
    tp_superblock_t sb = header_ring(8);
    sb.region_type = 0;
    TP_CHECK_ERR(TP_ERR_REGION_TYPE, tp_superblock_check(&sb));
    sb.region_type = 3;
    TP_CHECK_ERR(TP_ERR_REGION_TYPE, tp_superblock_check(&sb));
    sb.region_type = -1;
    TP_CHECK_ERR(TP_ERR_REGION_TYPE, tp_superblock_check(&sb));
    return 0;
}

TP_TEST(check_rejects_nslots_zero_or_not_a_power_of_two)
{
    uint32_t bad[] = { 0, 3, 6, 100, 0x80000001u, 0xFFFFFFFFu };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    {
        tp_superblock_t sb = header_ring(bad[i]);
        TP_CHECK_ERR(TP_ERR_NSLOTS, tp_superblock_check(&sb));
        sb = pool(bad[i], 64);
        TP_CHECK_ERR(TP_ERR_NSLOTS, tp_superblock_check(&sb));
    }
    tp_superblock_t sb = header_ring(1);
    TP_CHECK_OK(tp_superblock_check(&sb));
    sb = header_ring(0x80000000u);
    TP_CHECK_OK(tp_superblock_check(&sb));
    return 0;
}

TP_TEST(check_rejects_header_ring_slot_bytes_other_than_256)
{
    tp_superblock_t sb = header_ring(8);
    sb.slot_bytes = 128;
    TP_CHECK_ERR(TP_ERR_SLOT_BYTES, tp_superblock_check(&sb));
    sb.slot_bytes = 0xFFFFFFFFu;
    TP_CHECK_ERR(TP_ERR_SLOT_BYTES, tp_superblock_check(&sb));
    return 0;
}

TP_TEST(check_rejects_header_ring_with_a_pool_id)
{
    tp_superblock_t sb = header_ring(8);
    sb.pool_id = 1;
    TP_CHECK_ERR(TP_ERR_POOL_ID, tp_superblock_check(&sb));
    return 0;
}

TP_TEST(check_rejects_pool_stride_not_a_multiple_of_64)
{
    uint32_t bad[] = { 0, 1, 63, 100, 65, 0xFFFFFFFFu };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    {
        tp_superblock_t sb = pool(8, bad[i]);
        TP_CHECK_ERR(TP_ERR_STRIDE, tp_superblock_check(&sb));
    }
    tp_superblock_t sb = pool(8, 64);
    TP_CHECK_OK(tp_superblock_check(&sb));
    return 0;
}

TP_TEST(check_accepts_what_the_spec_leaves_open)
{
    /* The reference writes stride 0 in header rings and slot_bytes 0xFFFFFFFF in pools. */
    tp_superblock_t sb = header_ring(8);
    sb.stride_bytes = 12345;
    TP_CHECK_OK(tp_superblock_check(&sb));
    sb = pool(8, 1 << 20);
    sb.slot_bytes = 0;
    TP_CHECK_OK(tp_superblock_check(&sb));
    return 0;
}

TP_TEST(validate_reports_each_mismatch_with_its_own_code)
{
    tp_superblock_t actual = pool(8, 4096);
    tp_superblock_t expected = actual;
    TP_CHECK_OK(tp_superblock_validate(&actual, &expected));

    /* pid, timestamps and the expected magic are not compared. */
    expected.pid = 1;
    expected.start_timestamp_ns = 2;
    expected.activity_timestamp_ns = 3;
    expected.magic = 0;
    TP_CHECK_OK(tp_superblock_validate(&actual, &expected));

    expected = actual;
    expected.epoch = 8;
    TP_CHECK_ERR(TP_ERR_EPOCH, tp_superblock_validate(&actual, &expected));
    expected = actual;
    expected.stream_id = 1001;
    TP_CHECK_ERR(TP_ERR_STREAM_ID, tp_superblock_validate(&actual, &expected));
    expected = actual;
    expected.layout_version = 2;
    TP_CHECK_ERR(TP_ERR_LAYOUT_VERSION, tp_superblock_validate(&actual, &expected));
    expected = actual;
    expected.region_type = TP_REGION_TYPE_HEADER_RING;
    TP_CHECK_ERR(TP_ERR_REGION_TYPE, tp_superblock_validate(&actual, &expected));
    expected = actual;
    expected.pool_id = 4;
    TP_CHECK_ERR(TP_ERR_POOL_ID, tp_superblock_validate(&actual, &expected));
    expected = actual;
    expected.nslots = 16;
    TP_CHECK_ERR(TP_ERR_NSLOTS, tp_superblock_validate(&actual, &expected));
    expected = actual;
    expected.stride_bytes = 8192;
    TP_CHECK_ERR(TP_ERR_STRIDE, tp_superblock_validate(&actual, &expected));
    /* slot_bytes is not compared for pools */
    expected = actual;
    expected.slot_bytes = 256;
    TP_CHECK_OK(tp_superblock_validate(&actual, &expected));

    actual = header_ring(8);
    expected = actual;
    expected.slot_bytes = 512;
    TP_CHECK_ERR(TP_ERR_SLOT_BYTES, tp_superblock_validate(&actual, &expected));
    /* stride_bytes is not compared for header rings */
    expected = actual;
    expected.stride_bytes = 64;
    TP_CHECK_OK(tp_superblock_validate(&actual, &expected));
    return 0;
}

TP_TEST(validate_checks_the_actual_superblock_first)
{
    tp_superblock_t actual = header_ring(8);
    tp_superblock_t expected = actual;
    actual.magic = 1;
    TP_CHECK_ERR(TP_ERR_MAGIC, tp_superblock_validate(&actual, &expected));
    return 0;
}

TP_TEST(region_length_is_what_the_superblock_implies)
{
    uint64_t length = 0;
    tp_superblock_t sb = header_ring(64);
    TP_CHECK_OK(tp_superblock_region_length(&length, &sb));
    TP_CHECK_EQ_U64(64 + 64 * 256, length);
    sb = pool(64, 1 << 20);
    TP_CHECK_OK(tp_superblock_region_length(&length, &sb));
    TP_CHECK_EQ_U64(64 + 64ULL * (1 << 20), length);
    /* The largest values do not overflow. */
    sb = pool(0x80000000u, 0xFFFFFFC0u);
    TP_CHECK_OK(tp_superblock_region_length(&length, &sb));
    TP_CHECK_EQ_U64(64 + 0x80000000ULL * 0xFFFFFFC0ULL, length);
    sb = header_ring(0x80000000u);
    TP_CHECK_OK(tp_superblock_region_length(&length, &sb));
    TP_CHECK_EQ_U64(64 + 0x80000000ULL * 256, length);
    sb.nslots = 3;
    TP_CHECK_ERR(TP_ERR_NSLOTS, tp_superblock_region_length(&length, &sb));
    return 0;
}

TP_TEST(activity_timestamp_is_refreshed_in_place)
{
    uint64_t buf[8];
    tp_superblock_t sb = header_ring(8);
    tp_superblock_write((uint8_t *)buf, sizeof(buf), &sb);
    tp_superblock_store_activity((uint8_t *)buf, 0x0A0B0C0D0E0F1011ULL);
    TP_CHECK_EQ_U64(0x0A0B0C0D0E0F1011ULL, tp_superblock_load_activity((const uint8_t *)buf));
    TP_CHECK_EQ_U64(0x0A0B0C0D0E0F1011ULL, buf[7]);
    tp_superblock_t back;
    tp_superblock_read(&back, (const uint8_t *)buf, sizeof(buf));
    TP_CHECK_EQ_U64(0x0A0B0C0D0E0F1011ULL, back.activity_timestamp_ns);
    TP_CHECK_EQ_U64(sb.start_timestamp_ns, back.start_timestamp_ns);
    return 0;
}

TP_TEST_MAIN()
