/*
 * log_wait.c - the blocking wait of a subscription on the futex word of the
 * log descriptor, and the wakes (log.h "Futex"). The futex is shared (not
 * FUTEX_PRIVATE): sleepers and wakers are different processes mapping the
 * same file.
 */
#include "log_internal.h"
#include "log_wait_test_hook.h"

#include <errno.h>
#include <stdint.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifdef TP_TESTING
int tp_log_wait_test_no_waitv = -1;
uint64_t tp_log_wait_test_fallback_sleeps = 0;
#endif

/*
 * Tests force the path of kernels without futex_waitv (the hook, or TP_TEST_NO_FUTEX_WAITV=1); a release build never
 * does. One definition for both builds: coverage merges a function by name and line.
 */
static int tp_log_wait_forced_fallback(void)
{
#ifdef TP_TESTING
    int forced = __atomic_load_n(&tp_log_wait_test_no_waitv, __ATOMIC_RELAXED);
    if (forced < 0)
    {
        const char *env = getenv("TP_TEST_NO_FUTEX_WAITV");
        forced = env != NULL && env[0] == '1';
        __atomic_store_n(&tp_log_wait_test_no_waitv, forced, __ATOMIC_RELAXED);
    }
    return forced;
#else
    return 0;
#endif
}

int tp_log_futex_wake_all(tp_log_t *log)
{
    if (syscall(SYS_futex, tp_log_futex_ptr(log), FUTEX_WAKE, INT_MAX, NULL, NULL, 0) < 0)
    {
        return TP_ERR_SET(TP_ERR_IO, "FUTEX_WAKE: %s", strerror(errno));
    }
    return 0;
}

int tp_log_wake_waiters(tp_log_t *log)
{
    if (log == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "log must not be NULL");
    }
    /* +2 keeps bit 0 as it is and changes the word, so a sleeper about to wait fails its compare. */
    __atomic_fetch_add(tp_log_futex_ptr(log), 2u, __ATOMIC_SEQ_CST);
    return tp_log_futex_wake_all(log);
}

enum
{
    /* A claim in progress at the cursor: spin this many checks, then sleep in slices doubling from the first. */
    TP_LOG_PENDING_SPINS = 2000,
    TP_LOG_PENDING_FIRST_SLICE_NS = 50 * 1000,
    TP_LOG_PENDING_MAX_SLICE_NS = 5 * 1000 * 1000
};

static inline void tp_log_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* Is the record at the cursor committed? Sequentially consistent: ordered after the sleeper's flag. */
static int tp_log_committed_at_cursor(const tp_log_subscription_t *sub)
{
    uint64_t cursor = sub->cursor;
    return __atomic_load_n(tp_log_record_state_ptr(tp_log_record_at(sub->log, cursor)), __ATOMIC_SEQ_CST) ==
        (cursor | TP_LOG_RECORD_COMMITTED);
}

/* Does poll have work? A committed record at the cursor, or a lap. */
static int tp_log_ready(const tp_log_subscription_t *sub)
{
    if (tp_log_committed_at_cursor(sub))
    {
        return 1;
    }
    TP_FENCE_ACQUIRE();
    return tp_log_lap_check(sub->log, sub->cursor) == TP_LOG_LAP_OVERRUN;
}

/* Has a publisher claimed the record at the cursor (tail past it)? Sequentially consistent, see "Futex" in log.h. */
static int tp_log_claim_pending(const tp_log_subscription_t *sub)
{
    return (int64_t)(__atomic_load_n(tp_log_tail_position_ptr(sub->log), __ATOMIC_SEQ_CST) - sub->cursor) > 0;
}

