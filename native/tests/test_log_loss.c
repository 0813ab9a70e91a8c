/*
 * test_log_loss.c - lapped subscribers count exactly what they lost (one and
 * many publishers), and corrupt or hostile bytes in the log are counted and
 * skipped without a crash or a read out of bounds.
 */
#include "tp_test.h"
#include "test_log_util.h"
#include "log_tuning.h"
#include "log_test_hooks.h"

#include <sched.h>

enum { CAP = 4096, MAX_MSG = CAP / 8 - 32 };

/* 200 records of 64 bytes over a 4096-byte ring: the subscriber at 0 resumes at the first
 * record at or after tail - capacity/2 = 12800 - 2048 = 10752, index 168. */
TP_TEST(lapped_subscriber_counts_exact_loss_single_publisher)
{
    const char *dir = tlu_dir();
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, 0));
    for (uint32_t i = 0; i < 200; i++)
    {
        TP_CHECK(tlu_offer(f.pub, 32, 1, i, 0) > 0);
    }
    tlu_seen_t seen;
    TP_CHECK(tlu_seen_init(&seen, 256));
    TP_CHECK_EQ_INT(32, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 1000));
    TP_CHECK_EQ_INT(0, seen.corrupt);
    for (int i = 0; i < 32; i++)
    {
        TP_CHECK_EQ_INT(168 + i, seen.sequence[i]);
    }
    TP_CHECK(tlu_losses_are(f.sub, 168, 10752, 1, 0, 0));
    tlu_seen_free(&seen);
    tlu_fixture_close(&f);
    return 0;
}

/* Where every header (padding included) lands for a sequence of payload lengths, as the claim computes it. */
typedef struct layout_stct
{
    uint64_t start[4096];
    uint64_t index[4096];
    int headers;
    uint64_t tail;
} layout_t;

static void layout_add(layout_t *l, int32_t length, uint64_t index)
{
    uint64_t frame = (uint64_t)((32 + length + 31) & ~31);
    uint64_t offset = l->tail & (CAP - 1);
    if (offset + frame > CAP)
    {
        l->start[l->headers] = l->tail;
        l->index[l->headers++] = index;
        l->tail += CAP - offset;
    }
    l->start[l->headers] = l->tail;
    l->index[l->headers++] = index;
    l->tail += frame;
}

TP_TEST(lapped_subscriber_counts_exact_loss_with_varied_sizes_and_padding)
{
    const char *dir = tlu_dir();
    for (uint64_t seed = 1; seed <= 12; seed++)
    {
        tlu_fixture_t f;
        TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, 0));
        static layout_t layout;
        memset(&layout, 0, sizeof(layout));
        uint64_t x = seed;
        uint32_t n = 300 + (uint32_t)(tlu_next(&x) % 300);
        for (uint32_t i = 0; i < n; i++)
        {
            int32_t length = TLU_MSG_HEADER + (int32_t)(tlu_next(&x) % (MAX_MSG - TLU_MSG_HEADER + 1));
            TP_CHECK(tlu_offer(f.pub, length, 2, i, 0) > 0);
            layout_add(&layout, length, i);
        }
        TP_CHECK_EQ_INT(layout.tail, tp_log_tail_position(f.log));
        uint64_t from = (layout.tail - CAP / 2 + 31) & ~(uint64_t)31;
        int h = 0;
        while (layout.start[h] < from)
        {
            h++;
        }
        uint64_t landing = layout.start[h], first = layout.index[h];
        tlu_seen_t seen;
        TP_CHECK(tlu_seen_init(&seen, 1024));
        tlu_poll_until(f.sub, &seen, (int)(n - first), 5);
        TP_CHECK_EQ_INT((int)(n - first), seen.count);
        TP_CHECK_EQ_INT(0, seen.corrupt);
        for (int i = 0; i < seen.count; i++)
        {
            TP_CHECK_EQ_INT(first + (uint64_t)i, seen.sequence[i]);
        }
        TP_CHECK(tlu_losses_are(f.sub, first, landing, 1, 0, 0));
        tlu_seen_free(&seen);
        tlu_fixture_close(&f);
    }
    return 0;
}

enum { MP_PUBLISHERS = 3, MP_MESSAGES = 200000 };

