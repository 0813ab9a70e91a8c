/*
 * test_log_skip.c - tp_log_subscription_skip_backlog: a subscriber that gives
 * up its backlog continues at the live tail or within the window it keeps,
 * with every passed-over message counted as skipped (not lost), and is not
 * fooled by a hostile tail.
 */
#include "tp_test.h"
#include "test_log_util.h"

enum { CAP = 4096 };

/* Records of 32 payload bytes take 64 bytes of log each. */
enum { LEN = 32, FRAME = 64 };

static int counters_are(const tp_log_subscription_t *sub, uint64_t received, uint64_t skipped, uint64_t bytes_skipped)
{
    tp_log_subscription_counters_t c;
    tp_log_subscription_counters(sub, &c);
    if (c.messages_received == received && c.messages_skipped == skipped && c.bytes_skipped == bytes_skipped &&
        c.messages_lost == 0 && c.bytes_lost == 0)
    {
        return 1;
    }
    fprintf(stderr, "received %llu/%llu, skipped %llu/%llu, bytes skipped %llu/%llu, lost %llu/0 (got/expected)\n",
        (unsigned long long)c.messages_received, (unsigned long long)received, (unsigned long long)c.messages_skipped,
        (unsigned long long)skipped, (unsigned long long)c.bytes_skipped, (unsigned long long)bytes_skipped,
        (unsigned long long)c.messages_lost);
    return 0;
}

/* Publish sequences [first, end) as LEN-byte records; 1 when all were offered. */
static int publish(tp_log_publication_t *pub, uint32_t first, uint32_t end)
{
    for (uint32_t i = first; i < end; i++)
    {
        if (tlu_offer(pub, LEN, 1, i, 0) <= 0)
        {
            return 0;
        }
    }
    return 1;
}

/* A fixture whose subscriber has sequences [0, count) waiting. */
static int open_with_backlog(tlu_fixture_t *f, uint32_t count)
{
    return tlu_fixture_open(f, tlu_dir(), CAP, 0) == 0 && publish(f->pub, 0, count);
}

TP_TEST(skip_passes_over_the_backlog_including_copies_waiting_in_the_batch)
{
    tlu_fixture_t f;
    TP_CHECK(open_with_backlog(&f, 10));
    /* One receive copies all ten into the batch and hands over the first. */
    uint8_t buf[LEN];
    tp_log_message_info_t info;
    TP_CHECK_EQ_INT(1, tp_log_subscription_receive(f.sub, buf, sizeof(buf), &info));
    TP_CHECK_EQ_INT(0, info.index);
    TP_CHECK_EQ_INT(FRAME, tp_log_subscription_position(f.sub));
    TP_CHECK_EQ_INT(9, tp_log_subscription_skip_backlog(f.sub, 0, LEN));
    TP_CHECK_EQ_INT(10 * FRAME, tp_log_subscription_position(f.sub));
    TP_CHECK(counters_are(f.sub, 1, 9, 9 * FRAME));
    /* Nothing of the backlog comes back; the next message published is the next one read. */
    TP_CHECK(tlu_offer(f.pub, LEN, 1, 10, 0) > 0);
    tlu_seen_t seen;
    TP_CHECK(tlu_seen_init(&seen, 8));
    TP_CHECK_EQ_INT(1, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 10));
    TP_CHECK_EQ_INT(10, seen.sequence[0]);
    TP_CHECK_EQ_INT(0, seen.corrupt);
    TP_CHECK(counters_are(f.sub, 2, 9, 9 * FRAME));
    /* At the tail already: nothing to skip. */
    TP_CHECK_EQ_INT(0, tp_log_subscription_skip_backlog(f.sub, 0, LEN));
    TP_CHECK(counters_are(f.sub, 2, 9, 9 * FRAME));
    tlu_seen_free(&seen);
    tlu_fixture_close(&f);
    return 0;
}