/* Set bit 0 of the futex word (if no other sleeper has); returns the value to FUTEX_WAIT on. */
static uint32_t tp_log_arm(tp_log_t *log)
{
    uint32_t *futex = tp_log_futex_ptr(log);
    uint32_t word = __atomic_load_n(futex, __ATOMIC_SEQ_CST);
    while ((word & 1u) == 0)
    {
        if (__atomic_compare_exchange_n(futex, &word, word | 1u, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        {
            return word | 1u;
        }
    }
    return word;
}

/*
 * A claim at the cursor was made before this sleeper flagged the futex word,
 * so its publisher may commit without a wake: watch the record for a short
 * while, as most claims are committed within microseconds. Returns 1 when it
 * was committed meanwhile.
 */
static int tp_log_spin_for_commit(const tp_log_subscription_t *sub)
{
    for (int i = 0; i < TP_LOG_PENDING_SPINS; i++)
    {
        if (tp_log_committed_at_cursor(sub))
        {
            return 1;
        }
        tp_log_cpu_relax();
    }
    return 0;
}

int tp_log_doorbell_ring(uint32_t *doorbell)
{
    if (doorbell == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "doorbell must not be NULL");
    }
    /* Change first, then wake: a waiter that compares after the change does not sleep. */
    __atomic_fetch_add(doorbell, 1u, __ATOMIC_SEQ_CST);
    if (syscall(SYS_futex, doorbell, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0) < 0)
    {
        return TP_ERR_SET(TP_ERR_IO, "FUTEX_WAKE (doorbell): %s", strerror(errno));
    }
    return 0;
}

#if defined(SYS_futex_waitv)
#define TP_LOG_HAVE_FUTEX_WAITV 1
#else
#define TP_LOG_HAVE_FUTEX_WAITV 0
#endif

enum
{
    /* Without futex_waitv (old kernels, some emulators) a set of words is watched by sleeping on one in slices. */
    TP_LOG_FALLBACK_SLICE_NS = 1000 * 1000
};

/* The words one sleep waits on: every distinct log futex of the set, then the doorbell. */
typedef struct tp_log_wait_words_stct
{
    struct futex_waitv waiters[TP_LOG_WAIT_MAX_SUBSCRIPTIONS + 1];
    int count;
} tp_log_wait_words_t;

static void tp_log_words_add(tp_log_wait_words_t *words, const uint32_t *word, uint32_t expected, uint32_t flags)
{
    for (int i = 0; i < words->count; i++)
    {
        if (words->waiters[i].uaddr == (uint64_t)(uintptr_t)word)
        {
            return; /* two subscriptions of one log: one futex word, armed once is enough */
        }
    }
    struct futex_waitv *w = &words->waiters[words->count++];
    w->val = expected;
    w->uaddr = (uint64_t)(uintptr_t)word;
    w->flags = flags;
    w->__reserved = 0;
}

static int tp_log_any_ready(tp_log_subscription_t *const *subs, int32_t count)
{
    for (int32_t i = 0; i < count; i++)
    {
        if (subs[i]->batch_next < subs[i]->batch_count || tp_log_ready(subs[i]))
        {
            return 1;
        }
    }
    return 0;
}

/* Sleep on the words until one changes, is woken, or the absolute monotonic time `wake_at` passes. Returns 0 or -errno. */
static int tp_log_sleep_on(const tp_log_wait_words_t *words, int64_t wake_at, int64_t now)
{
    if (words->count == 0)
    {
        /* Nothing to wake on (an empty set, no doorbell): a plain sleep to the deadline. */
        struct timespec abs = { (time_t)(wake_at / 1000000000LL), (long)(wake_at % 1000000000LL) };
        int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL);
        return rc == 0 ? -ETIMEDOUT : -rc;
    }
    static int no_waitv; /* set once when the kernel lacks futex_waitv; benign race, any value is correct */
    if (words->count > 1 && TP_LOG_HAVE_FUTEX_WAITV && !__atomic_load_n(&no_waitv, __ATOMIC_RELAXED) &&
        !tp_log_wait_forced_fallback())
    {
#if TP_LOG_HAVE_FUTEX_WAITV
        struct timespec abs = { (time_t)(wake_at / 1000000000LL), (long)(wake_at % 1000000000LL) };
        long rc = syscall(SYS_futex_waitv, words->waiters, (unsigned int)words->count, 0u,
            wake_at == INT64_MAX ? NULL : &abs, (int)CLOCK_MONOTONIC);
        if (rc >= 0)
        {
            return 0;
        }
        if (errno != ENOSYS)
        {
            return -errno;
        }
        __atomic_store_n(&no_waitv, 1, __ATOMIC_RELAXED);
#endif
    }
    /* One word (or no futex_waitv): FUTEX_WAIT on the first; several are then re-checked every slice. */
    const struct futex_waitv *w = &words->waiters[0];
    int64_t until = wake_at;
    if (words->count > 1 && until - now > TP_LOG_FALLBACK_SLICE_NS)
    {
        until = now + TP_LOG_FALLBACK_SLICE_NS;
    }
    int64_t sleep_ns = until > now ? until - now : 0;
    struct timespec rel = { (time_t)(sleep_ns / 1000000000LL), (long)(sleep_ns % 1000000000LL) };
    int op = (w->flags & FUTEX_PRIVATE_FLAG) != 0 ? FUTEX_WAIT_PRIVATE : FUTEX_WAIT;
#ifdef TP_TESTING
    if (words->count > 1)
    {
        __atomic_fetch_add(&tp_log_wait_test_fallback_sleeps, 1u, __ATOMIC_RELAXED);
    }
#endif
    long rc = syscall(SYS_futex, (uint32_t *)(uintptr_t)w->uaddr, op, (uint32_t)w->val,
        until == INT64_MAX ? NULL : &rel, NULL, 0);
    return rc < 0 ? -errno : 0; /* a fallback slice that ends is a timeout: the caller re-checks everything */
}