static int mp_publisher(const char *path, uint32_t id)
{
    tp_log_t *log = NULL;
    tp_log_publication_t *pub = NULL;
    if (tp_log_open(&log, path, CAP) < 0 || tp_log_publication_create(&pub, log) < 0)
    {
        return 2;
    }
    for (uint32_t i = 0; i < MP_MESSAGES; i++)
    {
        int64_t rc = tlu_offer(pub, 32, id, i, 0);
        if (rc < 0 && rc != TP_LOG_ERR_PUBLICATION_LAPPED)
        {
            fprintf(stderr, "publisher %u: %s\n", id, tp_errmsg());
            return 3;
        }
    }
    tp_log_publication_close(pub);
    tp_log_close(log);
    return 0;
}

/*
 * Three processes publish 64-byte records as fast as they can into a
 * 64-record ring while this process reads with pauses: it is lapped again and
 * again, yet received + lost equals every record ever claimed, and lost bytes
 * are exactly 64 per lost record.
 */
TP_TEST(lapped_subscriber_counts_exact_loss_multiple_publishers)
{
    const char *dir = tlu_dir();
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, 20 * 1000 * 1000));
    pid_t pids[MP_PUBLISHERS];
    for (uint32_t i = 0; i < MP_PUBLISHERS; i++)
    {
        pids[i] = fork();
        TP_CHECK(pids[i] >= 0);
        if (pids[i] == 0)
        {
            _exit(mp_publisher(f.path, i + 1));
        }
    }
    tlu_seen_t seen;
    TP_CHECK(tlu_seen_init(&seen, 1));
    uint32_t last[MP_PUBLISHERS + 1] = { 0 };
    int have[MP_PUBLISHERS + 1] = { 0 };
    int out_of_order = 0, foreign = 0, running = MP_PUBLISHERS;
    int codes[MP_PUBLISHERS];
    for (long round = 0; running > 0 || tp_log_subscription_position(f.sub) != tp_log_tail_position(f.log); round++)
    {
        seen.count = 0;
        seen.capacity = 1;
        if (tp_log_subscription_poll(f.sub, tlu_collect, &seen, 1) == 1)
        {
            uint32_t p = seen.publisher[0], s = seen.sequence[0];
            if (p < 1 || p > MP_PUBLISHERS)
            {
                foreign++;
            }
            else
            {
                out_of_order += have[p] && s <= last[p];
                have[p] = 1;
                last[p] = s;
            }
        }
        if (round % 512 == 0)
        {
            usleep(200); /* fall behind on purpose */
        }
        for (int i = 0; i < MP_PUBLISHERS && round % 256 == 0; i++)
        {
            int status;
            if (pids[i] > 0 && waitpid(pids[i], &status, WNOHANG) == pids[i])
            {
                codes[i] = WIFEXITED(status) ? WEXITSTATUS(status) : 100;
                pids[i] = 0;
                running--;
            }
        }
        TP_CHECK(round < 50L * 1000 * 1000);
    }
    for (int i = 0; i < MP_PUBLISHERS; i++)
    {
        TP_CHECK_EQ_INT(0, codes[i]);
    }
    TP_CHECK_EQ_INT(0, seen.corrupt);
    TP_CHECK_EQ_INT(0, foreign);
    TP_CHECK_EQ_INT(0, out_of_order);
    tp_log_subscription_counters_t c;
    tp_log_subscription_counters(f.sub, &c);
    uint64_t claims = (uint64_t)tp_log_tail_position(f.log) / 64;
    TP_CHECK_EQ_U64(claims, c.messages_received + c.messages_lost);
    TP_CHECK_EQ_U64(c.messages_lost * 64, c.bytes_lost);
    TP_CHECK(c.times_lapped > 0);
    /* A publisher descheduled between its claim check and its copy may write into a newer lap's record (seen
     * under qemu-user): such records are counted invalid and lost, never received. */
    TP_CHECK(c.invalid_records <= c.messages_lost);
    TP_CHECK(claims == MP_PUBLISHERS * MP_MESSAGES);
    tlu_seen_free(&seen);
    tlu_fixture_close(&f);
    return 0;
}

/*
 * Records A (96-byte payload) at 0, B at 128, C at 192. A's committed header is
 * then corrupted, and A's payload holds a fake header for position 64 with a
 * wrong check: the subscriber counts A invalid, is not fooled by the fake,
 * and resumes at B.
 */
