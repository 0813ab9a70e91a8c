/* test_log_wait.c - the futex wait of a subscription and the publishers' wakes (log.h "Futex"). */
#include "tp_test.h"
#include "test_log_util.h"

enum { CAP = 4096, STALL_NS = 20 * 1000 * 1000 };

static uint32_t futex_word(const char *path)
{
    tlu_raw_t raw;
    if (tlu_raw_map(&raw, path) != 0)
    {
        return 0xFFFFFFFFu;
    }
    uint32_t w = __atomic_load_n((uint32_t *)(raw.map + TP_LOG_FUTEX_OFFSET), __ATOMIC_SEQ_CST);
    tlu_raw_unmap(&raw);
    return w;
}

/* Poll the futex word until a sleeper has flagged it (bounded). */
static int wait_for_sleeper(const char *path)
{
    for (int i = 0; i < TLU_CHILD_TIMEOUT_S * 1000; i++)
    {
        if ((futex_word(path) & 1u) != 0)
        {
            return 0;
        }
        usleep(1000);
    }
    return -1;
}

TP_TEST(wait_times_out_when_nothing_is_published)
{
    const char *dir = tlu_dir();
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, STALL_NS));
    TP_CHECK_EQ_INT(TP_LOG_WAIT_TIMED_OUT, tp_log_subscription_wait(f.sub, 0));
    TP_CHECK_EQ_INT(TP_LOG_WAIT_TIMED_OUT, tp_log_subscription_wait(f.sub, 20 * 1000 * 1000));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_log_subscription_wait(NULL, 0));
    tlu_fixture_close(&f);
    return 0;
}

TP_TEST(wait_is_ready_when_a_record_is_committed_or_lapped)
{
    const char *dir = tlu_dir();
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, STALL_NS));
    TP_CHECK(tlu_offer(f.pub, 16, 1, 0, 0) > 0);
    TP_CHECK_EQ_INT(TP_LOG_WAIT_READY, tp_log_subscription_wait(f.sub, 10LL * 1000 * 1000 * 1000));
    tlu_seen_t seen;
    TP_CHECK(tlu_seen_init(&seen, 4));
    TP_CHECK_EQ_INT(1, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 4));
    TP_CHECK_EQ_INT(TP_LOG_WAIT_TIMED_OUT, tp_log_subscription_wait(f.sub, 0));
    /* Lapped is ready too: poll has recovering to do. */
    for (uint32_t i = 0; i < 200; i++)
    {
        TP_CHECK(tlu_offer(f.pub, 32, 1, i, 0) > 0);
    }
    TP_CHECK_EQ_INT(TP_LOG_WAIT_READY, tp_log_subscription_wait(f.sub, 0));
    TP_CHECK(tp_log_subscription_poll(f.sub, tlu_collect, &seen, 100) > 0);
    tlu_seen_free(&seen);
    tlu_fixture_close(&f);
    return 0;
}

/* Child: subscribe, tell the parent, then sleep with no timeout; exit 0 when the wait returned `expected`. */
static int sleeper(const char *path, int ready_fd, int expected, int then_receive)
{
    tp_log_t *log = NULL;
    tp_log_subscription_t *sub = NULL;
    if (tp_log_open(&log, path, CAP) < 0 || tp_log_subscription_create(&sub, log, STALL_NS) < 0)
    {
        return 2;
    }
    char c = 'r';
    if (write(ready_fd, &c, 1) != 1)
    {
        return 3;
    }
    int rc = tp_log_subscription_wait(sub, -1);
    if (rc != expected)
    {
        fprintf(stderr, "sleeper: wait returned %d, expected %d (%s)\n", rc, expected, tp_errmsg());
        return 4;
    }
    if (then_receive)
    {
        uint8_t buf[64];
        tp_log_message_info_t info;
        if (tp_log_subscription_receive(sub, buf, sizeof(buf), &info) != 1)
        {
            return 5;
        }
    }
    tp_log_subscription_close(sub);
    tp_log_close(log);
    return 0;
}

static pid_t start_sleeper(const char *path, int expected, int then_receive)
{
    int ready[2];
    if (pipe(ready) != 0)
    {
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0)
    {
        close(ready[0]);
        _exit(sleeper(path, ready[1], expected, then_receive));
    }
    close(ready[1]);
    char c;
    if (pid < 0 || read(ready[0], &c, 1) != 1)
    {
        pid = -1;
    }
    close(ready[0]);
    return pid;
}

/* The sleeper has no timeout: it can only exit if the commit wakes it (the parent bounds the wait and kills it). */
TP_TEST(sleeper_in_another_process_is_woken_by_a_commit)
{
    const char *dir = tlu_dir();
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, STALL_NS));
    pid_t pid = start_sleeper(f.path, TP_LOG_WAIT_READY, 1);
    TP_CHECK(pid > 0);
    TP_CHECK_EQ_INT(0, wait_for_sleeper(f.path));
    TP_CHECK(tlu_offer(f.pub, 16, 1, 0, 0) > 0);
    TP_CHECK_EQ_INT(0, tlu_wait_child(pid, TLU_CHILD_TIMEOUT_S));
    tp_log_publication_counters_t pc;
    tp_log_publication_counters(f.pub, &pc);
    TP_CHECK_EQ_U64(1, pc.wakes);
    TP_CHECK_EQ_INT(0, futex_word(f.path) & 1u);
    tlu_fixture_close(&f);
    return 0;
}

