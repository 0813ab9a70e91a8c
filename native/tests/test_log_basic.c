/* test_log_basic.c - one process: order, wrap-around, limits, copy-out and the claim API of the tp:ipc log. */
#include "tp_test.h"
#include "test_log_util.h"

enum { CAP = 4096, MAX_MSG = CAP / 8 - 32 };

TP_TEST(records_arrive_in_order_with_length_and_type)
{
    const char *dir = tlu_dir();
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, 0));
    tlu_seen_t seen;
    TP_CHECK(tlu_seen_init(&seen, 64));
    int64_t expected_end = 0;
    for (uint32_t i = 0; i < 40; i++)
    {
        int32_t length = 8 + (int32_t)(i * 7 % 90);
        int64_t end = tlu_offer(f.pub, length, 7, i, (int32_t)(i % 3));
        expected_end += (int64_t)((32 + length + 31) & ~31);
        TP_CHECK_EQ_INT(expected_end, end);
    }
    TP_CHECK_EQ_INT(40, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 1000));
    TP_CHECK_EQ_INT(0, seen.corrupt);
    for (uint32_t i = 0; i < 40; i++)
    {
        TP_CHECK_EQ_INT(i, seen.sequence[i]);
        TP_CHECK_EQ_INT(8 + (int32_t)(i * 7 % 90), seen.length[i]);
        TP_CHECK_EQ_INT((int32_t)(i % 3), seen.msg_type[i]);
    }
    TP_CHECK_EQ_INT(expected_end, tp_log_subscription_position(f.sub));
    TP_CHECK_EQ_INT(0, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 10));
    tp_log_subscription_counters_t c;
    tp_log_subscription_counters(f.sub, &c);
    TP_CHECK_EQ_U64(40, c.messages_received);
    TP_CHECK_EQ_U64(0, c.messages_lost);
    TP_CHECK_EQ_U64(0, c.bytes_lost);
    tp_log_publication_counters_t pc;
    tp_log_publication_counters(f.pub, &pc);
    TP_CHECK_EQ_U64(40, pc.offers);
    TP_CHECK_EQ_U64(c.bytes_received, pc.bytes_offered);
    TP_CHECK_EQ_U64(0, pc.wakes);
    tlu_seen_free(&seen);
    tlu_fixture_close(&f);
    return 0;
}

TP_TEST(subscriber_joins_at_the_live_tail)
{
    const char *dir = tlu_dir();
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, 0));
    TP_CHECK(tlu_offer(f.pub, 16, 1, 1, 0) > 0);
    TP_CHECK(tlu_offer(f.pub, 16, 1, 2, 0) > 0);
    tp_log_subscription_t *late = NULL;
    TP_CHECK_OK(tp_log_subscription_create(&late, f.log, 0));
    TP_CHECK_EQ_INT(128, tp_log_subscription_position(late));
    TP_CHECK(tlu_offer(f.pub, 16, 1, 3, 0) > 0);
    tlu_seen_t seen;
    TP_CHECK(tlu_seen_init(&seen, 8));
    TP_CHECK_EQ_INT(1, tp_log_subscription_poll(late, tlu_collect, &seen, 10));
    TP_CHECK_EQ_INT(3, seen.sequence[0]);
    tp_log_subscription_counters_t c;
    tp_log_subscription_counters(late, &c);
    TP_CHECK_EQ_U64(0, c.messages_lost); /* what was there before joining is not lost */
    tlu_seen_free(&seen);
    TP_CHECK_OK(tp_log_subscription_close(late));
    tlu_fixture_close(&f);
    return 0;
}

