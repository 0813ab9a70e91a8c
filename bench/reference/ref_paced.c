/*
 * ref_paced: one side of a paced cell of the reference C implementation (DarrylGamroth/tensor_pool_c) over Aeron
 * IPC, for bench/reference/side-by-side.sh. Uses only the reference's public headers (include/tensor_pool) and
 * Aeron's idle strategies; no driver (both sides attach the same shm:file regions, as the reference's "nodriver"
 * examples do; SHM_DIR is the epoch folder the reference's tp_shm_create made, holding header.ring and 1.pool).
 *
 *   ref_paced producer AERON_DIR CHANNEL SHM_DIR SIZE RATE_HZ WARMUP FRAMES
 *   ref_paced consumer AERON_DIR CHANNEL SHM_DIR SIZE IDLE(spin|yield|backoff) MAX_SECONDS
 *     (MAX_SECONDS from its first frame: how long to wait for the end frame, which may be lost)
 *
 * Every frame carries its sequence (bytes 0-7) and phase (8-15: 0 warm-up, 1 timed, 2 end) like our bench frames.
 * The producer paces as ours does (sleep to 10 us before each deadline, then spin), offers each frame with no
 * timestamp so the reference stamps the slot at commit, starts when SHM_DIR/go exists (the consumer is polling), and prints "steady" after the warm-up and
 * "result published=N cpu_ns=C wall_ns=W" after the timed frames (CPU of the whole process over that window).
 * The consumer times each timed frame from the slot's timestamp to the moment tp_consumer_read_frame accepted it,
 * and prints "result timed=T gap=G late=L p50=.. p99=.. p999=.. max=.. cpu_ns=C wall_ns=W hist=h_.." (its CPU from its
 * first timed frame to the end frame; hist the latencies as our bench's children encode them, for pooling segments).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "tensor_pool/tp.h"
#include "aeron_agent.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

enum
{
    STREAM_ID = 10000,
    POOL_ID = 1,
    NSLOTS = 1024,
    PHASE_WARMUP = 0,
    PHASE_TIMED = 1,
    PHASE_END = 2,
    MAX_SAMPLES = 4 * 1000 * 1000
};

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int64_t cpu_ns(void)
{
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return ((int64_t)usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000000000LL +
        ((int64_t)usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1000LL;
}

/* Sleep until 10 us before the deadline, then spin: the pacing of our RatePacer (D184), so both sides pace alike. */
static void pace_until(int64_t deadline)
{
    int64_t wake = deadline - 10000;
    int64_t now = now_ns();
    if (wake > now)
    {
        struct timespec ts = { (time_t)(wake / 1000000000LL), (long)(wake % 1000000000LL) };
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
    }
    while (now_ns() < deadline)
    {
    }
}

static uint32_t stride_of(uint32_t size)
{
    return (size + 63u) & ~63u;
}

static int init_client(tp_context_t **context, tp_client_t **client, const char *aeron_dir, const char *channel)
{
    static const char *allowed[] = { "/dev/shm", "/tmp" };
    if (tp_context_init(context) < 0)
    {
        return -1;
    }
    tp_context_set_aeron_dir(*context, aeron_dir);
    tp_context_set_default_channels(*context, channel, 1001);
    /* One channel for every stream: descriptors, QoS and metadata with the same (long) term as control. */
    tp_context_set_descriptor_channel(*context, channel, 1100);
    tp_context_set_qos_channel(*context, channel, 1200);
    tp_context_set_metadata_channel(*context, channel, 1300);
    tp_context_set_allowed_paths(*context, allowed, 2);
    if (tp_client_init(client, *context) < 0 || tp_client_start(*client) < 0)
    {
        fprintf(stderr, "ref_paced: client start failed: %s\n", tp_errmsg());
        return -1;
    }
    return 0;
}

static void region_uris(const char *shm_dir, char *header_uri, char *pool_uri, size_t length)
{
    snprintf(header_uri, length, "shm:file?path=%s/header.ring", shm_dir);
    snprintf(pool_uri, length, "shm:file?path=%s/%d.pool", shm_dir, POOL_ID);
}

static int wait_connected(tp_client_t *client, bool (*connected)(const void *), const void *handle, const char *what)
{
    int64_t deadline = now_ns() + 30 * 1000000000LL;
    while (!connected(handle))
    {
        if (now_ns() > deadline)
        {
            fprintf(stderr, "ref_paced: %s not connected within 30 s\n", what);
            return -1;
        }
        tp_client_do_work(client);
        struct timespec ts = { 0, 1000000 };
        nanosleep(&ts, NULL);
    }
    return 0;
}

static bool publication_connected(const void *publication)
{
    return tp_publication_is_connected((const tp_publication_t *)publication);
}

static bool subscription_connected(const void *subscription)
{
    return tp_subscription_is_connected((const tp_subscription_t *)subscription);
}

