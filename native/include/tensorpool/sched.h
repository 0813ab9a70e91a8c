/*
 * sched.h - a scheduling hint for a thread that sleeps between messages.
 *
 * A consumer woken by a commit shares a CPU with whatever ran there, often the
 * producer that woke it. Under Linux's EEVDF scheduler the woken thread runs
 * at once only when its virtual deadline is the earliest, and a thread's
 * deadline is its slice away: with the default slice (about a millisecond on
 * small machines) the woken consumer waits, about half of the time, for the
 * producer to go to sleep. Linux 6.12 lets a fair-class thread ask for a
 * shorter slice (sched_setattr's sched_runtime, 0.1 ms to 100 ms, no privilege
 * needed); a thread that asks for one is picked first when it wakes. It costs
 * the thread nothing while it sleeps; under contention it is switched out
 * sooner, which suits a thread that runs microseconds per wake-up.
 * docs/DECISIONS.md D249.
 */
#ifndef TENSORPOOL_SCHED_H
#define TENSORPOOL_SCHED_H

#include "tensorpool/platform.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tp_sched_slice_limits_en
{
    TP_SCHED_SLICE_MIN_NS = 100000,   /* the shortest slice Linux gives a fair-class thread: 0.1 ms */
    TP_SCHED_SLICE_MAX_NS = 100000000 /* the longest: 100 ms */
} tp_sched_slice_limits_t;

/*
 * Ask the scheduler to give the calling thread a slice of `slice_ns`
 * (TP_SCHED_SLICE_MIN_NS..TP_SCHED_SLICE_MAX_NS), or its default slice again
 * with 0. The thread's policy, nice value and reset-on-fork flag are kept.
 * Returns 0; TP_ERR_INVALID_ARGUMENT out of range; TP_ERR_UNSUPPORTED when the
 * kernel does not honour per-thread slices (before Linux 6.12, other systems)
 * or the thread is not in the fair class (real-time or deadline policy: its
 * own policy decides); TP_ERR_IO when the kernel refused.
 */
TP_EXPORT int tp_sched_set_thread_slice(int64_t slice_ns);

/*
 * The calling thread's slice in nanoseconds as the scheduler reports it (its
 * custom slice, or the default), or a negative error: TP_ERR_UNSUPPORTED where
 * the kernel does not report one (before Linux 6.12, other systems, a thread
 * outside the fair class), TP_ERR_IO when the call failed.
 */
TP_EXPORT int64_t tp_sched_thread_slice(void);

#ifdef __cplusplus
}
#endif

#endif /* TENSORPOOL_SCHED_H */
