/*
 * test_log_util.h - helpers shared by the tp:ipc log tests: a temporary
 * directory under /dev/shm per case, message patterns that prove a copy is
 * whole, a collecting poll handler, bounded waits for forked children, and
 * raw access to a log file the way another (possibly hostile) process has it.
 */
#ifndef TEST_LOG_UTIL_H
#define TEST_LOG_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tensorpool/error.h"
#include "tensorpool/log.h"

enum
{
    TLU_CHILD_TIMEOUT_S = 60,     /* generous: the machine is shared and loaded */
    TLU_CHILD_TIMED_OUT = -1000,
    TLU_MSG_HEADER = 8            /* {u32 publisher, u32 sequence} before the pattern */
};

/* ---- Temporary directory ---- */

static inline int tlu_rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static inline void tlu_rmtree(const char *dir)
{
    nftw(dir, tlu_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

enum { TLU_MAX_DIRS = 64 };

static char tlu_dirs[TLU_MAX_DIRS][64];
static int tlu_dir_count;

static inline void tlu_remove_dirs(void)
{
    for (int i = 0; i < tlu_dir_count; i++)
    {
        tlu_rmtree(tlu_dirs[i]);
    }
}

/*
 * A fresh directory under /dev/shm (or /tmp) for the calling test case,
 * removed when the test process exits (forked children leave with _exit and
 * remove nothing). Aborts the process if none can be made.
 */
static inline const char *tlu_dir(void)
{
    if (tlu_dir_count == TLU_MAX_DIRS)
    {
        fprintf(stderr, "tlu_dir: too many directories\n");
        exit(1);
    }
    char *dir = tlu_dirs[tlu_dir_count];
    snprintf(dir, sizeof(tlu_dirs[0]), "/dev/shm/tp-log-test-XXXXXX");
    if (mkdtemp(dir) == NULL)
    {
        snprintf(dir, sizeof(tlu_dirs[0]), "/tmp/tp-log-test-XXXXXX");
        if (mkdtemp(dir) == NULL)
        {
            fprintf(stderr, "mkdtemp failed: %s\n", strerror(errno));
            exit(1);
        }
    }
    if (tlu_dir_count++ == 0)
    {
        atexit(tlu_remove_dirs);
    }
    return dir;
}

static inline void tlu_path(char *buf, size_t size, const char *dir, const char *name)
{
    snprintf(buf, size, "%s/%s", dir, name);
}

/* ---- Message patterns ---- */

static inline uint64_t tlu_next(uint64_t *x)
{
    *x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
    return *x >> 33;
}

/* A message: {publisher, sequence} then bytes derived from both, so any torn or foreign byte shows. */
static inline void tlu_fill(uint8_t *buf, int32_t length, uint32_t publisher, uint32_t sequence)
{
    uint64_t x = ((uint64_t)publisher << 32 | sequence) ^ 0x9E3779B97F4A7C15ULL;
    int32_t i = 0;
    if (length >= TLU_MSG_HEADER)
    {
        memcpy(buf, &publisher, 4);
        memcpy(buf + 4, &sequence, 4);
        i = TLU_MSG_HEADER;
    }
    for (; i < length; i++)
    {
        buf[i] = (uint8_t)tlu_next(&x);
    }
}

/* 1 when buf is exactly what tlu_fill wrote for its own {publisher, sequence}. */
static inline int tlu_verify(const uint8_t *buf, int32_t length, uint32_t *publisher, uint32_t *sequence)
{
    if (length < TLU_MSG_HEADER)
    {
        return 0;
    }
    memcpy(publisher, buf, 4);
    memcpy(sequence, buf + 4, 4);
    uint64_t x = ((uint64_t)*publisher << 32 | *sequence) ^ 0x9E3779B97F4A7C15ULL;
    for (int32_t i = TLU_MSG_HEADER; i < length; i++)
    {
        if (buf[i] != (uint8_t)tlu_next(&x))
        {
            return 0;
        }
    }
    return 1;
}

/* Offer one patterned message; returns the offer result. */
static inline int64_t tlu_offer(tp_log_publication_t *pub, int32_t length, uint32_t publisher, uint32_t sequence, int32_t msg_type)
{
    uint8_t buf[1 << 16];
    if (length > (int32_t)sizeof(buf))
    {
        return TP_ERR_INVALID_ARGUMENT;
    }
    tlu_fill(buf, length, publisher, sequence);
    return tp_log_publication_offer(pub, buf, length, msg_type);
}

/* ---- Collecting handler ---- */

typedef struct tlu_seen_stct
{
    int count;
    int capacity;
    int corrupt;               /* messages whose bytes did not verify */
    uint32_t *publisher;
    uint32_t *sequence;
    int32_t *length;
    int32_t *msg_type;
} tlu_seen_t;

static inline int tlu_seen_init(tlu_seen_t *s, int capacity)
{
    memset(s, 0, sizeof(*s));
    s->capacity = capacity;
    s->publisher = calloc((size_t)capacity, sizeof(uint32_t));
    s->sequence = calloc((size_t)capacity, sizeof(uint32_t));
    s->length = calloc((size_t)capacity, sizeof(int32_t));
    s->msg_type = calloc((size_t)capacity, sizeof(int32_t));
    return s->publisher && s->sequence && s->length && s->msg_type;
}

static inline void tlu_seen_free(tlu_seen_t *s)
{
    free(s->publisher);
    free(s->sequence);
    free(s->length);
    free(s->msg_type);
}

/* tp_log_handler_t: records every message; counts those whose bytes do not verify. */
static inline void tlu_collect(void *clientd, const uint8_t *buffer, int32_t length, int32_t msg_type)
{
    tlu_seen_t *s = clientd;
    uint32_t publisher = 0, sequence = 0;
    if (length >= TLU_MSG_HEADER && !tlu_verify(buffer, length, &publisher, &sequence))
    {
        s->corrupt++;
    }
    if (s->count < s->capacity)
    {
        s->publisher[s->count] = publisher;
        s->sequence[s->count] = sequence;
        s->length[s->count] = length;
        s->msg_type[s->count] = msg_type;
    }
    s->count++;
}

/* Poll until `want` messages were seen or the subscription stays idle for `idle_rounds` sleeps of 1 ms. */
static inline void tlu_poll_until(tp_log_subscription_t *sub, tlu_seen_t *seen, int want, int idle_rounds)
{
    int idle = 0;
    while (seen->count < want && idle < idle_rounds)
    {
        int32_t n = tp_log_subscription_poll(sub, tlu_collect, seen, 64);
        if (n > 0)
        {
            idle = 0;
        }
        else
        {
            idle++;
            usleep(1000);
        }
    }
}

/* ---- Fixture: a log with one publication and one subscription ---- */

typedef struct tlu_fixture_stct
{
    char path[512];
    tp_log_t *log;
    tp_log_publication_t *pub;
    tp_log_subscription_t *sub;
} tlu_fixture_t;

static inline int tlu_fixture_open(tlu_fixture_t *f, const char *dir, uint64_t capacity, int64_t stall_timeout_ns)
{
    memset(f, 0, sizeof(*f));
    snprintf(f->path, sizeof(f->path), "%s/test.log", dir);
    unlink(f->path);
    if (tp_log_open(&f->log, f->path, capacity) < 0 || tp_log_publication_create(&f->pub, f->log) < 0 ||
        tp_log_subscription_create(&f->sub, f->log, stall_timeout_ns) < 0)
    {
        fprintf(stderr, "fixture: %s\n", tp_errmsg());
        return -1;
    }
    return 0;
}

static inline void tlu_fixture_close(tlu_fixture_t *f)
{
    tp_log_subscription_close(f->sub);
    tp_log_publication_close(f->pub);
    tp_log_close(f->log);
}

/* ---- Loss counters ---- */

/* 1 when the subscription's loss counters are exactly these; prints the difference otherwise. */
static inline int tlu_losses_are(const tp_log_subscription_t *sub, uint64_t lost, uint64_t bytes_lost,
    uint64_t lapped, uint64_t stalled, uint64_t invalid)
{
    tp_log_subscription_counters_t c;
    tp_log_subscription_counters(sub, &c);
    if (c.messages_lost == lost && c.bytes_lost == bytes_lost && c.times_lapped == lapped &&
        c.stalled_skips == stalled && c.invalid_records == invalid)
    {
        return 1;
    }
    fprintf(stderr, "loss counters: lost %llu/%llu, bytes lost %llu/%llu, lapped %llu/%llu, stalled %llu/%llu, invalid %llu/%llu (got/expected)\n",
        (unsigned long long)c.messages_lost, (unsigned long long)lost, (unsigned long long)c.bytes_lost,
        (unsigned long long)bytes_lost, (unsigned long long)c.times_lapped, (unsigned long long)lapped,
        (unsigned long long)c.stalled_skips, (unsigned long long)stalled, (unsigned long long)c.invalid_records,
        (unsigned long long)invalid);
    return 0;
}

/* ---- Children ---- */

/* Exit code of a child, -signal if it died of one, TLU_CHILD_TIMED_OUT (after killing it) if it outlived the bound. */
static inline int tlu_wait_child(pid_t pid, int timeout_s)
{
    int status = 0;
    for (long waited_ms = 0; waited_ms < (long)timeout_s * 1000; waited_ms++)
    {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
        {
            return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
        }
        if (r < 0)
        {
            return TLU_CHILD_TIMED_OUT - 1;
        }
        usleep(1000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return TLU_CHILD_TIMED_OUT;
}

/* ---- Raw file access (as another process sees it) ---- */

typedef struct tlu_raw_stct
{
    uint8_t *map;
    size_t length;
} tlu_raw_t;

static inline int tlu_raw_map(tlu_raw_t *raw, const char *path)
{
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
    {
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0)
    {
        close(fd);
        return -1;
    }
    raw->length = (size_t)st.st_size;
    raw->map = mmap(NULL, raw->length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    return raw->map == MAP_FAILED ? -1 : 0;
}

static inline void tlu_raw_unmap(tlu_raw_t *raw)
{
    munmap(raw->map, raw->length);
}

static inline uint8_t *tlu_raw_record(tlu_raw_t *raw, uint64_t capacity, uint64_t position)
{
    return raw->map + TP_LOG_DESCRIPTOR_LENGTH + (position & (capacity - 1));
}

static inline void tlu_write_file(const char *path, const void *data, size_t length)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0)
    {
        if (length > 0 && write(fd, data, length) != (ssize_t)length)
        {
            fprintf(stderr, "short write to %s\n", path);
        }
        close(fd);
    }
}

#endif /* TEST_LOG_UTIL_H */