static int corrupt_and_expect(const char *dir, int field)
{
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, 0));
    TP_CHECK(tlu_offer(f.pub, 96, 1, 0, 0) > 0);
    TP_CHECK(tlu_offer(f.pub, 32, 1, 1, 0) > 0);
    TP_CHECK(tlu_offer(f.pub, 32, 1, 2, 0) > 0);
    tlu_raw_t raw;
    TP_CHECK_EQ_INT(0, tlu_raw_map(&raw, f.path));
    uint8_t *a = tlu_raw_record(&raw, CAP, 0);
    int32_t bad_length = 100000, bad_type = -7, short_padding = 8;
    uint64_t bad_index = 5;
    switch (field)
    {
        case 0: memcpy(a + TP_LOG_RECORD_LENGTH_OFFSET, &bad_length, 4); break;
        case 1: memcpy(a + TP_LOG_RECORD_INDEX_OFFSET, &bad_index, 8); break;
        case 2: memcpy(a + TP_LOG_RECORD_MSG_TYPE_OFFSET, &bad_type, 4); break;
        default:
        {
            int32_t padding = TP_LOG_MSG_TYPE_PADDING;
            memcpy(a + TP_LOG_RECORD_MSG_TYPE_OFFSET, &padding, 4);
            memcpy(a + TP_LOG_RECORD_LENGTH_OFFSET, &short_padding, 4);
            break;
        }
    }
    uint8_t *fake = tlu_raw_record(&raw, CAP, 64);
    uint64_t fake_state = 64 | TP_LOG_RECORD_COMMITTED, fake_index = 1;
    int32_t zero = 0;
    uint32_t wrong_check = 0;
    memcpy(fake + TP_LOG_RECORD_STATE_OFFSET, &fake_state, 8);
    memcpy(fake + TP_LOG_RECORD_INDEX_OFFSET, &fake_index, 8);
    memcpy(fake + TP_LOG_RECORD_LENGTH_OFFSET, &zero, 4);
    memcpy(fake + TP_LOG_RECORD_MSG_TYPE_OFFSET, &zero, 4);
    memcpy(fake + TP_LOG_RECORD_CHECK_OFFSET, &wrong_check, 4);
    tlu_raw_unmap(&raw);
    tlu_seen_t seen;
    TP_CHECK(tlu_seen_init(&seen, 8));
    TP_CHECK_EQ_INT(2, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 10));
    TP_CHECK_EQ_INT(1, seen.sequence[0]);
    TP_CHECK_EQ_INT(2, seen.sequence[1]);
    TP_CHECK_EQ_INT(0, seen.corrupt);
    TP_CHECK(tlu_losses_are(f.sub, 1, 128, 0, 0, 1));
    tlu_seen_free(&seen);
    tlu_fixture_close(&f);
    return 0;
}

/* With two publications open, a payload byte changed after the commit fails the record's sum: the copy is dropped
 * and counted, and the records around it are delivered (D230). */
TP_TEST(payload_overwritten_after_commit_is_dropped_and_counted_when_publications_share_the_log)
{
    const char *dir = tlu_dir();
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, 0));
    tp_log_publication_t *other = NULL;
    TP_CHECK_OK(tp_log_publication_create(&other, f.log));
    for (uint32_t i = 0; i < 3; i++)
    {
        TP_CHECK(tlu_offer(i == 1 ? other : f.pub, 32, 1, i, 0) > 0);
    }
    tp_log_claim_t claim;
    TP_CHECK(tp_log_publication_try_claim(f.pub, 32, 0, &claim) > 0);
    tlu_fill(claim.buffer, 32, 1, 3);
    TP_CHECK(tp_log_publication_commit(f.pub, &claim) > 0);
    tlu_raw_t raw;
    TP_CHECK_EQ_INT(0, tlu_raw_map(&raw, f.path));
    tlu_raw_record(&raw, CAP, 64)[TP_LOG_RECORD_HEADER_LENGTH + 20] ^= 0x40;  /* offered */
    tlu_raw_record(&raw, CAP, 192)[TP_LOG_RECORD_HEADER_LENGTH + 3] ^= 0x01;  /* claimed and committed in place */
    tlu_raw_unmap(&raw);
    tlu_seen_t seen;
    TP_CHECK(tlu_seen_init(&seen, 8));
    TP_CHECK_EQ_INT(2, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 10));
    TP_CHECK_EQ_INT(0, seen.corrupt);
    TP_CHECK_EQ_INT(0, seen.sequence[0]);
    TP_CHECK_EQ_INT(2, seen.sequence[1]);
    TP_CHECK(tlu_losses_are(f.sub, 2, 128, 0, 0, 2));
    TP_CHECK(tlu_offer(f.pub, 32, 1, 4, 0) > 0);
    TP_CHECK_EQ_INT(1, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 10));
    TP_CHECK_OK(tp_log_publication_close(other));
    tlu_seen_free(&seen);
    tlu_fixture_close(&f);
    return 0;
}

