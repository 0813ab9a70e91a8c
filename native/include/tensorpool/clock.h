/*
 * clock.h - the clocks every role stamps with.
 *
 * Wire spec §15.7: timestamps SHOULD be CLOCK_MONOTONIC nanoseconds so that
 * latency is `now - timestamp_ns` on one host. The superblock's
 * start/activity timestamps (§7.1, §15.14) and the driver's epochs use the
 * same clock. CLOCK_REALTIME is offered for deployments that align across
 * hosts with a synchronised clock (announce_clock_domain=REALTIME_SYNCED).
 */
#ifndef TENSORPOOL_CLOCK_H
#define TENSORPOOL_CLOCK_H

#include "tensorpool/platform.h"

#ifdef __cplusplus
extern "C" {
#endif

/* CLOCK_MONOTONIC in nanoseconds. Never fails on Linux (vDSO, no syscall). */
TP_EXPORT TP_TRIVIAL uint64_t tp_clock_monotonic_ns(void);

/* CLOCK_REALTIME in nanoseconds since the Unix epoch. */
TP_EXPORT TP_TRIVIAL uint64_t tp_clock_realtime_ns(void);

#ifdef __cplusplus
}
#endif

#endif /* TENSORPOOL_CLOCK_H */
