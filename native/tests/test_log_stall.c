/*
 * test_log_stall.c - publishers that die or stall between claim and commit
 * (forked children stopped by the test hook or SIGKILL): subscribers resume
 * after their stall timeout and count the skip; slow publishers that come
 * back late never corrupt newer records.
 */
#include "tp_test.h"
#include "test_log_util.h"
#include "log_test_hooks.h"

enum
{
    CAP = 4096,
    STALL_NS = 20 * 1000 * 1000, /* 20 ms */
    IDLE_ROUNDS = 5000,          /* ~5 s of 1 ms idle polls before giving up */
    ACT_KILL = 1,
    ACT_BLOCK = 2,
    EXIT_LAPPED = 7
};

/* ---- The child publisher and its hook ---- */

static int g_stage, g_action, g_notify_fd = -1, g_resume_fd = -1;

static void stop_here(int stage)
{
    if (stage != g_stage)
    {
        return;
    }
    if (g_action == ACT_KILL)
    {
        raise(SIGKILL);
    }
    char c = 'x';
    if (write(g_notify_fd, &c, 1) != 1 || read(g_resume_fd, &c, 1) != 1)
    {
        _exit(9);
    }
}

typedef struct child_stct
{
    pid_t pid;
    int notify[2];   /* child -> parent: "stopped at the hook" */
    int resume[2];   /* parent -> child: "go on" */
} child_t;

/* Fork a publisher that offers one 32-byte message (publisher 9, sequence 0), stopping at `stage`. */
static int child_start(child_t *c, const char *path, int stage, int action)
{
    if (pipe(c->notify) != 0 || pipe(c->resume) != 0)
    {
        return -1;
    }
    c->pid = fork();
    if (c->pid < 0)
    {
        return -1;
    }
    if (c->pid == 0)
    {
        g_stage = stage;
        g_action = action;
        g_notify_fd = c->notify[1];
        g_resume_fd = c->resume[0];
        tp_log_test_hook = stop_here;
        tp_log_t *log = NULL;
        tp_log_publication_t *pub = NULL;
        if (tp_log_open(&log, path, CAP) < 0 || tp_log_publication_create(&pub, log) < 0)
        {
            _exit(2);
        }
        int64_t rc = tlu_offer(pub, 32, 9, 0, 0);
        tp_log_publication_counters_t counters;
        tp_log_publication_counters(pub, &counters);
        if (rc == TP_LOG_ERR_PUBLICATION_LAPPED && counters.abandoned == 1)
        {
            _exit(EXIT_LAPPED);
        }
        _exit(rc > 0 ? 0 : 3);
    }
    close(c->notify[1]);
    close(c->resume[0]);
    return 0;
}

static int child_wait_stopped(child_t *c)
{
    char x;
    return read(c->notify[0], &x, 1) == 1 ? 0 : -1;
}

static int child_finish(child_t *c)
{
    signal(SIGPIPE, SIG_IGN); /* a killed child has closed its end of the pipe */
    char x = 'g';
    if (write(c->resume[1], &x, 1) != 1)
    {
        /* nothing to resume */
    }
    close(c->resume[1]);
    close(c->notify[0]);
    return tlu_wait_child(c->pid, TLU_CHILD_TIMEOUT_S);
}

/* ---- Parent side ---- */

static int offer_range(tp_log_publication_t *pub, uint32_t from, uint32_t to)
{
    for (uint32_t i = from; i < to; i++)
    {
        if (tlu_offer(pub, 32, 1, i, 0) <= 0)
        {
            return -1;
        }
    }
    return 0;
}

