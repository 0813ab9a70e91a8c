/*
 * log_wait.c - the blocking wait of a subscription on the futex word of the
 * log descriptor, and the wakes (log.h "Futex"). The futex is shared (not
 * FUTEX_PRIVATE): sleepers and wakers are different processes mapping the
 * same file.
 */
#include "log_internal.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

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

int tp_log_subscription_wait(tp_log_subscription_t *subscription, int64_t timeout_ns)
{
    if (subscription == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "subscription must not be NULL");
    }
    tp_log_subscription_t *sub = subscription;
    if (sub->batch_next < sub->batch_count)
    {
        return TP_LOG_WAIT_READY;
    }
    int64_t now = tp_log_now_ns();
    const int64_t deadline = timeout_ns < 0 || timeout_ns > INT64_MAX - now ? INT64_MAX : now + timeout_ns;
    int64_t pending_slice = TP_LOG_PENDING_FIRST_SLICE_NS;
    int spun = 0;
    for (;;)
    {
        if (tp_log_ready(sub))
        {
            return TP_LOG_WAIT_READY;
        }
        int64_t wake_at = deadline;
        int pending = tp_log_claim_pending(sub);
        if (pending)
        {
            /* Claimed, not committed: poll must get the chance to skip it at its stall deadline. */
            int64_t stall_deadline = tp_log_stall_track(sub, now);
            if (now >= stall_deadline)
            {
                return TP_LOG_WAIT_READY;
            }
            wake_at = stall_deadline < wake_at ? stall_deadline : wake_at;
        }
        if (now >= deadline)
        {
            return TP_LOG_WAIT_TIMED_OUT;
        }
        uint32_t armed = tp_log_arm(sub->log);
        if (tp_log_ready(sub))
        {
            return TP_LOG_WAIT_READY;
        }
        /* The tail again, after the flag: a claim made before it may be committed without a wake. */
        if (tp_log_claim_pending(sub))
        {
            if (!spun)
            {
                spun = 1;
                if (tp_log_spin_for_commit(sub))
                {
                    return TP_LOG_WAIT_READY;
                }
                now = tp_log_now_ns();
            }
            int64_t slice_end = now + pending_slice;
            wake_at = slice_end < wake_at ? slice_end : wake_at;
            pending_slice = pending_slice * 2 < TP_LOG_PENDING_MAX_SLICE_NS ? pending_slice * 2 : TP_LOG_PENDING_MAX_SLICE_NS;
        }
        int64_t sleep_ns = wake_at > now ? wake_at - now : 0;
        struct timespec ts = { (time_t)(sleep_ns / 1000000000LL), (long)(sleep_ns % 1000000000LL) };
        long rc = syscall(SYS_futex, tp_log_futex_ptr(sub->log), FUTEX_WAIT, armed, &ts, NULL, 0);
        int e = rc < 0 ? errno : 0;
        now = tp_log_now_ns();
        if (rc < 0 && e == ETIMEDOUT)
        {
            continue; /* re-evaluate: the deadline, a stall deadline or a pending slice passed */
        }
        if (rc < 0 && e != EAGAIN && e != EINTR)
        {
            return TP_ERR_SET(TP_ERR_IO, "FUTEX_WAIT: %s", strerror(e));
        }
        /* Woken, or the word moved before we slept: ready, or interrupted. */
        return tp_log_ready(sub) ? TP_LOG_WAIT_READY : TP_LOG_WAIT_TIMED_OUT;
    }
}
