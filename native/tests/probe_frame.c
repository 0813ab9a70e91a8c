/*
 * probe_frame.c - tp_frame_probe: what the slot hot path costs, beside a
 * memcpy baseline measured in the same run (docs/benchmarks.md).
 *
 *   build/native/native/tests/tp_frame_probe [rounds]
 *
 * Single thread, in-memory ring (no cross-core traffic): this measures the
 * instructions of publish/validate, not cache-line transfer. Each figure is
 * the best of `rounds` (default 7) to damp the noise of a shared machine.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tensorpool/tensorpool.h"

enum { NSLOTS = 64, STRIDE = 1 << 20, SMALL = 10000000, LARGE = 2000, MAPS = 2000 };

/* Keep the compiler from deleting work whose result is unused. */
static void sink(const void *p)
{
    __asm__ __volatile__("" : : "r"(p) : "memory");
}

typedef double (*probe_fn)(void *);

static double best_of(int rounds, probe_fn fn, void *arg)
{
    double best = 1e30;
    for (int r = 0; r < rounds; r++)
    {
        double ns = fn(arg);
        best = ns < best ? ns : best;
    }
    return best;
}

typedef struct ctx_stct
{
    uint8_t *ring_memory;
    uint8_t *pool_memory;
    tp_header_ring_t ring;
    tp_payload_pool_t pool;
    uint8_t *scratch;
    const char *dir;
    tp_path_policy_t *policy;
    char ring_path[TP_SHM_PATH_MAX];
    tp_superblock_t ring_sb;
} ctx_t;

static tp_slot_fields_t fields_for(uint64_t seq, uint32_t length)
{
    tp_slot_fields_t f;
    memset(&f, 0, sizeof(f));
    f.timestamp_ns = seq;
    f.values_len_bytes = length;
    f.payload_slot = (uint32_t)(seq & (NSLOTS - 1));
    f.pool_id = 1;
    f.dtype = TP_DTYPE_UINT8;
    f.major_order = TP_MAJOR_ORDER_ROW;
    f.ndims = 1;
    f.dims[0] = (int32_t)length;
    return f;
}

static double probe_memcpy_256(void *arg)
{
    ctx_t *c = arg;
    uint64_t start = tp_clock_monotonic_ns();
    for (uint64_t i = 0; i < SMALL; i++)
    {
        memcpy(c->scratch, tp_header_ring_slot(&c->ring, i), 256);
        sink(c->scratch);
    }
    return (double)(tp_clock_monotonic_ns() - start) / SMALL;
}

static double probe_publish_header(void *arg)
{
    ctx_t *c = arg;
    uint64_t start = tp_clock_monotonic_ns();
    for (uint64_t seq = 0; seq < SMALL; seq++)
    {
        uint8_t *slot = tp_header_ring_slot(&c->ring, seq);
        tp_slot_fields_t f = fields_for(seq, 16);
        tp_seqlock_write_begin((uint64_t *)slot, seq);
        tp_header_slot_write(slot, &f);
        tp_seqlock_write_commit((uint64_t *)slot, seq);
    }
    return (double)(tp_clock_monotonic_ns() - start) / SMALL;
}

static double probe_validate(void *arg)
{
    ctx_t *c = arg;
    /* Slots hold SMALL - NSLOTS .. SMALL - 1 after probe_publish_header. */
    uint64_t first = SMALL - NSLOTS;
    uint64_t accepted = 0;
    uint64_t start = tp_clock_monotonic_ns();
    for (uint64_t i = 0; i < SMALL; i++)
    {
        tp_frame_t frame;
        uint64_t seq = first + (i & (NSLOTS - 1));
        if (tp_frame_begin(&frame, &c->ring, &c->pool, 1, seq) == TP_FRAME_OK && tp_frame_end(&frame) == TP_FRAME_OK)
        {
            accepted++;
        }
    }
    double ns = (double)(tp_clock_monotonic_ns() - start) / SMALL;
    if (accepted != SMALL)
    {
        fprintf(stderr, "validate: only %" PRIu64 " of %d accepted\n", accepted, SMALL);
        exit(1);
    }
    return ns;
}

static double probe_memcpy_1mib(void *arg)
{
    ctx_t *c = arg;
    uint64_t start = tp_clock_monotonic_ns();
    for (uint64_t i = 0; i < LARGE; i++)
    {
        memcpy(c->scratch, tp_payload_pool_slot(&c->pool, (uint32_t)(i & (NSLOTS - 1))), STRIDE);
        sink(c->scratch);
    }
    return (double)(tp_clock_monotonic_ns() - start) / LARGE;
}