/* The child dies at `stage` holding the claim at `claim_position`; the parent then offers 5 messages. */
static int killed_case(const char *dir, int stage, int via_claim)
{
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, STALL_NS));
    child_t child;
    if (via_claim)
    {
        /* A caller of try_claim that dies before commit. */
        child.pid = fork();
        TP_CHECK(child.pid >= 0);
        if (child.pid == 0)
        {
            tp_log_t *log = NULL;
            tp_log_publication_t *pub = NULL;
            tp_log_claim_t claim;
            if (tp_log_open(&log, f.path, CAP) < 0 || tp_log_publication_create(&pub, log) < 0 ||
                tp_log_publication_try_claim(pub, 32, 0, &claim) <= 0)
            {
                _exit(2);
            }
            tlu_fill(claim.buffer, 32, 9, 0);
            raise(SIGKILL);
        }
        TP_CHECK_EQ_INT(-SIGKILL, tlu_wait_child(child.pid, TLU_CHILD_TIMEOUT_S));
    }
    else
    {
        TP_CHECK_EQ_INT(0, child_start(&child, f.path, stage, ACT_KILL));
        TP_CHECK_EQ_INT(-SIGKILL, child_finish(&child));
    }
    TP_CHECK_EQ_INT(64, tp_log_tail_position(f.log));
    TP_CHECK_EQ_INT(0, offer_range(f.pub, 1, 6));
    tlu_seen_t seen;
    TP_CHECK(tlu_seen_init(&seen, 16));
    tlu_poll_until(f.sub, &seen, 5, IDLE_ROUNDS);
    TP_CHECK_EQ_INT(5, seen.count);
    TP_CHECK_EQ_INT(0, seen.corrupt);
    for (int i = 0; i < 5; i++)
    {
        TP_CHECK_EQ_INT(1, seen.publisher[i]);
        TP_CHECK_EQ_INT(i + 1, seen.sequence[i]);
    }
    TP_CHECK(tlu_losses_are(f.sub, 1, 64, 0, 1, 0));
    tlu_seen_free(&seen);
    tlu_fixture_close(&f);
    return 0;
}

TP_TEST(publisher_killed_between_try_claim_and_commit_is_skipped_after_timeout)
{
    const char *dir = tlu_dir();
    return killed_case(dir, 0, 1);
}

TP_TEST(publisher_killed_after_header_is_skipped_by_its_length)
{
    const char *dir = tlu_dir();
    return killed_case(dir, TP_LOG_HOOK_AFTER_HEADER, 0);
}

TP_TEST(publisher_killed_after_payload_before_commit_is_skipped)
{
    const char *dir = tlu_dir();
    return killed_case(dir, TP_LOG_HOOK_BEFORE_COMMIT, 0);
}

TP_TEST(publisher_killed_before_writing_a_header_is_skipped_by_scanning)
{
    const char *dir = tlu_dir();
    return killed_case(dir, TP_LOG_HOOK_AFTER_CLAIM, 0);
}

/* Nothing follows the dead claim: the scan finds no header and lands on the tail. */
TP_TEST(dead_claim_at_the_tail_is_skipped_to_the_tail)
{
    const char *dir = tlu_dir();
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, STALL_NS));
    child_t child;
    TP_CHECK_EQ_INT(0, child_start(&child, f.path, TP_LOG_HOOK_AFTER_CLAIM, ACT_KILL));
    TP_CHECK_EQ_INT(-SIGKILL, child_finish(&child));
    tlu_seen_t seen;
    TP_CHECK(tlu_seen_init(&seen, 16));
    for (int i = 0; i < IDLE_ROUNDS && tp_log_subscription_position(f.sub) != 64; i++)
    {
        TP_CHECK_EQ_INT(0, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 10));
        usleep(1000);
    }
    TP_CHECK_EQ_INT(64, tp_log_subscription_position(f.sub));
    TP_CHECK(tlu_losses_are(f.sub, 1, 64, 0, 1, 0));
    TP_CHECK_EQ_INT(0, offer_range(f.pub, 1, 3));
    TP_CHECK_EQ_INT(2, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 10));
    TP_CHECK_EQ_INT(2, seen.sequence[1]);
    tlu_seen_free(&seen);
    tlu_fixture_close(&f);
    return 0;
}

/*
 * The dead claim needed padding (32 bytes left in the lap) and died before
 * writing it: the scan crosses the ring end, passes the headerless record at
 * the lap start and lands on the next real record.
 */
TP_TEST(dead_claim_with_unwritten_padding_is_skipped_across_the_ring_end)
{
    const char *dir = tlu_dir();
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, STALL_NS));
    tlu_seen_t seen;
    TP_CHECK(tlu_seen_init(&seen, 128));
    TP_CHECK_EQ_INT(0, offer_range(f.pub, 0, 62));
    TP_CHECK(tlu_offer(f.pub, 64, 1, 62, 0) > 0);
    TP_CHECK_EQ_INT(4064, tp_log_tail_position(f.log));
    TP_CHECK_EQ_INT(63, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 100));
    child_t child;
    TP_CHECK_EQ_INT(0, child_start(&child, f.path, TP_LOG_HOOK_AFTER_CLAIM, ACT_KILL));
    TP_CHECK_EQ_INT(-SIGKILL, child_finish(&child));
    TP_CHECK_EQ_INT(4160, tp_log_tail_position(f.log));
    TP_CHECK_EQ_INT(0, offer_range(f.pub, 100, 103));
    tlu_poll_until(f.sub, &seen, 66, IDLE_ROUNDS);
    TP_CHECK_EQ_INT(66, seen.count);
    TP_CHECK_EQ_INT(100, seen.sequence[63]);
    TP_CHECK_EQ_INT(102, seen.sequence[65]);
    TP_CHECK_EQ_INT(0, seen.corrupt);
    TP_CHECK(tlu_losses_are(f.sub, 1, 96, 0, 1, 0));
    tlu_seen_free(&seen);
    tlu_fixture_close(&f);
    return 0;
}

