/*
 * log_tuning.h - private constants of the tp:ipc log's subscriber idle path
 * (log.h "Idle"), shared with the tests that check the rules built on them.
 */
#ifndef TENSORPOOL_LOG_TUNING_H
#define TENSORPOOL_LOG_TUNING_H

enum
{
    /* An empty poll reads the clock once per this many, and the tail once per tail-check interval. */
    TP_LOG_IDLE_CLOCK_POLLS = 16,
    /* The tail-check interval: 1 ms, or a quarter of a shorter stall timeout. */
    TP_LOG_TAIL_CHECK_INTERVAL_NS = 1000 * 1000,
    TP_LOG_STALL_CHECKS_PER_TIMEOUT = 4
};

#endif /* TENSORPOOL_LOG_TUNING_H */