TP_TEST(max_length_is_enforced_and_bad_offers_rejected)
{
    const char *dir = tlu_dir();
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, 0));
    uint8_t buf[CAP];
    memset(buf, 0xAB, sizeof(buf));
    TP_CHECK_EQ_INT(MAX_MSG, tp_log_max_message_length(f.log));
    TP_CHECK(tp_log_publication_offer(f.pub, buf, MAX_MSG, 0) > 0);
    TP_CHECK_ERR(TP_LOG_ERR_MESSAGE_TOO_LONG, tp_log_publication_offer(f.pub, buf, MAX_MSG + 1, 0));
    TP_CHECK(strstr(tp_errmsg(), "exceeds") != NULL);
    TP_CHECK_ERR(TP_LOG_ERR_MESSAGE_TOO_LONG, tp_log_publication_offer(f.pub, buf, INT32_MAX, 0));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_log_publication_offer(f.pub, buf, -1, 0));
    TP_CHECK_ERR(TP_LOG_ERR_MSG_TYPE, tp_log_publication_offer(f.pub, buf, 8, -1));
    TP_CHECK_ERR(TP_LOG_ERR_MSG_TYPE, tp_log_publication_offer(f.pub, buf, 8, TP_LOG_MSG_TYPE_PADDING));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_log_publication_offer(f.pub, NULL, 8, 0));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_log_publication_offer(NULL, buf, 8, 0));
    /* Zero-length messages are messages. */
    TP_CHECK(tp_log_publication_offer(f.pub, NULL, 0, 5) > 0);
    tp_log_publication_counters_t pc;
    tp_log_publication_counters(f.pub, &pc);
    TP_CHECK_EQ_U64(2, pc.offers);
    TP_CHECK_EQ_U64(2, pc.max_length_rejections);
    tlu_seen_t seen;
    TP_CHECK(tlu_seen_init(&seen, 8));
    TP_CHECK_EQ_INT(2, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 10));
    TP_CHECK_EQ_INT(MAX_MSG, seen.length[0]);
    TP_CHECK_EQ_INT(0, seen.length[1]);
    TP_CHECK_EQ_INT(5, seen.msg_type[1]);
    tlu_seen_free(&seen);
    tlu_fixture_close(&f);
    return 0;
}

/*
 * Many laps with records of varied sizes, including ones that end exactly at
 * the ring end and ones that need padding; the subscriber keeps up, so every
 * record arrives whole and nothing is lost.
 */
TP_TEST(wrap_around_many_laps_varied_sizes)
{
    const char *dir = tlu_dir();
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, 0));
    tlu_seen_t seen;
    TP_CHECK(tlu_seen_init(&seen, 8));
    uint64_t x = 7;
    uint32_t sent = 0;
    int paddings = 0, exact_ends = 0;
    int64_t previous_end = 0;
    while (tp_log_tail_position(f.log) < 60 * CAP)
    {
        int burst = 1 + (int)(tlu_next(&x) % 6);
        for (int i = 0; i < burst; i++)
        {
            int32_t length = (int32_t)(tlu_next(&x) % (MAX_MSG + 1));
            if (length < TLU_MSG_HEADER)
            {
                length = TLU_MSG_HEADER;
            }
            int64_t end = tlu_offer(f.pub, length, 1, sent++, 0);
            TP_CHECK(end > 0);
            int64_t frame = (32 + length + 31) & ~31;
            paddings += end - frame != previous_end;
            exact_ends += (end & (CAP - 1)) == 0;
            previous_end = end;
        }
        int before = seen.count;
        TP_CHECK_EQ_INT(burst, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 100));
        TP_CHECK_EQ_INT(before + burst, seen.count);
        TP_CHECK_EQ_INT(0, seen.corrupt);
    }
    TP_CHECK_EQ_INT((int)sent, seen.count);
    TP_CHECK(paddings > 10);
    TP_CHECK(exact_ends > 0 || paddings > 50);
    tp_log_subscription_counters_t c;
    tp_log_subscription_counters(f.sub, &c);
    TP_CHECK_EQ_U64(sent, c.messages_received);
    TP_CHECK_EQ_U64(0, c.messages_lost);
    TP_CHECK_EQ_U64(0, c.invalid_records);
    TP_CHECK_EQ_INT(tp_log_tail_position(f.log), tp_log_subscription_position(f.sub));
    tlu_seen_free(&seen);
    tlu_fixture_close(&f);
    return 0;
}

