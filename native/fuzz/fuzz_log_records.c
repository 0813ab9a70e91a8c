/*
 * fuzz_log_records - a subscriber reading records another process wrote into
 * a valid tp:ipc log (log_layout.h): the tail {position, index}, the claim
 * limit and the ring bytes come from the input, written through a second
 * mapping of the file while a subscription (joined at position 0) reads
 * with poll, receive, peek and skip_backlog, and a publication offers
 * against the same hostile state. Invariants: every message handed over is
 * at most the maximum length; counters only grow; nothing reads or writes
 * outside the mapping; every call returns (stalled claims time out after
 * 1 ms).
 */
#include "fuzz_util.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "tensorpool/log.h"
#include "tensorpool/log_layout.h"

enum { TP_FUZZ_CAPACITY = 4096 };

static tp_log_t *tp_fuzz_log;
static uint8_t *tp_fuzz_map; /* our own view of the same file */

static void tp_fuzz_open(void)
{
    if (tp_fuzz_log != NULL)
    {
        return;
    }
    char path[512];
    snprintf(path, sizeof(path), "%s/records.log", tp_fuzz_scratch_dir());
    TP_FUZZ_ASSERT(tp_log_open(&tp_fuzz_log, path, TP_FUZZ_CAPACITY) == TP_LOG_OPENED_CREATED);
    int fd = open(path, O_RDWR | O_CLOEXEC);
    TP_FUZZ_ASSERT(fd >= 0);
    void *map = mmap(NULL, TP_LOG_DESCRIPTOR_LENGTH + TP_FUZZ_CAPACITY, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    TP_FUZZ_ASSERT(map != MAP_FAILED);
    tp_fuzz_map = map;
}

static void tp_fuzz_handler(void *clientd, const uint8_t *buffer, int32_t length, int32_t msg_type)
{
    TP_FUZZ_ASSERT(length >= 0 && length <= tp_log_max_message_length(tp_fuzz_log));
    TP_FUZZ_ASSERT(msg_type >= 0);
    if (length > 0)
    {
        volatile uint8_t last = buffer[length - 1];
        (void)last;
    }
    (*(int *)clientd)++;
}

static void tp_fuzz_counters_grow(const tp_log_subscription_counters_t *a, const tp_log_subscription_counters_t *b)
{
    TP_FUZZ_ASSERT(b->messages_received >= a->messages_received);
    TP_FUZZ_ASSERT(b->messages_lost >= a->messages_lost);
    TP_FUZZ_ASSERT(b->bytes_lost >= a->bytes_lost);
    TP_FUZZ_ASSERT(b->invalid_records >= a->invalid_records);
    TP_FUZZ_ASSERT(b->messages_skipped >= a->messages_skipped);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tp_fuzz_open();
    tp_fuzz_input_t in = {data, size, 0};
    uint8_t ops = tp_fuzz_u8(&in);

    /* A fresh log at position 0 for the subscriber to join... */
    memset(tp_fuzz_map + TP_LOG_TAIL_POSITION_OFFSET, 0, 16);
    memset(tp_fuzz_map + TP_LOG_CLAIM_LIMIT_OFFSET, 0, 8);
    memset(tp_fuzz_map + TP_LOG_DESCRIPTOR_LENGTH, 0, TP_FUZZ_CAPACITY);
    tp_log_subscription_t *sub = NULL;
    TP_FUZZ_ASSERT(tp_log_subscription_create(&sub, tp_fuzz_log, 1000000) == 0);

    /* ...then another process's writes: tail, claim limit and the ring. */
    uint64_t tail_position = tp_fuzz_u64(&in);
    uint64_t tail_index = tp_fuzz_u64(&in);
    uint64_t claim_limit = tp_fuzz_u64(&in);
    if (ops & 1)
    {
        tail_position &= (uint64_t)(4 * TP_FUZZ_CAPACITY - 1); /* mostly plausible tails */
    }
    memcpy(tp_fuzz_map + TP_LOG_TAIL_POSITION_OFFSET, &tail_position, 8);
    memcpy(tp_fuzz_map + TP_LOG_TAIL_INDEX_OFFSET, &tail_index, 8);
    memcpy(tp_fuzz_map + TP_LOG_CLAIM_LIMIT_OFFSET, &claim_limit, 8);
    tp_fuzz_take(&in, tp_fuzz_map + TP_LOG_DESCRIPTOR_LENGTH, TP_FUZZ_CAPACITY);

    tp_log_subscription_counters_t before, after;
    tp_log_subscription_counters(sub, &before);
    int handed = 0;
    uint8_t buffer[TP_FUZZ_CAPACITY];
    tp_log_message_info_t info;
    tp_log_message_view_t views[4];
    struct timespec pause = {0, 1100000}; /* past the 1 ms stall timeout */
    for (int round = 0; round < 6; round++)
    {
        switch ((ops >> (round % 4) * 2) & 3)
        {
            case 0:
                (void)tp_log_subscription_poll(sub, tp_fuzz_handler, &handed, 8);
                break;
            case 1:
            {
                int rc = tp_log_subscription_receive(sub, buffer, (int32_t)(round * 100), &info);
                TP_FUZZ_ASSERT(rc == 0 || rc == 1 || rc == TP_LOG_ERR_BUFFER_TOO_SMALL);
                if (rc != 0)
                {
                    TP_FUZZ_ASSERT(info.length >= 0 && info.length <= tp_log_max_message_length(tp_fuzz_log));
                }
                break;
            }
            case 2:
            {
                int32_t n = tp_log_subscription_peek(sub, views, 4);
                TP_FUZZ_ASSERT(n >= 0 && n <= 4);
                for (int32_t i = 0; i < n; i++)
                {
                    TP_FUZZ_ASSERT(views[i].length >= 0 && views[i].length <= tp_log_max_message_length(tp_fuzz_log));
                }
                (void)tp_log_subscription_consume(sub, n);
                break;
            }
            default:
                (void)tp_log_subscription_skip_backlog(sub, (uint32_t)round, 32);
                break;
        }
        tp_log_subscription_counters(sub, &after);
        tp_fuzz_counters_grow(&before, &after);
        before = after;
        if (round == 2 && (ops & 0x80))
        {
            nanosleep(&pause, NULL);
        }
    }
    if (ops & 0x40)
    {
        tp_log_publication_t *pub = NULL;
        TP_FUZZ_ASSERT(tp_log_publication_create(&pub, tp_fuzz_log) == 0);
        uint8_t message[40] = {1, 2, 3};
        (void)tp_log_publication_offer(pub, message, (int32_t)sizeof(message), 3);
        (void)tp_log_subscription_poll(sub, tp_fuzz_handler, &handed, 8);
        TP_FUZZ_ASSERT(tp_log_publication_close(pub) == 0);
    }
    TP_FUZZ_ASSERT(tp_log_subscription_close(sub) == 0);
    return 0;
}