int tp_log_wait_any(
    tp_log_subscription_t *const *subscriptions,
    int32_t count,
    const uint32_t *doorbell,
    uint32_t doorbell_seen,
    int64_t timeout_ns)
{
    if ((subscriptions == NULL && count > 0) || count < 0 || count > TP_LOG_WAIT_MAX_SUBSCRIPTIONS)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "count must be 0..%d with a subscription array, got %d",
            (int)TP_LOG_WAIT_MAX_SUBSCRIPTIONS, (int)count);
    }
    if (count == 0 && doorbell == NULL && timeout_ns < 0)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "nothing to wait for: no subscription, no doorbell, no timeout");
    }
    for (int32_t i = 0; i < count; i++)
    {
        if (subscriptions[i] == NULL)
        {
            return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "subscription %d must not be NULL", (int)i);
        }
    }
    tp_log_subscription_t *const *subs = subscriptions;
    int64_t now = tp_log_now_ns();
    const int64_t deadline = timeout_ns < 0 || timeout_ns > INT64_MAX - now ? INT64_MAX : now + timeout_ns;
    int64_t pending_slice = TP_LOG_PENDING_FIRST_SLICE_NS;
    int spun = 0;
    tp_log_wait_words_t words;
    for (;;)
    {
        if (tp_log_any_ready(subs, count))
        {
            return TP_LOG_WAIT_READY;
        }
        if (doorbell != NULL && __atomic_load_n(doorbell, __ATOMIC_SEQ_CST) != doorbell_seen)
        {
            return TP_LOG_WAIT_TIMED_OUT; /* rung since the caller looked: it has something to re-check */
        }
        int64_t wake_at = deadline;
        for (int32_t i = 0; i < count; i++)
        {
            if (tp_log_claim_pending(subs[i]))
            {
                /* Claimed, not committed: poll must get the chance to skip it at its stall deadline. */
                int64_t stall_deadline = tp_log_stall_track(subs[i], now);
                if (now >= stall_deadline)
                {
                    return TP_LOG_WAIT_READY;
                }
                wake_at = stall_deadline < wake_at ? stall_deadline : wake_at;
            }
        }
        if (now >= deadline)
        {
            return TP_LOG_WAIT_TIMED_OUT;
        }
        words.count = 0;
        for (int32_t i = 0; i < count; i++)
        {
            tp_log_words_add(&words, tp_log_futex_ptr(subs[i]->log), tp_log_arm(subs[i]->log), FUTEX_32);
        }
        if (doorbell != NULL)
        {
            tp_log_words_add(&words, doorbell, doorbell_seen, FUTEX_32 | FUTEX_PRIVATE_FLAG);
        }
        if (tp_log_any_ready(subs, count))
        {
            return TP_LOG_WAIT_READY;
        }
        /* The tails again, after the flags: a claim made before them may be committed without a wake. */
        int pending = 0;
        for (int32_t i = 0; i < count && !pending; i++)
        {
            pending = tp_log_claim_pending(subs[i]);
        }
        if (pending)
        {
            if (!spun)
            {
                spun = 1;
                for (int32_t i = 0; i < count; i++)
                {
                    if (tp_log_claim_pending(subs[i]) && tp_log_spin_for_commit(subs[i]))
                    {
                        return TP_LOG_WAIT_READY;
                    }
                }
                now = tp_log_now_ns();
            }
            int64_t slice_end = now + pending_slice;
            wake_at = slice_end < wake_at ? slice_end : wake_at;
            pending_slice = pending_slice * 2 < TP_LOG_PENDING_MAX_SLICE_NS ? pending_slice * 2 : TP_LOG_PENDING_MAX_SLICE_NS;
        }
        int rc = tp_log_sleep_on(&words, wake_at, now);
        now = tp_log_now_ns();
        if (rc == -ETIMEDOUT)
        {
            continue; /* re-evaluate: the deadline, a stall deadline or a pending slice passed */
        }
        if (rc < 0 && rc != -EAGAIN && rc != -EINTR)
        {
            return TP_ERR_SET(TP_ERR_IO, "futex wait: %s", strerror(-rc));
        }
        /* Woken, or a word moved before we slept: ready, or interrupted (a doorbell, a wake of the log). */
        return tp_log_any_ready(subs, count) ? TP_LOG_WAIT_READY : TP_LOG_WAIT_TIMED_OUT;
    }
}

int tp_log_subscription_wait(tp_log_subscription_t *subscription, int64_t timeout_ns)
{
    if (subscription == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "subscription must not be NULL");
    }
    return tp_log_wait_any(&subscription, 1, NULL, 0, timeout_ns);
}
