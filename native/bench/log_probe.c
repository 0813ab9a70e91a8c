/*
 * log_probe.c - a quick native check of the tp:ipc log against its targets
 * (not a test; speed is never asserted). In one run, between two processes
 * pinned to different cores when the machine has two:
 *
 *   1. the latency floor: a raw cross-process cache-line ping-pong (one-way = RTT/2);
 *   2. the throughput floor: raw cross-process streaming of stamped 64-byte lines
 *      through a 4 MiB ring, the reader keeping up (flow-controlled, lossless);
 *   3. log latency: 64-byte messages ping-ponged through two logs (one-way = RTT/2);
 *   4. log throughput: one publisher offering 64-byte messages to one subscriber,
 *      paced to stay half a ring ahead (sustainable lossless rate) and flat out
 *      (offered and received rates, loss), then the publisher alone.
 *
 * Usage: tp_log_probe [round_trips] [throughput_messages]
 * Latency samples are taken with clock_gettime(CLOCK_MONOTONIC) around each
 * round trip, the same way for the floor and the log.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tensorpool/error.h"
#include "tensorpool/log.h"

/* Warm-up round trips: more than two laps of each default-size log, so samples see a warm ring. */
enum { MSG = 64, WARMUP = 100000, BATCH = 64 };

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int g_cpus[2] = { -1, -1 };

static void pick_cpus(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) != 0)
    {
        return;
    }
    int n = 0;
    for (int c = 0; c < CPU_SETSIZE && n < 2; c++)
    {
        if (CPU_ISSET(c, &set))
        {
            g_cpus[n++] = c;
        }
    }
    if (n < 2)
    {
        g_cpus[0] = g_cpus[1] = -1;
    }
}