static int run_producer(int argc, char **argv)
{
    if (argc != 9)
    {
        fprintf(stderr, "usage: ref_paced producer AERON_DIR CHANNEL SHM_DIR SIZE RATE_HZ WARMUP FRAMES\n");
        return 2;
    }
    const char *aeron_dir = argv[2];
    const char *channel = argv[3];
    const char *shm_dir = argv[4];
    uint32_t size = (uint32_t)strtoul(argv[5], NULL, 10);
    double rate = strtod(argv[6], NULL);
    long warmup = strtol(argv[7], NULL, 10);
    long frames = strtol(argv[8], NULL, 10);
    if (size < 16 || rate <= 0 || warmup < 1 || frames < 1)
    {
        fprintf(stderr, "ref_paced: bad producer arguments\n");
        return 2;
    }

    tp_context_t *context = NULL;
    tp_client_t *client = NULL;
    tp_producer_t *producer = NULL;
    char header_uri[512];
    char pool_uri[512];
    region_uris(shm_dir, header_uri, pool_uri, sizeof(header_uri));
    if (init_client(&context, &client, aeron_dir, channel) < 0)
    {
        return 1;
    }
    if (tp_producer_init_simple(&producer, client, STREAM_ID, 1, false) < 0)
    {
        fprintf(stderr, "ref_paced: producer init failed: %s\n", tp_errmsg());
        return 1;
    }
    tp_payload_pool_config_t pool;
    memset(&pool, 0, sizeof(pool));
    pool.pool_id = POOL_ID;
    pool.nslots = NSLOTS;
    pool.stride_bytes = stride_of(size);
    pool.uri = pool_uri;
    tp_producer_config_t config;
    memset(&config, 0, sizeof(config));
    config.stream_id = STREAM_ID;
    config.producer_id = 1;
    config.epoch = 1;
    config.layout_version = 1;
    config.header_nslots = NSLOTS;
    config.header_uri = header_uri;
    config.pools = &pool;
    config.pool_count = 1;
    if (tp_producer_attach(producer, &config) < 0)
    {
        fprintf(stderr, "ref_paced: producer attach failed: %s\n", tp_errmsg());
        return 1;
    }
    printf("attached\n");
    fflush(stdout);
    if (wait_connected(client, publication_connected, tp_producer_descriptor_publication(producer), "descriptor publication") < 0)
    {
        return 1;
    }

    /* The script creates SHM_DIR/go once the consumer printed ready: no frame is sent before it polls. */
    char go[600];
    snprintf(go, sizeof(go), "%s/go", shm_dir);
    int64_t go_deadline = now_ns() + 120 * 1000000000LL;
    while (access(go, F_OK) != 0)
    {
        if (now_ns() > go_deadline)
        {
            fprintf(stderr, "ref_paced: no %s within 120 s\n", go);
            return 1;
        }
        tp_client_do_work(client);
        struct timespec ts = { 0, 1000000 };
        nanosleep(&ts, NULL);
    }

    uint8_t *payload = malloc(size);
    for (uint32_t i = 0; i < size; i++)
    {
        payload[i] = (uint8_t)(i * 31);
    }
    tp_tensor_header_t tensor;
    memset(&tensor, 0, sizeof(tensor));
    tensor.dtype = TP_DTYPE_UINT8;
    tensor.major_order = TP_MAJOR_ORDER_ROW;
    tensor.ndims = 1;
    tensor.progress_unit = TP_PROGRESS_NONE;
    tensor.dims[0] = (int32_t)size;
    tp_frame_t frame;
    memset(&frame, 0, sizeof(frame));
    frame.tensor = &tensor;
    frame.payload = payload;
    frame.payload_len = size;
    frame.pool_id = POOL_ID;

    double period = 1e9 / rate;
    int64_t start = now_ns() + 200 * 1000000LL; /* the consumer's image settles */
    int64_t cpu_start = 0;
    int64_t wall_start = 0;
    long failed = 0;
    long total = warmup + frames + 1;
    for (long i = 0; i < total; i++)
    {
        pace_until(start + (int64_t)(i * period));
        int64_t phase = i < warmup ? PHASE_WARMUP : i < warmup + frames ? PHASE_TIMED : PHASE_END;
        uint64_t seq = (uint64_t)i;
        memcpy(payload, &seq, sizeof(seq));
        memcpy(payload + 8, &phase, sizeof(phase));
        tp_frame_metadata_t meta;
        meta.timestamp_ns = 0; /* the reference stamps the slot itself */
        meta.meta_version = 0;
        if (tp_producer_offer_frame(producer, &frame, &meta) < 0)
        {
            failed++;
        }
        /* As the reference's example producer does between frames: control messages and the client's work. */
        tp_producer_poll_control(producer, 16);
        tp_client_do_work(client);
        if (i == warmup - 1)
        {
            printf("steady\n");
            fflush(stdout);
            cpu_start = cpu_ns();
            wall_start = now_ns();
        }
        if (i == warmup + frames - 1)
        {
            int64_t cpu = cpu_ns() - cpu_start;
            int64_t wall = now_ns() - wall_start;
            printf("result published=%ld failed=%ld cpu_ns=%" PRId64 " wall_ns=%" PRId64 "\n", frames, failed, cpu, wall);
            fflush(stdout);
        }
    }
    /* Keep the regions alive while the consumer takes the end frame. */
    struct timespec linger = { 1, 0 };
    nanosleep(&linger, NULL);
    tp_producer_close(producer);
    tp_client_close(client);
    free(payload);
    return 0;
}

