/*
 * fuzz_log_file - a tp:ipc log file another process wrote (log_layout.h): the
 * input is the whole file, descriptor page and ring. Opening validates the
 * descriptor and size before mapping; a log that opens is then used as a
 * subscriber and a publisher would, with its tail, claim limit and records
 * all hostile. Invariants: open refuses anything but a consistent descriptor
 * of the file's exact size; polls hand over messages no longer than the
 * log's maximum; nothing reads or writes outside the mapping.
 */
#include "fuzz_util.h"

#include "tensorpool/log.h"
#include "tensorpool/log_layout.h"

static int tp_fuzz_messages;

static void tp_fuzz_handler(void *clientd, const uint8_t *buffer, int32_t length, int32_t msg_type)
{
    int32_t max = *(const int32_t *)clientd;
    TP_FUZZ_ASSERT(length >= 0 && length <= max);
    TP_FUZZ_ASSERT(msg_type >= 0);
    uint8_t x = 0;
    for (int32_t i = 0; i < length; i++)
    {
        x ^= buffer[i];
    }
    (void)x;
    tp_fuzz_messages++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Keep files small: the smallest ring is 1 KiB; larger declared capacities fail the size check. */
    if (size > TP_LOG_DESCRIPTOR_LENGTH + 8 * TP_LOG_MIN_CAPACITY)
    {
        return 0;
    }
    const char *path = tp_fuzz_write_file("fuzz.log", data, size);
    if (path == NULL)
    {
        return 0;
    }
    tp_log_t *log = NULL;
    int rc = tp_log_open(&log, path, 0);
    if (rc < 0)
    {
        TP_FUZZ_ASSERT(log == NULL);
        return 0;
    }
    TP_FUZZ_ASSERT(rc == TP_LOG_OPENED_EXISTING);
    TP_FUZZ_ASSERT(tp_log_capacity(log) + TP_LOG_DESCRIPTOR_LENGTH == size);
    int32_t max = tp_log_max_message_length(log);

    tp_log_subscription_t *sub = NULL;
    tp_log_publication_t *pub = NULL;
    TP_FUZZ_ASSERT(tp_log_subscription_create(&sub, log, 1000) == 0);
    TP_FUZZ_ASSERT(tp_log_publication_create(&pub, log) == 0);
    for (int round = 0; round < 4; round++)
    {
        (void)tp_log_subscription_poll(sub, tp_fuzz_handler, &max, 16);
        uint8_t message[64];
        memset(message, round, sizeof(message));
        (void)tp_log_publication_offer(pub, message, (int32_t)sizeof(message), round);
    }
    tp_log_message_view_t views[8];
    int32_t n = tp_log_subscription_peek(sub, views, 8);
    TP_FUZZ_ASSERT(n >= 0 && n <= 8);
    for (int32_t i = 0; i < n; i++)
    {
        TP_FUZZ_ASSERT(views[i].length >= 0 && views[i].length <= max);
    }
    (void)tp_log_subscription_consume(sub, n);
    (void)tp_log_subscription_skip_backlog(sub, 1, 64);
    TP_FUZZ_ASSERT(tp_log_subscription_close(sub) == 0);
    TP_FUZZ_ASSERT(tp_log_publication_close(pub) == 0);
    TP_FUZZ_ASSERT(tp_log_close(log) == 0);
    return 0;
}