/* Exact geometry at the ring end: a record ending on it, a 32-byte padding, a padding followed by a full record. */
TP_TEST(records_end_exactly_at_the_ring_end_and_minimal_padding)
{
    const char *dir = tlu_dir();
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, 0));
    tlu_seen_t seen;
    TP_CHECK(tlu_seen_init(&seen, 256));
    uint32_t seq = 0;
    /* 63 records of 64 bytes, then one of 32 + 32 ends exactly at 4096. */
    for (int i = 0; i < 63; i++)
    {
        TP_CHECK(tlu_offer(f.pub, 32, 1, seq++, 0) > 0);
    }
    TP_CHECK_EQ_INT(4096, tlu_offer(f.pub, 32, 1, seq++, 0));
    TP_CHECK_EQ_INT(64, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 1000));
    /* Fill to 4096 + 4064 (62 x 64 + 96), leaving 32 bytes: the next 64-byte record needs a header-only padding. */
    for (int i = 0; i < 62; i++)
    {
        TP_CHECK(tlu_offer(f.pub, 32, 1, seq++, 0) > 0);
    }
    TP_CHECK(tlu_offer(f.pub, 64, 1, seq++, 0) > 0);
    TP_CHECK_EQ_INT(2 * 4096 - 32, tp_log_tail_position(f.log));
    TP_CHECK(tp_log_subscription_poll(f.sub, tlu_collect, &seen, 1000) > 0);
    TP_CHECK_EQ_INT(2 * 4096 + 64, tlu_offer(f.pub, 32, 1, seq++, 0));
    TP_CHECK_EQ_INT(1, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 1000));
    TP_CHECK_EQ_INT((int)seq, seen.count);
    TP_CHECK_EQ_INT(0, seen.corrupt);
    for (int i = 0; i < seen.count; i++)
    {
        TP_CHECK_EQ_INT(i, seen.sequence[i]);
    }
    tlu_seen_free(&seen);
    tlu_fixture_close(&f);
    return 0;
}

TP_TEST(copy_out_receive_keeps_a_message_that_does_not_fit)
{
    const char *dir = tlu_dir();
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, 0));
    TP_CHECK(tlu_offer(f.pub, 100, 3, 0, 9) > 0);
    TP_CHECK(tlu_offer(f.pub, 20, 3, 1, 8) > 0);
    uint8_t small[50], big[MAX_MSG];
    tp_log_message_info_t info;
    memset(&info, 0, sizeof(info));
    TP_CHECK_ERR(TP_LOG_ERR_BUFFER_TOO_SMALL, tp_log_subscription_receive(f.sub, small, sizeof(small), &info));
    TP_CHECK_EQ_INT(100, info.length);
    /* Still pending: the same message comes with a large enough buffer. */
    TP_CHECK_EQ_INT(1, tp_log_subscription_receive(f.sub, big, sizeof(big), &info));
    uint32_t p, s;
    TP_CHECK(tlu_verify(big, info.length, &p, &s));
    TP_CHECK_EQ_INT(0, s);
    TP_CHECK_EQ_INT(9, info.msg_type);
    TP_CHECK_EQ_INT(0, info.position);
    TP_CHECK_EQ_INT(0, info.index);
    TP_CHECK_EQ_INT(1, tp_log_subscription_receive(f.sub, small, sizeof(small), &info));
    TP_CHECK(tlu_verify(small, info.length, &p, &s));
    TP_CHECK_EQ_INT(1, s);
    TP_CHECK_EQ_INT(160, info.position);
    TP_CHECK_EQ_INT(1, info.index);
    TP_CHECK_EQ_INT(0, tp_log_subscription_receive(f.sub, big, sizeof(big), &info));
    /* A zero-length message fits a zero-length buffer. */
    TP_CHECK(tp_log_publication_offer(f.pub, NULL, 0, 1) > 0);
    TP_CHECK_EQ_INT(1, tp_log_subscription_receive(f.sub, NULL, 0, &info));
    TP_CHECK_EQ_INT(0, info.length);
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_log_subscription_receive(f.sub, NULL, 10, &info));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_log_subscription_receive(f.sub, big, -1, &info));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_log_subscription_receive(f.sub, big, 10, NULL));
    tp_log_subscription_counters_t c;
    tp_log_subscription_counters(f.sub, &c);
    TP_CHECK_EQ_U64(3, c.messages_received);
    TP_CHECK_EQ_U64(120, c.bytes_received);
    tlu_fixture_close(&f);
    return 0;
}