typedef struct consumer_state_stct
{
    tp_consumer_t *consumer;
    uint32_t size;
    int64_t *samples;
    long frames;
    long timed;
    long torn;
    bool ended;
    int64_t cpu_start;
    int64_t wall_start;
    int64_t cpu_end;
    int64_t wall_end;
}
consumer_state_t;

static void on_descriptor(void *clientd, const tp_frame_descriptor_t *desc)
{
    consumer_state_t *state = (consumer_state_t *)clientd;
    tp_frame_view_t view;
    if (tp_consumer_read_frame(state->consumer, desc->seq, &view) != 0)
    {
        return; /* not ready or dropped: counted by the reference (gap/late) or as not timed */
    }
    int64_t now = now_ns();
    state->frames++;
    if (view.payload_len != state->size)
    {
        state->torn++;
        return;
    }
    int64_t phase;
    memcpy(&phase, view.payload + 8, sizeof(phase));
    if (phase == PHASE_TIMED)
    {
        if (state->timed == 0)
        {
            state->cpu_start = cpu_ns();
            state->wall_start = now;
        }
        if (state->timed < MAX_SAMPLES)
        {
            state->samples[state->timed] = now - (int64_t)view.timestamp_ns;
        }
        state->timed++;
    }
    else if (phase == PHASE_END && !state->ended)
    {
        state->ended = true;
        state->cpu_end = cpu_ns();
        state->wall_end = now;
    }
}

static int compare_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a;
    int64_t y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int64_t percentile(const int64_t *sorted, long count, double p)
{
    if (count == 0)
    {
        return 0;
    }
    long index = (long)(p / 100.0 * (double)count + 0.5) - 1;
    if (index < 0)
    {
        index = 0;
    }
    return sorted[index >= count ? count - 1 : index];
}

/*
 * The highest value of v's bucket in an HdrHistogram of 3 significant digits (2,048 sub-buckets, unit 1 ns): exact
 * below 2,048, then 1,024 buckets per power of two. Our bench's histograms record the same values, so the two merge
 * and pool alike (bench/reference/side_by_side_table.py).
 */
static int64_t bucket_top(int64_t v)
{
    if (v < 1)
    {
        v = 1;
    }
    if (v > 10000000000LL)
    {
        v = 10000000000LL;
    }
    if (v < 2048)
    {
        return v;
    }
    int top_bit = 63 - __builtin_clzll((unsigned long long)v);
    int shift = top_bit - 10;
    return ((v >> shift) << shift) + ((INT64_C(1) << shift) - 1);
}

/* " hist=h_VALUE:COUNT_..." of the sorted samples, in our bench's encoding (LatencyRecorder.Encode). */
static void print_histogram(const int64_t *sorted, long count)
{
    printf(" hist=h");
    long i = 0;
    while (i < count)
    {
        int64_t top = bucket_top(sorted[i]);
        long n = 0;
        while (i < count && bucket_top(sorted[i]) == top)
        {
            n++;
            i++;
        }
        printf("_%" PRId64 ":%ld", top, n);
    }
}

