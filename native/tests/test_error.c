/* test_error.c - the thread-local error convention of error.h. */
#include "tp_test.h"

#include <pthread.h>

#include "tensorpool/error.h"
#include "tensorpool/version.h"
#include "tensorpool/log.h"
#include "tensorpool/log_error.h"

static int raise_magic(void)
{
    return TP_ERR_SET(TP_ERR_MAGIC, "bad magic %#llx", 0x1234ULL);
}

static int propagate(void)
{
    int rc = raise_magic();
    if (rc < 0)
    {
        return TP_ERR_APPEND("while mapping %s", "header.ring");
    }
    return 0;
}

TP_TEST(set_records_code_and_message)
{
    tp_err_clear();
    TP_CHECK_EQ_INT(TP_ERR_MAGIC, raise_magic());
    TP_CHECK_EQ_INT(TP_ERR_MAGIC, tp_errcode());
    TP_CHECK(strstr(tp_errmsg(), "bad magic 0x1234") != NULL);
    TP_CHECK(strstr(tp_errmsg(), "raise_magic") != NULL);
    return 0;
}

TP_TEST(append_builds_a_stack)
{
    tp_err_clear();
    TP_CHECK_EQ_INT(TP_ERR_MAGIC, propagate());
    const char *msg = tp_errmsg();
    const char *first = strstr(msg, "raise_magic");
    const char *second = strstr(msg, "propagate");
    TP_CHECK(first != NULL && second != NULL && first < second);
    TP_CHECK(strstr(msg, "while mapping header.ring") != NULL);
    return 0;
}

TP_TEST(clear_resets)
{
    (void)raise_magic();
    tp_err_clear();
    TP_CHECK_EQ_INT(TP_OK, tp_errcode());
    TP_CHECK_STR("", tp_errmsg());
    return 0;
}

TP_TEST(long_messages_truncate_without_overflow)
{
    char big[5000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    TP_ERR_SET(TP_ERR_IO, "%s", big);
    for (int i = 0; i < 100; i++)
    {
        TP_ERR_APPEND("%s", big);
    }
    TP_CHECK(strlen(tp_errmsg()) < 2048);
    TP_CHECK_EQ_INT(TP_ERR_IO, tp_errcode());
    return 0;
}

static void *other_thread(void *arg)
{
    int *seen = arg;
    *seen = tp_errcode();
    TP_ERR_SET(TP_ERR_STRIDE, "other thread");
    return NULL;
}

TP_TEST(errors_are_per_thread)
{
    TP_ERR_SET(TP_ERR_NSLOTS, "main thread");
    int seen = 12345;
    pthread_t t;
    TP_CHECK_EQ_INT(0, pthread_create(&t, NULL, other_thread, &seen));
    TP_CHECK_EQ_INT(0, pthread_join(t, NULL));
    TP_CHECK_EQ_INT(TP_OK, seen);
    TP_CHECK_EQ_INT(TP_ERR_NSLOTS, tp_errcode());
    TP_CHECK(strstr(tp_errmsg(), "main thread") != NULL);
    return 0;
}

TP_TEST(errname_names_every_code)
{
    TP_CHECK_STR("TP_ERR_MAGIC", tp_errname(TP_ERR_MAGIC));
    TP_CHECK_STR("TP_OK", tp_errname(TP_OK));
    TP_CHECK_STR("TP_ERR_UNKNOWN", tp_errname(-9999));
    /* Codes of the tp:ipc log's range (log_error.h) are named too, and tp_log_errname agrees. */
    TP_CHECK_STR("TP_LOG_ERR_MESSAGE_TOO_LONG", tp_errname(TP_LOG_ERR_MESSAGE_TOO_LONG));
    TP_CHECK_STR(tp_log_errname(TP_LOG_ERR_MESSAGE_TOO_LONG), tp_errname(TP_LOG_ERR_MESSAGE_TOO_LONG));
    for (int code = TP_LOG_ERR_IN_USE; code <= TP_LOG_ERR_CAPACITY; code++)
    {
        const char *name = tp_errname(code);
        TP_CHECK(strncmp(name, "TP_LOG_ERR_", 11) == 0);
    }
    TP_CHECK_STR("TP_ERR_UNKNOWN", tp_errname(TP_LOG_ERR_IN_USE - 1));
    return 0;
}

TP_TEST(version_matches_number)
{
    char buf[32];
    uint32_t n = tp_version_number();
    snprintf(buf, sizeof(buf), "%u.%u.%u", n >> 16, (n >> 8) & 0xff, n & 0xff);
    TP_CHECK_STR(buf, tp_version());
    return 0;
}

TP_TEST_MAIN()