TP_TEST(fragment_limit_and_mixed_poll_receive_keep_order)
{
    const char *dir = tlu_dir();
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, 0));
    for (uint32_t i = 0; i < 10; i++)
    {
        TP_CHECK(tlu_offer(f.pub, 16, 1, i, 0) > 0);
    }
    tlu_seen_t seen;
    TP_CHECK(tlu_seen_init(&seen, 16));
    TP_CHECK_EQ_INT(3, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 3));
    /* The position counts handed-over messages, not copies still waiting in the batch. */
    TP_CHECK_EQ_INT(3 * 64, tp_log_subscription_position(f.sub));
    uint8_t buf[64];
    tp_log_message_info_t info;
    TP_CHECK_EQ_INT(1, tp_log_subscription_receive(f.sub, buf, sizeof(buf), &info));
    uint32_t p, s;
    TP_CHECK(tlu_verify(buf, info.length, &p, &s));
    TP_CHECK_EQ_INT(3, s);
    TP_CHECK_EQ_INT(6, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 100));
    TP_CHECK_EQ_INT(9, seen.count);
    TP_CHECK_EQ_INT(9, seen.sequence[8]);
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 0));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_log_subscription_poll(f.sub, NULL, &seen, 1));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_log_subscription_poll(NULL, tlu_collect, &seen, 1));
    tlu_seen_free(&seen);
    tlu_fixture_close(&f);
    return 0;
}

TP_TEST(try_claim_then_commit_publishes_in_place)
{
    const char *dir = tlu_dir();
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, 0));
    tp_log_claim_t claim;
    TP_CHECK_EQ_INT(96, tp_log_publication_try_claim(f.pub, 40, 4, &claim));
    TP_CHECK_EQ_INT(0, claim.position);
    TP_CHECK_EQ_INT(0, claim.index);
    TP_CHECK_EQ_INT(40, claim.length);
    /* Not visible before commit. */
    tlu_seen_t seen;
    TP_CHECK(tlu_seen_init(&seen, 8));
    TP_CHECK_EQ_INT(0, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 10));
    TP_CHECK_ERR(TP_ERR_STATE, tlu_offer(f.pub, 8, 1, 1, 0));
    tp_log_claim_t other;
    TP_CHECK_ERR(TP_ERR_STATE, tp_log_publication_try_claim(f.pub, 8, 0, &other));
    tlu_fill(claim.buffer, claim.length, 5, 5);
    tp_log_claim_t wrong = claim;
    wrong.position += 32;
    TP_CHECK_ERR(TP_ERR_STATE, tp_log_publication_commit(f.pub, &wrong));
    TP_CHECK_EQ_INT(96, tp_log_publication_commit(f.pub, &claim));
    TP_CHECK_ERR(TP_ERR_STATE, tp_log_publication_commit(f.pub, &claim));
    TP_CHECK_EQ_INT(1, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 10));
    TP_CHECK_EQ_INT(5, seen.sequence[0]);
    TP_CHECK_EQ_INT(4, seen.msg_type[0]);
    TP_CHECK_EQ_INT(0, seen.corrupt);
    tlu_seen_free(&seen);
    tlu_fixture_close(&f);
    return 0;
}

