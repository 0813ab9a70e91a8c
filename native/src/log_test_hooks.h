/*
 * log_test_hooks.h - where a test can stop a publisher inside an offer, to
 * kill or delay it there (stalled-claim and slow-publisher tests). The hook
 * exists only in the static test library (built with TP_LOG_TEST_HOOKS); the
 * shared library has no hook and no global state.
 */
#ifndef TENSORPOOL_LOG_TEST_HOOKS_H
#define TENSORPOOL_LOG_TEST_HOOKS_H

typedef enum tp_log_hook_stage_en
{
    TP_LOG_HOOK_AFTER_CLAIM = 1,   /* tail claimed, nothing written yet */
    TP_LOG_HOOK_AFTER_HEADER = 2,  /* header stored CLAIMED, payload not copied */
    TP_LOG_HOOK_BEFORE_COMMIT = 3, /* payload copied, commit not done (offer only) */
    TP_LOG_HOOK_COMMIT_BY_STORE = 4, /* committing with a plain store (within the guard, no sleeper) */
    TP_LOG_HOOK_COMMIT_BY_CAS = 5    /* committing with a CAS (past the guard, or a sleeper to wake) */
} tp_log_hook_stage_t;

typedef void (*tp_log_test_hook_t)(int stage);

/* Called at each stage when non-NULL. Defined only in the static test library. */
extern tp_log_test_hook_t tp_log_test_hook;

#endif /* TENSORPOOL_LOG_TEST_HOOKS_H */
