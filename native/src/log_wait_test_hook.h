/*
 * log_wait_test_hook.h - a seam for tests of tp_log_wait_any's path for
 * kernels without futex_waitv (before 5.16; qemu-user). Only the static
 * library the native tests link (built with TP_TESTING) has it; the shipped
 * shared library does not.
 */
#ifndef TENSORPOOL_LOG_WAIT_TEST_HOOK_H
#define TENSORPOOL_LOG_WAIT_TEST_HOOK_H

#ifdef TP_TESTING
#include <stdint.h>

/*
 * Nonzero: a wait on several words takes the fallback (sleep on the first, re-check every slice) as if the kernel
 * lacked futex_waitv. -1 (the start): read once from the environment, TP_TEST_NO_FUTEX_WAITV=1 forcing it, so a
 * ctest variant runs a whole test executable down that path.
 */
extern int tp_log_wait_test_no_waitv;
/* Sleeps taken by the fallback since the process started (relaxed atomics). */
extern uint64_t tp_log_wait_test_fallback_sleeps;
#endif

#endif /* TENSORPOOL_LOG_WAIT_TEST_HOOK_H */