static void pin(int which)
{
    if (g_cpus[which] < 0)
    {
        return;
    }
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(g_cpus[which], &set);
    sched_setaffinity(0, sizeof(set), &set);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Print one-way (RTT/2) percentiles of `n` round-trip samples. */
static void report_latency(const char *name, int64_t *rtt, long n)
{
    qsort(rtt, (size_t)n, sizeof(int64_t), cmp_i64);
    double p[] = { 0.50, 0.90, 0.99, 0.999 };
    printf("%-28s one-way ns:", name);
    for (int i = 0; i < 4; i++)
    {
        printf("  p%g=%.0f", p[i] * 100, rtt[(long)(p[i] * (double)(n - 1))] / 2.0);
    }
    printf("  max=%.0f  (%ld round trips)\n", rtt[n - 1] / 2.0, n);
}

/* ---- 1. raw ping-pong ---- */

typedef struct pingpong_stct
{
    _Alignas(128) volatile uint64_t ping;
    _Alignas(128) volatile uint64_t pong;
} pingpong_t;

static void raw_pingpong(long rounds, int64_t *rtt)
{
    pingpong_t *pp = mmap(NULL, sizeof(*pp), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    memset((void *)pp, 0, sizeof(*pp));
    long total = rounds + WARMUP;
    pid_t pid = fork();
    if (pid == 0)
    {
        pin(1);
        for (uint64_t i = 1; i <= (uint64_t)total; i++)
        {
            while (__atomic_load_n(&pp->ping, __ATOMIC_ACQUIRE) != i)
            {
            }
            __atomic_store_n(&pp->pong, i, __ATOMIC_RELEASE);
        }
        _exit(0);
    }
    pin(0);
    for (uint64_t i = 1; i <= (uint64_t)total; i++)
    {
        int64_t t0 = now_ns();
        __atomic_store_n(&pp->ping, i, __ATOMIC_RELEASE);
        while (__atomic_load_n(&pp->pong, __ATOMIC_ACQUIRE) != i)
        {
        }
        if ((long)i > WARMUP)
        {
            rtt[i - WARMUP - 1] = now_ns() - t0;
        }
    }
    waitpid(pid, NULL, 0);
    munmap((void *)pp, sizeof(*pp));
    report_latency("raw cache-line ping-pong", rtt, rounds);
}

/* ---- 2. raw streaming ---- */

enum { STREAM_LINES = 65536 };

static void raw_stream(long messages)
{
    size_t ring_bytes = (size_t)STREAM_LINES * 64;
    uint8_t *map = mmap(NULL, ring_bytes + 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    uint64_t *ring = (uint64_t *)map;
    uint64_t *reader_position = (uint64_t *)(map + ring_bytes);
    memset(map, 0, ring_bytes + 4096);
    pid_t pid = fork();
    if (pid == 0)
    {
        pin(1);
        uint64_t sum = 0;
        for (uint64_t i = 1; i <= (uint64_t)messages; i++)
        {
            uint64_t *line = ring + (i % STREAM_LINES) * 8;
            while (__atomic_load_n(line, __ATOMIC_ACQUIRE) != i)
            {
            }
            sum += line[1];
            if ((i & 1023) == 0)
            {
                __atomic_store_n(reader_position, i, __ATOMIC_RELEASE);
            }
        }
        _exit(sum == 0);
    }
    pin(0);
    int64_t t0 = now_ns();
    for (uint64_t i = 1; i <= (uint64_t)messages; i++)
    {
        uint64_t *line = ring + (i % STREAM_LINES) * 8;
        while (i - __atomic_load_n(reader_position, __ATOMIC_ACQUIRE) > STREAM_LINES / 2)
        {
        }
        line[1] = i;
        __atomic_store_n(line, i, __ATOMIC_RELEASE);
    }
    waitpid(pid, NULL, 0);
    int64_t elapsed = now_ns() - t0;
    printf("%-28s %.2f M lines/s delivered (64-byte lines, reader keeping up)\n", "raw cache-line streaming",
        (double)messages / ((double)elapsed / 1e9) / 1e6);
    munmap(map, ring_bytes + 4096);
}

/* ---- 3. log ping-pong ---- */

typedef struct echo_stct
{
    tp_log_publication_t *pub;
    int got;
} echo_t;

static void echo_handler(void *clientd, const uint8_t *buffer, int32_t length, int32_t msg_type)
{
    echo_t *e = clientd;
    tp_log_publication_offer(e->pub, buffer, length, msg_type);
    e->got++;
}

static void count_handler(void *clientd, const uint8_t *buffer, int32_t length, int32_t msg_type)
{
    (void)buffer;
    (void)length;
    (void)msg_type;
    (*(long *)clientd)++;
}

static int open_pair(const char *path, tp_log_t **log, tp_log_publication_t **pub, tp_log_subscription_t **sub)
{
    if (tp_log_open(log, path, 0) < 0 || (pub && tp_log_publication_create(pub, *log) < 0) ||
        (sub && tp_log_subscription_create(sub, *log, 0) < 0))
    {
        fprintf(stderr, "%s: %s\n", path, tp_errmsg());
        return -1;
    }
    return 0;
}

static void log_pingpong(const char *dir, long rounds, int64_t *rtt)
{
    char ping_path[512], pong_path[512];
    snprintf(ping_path, sizeof(ping_path), "%s/ping.log", dir);
    snprintf(pong_path, sizeof(pong_path), "%s/pong.log", dir);
    tp_log_t *ping = NULL, *pong = NULL;
    tp_log_publication_t *ping_pub = NULL;
    tp_log_subscription_t *pong_sub = NULL;
    /* Create both logs and the parent's subscription before the child starts. */
    if (open_pair(ping_path, &ping, &ping_pub, NULL) < 0 || open_pair(pong_path, &pong, NULL, &pong_sub) < 0)
    {
        exit(1);
    }
    int ready[2];
    if (pipe(ready) != 0)
    {
        exit(1);
    }
    long total = rounds + WARMUP;
    pid_t pid = fork();
    if (pid == 0)
    {
        pin(1);
        tp_log_t *a = NULL, *b = NULL;
        tp_log_subscription_t *a_sub = NULL;
        echo_t echo = { NULL, 0 };
        if (open_pair(ping_path, &a, NULL, &a_sub) < 0 || open_pair(pong_path, &b, &echo.pub, NULL) < 0)
        {
            _exit(1);
        }
        char c = 'r';
        if (write(ready[1], &c, 1) != 1)
        {
            _exit(1);
        }
        while (echo.got < total)
        {
            tp_log_subscription_poll(a_sub, echo_handler, &echo, BATCH);
        }
        _exit(0);
    }
    char c;
    if (read(ready[0], &c, 1) != 1)
    {
        exit(1);
    }
    pin(0);
    uint8_t msg[MSG];
    memset(msg, 0x5A, sizeof(msg));
    for (long i = 0; i < total; i++)
    {
        long got = 0;
        int64_t t0 = now_ns();
        tp_log_publication_offer(ping_pub, msg, MSG, 1);
        while (got == 0)
        {
            tp_log_subscription_poll(pong_sub, count_handler, &got, BATCH);
        }
        if (i >= WARMUP)
        {
            rtt[i - WARMUP] = now_ns() - t0;
        }
    }
    waitpid(pid, NULL, 0);
    report_latency("tp:ipc log ping-pong, 64 B", rtt, rounds);
    tp_log_subscription_close(pong_sub);
    tp_log_publication_close(ping_pub);
    tp_log_close(ping);
    tp_log_close(pong);
}

/* ---- 4. throughput ---- */

typedef struct shared_stct
{
    volatile int subscriber_ready;
    volatile int publisher_done;
    volatile int64_t subscriber_position;
} shared_t;

/*
 * One publisher process offering `messages` 64-byte messages flat out, or
 * paced to stay within half a ring of the subscriber (the sustainable,
 * lossless rate, comparable with the raw streaming floor).
 */
static void throughput(const char *dir, long messages, int paced)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/throughput-%d.log", dir, paced);
    tp_log_t *log = NULL;
    tp_log_publication_t *pub = NULL;
    if (open_pair(path, &log, &pub, NULL) < 0)
    {
        exit(1);
    }
    shared_t *shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    memset((void *)shared, 0, sizeof(*shared));
    int result[2];
    if (pipe(result) != 0)
    {
        exit(1);
    }
    pid_t pid = fork();
    if (pid == 0)
    {
        pin(1);
        tp_log_t *own = NULL;
        tp_log_subscription_t *sub = NULL;
        if (open_pair(path, &own, NULL, &sub) < 0)
        {
            _exit(1);
        }
        long received = 0;
        shared->subscriber_ready = 1;
        for (;;)
        {
            int done = shared->publisher_done;
            int32_t n = tp_log_subscription_poll(sub, count_handler, &received, BATCH);
            shared->subscriber_position = tp_log_subscription_position(sub);
            if (done && n == 0)
            {
                break;
            }
        }
        tp_log_subscription_counters_t c;
        tp_log_subscription_counters(sub, &c);
        if (write(result[1], &c, sizeof(c)) != (ssize_t)sizeof(c))
        {
            _exit(1);
        }
        _exit(0);
    }
    pin(0);
    while (!shared->subscriber_ready)
    {
    }
    uint8_t msg[MSG];
    memset(msg, 0x33, sizeof(msg));
    int64_t window = (int64_t)(tp_log_capacity(log) / 2);
    int64_t t0 = now_ns();
    for (long i = 0; i < messages; i++)
    {
        /* Checked every 64 offers so the pacing itself does not bounce a line per message. */
        while (paced && (i & 63) == 0 && tp_log_tail_position(log) - shared->subscriber_position > window)
        {
        }
        tp_log_publication_offer(pub, msg, MSG, 1);
    }
    int64_t elapsed = now_ns() - t0;
    shared->publisher_done = 1;
    tp_log_subscription_counters_t c;
    memset(&c, 0, sizeof(c));
    if (read(result[0], &c, sizeof(c)) != (ssize_t)sizeof(c))
    {
        fprintf(stderr, "no result from the subscriber\n");
    }
    waitpid(pid, NULL, 0);
    double seconds = (double)elapsed / 1e9;
    printf("%-28s offered %.2f M msgs/s; received %.2f M msgs/s (%llu received, %llu lost; lapped %llu, stalled skips %llu)\n",
        paced ? "tp:ipc log paced, 64 B" : "tp:ipc log flat out, 64 B", (double)messages / seconds / 1e6,
        (double)c.messages_received / seconds / 1e6, (unsigned long long)c.messages_received,
        (unsigned long long)c.messages_lost, (unsigned long long)c.times_lapped, (unsigned long long)c.stalled_skips);
    if (!paced)
    {
        /* The same publisher again, nobody reading the tail or the records. */
        t0 = now_ns();
        for (long i = 0; i < messages; i++)
        {
            tp_log_publication_offer(pub, msg, MSG, 1);
        }
        elapsed = now_ns() - t0;
        printf("%-28s offered %.2f M msgs/s with no subscriber polling\n", "tp:ipc log publisher alone",
            (double)messages / ((double)elapsed / 1e9) / 1e6);
    }
    munmap((void *)shared, sizeof(*shared));
    tp_log_publication_close(pub);
    tp_log_close(log);
    unlink(path);
}

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? atol(argv[1]) : 200000;
    long messages = argc > 2 ? atol(argv[2]) : 20000000;
    if (rounds < 100 || messages < 1000)
    {
        fprintf(stderr, "usage: %s [round_trips >= 100] [throughput_messages >= 1000]\n", argv[0]);
        return 2;
    }
    char dir[] = "/dev/shm/tp-log-probe-XXXXXX";
    if (mkdtemp(dir) == NULL)
    {
        perror("mkdtemp");
        return 1;
    }
    pick_cpus();
    printf("tp_log_probe: capacity %d bytes, CPUs %d and %d%s\n", TP_LOG_DEFAULT_CAPACITY, g_cpus[0], g_cpus[1],
        g_cpus[0] < 0 ? " (not pinned: fewer than 2 CPUs)" : "");
    int64_t *rtt = malloc(sizeof(int64_t) * (size_t)rounds);
    raw_pingpong(rounds, rtt);
    raw_stream(messages);
    log_pingpong(dir, rounds, rtt);
    throughput(dir, messages, 1);
    throughput(dir, messages, 0);
    free(rtt);
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "%s/ping.log", dir);
    unlink(cmd);
    snprintf(cmd, sizeof(cmd), "%s/pong.log", dir);
    unlink(cmd);
    rmdir(dir);
    return 0;
}
