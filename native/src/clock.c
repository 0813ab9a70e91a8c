/* clock.c - CLOCK_MONOTONIC / CLOCK_REALTIME in nanoseconds (see clock.h). */
#include "tensorpool/clock.h"

#include <time.h>

static uint64_t tp_clock_read(clockid_t id)
{
    struct timespec ts;
    /* clock_gettime cannot fail for these two clocks with a valid pointer. */
    (void)clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * UINT64_C(1000000000) + (uint64_t)ts.tv_nsec;
}

uint64_t tp_clock_monotonic_ns(void)
{
    return tp_clock_read(CLOCK_MONOTONIC);
}

uint64_t tp_clock_realtime_ns(void)
{
    return tp_clock_read(CLOCK_REALTIME);
}