static int run_consumer(int argc, char **argv)
{
    if (argc != 8)
    {
        fprintf(stderr, "usage: ref_paced consumer AERON_DIR CHANNEL SHM_DIR SIZE IDLE MAX_SECONDS\n");
        return 2;
    }
    const char *aeron_dir = argv[2];
    const char *channel = argv[3];
    const char *shm_dir = argv[4];
    uint32_t size = (uint32_t)strtoul(argv[5], NULL, 10);
    const char *idle = argv[6];
    double max_seconds = strtod(argv[7], NULL);

    aeron_idle_strategy_func_t idle_func;
    void *idle_state = NULL;
    if (strcmp(idle, "spin") == 0)
    {
        idle_func = aeron_idle_strategy_busy_spinning_idle;
    }
    else if (strcmp(idle, "yield") == 0)
    {
        idle_func = aeron_idle_strategy_yielding_idle;
    }
    else if (strcmp(idle, "backoff") == 0)
    {
        void *state = NULL;
        if (aeron_idle_strategy_backoff_state_init(&state, AERON_IDLE_STRATEGY_BACKOFF_MAX_SPINS,
                AERON_IDLE_STRATEGY_BACKOFF_MAX_YIELDS, AERON_IDLE_STRATEGY_BACKOFF_MIN_PARK_PERIOD_NS,
                AERON_IDLE_STRATEGY_BACKOFF_MAX_PARK_PERIOD_NS) < 0)
        {
            return 1;
        }
        idle_state = state;
        idle_func = aeron_idle_strategy_backoff_idle;
    }
    else
    {
        fprintf(stderr, "ref_paced: idle '%s' is not spin, yield or backoff\n", idle);
        return 2;
    }

    tp_context_t *context = NULL;
    tp_client_t *client = NULL;
    tp_consumer_t *consumer = NULL;
    char header_uri[512];
    char pool_uri[512];
    region_uris(shm_dir, header_uri, pool_uri, sizeof(header_uri));
    if (init_client(&context, &client, aeron_dir, channel) < 0)
    {
        return 1;
    }
    if (tp_consumer_init_simple(&consumer, client, STREAM_ID, 2, false) < 0)
    {
        fprintf(stderr, "ref_paced: consumer init failed: %s\n", tp_errmsg());
        return 1;
    }
    tp_consumer_pool_config_t pool;
    memset(&pool, 0, sizeof(pool));
    pool.pool_id = POOL_ID;
    pool.nslots = NSLOTS;
    pool.stride_bytes = stride_of(size);
    pool.uri = pool_uri;
    tp_consumer_config_t config;
    memset(&config, 0, sizeof(config));
    config.stream_id = STREAM_ID;
    config.epoch = 1;
    config.layout_version = 1;
    config.header_nslots = NSLOTS;
    config.header_uri = header_uri;
    config.pools = &pool;
    config.pool_count = 1;
    if (tp_consumer_attach(consumer, &config) < 0)
    {
        fprintf(stderr, "ref_paced: consumer attach failed: %s\n", tp_errmsg());
        return 1;
    }
    if (wait_connected(client, subscription_connected, tp_consumer_descriptor_subscription(consumer), "descriptor subscription") < 0)
    {
        return 1;
    }

    consumer_state_t state;
    memset(&state, 0, sizeof(state));
    state.consumer = consumer;
    state.size = size;
    state.samples = malloc(sizeof(int64_t) * MAX_SAMPLES);
    tp_consumer_set_descriptor_handler(consumer, on_descriptor, &state);
    printf("ready\n");
    fflush(stdout);

    /* Until the end frame; if it is lost, MAX_SECONDS after the first frame of any phase (2 minutes before one). */
    int64_t deadline = now_ns() + 120 * 1000000000LL;
    bool started = false;
    while (!state.ended && now_ns() < deadline)
    {
        /* The duty cycle of the reference's example consumer: the client's work, control, descriptors. */
        int work = tp_client_do_work(client);
        work += tp_consumer_poll_control(consumer, 16);
        work += tp_consumer_poll_descriptors(consumer, 16);
        if (!started && state.frames > 0)
        {
            started = true;
            deadline = now_ns() + (int64_t)(max_seconds * 1e9);
        }
        idle_func(idle_state, work);
    }
    if (!state.ended)
    {
        state.cpu_end = cpu_ns();
        state.wall_end = now_ns();
    }

    uint64_t gap = 0, late = 0, last = 0;
    tp_consumer_get_drop_counts(consumer, &gap, &late, &last);
    long count = state.timed < MAX_SAMPLES ? state.timed : MAX_SAMPLES;
    qsort(state.samples, (size_t)count, sizeof(int64_t), compare_i64);
    printf("result timed=%ld gap=%" PRIu64 " late=%" PRIu64 " torn=%ld ended=%d p50=%" PRId64 " p99=%" PRId64
        " p999=%" PRId64 " max=%" PRId64 " cpu_ns=%" PRId64 " wall_ns=%" PRId64,
        state.timed, gap, late, state.torn, state.ended ? 1 : 0,
        percentile(state.samples, count, 50), percentile(state.samples, count, 99),
        percentile(state.samples, count, 99.9), count > 0 ? state.samples[count - 1] : 0,
        state.cpu_end - state.cpu_start, state.wall_end - state.wall_start);
    print_histogram(state.samples, count);
    printf("\n");
    fflush(stdout);
    tp_consumer_close(consumer);
    tp_client_close(client);
    free(state.samples);
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1 && strcmp(argv[1], "producer") == 0)
    {
        return run_producer(argc, argv);
    }
    if (argc > 1 && strcmp(argv[1], "consumer") == 0)
    {
        return run_consumer(argc, argv);
    }
    fprintf(stderr, "usage: ref_paced producer|consumer ...\n");
    return 2;
}
