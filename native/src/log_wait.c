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

/*
 * Does poll have work? A committed record at the cursor, or a lap. Loads are
 * sequentially consistent: they pair with the publishers' commit CAS and
 * futex-word load so a commit is never missed between check and sleep.
 */
static int tp_log_ready(tp_log_subscription_t *sub, uint64_t *tail_out)
{
    tp_log_t *log = sub->log;
    uint64_t cursor = sub->cursor;
    if (__atomic_load_n(tp_log_record_state_ptr(tp_log_record_at(log, cursor)), __ATOMIC_SEQ_CST) ==
        (cursor | TP_LOG_RECORD_COMMITTED))
    {
        return 1;
    }
    uint64_t tail = __atomic_load_n(tp_log_tail_position_ptr(log), __ATOMIC_SEQ_CST);
    *tail_out = tail;
    return (int64_t)(tail - cursor) > (int64_t)log->capacity;
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
    for (;;)
    {
        uint64_t tail = sub->cursor;
        if (tp_log_ready(sub, &tail))
        {
            return TP_LOG_WAIT_READY;
        }
        int64_t wake_at = deadline;
        if (tail != sub->cursor)
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
        if (tp_log_ready(sub, &tail))
        {
            return TP_LOG_WAIT_READY;
        }
        int64_t sleep_ns = wake_at - now;
        struct timespec ts = { (time_t)(sleep_ns / 1000000000LL), (long)(sleep_ns % 1000000000LL) };
        long rc = syscall(SYS_futex, tp_log_futex_ptr(sub->log), FUTEX_WAIT, armed, &ts, NULL, 0);
        int e = rc < 0 ? errno : 0;
        now = tp_log_now_ns();
        if (rc < 0 && e == ETIMEDOUT)
        {
            continue; /* re-evaluate: the deadline or a stall deadline passed */
        }
        if (rc < 0 && e != EAGAIN && e != EINTR)
        {
            return TP_ERR_SET(TP_ERR_IO, "FUTEX_WAIT: %s", strerror(e));
        }
        /* Woken, or the word moved before we slept: ready, or interrupted. */
        return tp_log_ready(sub, &tail) ? TP_LOG_WAIT_READY : TP_LOG_WAIT_TIMED_OUT;
    }
}