/* The count of open publications rises and falls with them; while one is open alone its records carry no sum
 * (nothing else can write into them late), so a lone producer's stream pays nothing for the check (D230). */
TP_TEST(records_of_a_lone_publication_carry_no_sum_and_the_count_follows_open_publications)
{
    const char *dir = tlu_dir();
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, 0));
    tlu_raw_t raw;
    TP_CHECK_EQ_INT(0, tlu_raw_map(&raw, f.path));
    const uint32_t *count = (const uint32_t *)(raw.map + TP_LOG_PUBLISHERS_OFFSET);
    TP_CHECK_EQ_INT(1, (int)*count);
    TP_CHECK(tlu_offer(f.pub, 32, 1, 0, 0) > 0);
    uint32_t sum;
    memcpy(&sum, tlu_raw_record(&raw, CAP, 0) + TP_LOG_RECORD_SUM_OFFSET, 4);
    TP_CHECK_EQ_U64(TP_LOG_RECORD_SUM_NONE, sum);
    tp_log_publication_t *other = NULL;
    TP_CHECK_OK(tp_log_publication_create(&other, f.log));
    TP_CHECK_EQ_INT(2, (int)*count);
    TP_CHECK(tlu_offer(f.pub, 32, 1, 1, 0) > 0);
    memcpy(&sum, tlu_raw_record(&raw, CAP, 64) + TP_LOG_RECORD_SUM_OFFSET, 4);
    TP_CHECK(sum != (uint32_t)TP_LOG_RECORD_SUM_NONE);
    TP_CHECK_OK(tp_log_publication_close(other));
    TP_CHECK_EQ_INT(1, (int)*count);
    tlu_raw_unmap(&raw);
    tlu_seen_t seen;
    TP_CHECK(tlu_seen_init(&seen, 8));
    TP_CHECK_EQ_INT(2, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 10));
    TP_CHECK_EQ_INT(0, seen.corrupt);
    tlu_seen_free(&seen);
    tlu_fixture_close(&f);
    return 0;
}

/* ---- A late writer: a publisher stopped after its header while others lap the ring ---- */

static tp_log_publication_t *g_lapper;
static int g_lap_armed;

static void lap_the_ring_here(int stage)
{
    if (stage != TP_LOG_HOOK_AFTER_HEADER || !g_lap_armed)
    {
        return;
    }
    g_lap_armed = 0;
    /* From 128 to 4736: a lap and a bit past the stopped claim at 0, its bytes now inside the newest half ring. */
    for (uint32_t i = 0; i < 72; i++)
    {
        if (tlu_offer(g_lapper, 32, 2, i, 0) < 0)
        {
            fprintf(stderr, "lapper offer %u: %s\n", i, tp_errmsg());
        }
    }
}

/* The stopped publisher resumes and copies its payload over a newer lap's records before it finds the claim
 * lost: no subscriber ever receives those bytes as the newer record's (wire spec §15.4: never torn). */
TP_TEST(late_writer_of_an_older_lap_never_delivers_torn_bytes)
{
    const char *dir = tlu_dir();
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, 0));
    TP_CHECK_EQ_INT(0, tp_log_publication_create(&g_lapper, f.log));
    g_lap_armed = 1;
    tp_log_test_hook = lap_the_ring_here;
    int64_t late = tlu_offer(f.pub, 96, 1, 0, 0);
    tp_log_test_hook = NULL;
    TP_CHECK(late < 0); /* its commit finds the claim lapped and abandons it */
    tlu_seen_t seen;
    TP_CHECK(tlu_seen_init(&seen, 256));
    int got = 0;
    for (int n = 1; n > 0; got += n)
    {
        n = tp_log_subscription_poll(f.sub, tlu_collect, &seen, 1000);
    }
    TP_CHECK(got > 0);
    TP_CHECK_EQ_INT(0, seen.corrupt);
    for (int i = 0; i < got; i++)
    {
        TP_CHECK_EQ_INT(2, (int)seen.publisher[i]);
    }
    tp_log_subscription_counters_t c;
    tp_log_subscription_counters(f.sub, &c);
    /* The record at 4096 carries the late bytes under its own header: dropped by its sum. (The next header,
     * overwritten too, reads as a stalled claim until the stall timeout.) */
    TP_CHECK_EQ_U64(1, c.invalid_records);
    TP_CHECK_EQ_U64((uint64_t)got, c.messages_received);
    tp_log_publication_close(g_lapper);
    tlu_seen_free(&seen);
    tlu_fixture_close(&f);
    return 0;
}

