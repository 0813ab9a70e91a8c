/*
 * test_log_hostile.c - a subscriber facing a log another process corrupted:
 * every call returns, and what it could not read is counted. Cases found by
 * fuzz_log_records (native/fuzz) keep their regression input there too.
 */
#include "tp_test.h"
#include "test_log_util.h"

#include <signal.h>

enum { CAP = 4096, LEN = 32, FRAME = 64 };

/* A hang fails the case within seconds instead of at ctest's timeout. */
static void arm_watchdog(void)
{
    signal(SIGALRM, SIG_DFL);
    alarm(20);
}

/* A fixture whose subscriber has read `count` messages; the raw view of the file for the "other process". */
static int open_and_read(tlu_fixture_t *f, tlu_raw_t *raw, uint32_t count, int64_t stall_timeout_ns)
{
    if (tlu_fixture_open(f, tlu_dir(), CAP, stall_timeout_ns) != 0)
    {
        return 0;
    }
    for (uint32_t i = 0; i < count; i++)
    {
        if (tlu_offer(f->pub, LEN, 1, i, 0) <= 0)
        {
            return 0;
        }
    }
    tlu_seen_t seen;
    if (!tlu_seen_init(&seen, (int)count + 1))
    {
        return 0;
    }
    int got = tp_log_subscription_poll(f->sub, tlu_collect, &seen, (int32_t)count + 1);
    tlu_seen_free(&seen);
    return got == (int)count && tlu_raw_map(raw, f->path) == 0;
}

/* Write a record header at `position` as a hostile process would. */
static void write_header(tlu_raw_t *raw, uint64_t position, uint64_t state_bits, uint64_t index)
{
    uint8_t *h = tlu_raw_record(raw, CAP, position);
    uint64_t state = position | state_bits;
    int32_t length = LEN;
    int32_t msg_type = 0;
    memcpy(h + TP_LOG_RECORD_INDEX_OFFSET, &index, 8);
    memcpy(h + TP_LOG_RECORD_LENGTH_OFFSET, &length, 4);
    memcpy(h + TP_LOG_RECORD_MSG_TYPE_OFFSET, &msg_type, 4);
    memcpy(h + TP_LOG_RECORD_STATE_OFFSET, &state, 8);
}

/*
 * An invalid committed header at the cursor makes the subscriber scan for the next real one up to the tail;
 * a tail written 2^63 ahead (a negative distance) once made that scan walk ~2^58 positions.
 */
TP_TEST(invalid_record_with_a_tail_2_pow_63_away_returns_and_is_counted)
{
    arm_watchdog();
    tlu_fixture_t f;
    tlu_raw_t raw;
    TP_CHECK(open_and_read(&f, &raw, 4, 0));
    uint64_t cursor = 4 * FRAME;
    uint64_t *tail = (uint64_t *)(void *)(raw.map + TP_LOG_TAIL_POSITION_OFFSET);
    write_header(&raw, cursor, TP_LOG_RECORD_COMMITTED, 999); /* committed, wrong index: invalid */
    *tail = cursor + (1ull << 63);
    tlu_seen_t seen;
    TP_CHECK(tlu_seen_init(&seen, 4));
    TP_CHECK_EQ_INT(0, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 4));
    TP_CHECK_EQ_U64(cursor, (uint64_t)tp_log_subscription_position(f.sub));
    tp_log_subscription_counters_t c;
    tp_log_subscription_counters(f.sub, &c);
    TP_CHECK(c.invalid_records >= 1);
    TP_CHECK_EQ_U64(0, c.messages_lost);

    /* The log recovers once the descriptor is sane again: the next message is read. */
    *tail = cursor;
    TP_CHECK(tlu_offer(f.pub, LEN, 1, 4, 0) > 0);
    TP_CHECK_EQ_INT(1, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 4));
    TP_CHECK_EQ_INT(4, seen.sequence[0]);
    tlu_seen_free(&seen);
    tlu_raw_unmap(&raw);
    tlu_fixture_close(&f);
    return 0;
}

/* The same tail behind a stalled claim: the stall is timed, then the skip must not walk to the tail either. */
TP_TEST(stalled_claim_with_a_tail_2_pow_63_away_returns_and_is_counted)
{
    arm_watchdog();
    tlu_fixture_t f;
    tlu_raw_t raw;
    TP_CHECK(open_and_read(&f, &raw, 4, 1000000 /* 1 ms */));
    uint64_t cursor = 4 * FRAME;
    uint64_t *tail = (uint64_t *)(void *)(raw.map + TP_LOG_TAIL_POSITION_OFFSET);
    write_header(&raw, cursor, TP_LOG_RECORD_CLAIMED, 77);
    *tail = cursor + (1ull << 63);
    tlu_seen_t seen;
    TP_CHECK(tlu_seen_init(&seen, 4));
    for (int i = 0; i < 20; i++)
    {
        TP_CHECK_EQ_INT(0, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 4));
        struct timespec pause = {0, 2000000};
        nanosleep(&pause, NULL);
    }
    TP_CHECK_EQ_U64(cursor, (uint64_t)tp_log_subscription_position(f.sub));
    tp_log_subscription_counters_t c;
    tp_log_subscription_counters(f.sub, &c);
    TP_CHECK(c.invalid_records >= 1);
    tlu_seen_free(&seen);
    tlu_raw_unmap(&raw);
    tlu_fixture_close(&f);
    return 0;
}

TP_TEST_MAIN()
