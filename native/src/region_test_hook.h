/*
 * region_test_hook.h - a seam for tests of the time-of-check/time-of-use
 * rules of §15.21a.5 step 6. Only the static library the native tests link
 * (built with TP_TESTING) has it; the shipped shared library does not.
 */
#ifndef TENSORPOOL_REGION_TEST_HOOK_H
#define TENSORPOOL_REGION_TEST_HOOK_H

#ifdef TP_TESTING
/* Called by tp_region_map after the path checks and before the open, with the canonical path. */
typedef void (*tp_region_test_hook_fn)(const char *canonical_path, void *state);
extern tp_region_test_hook_fn tp_region_test_after_path_check;
extern void *tp_region_test_hook_state;
#endif

#endif /* TENSORPOOL_REGION_TEST_HOOK_H */