/* Two publications in one process share the log; a second subscription sees the same stream. */
TP_TEST(every_subscription_sees_every_publication)
{
    const char *dir = tlu_dir();
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, 0));
    tp_log_publication_t *pub2 = NULL;
    tp_log_subscription_t *sub2 = NULL;
    TP_CHECK_OK(tp_log_publication_create(&pub2, f.log));
    TP_CHECK_OK(tp_log_subscription_create(&sub2, f.log, 0));
    for (uint32_t i = 0; i < 20; i++)
    {
        TP_CHECK(tlu_offer(i % 2 ? pub2 : f.pub, 24, i % 2, i, 0) > 0);
    }
    tlu_seen_t a, b;
    TP_CHECK(tlu_seen_init(&a, 32) && tlu_seen_init(&b, 32));
    TP_CHECK_EQ_INT(20, tp_log_subscription_poll(f.sub, tlu_collect, &a, 100));
    TP_CHECK_EQ_INT(20, tp_log_subscription_poll(sub2, tlu_collect, &b, 100));
    for (int i = 0; i < 20; i++)
    {
        TP_CHECK_EQ_INT(i, a.sequence[i]);
        TP_CHECK_EQ_INT(i, b.sequence[i]);
        TP_CHECK_EQ_INT(i % 2, b.publisher[i]);
    }
    tlu_seen_free(&a);
    tlu_seen_free(&b);
    TP_CHECK_OK(tp_log_subscription_close(sub2));
    TP_CHECK_OK(tp_log_publication_close(pub2));
    tlu_fixture_close(&f);
    return 0;
}

/* Batched delivery: views in place, nothing delivered until consumed, the same views again until then. */
TP_TEST(peek_exposes_pending_messages_in_place_until_consumed)
{
    const char *dir = tlu_dir();
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, 0));
    TP_CHECK_EQ_INT(0, tp_log_subscription_peek(f.sub, (tp_log_message_view_t[1]){ { 0 } }, 1));
    for (uint32_t i = 0; i < 5; i++)
    {
        TP_CHECK(tlu_offer(f.pub, 24 + (int32_t)i, 1, i, (int32_t)i) > 0);
    }
    tp_log_message_view_t views[8];
    TP_CHECK_EQ_INT(3, tp_log_subscription_peek(f.sub, views, 3));
    TP_CHECK_EQ_INT(5, tp_log_subscription_peek(f.sub, views, 8));
    for (uint32_t i = 0; i < 5; i++)
    {
        uint32_t publisher = 0, sequence = 0;
        TP_CHECK(tlu_verify(views[i].buffer, views[i].length, &publisher, &sequence));
        TP_CHECK_EQ_INT(i, sequence);
        TP_CHECK_EQ_INT(24 + (int32_t)i, views[i].length);
        TP_CHECK_EQ_INT((int32_t)i, views[i].msg_type);
        TP_CHECK_EQ_INT(i, views[i].index);
    }
    TP_CHECK_EQ_INT(0, tp_log_subscription_position(f.sub));
    tp_log_subscription_counters_t c;
    tp_log_subscription_counters(f.sub, &c);
    TP_CHECK_EQ_U64(0, c.messages_received);
    TP_CHECK_EQ_INT(2, tp_log_subscription_consume(f.sub, 2));
    TP_CHECK_EQ_INT(views[2].position, tp_log_subscription_position(f.sub));
    TP_CHECK_EQ_INT(0, tp_log_subscription_consume(f.sub, -1));
    TP_CHECK_EQ_INT(0, tp_log_subscription_consume(NULL, 1));
    TP_CHECK_EQ_INT(3, tp_log_subscription_peek(f.sub, views, 8));
    uint32_t publisher = 0, sequence = 0;
    TP_CHECK(tlu_verify(views[0].buffer, views[0].length, &publisher, &sequence));
    TP_CHECK_EQ_INT(2, sequence);
    TP_CHECK_EQ_INT(3, tp_log_subscription_consume(f.sub, 4)); /* never more than the peek exposed */
    TP_CHECK_EQ_INT(0, tp_log_subscription_peek(f.sub, views, 8));
    tp_log_subscription_counters(f.sub, &c);
    TP_CHECK_EQ_U64(5, c.messages_received);
    TP_CHECK_EQ_U64(24 + 25 + 26 + 27 + 28, c.bytes_received);
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_log_subscription_peek(f.sub, NULL, 1));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_log_subscription_peek(f.sub, views, 0));
    tlu_fixture_close(&f);
    return 0;
}

TP_TEST_MAIN()
