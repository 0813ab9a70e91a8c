/*
 * test_log_mp.c - many publishers (processes and threads) into one log and a
 * subscriber that keeps up: every message of every publisher arrives exactly
 * once, whole, in that publisher's order, through many laps of the ring.
 */
#include "tp_test.h"
#include "test_log_util.h"

#include <pthread.h>
#include <sched.h>

enum
{
    CAP = 1 << 20,
    PUBLISHERS = 4,
    MESSAGES = 50000,
    MAX_LEN = 200,
    /* The test (not the log) keeps publishers within a quarter ring of the
     * subscriber so that it is never lapped: lossless delivery can be asserted. */
    WINDOW = CAP / 4,
    STALL_NS_LONG = 10 * 1000 * 1000 * 1000LL
};

typedef struct shared_stct
{
    int64_t subscriber_position;  /* written by the subscriber, read by publishers */
    int stop;
} shared_t;

static int32_t mp_length(uint32_t publisher, uint32_t sequence)
{
    uint64_t x = ((uint64_t)publisher << 32) | sequence;
    return TLU_MSG_HEADER + (int32_t)(tlu_next(&x) % (MAX_LEN - TLU_MSG_HEADER + 1));
}

static int mp_publish(tp_log_t *log, shared_t *shared, uint32_t id)
{
    tp_log_publication_t *pub = NULL;
    if (tp_log_publication_create(&pub, log) < 0)
    {
        return 2;
    }
    for (uint32_t i = 0; i < MESSAGES; i++)
    {
        for (long spins = 0; tp_log_tail_position(log) - __atomic_load_n(&shared->subscriber_position, __ATOMIC_ACQUIRE) > WINDOW; spins++)
        {
            if (__atomic_load_n(&shared->stop, __ATOMIC_ACQUIRE) || spins > 20L * 1000 * 1000)
            {
                return 4;
            }
            sched_yield();
        }
        if (tlu_offer(pub, mp_length(id, i), id, i, (int32_t)id) <= 0)
        {
            fprintf(stderr, "publisher %u: %s\n", id, tp_errmsg());
            return 3;
        }
    }
    tp_log_publication_close(pub);
    return 0;
}

typedef struct checker_stct
{
    uint32_t next[PUBLISHERS + 1];
    int errors;
    int received;
} checker_t;

static void mp_check(void *clientd, const uint8_t *buffer, int32_t length, int32_t msg_type)
{
    checker_t *c = clientd;
    uint32_t p = 0, s = 0;
    if (!tlu_verify(buffer, length, &p, &s) || p < 1 || p > PUBLISHERS || s != c->next[p] ||
        length != mp_length(p, s) || msg_type != (int32_t)p)
    {
        if (c->errors++ < 5)
        {
            fprintf(stderr, "bad message: publisher %u sequence %u (expected %u) length %d type %d\n",
                p, s, p >= 1 && p <= PUBLISHERS ? c->next[p] : 0, length, msg_type);
        }
        return;
    }
    c->next[p]++;
    c->received++;
}

/* Poll until every message arrived (or the publishers gave up); returns 0 when all checks hold. */
static int mp_subscribe(tp_log_subscription_t *sub, shared_t *shared, checker_t *checker, int (*done)(void *), void *arg)
{
    int idle = 0;
    while (checker->received < PUBLISHERS * MESSAGES && idle < 20000)
    {
        int32_t n = tp_log_subscription_poll(sub, mp_check, checker, 256);
        __atomic_store_n(&shared->subscriber_position, tp_log_subscription_position(sub), __ATOMIC_RELEASE);
        if (n > 0)
        {
            idle = 0;
        }
        else if (done(arg))
        {
            idle++;
            usleep(100);
        }
        else
        {
            sched_yield();
        }
    }
    __atomic_store_n(&shared->stop, 1, __ATOMIC_RELEASE);
    return 0;
}

static int mp_verify(tp_log_t *log, tp_log_subscription_t *sub, const checker_t *checker)
{
    TP_CHECK_EQ_INT(0, checker->errors);
    TP_CHECK_EQ_INT(PUBLISHERS * MESSAGES, checker->received);
    for (int p = 1; p <= PUBLISHERS; p++)
    {
        TP_CHECK_EQ_INT(MESSAGES, checker->next[p]);
    }
    TP_CHECK(tlu_losses_are(sub, 0, 0, 0, 0, 0));
    tp_log_subscription_counters_t c;
    tp_log_subscription_counters(sub, &c);
    TP_CHECK_EQ_U64(PUBLISHERS * MESSAGES, c.messages_received);
    TP_CHECK(tp_log_tail_position(log) > 4 * CAP); /* many laps */
    TP_CHECK_EQ_INT(tp_log_tail_position(log), tp_log_subscription_position(sub));
    return 0;
}