static int delivered_are(tp_log_subscription_t *sub, uint32_t first, int count)
{
    tlu_seen_t seen;
    if (!tlu_seen_init(&seen, count + 1))
    {
        return 0;
    }
    int n = tp_log_subscription_poll(sub, tlu_collect, &seen, count + 1);
    int ok = n == count && seen.corrupt == 0;
    for (int i = 0; ok && i < count; i++)
    {
        ok = seen.sequence[i] == first + (uint32_t)i;
    }
    if (!ok)
    {
        fprintf(stderr, "delivered %d messages starting with %u, expected %d starting with %u\n", n,
            n > 0 ? seen.sequence[0] : 0, count, first);
    }
    tlu_seen_free(&seen);
    return ok;
}

TP_TEST(skip_keeps_the_newest_records_within_the_window)
{
    tlu_fixture_t f;
    TP_CHECK(open_with_backlog(&f, 10));
    /* Room for three 96-byte records is 4.5 of these 64-byte ones: the window starts mid-record, and the record
     * straddling it is passed over. */
    TP_CHECK_EQ_INT(6, tp_log_subscription_skip_backlog(f.sub, 3, LEN + 24));
    TP_CHECK_EQ_INT(6 * FRAME, tp_log_subscription_position(f.sub));
    TP_CHECK(counters_are(f.sub, 0, 6, 6 * FRAME));
    TP_CHECK(delivered_are(f.sub, 6, 4));
    /* A backlog within the window is left alone. */
    TP_CHECK(publish(f.pub, 10, 13));
    TP_CHECK_EQ_INT(0, tp_log_subscription_skip_backlog(f.sub, 3, LEN));
    TP_CHECK(delivered_are(f.sub, 10, 3));
    TP_CHECK(counters_are(f.sub, 7, 6, 6 * FRAME));
    tlu_fixture_close(&f);
    return 0;
}

TP_TEST(skip_keeps_copies_in_the_batch_that_are_within_the_window)
{
    tlu_fixture_t f;
    TP_CHECK(open_with_backlog(&f, 10));
    uint8_t buf[LEN];
    tp_log_message_info_t info;
    TP_CHECK_EQ_INT(1, tp_log_subscription_receive(f.sub, buf, sizeof(buf), &info)); /* all ten now in the batch */
    TP_CHECK_EQ_INT(6, tp_log_subscription_skip_backlog(f.sub, 3, LEN));
    TP_CHECK_EQ_INT(7 * FRAME, tp_log_subscription_position(f.sub));
    TP_CHECK(counters_are(f.sub, 1, 6, 6 * FRAME));
    TP_CHECK(delivered_are(f.sub, 7, 3));
    tlu_fixture_close(&f);
    return 0;
}

/* More than a ring behind: the skip lands on the tail at once, no lap recovery through stale records. */
TP_TEST(skip_from_a_lapped_position_counts_every_message_once)
{
    tlu_fixture_t f;
    TP_CHECK(open_with_backlog(&f, 200));
    TP_CHECK_EQ_INT(200, tp_log_subscription_skip_backlog(f.sub, 0, LEN));
    TP_CHECK_EQ_INT(200 * FRAME, tp_log_subscription_position(f.sub));
    TP_CHECK(counters_are(f.sub, 0, 200, 200 * FRAME));
    TP_CHECK(tlu_offer(f.pub, LEN, 1, 200, 0) > 0);
    tlu_seen_t seen;
    TP_CHECK(tlu_seen_init(&seen, 8));
    TP_CHECK_EQ_INT(1, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 10));
    TP_CHECK_EQ_INT(200, seen.sequence[0]);
    TP_CHECK(tlu_losses_are(f.sub, 0, 0, 0, 0, 0));
    /* Lapped again, keeping a window: the newest records are read, not half a ring of older ones. */
    TP_CHECK(publish(f.pub, 201, 400));
    TP_CHECK_EQ_INT(196, tp_log_subscription_skip_backlog(f.sub, 3, LEN));
    TP_CHECK(delivered_are(f.sub, 397, 3));
    TP_CHECK(counters_are(f.sub, 4, 396, 396 * FRAME));
    TP_CHECK(tlu_losses_are(f.sub, 0, 0, 0, 0, 0));
    tlu_seen_free(&seen);
    tlu_fixture_close(&f);
    return 0;
}

