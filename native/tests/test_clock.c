/* test_clock.c - the monotonic and realtime clocks (wire spec §15.7). */
#include "tp_test.h"

#include <time.h>

#include "tensorpool/clock.h"

TP_TEST(monotonic_never_goes_back)
{
    uint64_t previous = tp_clock_monotonic_ns();
    for (int i = 0; i < 100000; i++)
    {
        uint64_t now = tp_clock_monotonic_ns();
        TP_CHECK(now >= previous);
        previous = now;
    }
    return 0;
}

TP_TEST(monotonic_is_clock_monotonic_in_nanoseconds)
{
    struct timespec before, after;
    clock_gettime(CLOCK_MONOTONIC, &before);
    uint64_t ns = tp_clock_monotonic_ns();
    clock_gettime(CLOCK_MONOTONIC, &after);
    TP_CHECK(ns >= (uint64_t)before.tv_sec * 1000000000ULL + (uint64_t)before.tv_nsec);
    TP_CHECK(ns <= (uint64_t)after.tv_sec * 1000000000ULL + (uint64_t)after.tv_nsec);
    return 0;
}

TP_TEST(realtime_is_unix_time_in_nanoseconds)
{
    /* Bracketed by CLOCK_REALTIME itself: time() reads the coarse clock, which
     * can still be in the previous second when the fine one has moved on. */
    struct timespec before;
    struct timespec after;
    clock_gettime(CLOCK_REALTIME, &before);
    uint64_t ns = tp_clock_realtime_ns();
    clock_gettime(CLOCK_REALTIME, &after);
    TP_CHECK(ns >= (uint64_t)before.tv_sec * 1000000000ULL + (uint64_t)before.tv_nsec);
    TP_CHECK(ns <= (uint64_t)after.tv_sec * 1000000000ULL + (uint64_t)after.tv_nsec);
    return 0;
}

TP_TEST_MAIN()