TP_TEST(wake_waiters_interrupts_a_sleeper)
{
    const char *dir = tlu_dir();
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, STALL_NS));
    pid_t pid = start_sleeper(f.path, TP_LOG_WAIT_TIMED_OUT, 0);
    TP_CHECK(pid > 0);
    TP_CHECK_EQ_INT(0, wait_for_sleeper(f.path));
    TP_CHECK_OK(tp_log_wake_waiters(f.log));
    TP_CHECK_EQ_INT(0, tlu_wait_child(pid, TLU_CHILD_TIMEOUT_S));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_log_wake_waiters(NULL));
    tlu_fixture_close(&f);
    return 0;
}

TP_TEST(publisher_makes_no_wake_call_without_sleepers)
{
    const char *dir = tlu_dir();
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, STALL_NS));
    for (uint32_t i = 0; i < 100; i++)
    {
        TP_CHECK(tlu_offer(f.pub, 16, 1, i, 0) > 0);
    }
    tp_log_publication_counters_t pc;
    tp_log_publication_counters(f.pub, &pc);
    TP_CHECK_EQ_U64(0, pc.wakes);
    tlu_fixture_close(&f);
    return 0;
}

/* A sleeper that died left bit 0 set: the next commit pays one wake and clears it; later commits pay none. */
TP_TEST(stale_sleeper_flag_costs_one_wake_then_none)
{
    const char *dir = tlu_dir();
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, STALL_NS));
    tlu_raw_t raw;
    TP_CHECK_EQ_INT(0, tlu_raw_map(&raw, f.path));
    __atomic_fetch_or((uint32_t *)(raw.map + TP_LOG_FUTEX_OFFSET), 1u, __ATOMIC_SEQ_CST);
    tlu_raw_unmap(&raw);
    TP_CHECK(tlu_offer(f.pub, 16, 1, 0, 0) > 0);
    TP_CHECK(tlu_offer(f.pub, 16, 1, 1, 0) > 0);
    TP_CHECK(tlu_offer(f.pub, 16, 1, 2, 0) > 0);
    tp_log_publication_counters_t pc;
    tp_log_publication_counters(f.pub, &pc);
    TP_CHECK_EQ_U64(1, pc.wakes);
    TP_CHECK_EQ_INT(0, futex_word(f.path) & 1u);
    tlu_fixture_close(&f);
    return 0;
}

/*
 * A claim holds the sleeper's cursor and is never committed: the wait must
 * not sleep past the stall deadline (no timeout given), so poll can skip it.
 */
static int stall_sleeper(const char *path, int ready_fd, int go_fd)
{
    tp_log_t *log = NULL;
    tp_log_subscription_t *sub = NULL;
    if (tp_log_open(&log, path, CAP) < 0 || tp_log_subscription_create(&sub, log, STALL_NS) < 0)
    {
        return 2;
    }
    char c = 'r';
    if (write(ready_fd, &c, 1) != 1 || read(go_fd, &c, 1) != 1)
    {
        return 3;
    }
    if (tp_log_subscription_wait(sub, -1) != TP_LOG_WAIT_READY)
    {
        return 4;
    }
    tlu_seen_t seen;
    tlu_seen_init(&seen, 4);
    for (int i = 0; i < 5000 && tp_log_subscription_position(sub) == 0; i++)
    {
        tp_log_subscription_poll(sub, tlu_collect, &seen, 4);
        usleep(1000);
    }
    tp_log_subscription_counters_t counters;
    tp_log_subscription_counters(sub, &counters);
    tlu_seen_free(&seen);
    tp_log_subscription_close(sub);
    tp_log_close(log);
    return counters.stalled_skips == 1 && counters.messages_lost == 1 ? 0 : 5;
}

TP_TEST(wait_without_timeout_returns_at_the_stall_deadline)
{
    const char *dir = tlu_dir();
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, STALL_NS));
    int ready[2], go[2];
    TP_CHECK_EQ_INT(0, pipe(ready));
    TP_CHECK_EQ_INT(0, pipe(go));
    pid_t pid = fork();
    TP_CHECK(pid >= 0);
    if (pid == 0)
    {
        _exit(stall_sleeper(f.path, ready[1], go[0]));
    }
    char c;
    TP_CHECK_EQ_INT(1, read(ready[0], &c, 1));
    tp_log_claim_t claim;
    TP_CHECK(tp_log_publication_try_claim(f.pub, 8, 0, &claim) > 0);
    TP_CHECK_EQ_INT(1, write(go[1], &c, 1));
    TP_CHECK_EQ_INT(0, tlu_wait_child(pid, TLU_CHILD_TIMEOUT_S));
    /* The late commit still succeeds: nothing has reused its bytes. */
    TP_CHECK(tp_log_publication_commit(f.pub, &claim) > 0);
    close(ready[0]);
    close(ready[1]);
    close(go[0]);
    close(go[1]);
    tlu_fixture_close(&f);
    return 0;
}

TP_TEST_MAIN()
