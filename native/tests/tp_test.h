/*
 * tp_test.h - a minimal harness for the native tests.
 *
 * A test program defines cases with TP_TEST(name) at the start of a line and
 * ends with TP_TEST_MAIN(). CMake scans the source for TP_TEST(...) and
 * registers each case as its own ctest test, running `program name`.
 * A case fails through TP_CHECK*, which print the location and return.
 * TP_SKIP(reason) ends the case with exit code 77 (ctest's SKIP_RETURN_CODE).
 */
#ifndef TP_TEST_H
#define TP_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef int (*tp_test_fn)(void);
typedef struct tp_test_case_stct
{
    const char *name;
    tp_test_fn fn;
    struct tp_test_case_stct *next;
} tp_test_case_t;

extern tp_test_case_t *tp_test_cases;
tp_test_case_t *tp_test_cases = NULL;

#define TP_TEST_SKIPPED 77

#define TP_TEST(name)                                                         \
    static int tp_test_##name(void);                                          \
    __attribute__((constructor)) static void tp_test_register_##name(void)   \
    {                                                                         \
        static tp_test_case_t c = { #name, tp_test_##name, NULL };           \
        c.next = tp_test_cases;                                               \
        tp_test_cases = &c;                                                   \
    }                                                                         \
    static int tp_test_##name(void)

#define TP_FAIL_AT(...)                                                       \
    do                                                                        \
    {                                                                         \
        fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                      \
        fprintf(stderr, __VA_ARGS__);                                         \
        fprintf(stderr, "\n");                                                \
        return 1;                                                             \
    } while (0)

#define TP_CHECK(cond)                                                        \
    do                                                                        \
    {                                                                         \
        if (!(cond)) TP_FAIL_AT("check failed: %s", #cond);                  \
    } while (0)

#define TP_CHECK_EQ_INT(expected, actual)                                     \
    do                                                                        \
    {                                                                         \
        long long e_ = (long long)(expected), a_ = (long long)(actual);       \
        if (e_ != a_) TP_FAIL_AT("%s == %s: expected %lld, got %lld", #expected, #actual, e_, a_); \
    } while (0)

#define TP_CHECK_EQ_U64(expected, actual)                                     \
    do                                                                        \
    {                                                                         \
        unsigned long long e_ = (unsigned long long)(expected), a_ = (unsigned long long)(actual); \
        if (e_ != a_) TP_FAIL_AT("%s == %s: expected %llu, got %llu", #expected, #actual, e_, a_); \
    } while (0)

#define TP_CHECK_STR(expected, actual)                                        \
    do                                                                        \
    {                                                                         \
        const char *e_ = (expected), *a_ = (actual);                          \
        if (a_ == NULL || strcmp(e_, a_) != 0) TP_FAIL_AT("expected \"%s\", got \"%s\"", e_, a_ ? a_ : "(null)"); \
    } while (0)

/* Check that a call failed with the given tp_error_t code; prints tp_errmsg() when it did not. */
#define TP_CHECK_ERR(code, call)                                              \
    do                                                                        \
    {                                                                         \
        long long r_ = (long long)(call);                                     \
        if (r_ != (long long)(code))                                          \
            TP_FAIL_AT("%s: expected %s (%d), got %lld; last error: %s", #call, tp_errname(code), (int)(code), r_, tp_errmsg()); \
    } while (0)

#define TP_CHECK_OK(call)                                                     \
    do                                                                        \
    {                                                                         \
        long long r_ = (long long)(call);                                     \
        if (r_ < 0) TP_FAIL_AT("%s failed with %lld: %s", #call, r_, tp_errmsg()); \
    } while (0)

#define TP_SKIP(...)                                                          \
    do                                                                        \
    {                                                                         \
        fprintf(stderr, "SKIP: ");                                            \
        fprintf(stderr, __VA_ARGS__);                                         \
        fprintf(stderr, "\n");                                                \
        return TP_TEST_SKIPPED;                                               \
    } while (0)

/* Path of the reference conformance data (../shared), or NULL when it is absent (a user's clone). */
static inline const char *tp_test_shared_dir(void)
{
    const char *dir = getenv("TP_TEST_SHARED_DIR");
    if (dir == NULL || dir[0] == '\0')
    {
        return NULL;
    }
    char reference[4096];
    snprintf(reference, sizeof(reference), "%s/reference", dir);
    return access(reference, R_OK | X_OK) == 0 ? dir : NULL;
}

#define TP_TEST_MAIN()                                                        \
    int main(int argc, char **argv)                                           \
    {                                                                         \
        int failures = 0, ran = 0;                                            \
        for (tp_test_case_t *c = tp_test_cases; c != NULL; c = c->next)       \
        {                                                                     \
            if (argc > 1 && strcmp(argv[1], c->name) != 0) continue;          \
            ran++;                                                            \
            int rc = c->fn();                                                 \
            if (argc > 1) return rc;                                          \
            printf("%s %s\n", rc == 0 ? "ok  " : (rc == TP_TEST_SKIPPED ? "skip" : "FAIL"), c->name); \
            if (rc != 0 && rc != TP_TEST_SKIPPED) failures++;                 \
        }                                                                     \
        if (ran == 0) { fprintf(stderr, "no such test: %s\n", argc > 1 ? argv[1] : "(none)"); return 2; } \
        return failures == 0 ? 0 : 1;                                         \
    }

#endif /* TP_TEST_H */