/* A claim left open at the cursor does not hold a subscriber that skipped past it for the stall timeout. */
TP_TEST(skip_passes_an_open_claim_without_waiting_for_it)
{
    const char *dir = tlu_dir();
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, 60LL * 1000 * 1000 * 1000));
    tp_log_publication_t *other = NULL;
    TP_CHECK_OK(tp_log_publication_create(&other, f.log));
    tp_log_claim_t claim;
    TP_CHECK(tp_log_publication_try_claim(other, LEN, 0, &claim) > 0);
    TP_CHECK(tlu_offer(f.pub, LEN, 1, 1, 0) > 0);
    tlu_seen_t seen;
    TP_CHECK(tlu_seen_init(&seen, 8));
    TP_CHECK_EQ_INT(0, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 10)); /* held by the claim */
    TP_CHECK_EQ_INT(2, tp_log_subscription_skip_backlog(f.sub, 0, LEN));
    TP_CHECK(tlu_offer(f.pub, LEN, 1, 2, 0) > 0);
    TP_CHECK_EQ_INT(1, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 10));
    TP_CHECK_EQ_INT(2, seen.sequence[0]);
    /* The late commit is behind the subscriber now: never delivered, never counted twice. */
    TP_CHECK(tp_log_publication_commit(other, &claim) > 0);
    TP_CHECK(tlu_offer(f.pub, LEN, 1, 3, 0) > 0);
    TP_CHECK_EQ_INT(1, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 10));
    TP_CHECK_EQ_INT(3, seen.sequence[1]);
    TP_CHECK(counters_are(f.sub, 2, 2, 2 * FRAME));
    tlu_seen_free(&seen);
    TP_CHECK_OK(tp_log_publication_close(other));
    tlu_fixture_close(&f);
    return 0;
}

TP_TEST(tail_behind_the_cursor_moves_nothing_and_is_counted)
{
    tlu_fixture_t f;
    TP_CHECK(open_with_backlog(&f, 4));
    tlu_seen_t seen;
    TP_CHECK(tlu_seen_init(&seen, 8));
    TP_CHECK_EQ_INT(4, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 10));
    tlu_raw_t raw;
    TP_CHECK_EQ_INT(0, tlu_raw_map(&raw, f.path));
    uint64_t *tail = (uint64_t *)(raw.map + TP_LOG_TAIL_POSITION_OFFSET);
    uint64_t saved = *tail;
    *tail = FRAME; /* behind the subscriber: impossible unless written by someone hostile */
    TP_CHECK_EQ_INT(0, tp_log_subscription_skip_backlog(f.sub, 0, LEN));
    TP_CHECK_EQ_INT(4 * FRAME, tp_log_subscription_position(f.sub));
    TP_CHECK(tlu_losses_are(f.sub, 0, 0, 0, 0, 1));
    TP_CHECK(counters_are(f.sub, 4, 0, 0));
    *tail = saved;
    tlu_raw_unmap(&raw);
    TP_CHECK(tlu_offer(f.pub, LEN, 1, 4, 0) > 0);
    TP_CHECK_EQ_INT(1, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 10));
    TP_CHECK_EQ_INT(4, seen.sequence[4]);
    tlu_seen_free(&seen);
    tlu_fixture_close(&f);
    return 0;
}

TP_TEST(null_subscription_and_negative_length_are_invalid_arguments)
{
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, (int)tp_log_subscription_skip_backlog(NULL, 0, LEN));
    tlu_fixture_t f;
    TP_CHECK(open_with_backlog(&f, 3));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, (int)tp_log_subscription_skip_backlog(f.sub, 1, -1));
    TP_CHECK(counters_are(f.sub, 0, 0, 0));
    tlu_fixture_close(&f);
    return 0;
}

TP_TEST_MAIN()