static double probe_frame_copy_1mib(void *arg)
{
    ctx_t *c = arg;
    for (uint64_t seq = 0; seq < NSLOTS; seq++)
    {
        uint8_t *slot = tp_header_ring_slot(&c->ring, seq);
        tp_slot_fields_t f = fields_for(seq, STRIDE);
        tp_seqlock_write_begin((uint64_t *)slot, seq);
        tp_header_slot_write(slot, &f);
        tp_seqlock_write_commit((uint64_t *)slot, seq);
    }
    uint64_t start = tp_clock_monotonic_ns();
    for (uint64_t i = 0; i < LARGE; i++)
    {
        tp_frame_t frame;
        if (tp_frame_begin(&frame, &c->ring, &c->pool, 1, i & (NSLOTS - 1)) != TP_FRAME_OK)
        {
            fprintf(stderr, "frame copy: drop\n");
            exit(1);
        }
        memcpy(c->scratch, frame.payload, frame.header.values_len_bytes);
        sink(c->scratch);
        if (tp_frame_end(&frame) != TP_FRAME_OK)
        {
            fprintf(stderr, "frame copy: late\n");
            exit(1);
        }
    }
    return (double)(tp_clock_monotonic_ns() - start) / LARGE;
}

static double probe_map(void *arg)
{
    ctx_t *c = arg;
    uint64_t start = tp_clock_monotonic_ns();
    for (int i = 0; i < MAPS; i++)
    {
        tp_region_t *region = NULL;
        if (tp_region_map(&region, c->policy, c->ring_path, TP_REGION_ACCESS_READ_ONLY, 0, &c->ring_sb) != 0)
        {
            fprintf(stderr, "map: %s\n", tp_errmsg());
            exit(1);
        }
        tp_region_close(region);
    }
    return (double)(tp_clock_monotonic_ns() - start) / MAPS;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 7;
    if (rounds < 1)
    {
        rounds = 1;
    }
    ctx_t c;
    memset(&c, 0, sizeof(c));
    uint64_t ring_length = tp_header_ring_length(NSLOTS);
    uint64_t pool_length = tp_payload_pool_length(NSLOTS, STRIDE);
    c.ring_memory = aligned_alloc(64, (size_t)ring_length);
    c.pool_memory = aligned_alloc(64, (size_t)pool_length);
    c.scratch = aligned_alloc(64, STRIDE);
    if (c.ring_memory == NULL || c.pool_memory == NULL || c.scratch == NULL)
    {
        return 1;
    }
    memset(c.ring_memory, 0, (size_t)ring_length);
    memset(c.pool_memory, 0x5A, (size_t)pool_length);
    memset(c.scratch, 0, STRIDE);
    tp_superblock_t sb;
    tp_superblock_init_header_ring(&sb, 10000, 1, NSLOTS);
    tp_superblock_write(c.ring_memory, ring_length, &sb);
    tp_superblock_init_payload_pool(&sb, 10000, 1, 1, NSLOTS, STRIDE);
    tp_superblock_write(c.pool_memory, pool_length, &sb);
    if (tp_header_ring_wrap(&c.ring, c.ring_memory, ring_length) != 0 ||
        tp_payload_pool_wrap(&c.pool, c.pool_memory, pool_length) != 0)
    {
        fprintf(stderr, "%s\n", tp_errmsg());
        return 1;
    }

    char dir[] = "/dev/shm/tp-frame-probe-XXXXXX";
    if (mkdtemp(dir) == NULL)
    {
        return 1;
    }
    snprintf(c.ring_path, sizeof(c.ring_path), "%s/s/header.ring", dir);
    tp_superblock_init_header_ring(&c.ring_sb, 10000, 1, NSLOTS);
    tp_region_t *created = NULL;
    if (tp_region_create(&created, dir, c.ring_path, &c.ring_sb, NULL) != 0 || tp_path_policy_create(&c.policy) != 0 ||
        tp_path_policy_add_base_dir(c.policy, dir) != 0)
    {
        fprintf(stderr, "%s\n", tp_errmsg());
        return 1;
    }
    tp_region_close(created);

    printf("tp_frame_probe (best of %d rounds, single thread, noisy shared machine)\n", rounds);
    double copy256 = best_of(rounds, probe_memcpy_256, &c);
    double publish = best_of(rounds, probe_publish_header, &c);
    double validate = best_of(rounds, probe_validate, &c);
    printf("  baseline memcpy 256 B (one slot)            %8.1f ns/op\n", copy256);
    printf("  publish header (begin+write+commit)         %8.1f ns/op  (%.1fx baseline)\n", publish, publish / copy256);
    printf("  validate frame (tp_frame_begin+end)         %8.1f ns/op  (%.1fx baseline)\n", validate, validate / copy256);
    double copy1m = best_of(rounds, probe_memcpy_1mib, &c);
    double frame1m = best_of(rounds, probe_frame_copy_1mib, &c);
    printf("  baseline memcpy 1 MiB                       %8.0f ns/op  (%.2f GB/s)\n", copy1m, STRIDE / copy1m);
    printf("  validated copy-out of a 1 MiB frame         %8.0f ns/op  (%.3fx baseline)\n", frame1m, frame1m / copy1m);
    double map = best_of(rounds, probe_map, &c);
    printf("  tp_region_map + close (64-slot header ring) %8.0f ns/op\n", map);

    unlink(c.ring_path);
    char sub[TP_SHM_PATH_MAX];
    snprintf(sub, sizeof(sub), "%s/s", dir);
    rmdir(sub);
    rmdir(dir);
    tp_path_policy_close(c.policy);
    free(c.ring_memory);
    free(c.pool_memory);
    free(c.scratch);
    return 0;
}
