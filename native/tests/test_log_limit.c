/*
 * test_log_limit.c - the rules that keep the publishers' hot lines away from
 * a busy subscriber (log.h "Claim", "Read", "Commit", "Idle"): the claim
 * limit and how it is raised, repaired and checked; the conservative lap
 * check that falls back to the tail; the commit's store and CAS paths and
 * their wakes; stall detection that reads the tail only after idle polls.
 */
#include "tp_test.h"
#include "test_log_util.h"
#include "log_test_hooks.h"
#include "log_tuning.h"

enum
{
    CAP = 4096,
    QUARTER = CAP / TP_LOG_CLAIM_LIMIT_STEP_DIVISOR,
    STALL_NS = 20 * 1000 * 1000,
    FRAME_32 = 64 /* frame of a 32-byte message */
};

/* ---- Raw descriptor words, as another process sees them ---- */

typedef struct words_stct
{
    tlu_raw_t raw;
    uint64_t *limit;
    uint64_t *tail;      /* {position, index} */
    uint32_t *futex;
} words_t;

static int words_map(words_t *w, const char *path)
{
    if (tlu_raw_map(&w->raw, path) != 0)
    {
        return -1;
    }
    w->limit = (uint64_t *)(w->raw.map + TP_LOG_CLAIM_LIMIT_OFFSET);
    w->tail = (uint64_t *)(w->raw.map + TP_LOG_TAIL_POSITION_OFFSET);
    w->futex = (uint32_t *)(w->raw.map + TP_LOG_FUTEX_OFFSET);
    return 0;
}

