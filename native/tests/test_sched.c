/* test_sched.c - the calling thread's scheduler slice (sched.h, D249). */
#include "tp_test.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tensorpool/error.h"
#include "tensorpool/sched.h"

/* Skip where the kernel has no per-thread slices (before Linux 6.12, some emulators): the calls say so, tested below. */
#define TP_NEED_SLICES()                                                                                    \
    do                                                                                                      \
    {                                                                                                       \
        if (tp_sched_thread_slice() == TP_ERR_UNSUPPORTED)                                                  \
            TP_SKIP("this kernel has no per-thread slices (Linux 6.12 or later has)");                      \
    } while (0)

TP_TEST(a_slice_asked_for_is_the_slice_in_force)
{
    TP_NEED_SLICES();
    TP_CHECK_OK(tp_sched_set_thread_slice(250000));
    TP_CHECK(tp_sched_thread_slice() == 250000);
    TP_CHECK_OK(tp_sched_set_thread_slice(TP_SCHED_SLICE_MIN_NS));
    TP_CHECK(tp_sched_thread_slice() == TP_SCHED_SLICE_MIN_NS);
    return 0;
}

TP_TEST(zero_gives_the_default_slice_back)
{
    TP_NEED_SLICES();
    TP_CHECK_OK(tp_sched_set_thread_slice(0));
    int64_t standard = tp_sched_thread_slice();
    TP_CHECK(standard > 0);
    TP_CHECK_OK(tp_sched_set_thread_slice(standard == 300000 ? 400000 : 300000));
    TP_CHECK(tp_sched_thread_slice() != standard);
    TP_CHECK_OK(tp_sched_set_thread_slice(0));
    TP_CHECK(tp_sched_thread_slice() == standard);
    return 0;
}

TP_TEST(out_of_range_slices_are_refused_and_change_nothing)
{
    TP_NEED_SLICES();
    TP_CHECK_OK(tp_sched_set_thread_slice(500000));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_sched_set_thread_slice(TP_SCHED_SLICE_MIN_NS - 1));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_sched_set_thread_slice(TP_SCHED_SLICE_MAX_NS + 1));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_sched_set_thread_slice(-1));
    TP_CHECK(tp_sched_thread_slice() == 500000);
    return 0;
}

TP_TEST(the_nice_value_is_kept)
{
    TP_NEED_SLICES();
    /* Raising one's own nice value needs no privilege; setpriority on a thread id changes that thread only. */
    pid_t tid = (pid_t)syscall(SYS_gettid);
    errno = 0;
    int before = getpriority(PRIO_PROCESS, (id_t)tid);
    TP_CHECK(errno == 0);
    int nicer = before < 19 ? before + 1 : before;
    TP_CHECK(setpriority(PRIO_PROCESS, (id_t)tid, nicer) == 0);
    TP_CHECK_OK(tp_sched_set_thread_slice(200000));
    errno = 0;
    TP_CHECK_EQ_INT(nicer, getpriority(PRIO_PROCESS, (id_t)tid));
    TP_CHECK(tp_sched_thread_slice() == 200000);
    return 0;
}

TP_TEST(the_reset_on_fork_flag_is_kept)
{
    TP_NEED_SLICES();
    /* Setting reset-on-fork needs no privilege; the slice request must not clear it. */
    struct sched_param param = { .sched_priority = 0 };
    TP_CHECK(sched_setscheduler(0, SCHED_OTHER | SCHED_RESET_ON_FORK, &param) == 0);
    TP_CHECK_OK(tp_sched_set_thread_slice(200000));
    int policy = sched_getscheduler(0);
    TP_CHECK(policy >= 0);
    TP_CHECK((policy & SCHED_RESET_ON_FORK) != 0);
    TP_CHECK_EQ_INT(SCHED_OTHER, policy & ~SCHED_RESET_ON_FORK);
    TP_CHECK(tp_sched_thread_slice() == 200000);
    return 0;
}

static void *tp_real_time_request(void *out)
{
    int *result = out;
    struct sched_param param = { .sched_priority = 1 };
    if (pthread_setschedparam(pthread_self(), SCHED_FIFO, &param) != 0)
    {
        result[0] = 1; /* not permitted here */
        return NULL;
    }
    result[1] = tp_sched_set_thread_slice(200000);
    result[2] = (int)tp_sched_thread_slice();
    int policy;
    struct sched_param now;
    result[3] = pthread_getschedparam(pthread_self(), &policy, &now) == 0 ? policy : -1;
    return NULL;
}

TP_TEST(a_real_time_thread_is_unsupported_and_left_as_it_is)
{
    /* Its own thread: a real-time policy must not leak into the other cases. */
    int result[4] = { 0, 0, 0, 0 };
    pthread_t thread;
    TP_CHECK(pthread_create(&thread, NULL, tp_real_time_request, result) == 0);
    TP_CHECK(pthread_join(thread, NULL) == 0);
    if (result[0] != 0)
        TP_SKIP("this process may not make a thread SCHED_FIFO (needs CAP_SYS_NICE or an RLIMIT_RTPRIO)");
    TP_CHECK_EQ_INT(TP_ERR_UNSUPPORTED, result[1]);
    TP_CHECK_EQ_INT(TP_ERR_UNSUPPORTED, result[2]);
    TP_CHECK_EQ_INT(SCHED_FIFO, result[3]);
    return 0;
}

typedef struct tp_slice_probe_stct
{
    pthread_barrier_t asked; /* the main thread has asked for its slice */
    int64_t reported;
} tp_slice_probe_t;

static void *tp_report_slice(void *arg)
{
    tp_slice_probe_t *probe = arg;
    pthread_barrier_wait(&probe->asked);
    probe->reported = tp_sched_thread_slice();
    return NULL;
}

TP_TEST(the_slice_is_the_calling_threads_own)
{
    TP_NEED_SLICES();
    TP_CHECK_OK(tp_sched_set_thread_slice(0));
    int64_t standard = tp_sched_thread_slice();
    tp_slice_probe_t probe = { .reported = 0 };
    TP_CHECK(pthread_barrier_init(&probe.asked, NULL, 2) == 0);
    pthread_t thread;
    TP_CHECK(pthread_create(&thread, NULL, tp_report_slice, &probe) == 0);
    /* The other thread exists before the request and reads its slice after it. */
    int rc = tp_sched_set_thread_slice(standard == 150000 ? 160000 : 150000);
    pthread_barrier_wait(&probe.asked);
    TP_CHECK(pthread_join(thread, NULL) == 0);
    pthread_barrier_destroy(&probe.asked);
    TP_CHECK_OK(rc);
    TP_CHECK(probe.reported == standard);
    TP_CHECK(tp_sched_thread_slice() != standard);
    return 0;
}

TP_TEST_MAIN()