typedef struct procs_stct
{
    pid_t pids[PUBLISHERS];
    int exits;
    int failures;
} procs_t;

static int procs_done(void *arg)
{
    procs_t *p = arg;
    for (int i = 0; i < PUBLISHERS; i++)
    {
        int status;
        if (p->pids[i] > 0 && waitpid(p->pids[i], &status, WNOHANG) == p->pids[i])
        {
            p->failures += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
            p->pids[i] = 0;
            p->exits++;
        }
    }
    return p->exits == PUBLISHERS;
}

TP_TEST(processes_interleave_every_message_exactly_once_in_publisher_order)
{
    const char *dir = tlu_dir();
    char path[512];
    tlu_path(path, sizeof(path), dir, "mp.log");
    tp_log_t *log = NULL;
    tp_log_subscription_t *sub = NULL;
    TP_CHECK_OK(tp_log_open(&log, path, CAP));
    TP_CHECK_OK(tp_log_subscription_create(&sub, log, STALL_NS_LONG));
    shared_t *shared = mmap(NULL, sizeof(shared_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    TP_CHECK(shared != MAP_FAILED);
    memset(shared, 0, sizeof(*shared));
    procs_t procs;
    memset(&procs, 0, sizeof(procs));
    for (uint32_t i = 0; i < PUBLISHERS; i++)
    {
        procs.pids[i] = fork();
        TP_CHECK(procs.pids[i] >= 0);
        if (procs.pids[i] == 0)
        {
            /* Each publisher process opens the file itself, as an unrelated process would. */
            tp_log_t *own = NULL;
            _exit(tp_log_open(&own, path, CAP) < 0 ? 2 : mp_publish(own, shared, i + 1));
        }
    }
    checker_t checker;
    memset(&checker, 0, sizeof(checker));
    mp_subscribe(sub, shared, &checker, procs_done, &procs);
    for (int i = 0; i < PUBLISHERS; i++)
    {
        if (procs.pids[i] > 0)
        {
            procs.failures += tlu_wait_child(procs.pids[i], TLU_CHILD_TIMEOUT_S) != 0;
        }
    }
    TP_CHECK_EQ_INT(0, procs.failures);
    TP_CHECK_EQ_INT(0, mp_verify(log, sub, &checker));
    munmap(shared, sizeof(*shared));
    TP_CHECK_OK(tp_log_subscription_close(sub));
    TP_CHECK_OK(tp_log_close(log));
    return 0;
}

typedef struct thread_arg_stct
{
    tp_log_t *log;
    shared_t *shared;
    uint32_t id;
    int result;
    int finished;
} thread_arg_t;

static void *thread_main(void *arg)
{
    thread_arg_t *t = arg;
    t->result = mp_publish(t->log, t->shared, t->id);
    __atomic_store_n(&t->finished, 1, __ATOMIC_RELEASE);
    return NULL;
}

static int threads_done(void *arg)
{
    thread_arg_t *t = arg;
    int done = 0;
    for (int i = 0; i < PUBLISHERS; i++)
    {
        done += __atomic_load_n(&t[i].finished, __ATOMIC_ACQUIRE);
    }
    return done == PUBLISHERS;
}

TP_TEST(threads_with_own_publications_interleave_exactly_once)
{
    const char *dir = tlu_dir();
    char path[512];
    tlu_path(path, sizeof(path), dir, "mt.log");
    tp_log_t *log = NULL;
    tp_log_subscription_t *sub = NULL;
    TP_CHECK_OK(tp_log_open(&log, path, CAP));
    TP_CHECK_OK(tp_log_subscription_create(&sub, log, STALL_NS_LONG));
    shared_t shared;
    memset(&shared, 0, sizeof(shared));
    thread_arg_t args[PUBLISHERS];
    pthread_t threads[PUBLISHERS];
    for (uint32_t i = 0; i < PUBLISHERS; i++)
    {
        args[i] = (thread_arg_t){ log, &shared, i + 1, 0, 0 };
        TP_CHECK_EQ_INT(0, pthread_create(&threads[i], NULL, thread_main, &args[i]));
    }
    checker_t checker;
    memset(&checker, 0, sizeof(checker));
    mp_subscribe(sub, &shared, &checker, threads_done, args);
    for (int i = 0; i < PUBLISHERS; i++)
    {
        pthread_join(threads[i], NULL);
        TP_CHECK_EQ_INT(0, args[i].result);
    }
    TP_CHECK_EQ_INT(0, mp_verify(log, sub, &checker));
    TP_CHECK_OK(tp_log_subscription_close(sub));
    TP_CHECK_OK(tp_log_close(log));
    return 0;
}

TP_TEST_MAIN()