static uint64_t load64(const uint64_t *p)
{
    return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

/* A publisher that claimed one 32-byte record at the tail and died before writing anything. */
static void dead_claim(words_t *w)
{
    uint64_t end = load64(&w->tail[0]) + FRAME_32;
    if (load64(w->limit) < end)
    {
        __atomic_store_n(w->limit, end + QUARTER, __ATOMIC_SEQ_CST);
    }
    __atomic_store_n(&w->tail[1], load64(&w->tail[1]) + 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&w->tail[0], end, __ATOMIC_SEQ_CST);
}

static int offer_range(tp_log_publication_t *pub, uint32_t publisher, uint32_t from, uint32_t to)
{
    for (uint32_t i = from; i < to; i++)
    {
        if (tlu_offer(pub, 32, publisher, i, 0) <= 0)
        {
            return -1;
        }
    }
    return 0;
}

/* One test's log: a fixture, its descriptor words mapped raw, a collecting handler. */
typedef struct limit_case_stct
{
    tlu_fixture_t f;
    words_t w;
    tlu_seen_t seen;
} limit_case_t;

static int case_open(limit_case_t *c, int64_t stall_timeout_ns)
{
    if (tlu_fixture_open(&c->f, tlu_dir(), CAP, stall_timeout_ns) != 0 || words_map(&c->w, c->f.path) != 0 ||
        !tlu_seen_init(&c->seen, 256))
    {
        return -1;
    }
    return 0;
}

static void case_close(limit_case_t *c)
{
    tlu_seen_free(&c->seen);
    tlu_raw_unmap(&c->w.raw);
    tlu_fixture_close(&c->f);
}

/* ---- Claim limit ---- */

/* The first claim past the limit raises it to its end + a quarter ring; claims within it leave it alone. */
TP_TEST(claim_limit_is_raised_a_quarter_ring_past_the_claim_that_needs_it)
{
    limit_case_t c;
    TP_CHECK_EQ_INT(0, case_open(&c, STALL_NS));
    TP_CHECK_EQ_U64(0, load64(c.w.limit));
    TP_CHECK(tlu_offer(c.f.pub, 32, 1, 0, 0) > 0);
    TP_CHECK_EQ_U64(FRAME_32 + QUARTER, load64(c.w.limit));
    /* 16 more records end exactly at the limit: no raise. */
    TP_CHECK_EQ_INT(0, offer_range(c.f.pub, 1, 1, 17));
    TP_CHECK_EQ_U64(FRAME_32 + QUARTER, tp_log_tail_position(c.f.log));
    TP_CHECK_EQ_U64(FRAME_32 + QUARTER, load64(c.w.limit));
    /* The next one would end past it. */
    TP_CHECK(tlu_offer(c.f.pub, 32, 1, 17, 0) > 0);
    TP_CHECK_EQ_U64(FRAME_32 + QUARTER + FRAME_32 + QUARTER, load64(c.w.limit));
    case_close(&c);
    return 0;
}

/*
 * A limit behind the subscriber (written by someone hostile) is not trusted:
 * the copies are checked against the tail, delivered whole, and the next
 * claim repairs the limit.
 */
TP_TEST(claim_limit_behind_is_never_trusted_and_repaired_by_the_next_claim)
{
    limit_case_t c;
    TP_CHECK_EQ_INT(0, case_open(&c, STALL_NS));
    TP_CHECK_EQ_INT(0, offer_range(c.f.pub, 1, 0, 40));
    TP_CHECK_EQ_INT(40, tp_log_subscription_poll(c.f.sub, tlu_collect, &c.seen, 100));
    TP_CHECK_EQ_INT(0, offer_range(c.f.pub, 1, 40, 50));
    __atomic_store_n(c.w.limit, 0, __ATOMIC_SEQ_CST);
    TP_CHECK_EQ_INT(10, tp_log_subscription_poll(c.f.sub, tlu_collect, &c.seen, 100));
    TP_CHECK(tlu_offer(c.f.pub, 32, 1, 50, 0) > 0);
    TP_CHECK_EQ_U64(51 * FRAME_32 + QUARTER, load64(c.w.limit));
    TP_CHECK_EQ_INT(1, tp_log_subscription_poll(c.f.sub, tlu_collect, &c.seen, 100));
    TP_CHECK_EQ_INT(0, c.seen.corrupt);
    for (int i = 0; i < 51; i++)
    {
        TP_CHECK_EQ_INT(i, c.seen.sequence[i]);
    }
    TP_CHECK(tlu_losses_are(c.f.sub, 0, 0, 0, 0, 0));
    case_close(&c);
    return 0;
}

/*
 * A limit set far ahead (hostile) is left alone by the publishers and makes
 * every check fall back to the tail: a lap is still found and counted exactly.
 */
TP_TEST(claim_limit_far_ahead_falls_back_to_the_tail_and_laps_count_exactly)
{
    limit_case_t c;
    TP_CHECK_EQ_INT(0, case_open(&c, STALL_NS));
    const uint64_t far = 1ULL << 62;
    __atomic_store_n(c.w.limit, far, __ATOMIC_SEQ_CST);
    TP_CHECK_EQ_INT(0, offer_range(c.f.pub, 1, 0, 100));
    TP_CHECK_EQ_U64(far, load64(c.w.limit));
    TP_CHECK_EQ_U64(100 * FRAME_32, tp_log_tail_position(c.f.log));
    tlu_poll_until(c.f.sub, &c.seen, 32, 50);
    /* Lands on the first record at or after tail - capacity / 2 = 4352: index 68. */
    TP_CHECK_EQ_INT(32, c.seen.count);
    TP_CHECK_EQ_INT(68, c.seen.sequence[0]);
    TP_CHECK_EQ_INT(99, c.seen.sequence[31]);
    TP_CHECK_EQ_INT(0, c.seen.corrupt);
    TP_CHECK(tlu_losses_are(c.f.sub, 68, 68 * FRAME_32, 1, 0, 0));
    case_close(&c);
    return 0;
}

/*
 * With the limit vouching for the copies the tail is not read at all: a tail
 * someone wrote behind the subscriber goes unnoticed (the old per-poll tail
 * check counted it invalid and delivered nothing).
 */
TP_TEST(copies_are_validated_by_the_limit_without_reading_the_tail)
{
    limit_case_t c;
    TP_CHECK_EQ_INT(0, case_open(&c, STALL_NS));
    TP_CHECK_EQ_INT(0, offer_range(c.f.pub, 1, 0, 1));
    TP_CHECK_EQ_INT(1, tp_log_subscription_poll(c.f.sub, tlu_collect, &c.seen, 10));
    TP_CHECK_EQ_INT(0, offer_range(c.f.pub, 1, 1, 3));
    uint64_t saved = load64(&c.w.tail[0]);
    __atomic_store_n(&c.w.tail[0], 0, __ATOMIC_SEQ_CST); /* behind the subscriber's cursor (64) */
    TP_CHECK_EQ_INT(2, tp_log_subscription_poll(c.f.sub, tlu_collect, &c.seen, 10));
    __atomic_store_n(&c.w.tail[0], saved, __ATOMIC_SEQ_CST);
    TP_CHECK_EQ_INT(2, c.seen.sequence[2]);
    TP_CHECK_EQ_INT(0, c.seen.corrupt);
    TP_CHECK(tlu_losses_are(c.f.sub, 0, 0, 0, 0, 0));
    case_close(&c);
    return 0;
}

/*
 * Conservative lap check: a subscriber so far behind that the limit is more
 * than a ring past its batch cannot trust the limit, asks the tail, finds it
 * within a ring and loses nothing.
 */
TP_TEST(subscriber_more_than_three_quarters_behind_asks_the_tail_and_loses_nothing)
{
    limit_case_t c;
    TP_CHECK_EQ_INT(0, case_open(&c, STALL_NS));
    TP_CHECK_EQ_INT(0, offer_range(c.f.pub, 1, 0, 55));
    TP_CHECK_EQ_U64(55 * FRAME_32, tp_log_tail_position(c.f.log));
    TP_CHECK(load64(c.w.limit) > CAP); /* the limit alone would call the subscriber (at 0) lapped */
    tlu_poll_until(c.f.sub, &c.seen, 55, 50);
    TP_CHECK_EQ_INT(55, c.seen.count);
    TP_CHECK_EQ_INT(54, c.seen.sequence[54]);
    TP_CHECK_EQ_INT(0, c.seen.corrupt);
    TP_CHECK(tlu_losses_are(c.f.sub, 0, 0, 0, 0, 0));
    case_close(&c);
    return 0;
}

/* ---- Commit: store or CAS ---- */

static int g_by_store, g_by_cas;
static uint32_t *g_futex;                /* flagged from inside the hook */
static int g_stage;

static void commit_hook(int stage)
{
    if (stage == TP_LOG_HOOK_COMMIT_BY_STORE)
    {
        g_by_store++;
    }
    if (stage == TP_LOG_HOOK_COMMIT_BY_CAS)
    {
        g_by_cas++;
    }
    if (stage == g_stage && g_futex != NULL)
    {
        __atomic_fetch_or(g_futex, 1u, __ATOMIC_SEQ_CST);
        g_futex = NULL;
    }
}

static void hook_reset(int stage)
{
    g_by_store = 0;
    g_by_cas = 0;
    g_futex = NULL;
    g_stage = stage;
    tp_log_test_hook = commit_hook;
}

TP_TEST(commit_within_the_guard_is_a_plain_store)
{
    limit_case_t c;
    TP_CHECK_EQ_INT(0, case_open(&c, STALL_NS));
    hook_reset(0);
    TP_CHECK_EQ_INT(0, offer_range(c.f.pub, 1, 0, 10));
    tp_log_claim_t claim;
    TP_CHECK(tp_log_publication_try_claim(c.f.pub, 32, 0, &claim) > 0);
    tlu_fill(claim.buffer, 32, 1, 10);
    TP_CHECK(tp_log_publication_commit(c.f.pub, &claim) > 0);
    tp_log_test_hook = NULL;
    TP_CHECK_EQ_INT(11, g_by_store);
    TP_CHECK_EQ_INT(0, g_by_cas);
    TP_CHECK_EQ_INT(11, tp_log_subscription_poll(c.f.sub, tlu_collect, &c.seen, 16));
    TP_CHECK_EQ_INT(0, c.seen.corrupt);
    case_close(&c);
    return 0;
}

/* Others wrote more than half a ring since the claim, but not over it: the CAS commits it. */
TP_TEST(commit_past_the_guard_is_a_cas_that_succeeds_while_the_bytes_are_ours)
{
    limit_case_t c;
    TP_CHECK_EQ_INT(0, case_open(&c, STALL_NS));
    tp_log_publication_t *other = NULL;
    TP_CHECK_OK(tp_log_publication_create(&other, c.f.log));
    tp_log_claim_t claim;
    TP_CHECK(tp_log_publication_try_claim(c.f.pub, 32, 0, &claim) > 0);
    tlu_fill(claim.buffer, 32, 1, 0);
    TP_CHECK_EQ_INT(0, offer_range(other, 2, 0, 40)); /* 2560 bytes > capacity / 2 */
    hook_reset(0);
    TP_CHECK_EQ_INT(FRAME_32, tp_log_publication_commit(c.f.pub, &claim));
    tp_log_test_hook = NULL;
    TP_CHECK_EQ_INT(0, g_by_store);
    TP_CHECK_EQ_INT(1, g_by_cas);
    tlu_poll_until(c.f.sub, &c.seen, 41, 50);
    TP_CHECK_EQ_INT(41, c.seen.count);
    TP_CHECK_EQ_INT(1, c.seen.publisher[0]);
    TP_CHECK_EQ_INT(2, c.seen.publisher[40]);
    TP_CHECK_EQ_INT(39, c.seen.sequence[40]);
    TP_CHECK_EQ_INT(0, c.seen.corrupt);
    TP_CHECK(tlu_losses_are(c.f.sub, 0, 0, 0, 0, 0));
    TP_CHECK_OK(tp_log_publication_close(other));
    case_close(&c);
    return 0;
}

/* A newer lap owns the header: the CAS fails, nothing is written, the newer records stay whole. */
TP_TEST(commit_past_the_guard_fails_without_writing_when_a_newer_lap_owns_the_header)
{
    limit_case_t c;
    TP_CHECK_EQ_INT(0, case_open(&c, STALL_NS));
    tp_log_publication_t *other = NULL;
    TP_CHECK_OK(tp_log_publication_create(&other, c.f.log));
    tp_log_claim_t claim;
    TP_CHECK(tp_log_publication_try_claim(c.f.pub, 32, 0, &claim) > 0);
    tp_log_subscription_t *reader = NULL;
    TP_CHECK_OK(tp_log_subscription_create(&reader, c.f.log, STALL_NS));
    TP_CHECK_EQ_INT(0, offer_range(other, 2, 0, 64)); /* the last record sits on the claim's header */
    hook_reset(0);
    TP_CHECK_ERR(TP_LOG_ERR_PUBLICATION_LAPPED, tp_log_publication_commit(c.f.pub, &claim));
    tp_log_test_hook = NULL;
    TP_CHECK_EQ_INT(1, g_by_cas);
    tp_log_publication_counters_t pc;
    tp_log_publication_counters(c.f.pub, &pc);
    TP_CHECK_EQ_U64(1, pc.abandoned);
    TP_CHECK_EQ_U64(0, pc.offers);
    tlu_poll_until(reader, &c.seen, 64, 50);
    TP_CHECK_EQ_INT(64, c.seen.count);
    TP_CHECK_EQ_INT(63, c.seen.sequence[63]);
    TP_CHECK_EQ_INT(0, c.seen.corrupt);
    TP_CHECK(tlu_losses_are(reader, 0, 0, 0, 0, 0));
    TP_CHECK_OK(tp_log_subscription_close(reader));
    TP_CHECK_OK(tp_log_publication_close(other));
    case_close(&c);
    return 0;
}

/*
 * Three offers with a sleeper flagged before the first claim, or from inside
 * the first offer after its claim (at `stage`). Either way exactly one wake
 * clears the flag; the commits go by CAS `by_cas` times, the rest by store.
 */
static int sleeper_case(int stage, int by_cas)
{
    limit_case_t c;
    TP_CHECK_EQ_INT(0, case_open(&c, STALL_NS));
    hook_reset(stage);
    if (stage == 0)
    {
        __atomic_fetch_or(c.w.futex, 1u, __ATOMIC_SEQ_CST);
    }
    else
    {
        g_futex = c.w.futex;
    }
    TP_CHECK_EQ_INT(0, offer_range(c.f.pub, 1, 0, 3));
    tp_log_test_hook = NULL;
    TP_CHECK_EQ_INT(by_cas, g_by_cas);
    TP_CHECK_EQ_INT(3 - by_cas, g_by_store);
    tp_log_publication_counters_t pc;
    tp_log_publication_counters(c.f.pub, &pc);
    TP_CHECK_EQ_U64(1, pc.wakes);
    TP_CHECK_EQ_INT(0, __atomic_load_n(c.w.futex, __ATOMIC_SEQ_CST) & 1u);
    case_close(&c);
    return 0;
}

/* Flagged before the claim: commit by CAS (ordered before the futex load), then the wake. */
TP_TEST(sleeper_flagged_before_the_claim_gets_a_cas_commit_and_a_wake)
{
    return sleeper_case(0, 1);
}

/* Flagged after the claim: the store commit still looks at the word and wakes at once. */
TP_TEST(sleeper_flagged_after_the_claim_is_woken_by_the_store_commit)
{
    return sleeper_case(TP_LOG_HOOK_AFTER_HEADER, 0);
}

/* ---- Stall detection when idle ---- */

/*
 * A claim whose publisher died before writing its header leaves nothing at
 * the cursor; only the tail shows it. The tail is read on the
 * TP_LOG_IDLE_CLOCK_POLLS-th empty poll, not before, even with a stall
 * timeout (1 ns) that has long expired; the skip follows within a few polls.
 */
TP_TEST(dead_claim_without_header_is_seen_only_after_repeated_empty_polls)
{
    limit_case_t c;
    TP_CHECK_EQ_INT(0, case_open(&c, 1));
    dead_claim(&c.w);
    for (int i = 0; i < TP_LOG_IDLE_CLOCK_POLLS - 1; i++)
    {
        TP_CHECK_EQ_INT(0, tp_log_subscription_poll(c.f.sub, tlu_collect, &c.seen, 10));
        usleep(100);
    }
    TP_CHECK_EQ_INT(0, tp_log_subscription_position(c.f.sub));
    TP_CHECK(tlu_losses_are(c.f.sub, 0, 0, 0, 0, 0));
    for (int i = 0; i < 5000 && tp_log_subscription_position(c.f.sub) == 0; i++)
    {
        TP_CHECK_EQ_INT(0, tp_log_subscription_poll(c.f.sub, tlu_collect, &c.seen, 10));
        usleep(100);
    }
    TP_CHECK_EQ_INT(FRAME_32, tp_log_subscription_position(c.f.sub));
    TP_CHECK(tlu_losses_are(c.f.sub, 1, FRAME_32, 0, 1, 0));
    TP_CHECK_EQ_INT(0, offer_range(c.f.pub, 1, 1, 3));
    TP_CHECK_EQ_INT(2, tp_log_subscription_poll(c.f.sub, tlu_collect, &c.seen, 10));
    TP_CHECK_EQ_INT(2, c.seen.sequence[1]);
    case_close(&c);
    return 0;
}

/* The wait timed the stall and returned at its deadline: the very next poll skips it. */
TP_TEST(stall_timed_by_wait_is_skipped_by_the_next_poll)
{
    limit_case_t c;
    TP_CHECK_EQ_INT(0, case_open(&c, STALL_NS));
    dead_claim(&c.w);
    TP_CHECK_EQ_INT(TP_LOG_WAIT_READY, tp_log_subscription_wait(c.f.sub, -1));
    TP_CHECK_EQ_INT(0, tp_log_subscription_poll(c.f.sub, tlu_collect, &c.seen, 4));
    TP_CHECK_EQ_INT(FRAME_32, tp_log_subscription_position(c.f.sub));
    TP_CHECK(tlu_losses_are(c.f.sub, 1, FRAME_32, 0, 1, 0));
    case_close(&c);
    return 0;
}

TP_TEST_MAIN()