TP_TEST(invalid_committed_headers_are_counted_and_skipped)
{
    const char *dir = tlu_dir();
    for (int field = 0; field < 4; field++)
    {
        if (corrupt_and_expect(dir, field) != 0)
        {
            fprintf(stderr, "corrupted field case %d\n", field);
            return 1;
        }
    }
    return 0;
}

TP_TEST(tail_moved_backwards_is_counted_not_trusted)
{
    const char *dir = tlu_dir();
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, 0));
    for (uint32_t i = 0; i < 4; i++)
    {
        TP_CHECK(tlu_offer(f.pub, 32, 1, i, 0) > 0);
    }
    tlu_seen_t seen;
    TP_CHECK(tlu_seen_init(&seen, 16));
    TP_CHECK_EQ_INT(4, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 10));
    tlu_raw_t raw;
    TP_CHECK_EQ_INT(0, tlu_raw_map(&raw, f.path));
    uint64_t *tail = (uint64_t *)(raw.map + TP_LOG_TAIL_POSITION_OFFSET);
    uint64_t saved = *tail;
    *tail = 64; /* behind the subscriber: impossible unless written by someone hostile */
    /* Empty polls look at the tail only every TP_LOG_IDLE_CLOCK_POLLS-th time (test_log_limit.c). */
    for (int i = 0; i < TP_LOG_IDLE_CLOCK_POLLS; i++)
    {
        TP_CHECK_EQ_INT(0, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 10));
    }
    *tail = saved;
    tlu_raw_unmap(&raw);
    TP_CHECK(tlu_offer(f.pub, 32, 1, 4, 0) > 0);
    TP_CHECK_EQ_INT(1, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 10));
    TP_CHECK_EQ_INT(4, seen.sequence[4]);
    tp_log_subscription_counters_t c;
    tp_log_subscription_counters(f.sub, &c);
    TP_CHECK(c.invalid_records >= 1);
    tlu_seen_free(&seen);
    tlu_fixture_close(&f);
    return 0;
}

/*
 * Random bytes everywhere in the ring and a tail pushed forward by someone
 * hostile: the subscriber stalls, skips, scans and lands on the tail, without
 * reading outside the ring (ASan) and without hanging.
 */
TP_TEST(garbage_ring_and_hostile_tail_never_crash_or_hang)
{
    const char *dir = tlu_dir();
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, 1000)); /* 1 us stall timeout */
    tlu_raw_t raw;
    TP_CHECK_EQ_INT(0, tlu_raw_map(&raw, f.path));
    uint64_t x = 99;
    tlu_seen_t seen;
    TP_CHECK(tlu_seen_init(&seen, 1));
    for (int round = 0; round < 200; round++)
    {
        for (uint64_t i = 0; i < CAP; i++)
        {
            raw.map[TP_LOG_DESCRIPTOR_LENGTH + i] = (uint8_t)tlu_next(&x);
        }
        /* Sometimes plant plausible state words so the fast path and scans see "committed" garbage. */
        uint64_t cursor = (uint64_t)tp_log_subscription_position(f.sub);
        for (int k = 0; k < 8; k++)
        {
            uint64_t q = cursor + 32 * (tlu_next(&x) % 64);
            uint64_t state = q | (tlu_next(&x) % 2 ? TP_LOG_RECORD_COMMITTED : TP_LOG_RECORD_CLAIMED);
            memcpy(tlu_raw_record(&raw, CAP, q), &state, 8);
        }
        uint64_t *tail = (uint64_t *)(raw.map + TP_LOG_TAIL_POSITION_OFFSET);
        uint64_t target = cursor + 32 * (1 + tlu_next(&x) % 200);
        *tail = target;
        for (int polls = 0; polls < 10000 && (uint64_t)tp_log_subscription_position(f.sub) < target; polls++)
        {
            seen.count = 0;
            TP_CHECK(tp_log_subscription_poll(f.sub, tlu_collect, &seen, 16) >= 0);
        }
        TP_CHECK((uint64_t)tp_log_subscription_position(f.sub) >= target);
    }
    tlu_raw_unmap(&raw);
    tlu_seen_free(&seen);
    tlu_fixture_close(&f);
    return 0;
}

TP_TEST_MAIN()