/*
 * A publisher stopped before its commit is skipped; when it finally commits
 * into its own (not yet reused) bytes, the subscriber is already past it and
 * sees nothing odd: no invalid record, no duplicate, later records intact.
 */
TP_TEST(slow_publisher_committing_after_its_skip_corrupts_nothing)
{
    const char *dir = tlu_dir();
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, STALL_NS));
    child_t child;
    TP_CHECK_EQ_INT(0, child_start(&child, f.path, TP_LOG_HOOK_BEFORE_COMMIT, ACT_BLOCK));
    TP_CHECK_EQ_INT(0, child_wait_stopped(&child));
    TP_CHECK_EQ_INT(0, offer_range(f.pub, 1, 4));
    tlu_seen_t seen;
    TP_CHECK(tlu_seen_init(&seen, 16));
    tlu_poll_until(f.sub, &seen, 3, IDLE_ROUNDS);
    TP_CHECK_EQ_INT(3, seen.count);
    TP_CHECK_EQ_INT(0, child_finish(&child)); /* its commit succeeds: its bytes were still its own */
    TP_CHECK_EQ_INT(0, offer_range(f.pub, 4, 6));
    TP_CHECK_EQ_INT(2, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 10));
    TP_CHECK_EQ_INT(0, tp_log_subscription_poll(f.sub, tlu_collect, &seen, 10));
    for (int i = 0; i < 5; i++)
    {
        TP_CHECK_EQ_INT(1, seen.publisher[i]);
        TP_CHECK_EQ_INT(i + 1, seen.sequence[i]);
    }
    TP_CHECK_EQ_INT(0, seen.corrupt);
    TP_CHECK(tlu_losses_are(f.sub, 1, 64, 0, 1, 0));
    tlu_seen_free(&seen);
    tlu_fixture_close(&f);
    return 0;
}

/*
 * A publisher stopped at `stage` holding the claim at 0 while the others write
 * a full lap (64 records, the last one at 4096 reusing its bytes). When it
 * resumes it must give up (guard before writing, CAS at commit) so the
 * record at 4096 and its neighbours stay intact for a subscriber reading them.
 */
static int overrun_case(const char *dir, int stage)
{
    tlu_fixture_t f;
    TP_CHECK_EQ_INT(0, tlu_fixture_open(&f, dir, CAP, STALL_NS));
    child_t child;
    TP_CHECK_EQ_INT(0, child_start(&child, f.path, stage, ACT_BLOCK));
    TP_CHECK_EQ_INT(0, child_wait_stopped(&child));
    tp_log_subscription_t *reader = NULL;
    TP_CHECK_OK(tp_log_subscription_create(&reader, f.log, STALL_NS));
    TP_CHECK_EQ_INT(64, tp_log_subscription_position(reader));
    TP_CHECK_EQ_INT(0, offer_range(f.pub, 1, 65));
    TP_CHECK_EQ_INT(64 + 64 * 64, tp_log_tail_position(f.log));
    TP_CHECK_EQ_INT(EXIT_LAPPED, child_finish(&child));
    tlu_seen_t seen;
    TP_CHECK(tlu_seen_init(&seen, 128));
    tlu_poll_until(reader, &seen, 64, 50);
    TP_CHECK_EQ_INT(64, seen.count);
    TP_CHECK_EQ_INT(0, seen.corrupt);
    for (int i = 0; i < 64; i++)
    {
        TP_CHECK_EQ_INT(i + 1, seen.sequence[i]);
    }
    TP_CHECK(tlu_losses_are(reader, 0, 0, 0, 0, 0));
    tlu_seen_free(&seen);
    TP_CHECK_OK(tp_log_subscription_close(reader));
    tlu_fixture_close(&f);
    return 0;
}

TP_TEST(overrun_publisher_fails_its_commit_cas_without_corrupting)
{
    const char *dir = tlu_dir();
    return overrun_case(dir, TP_LOG_HOOK_BEFORE_COMMIT);
}

TP_TEST(overrun_publisher_abandons_before_writing_into_a_newer_lap)
{
    const char *dir = tlu_dir();
    return overrun_case(dir, TP_LOG_HOOK_AFTER_CLAIM);
}

TP_TEST_MAIN()
