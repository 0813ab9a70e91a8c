/*
 * validate_frames - a C consumer of the regions a C# producer announces: the
 * mixed C/C# pipeline, using only libtensorpool's public headers.
 *
 *   validate_frames [--seconds S] [--synthetic] [--min-frames N] BASE_DIR HEADER_RING POOL...
 *
 * HEADER_RING and each POOL are a path or the shm:file URI of a
 * ShmPoolAnnounce (its headerRegionUri and payloadPools[].regionUri, as
 * `tp listen --stream 1000 --json` prints them). Each region is mapped
 * read-only after the checks of §15.21a.5 (its path must lie under BASE_DIR,
 * be a regular file, not a symlink) and of its superblock (§7).
 *
 * Then, for S seconds (default: one pass), every header slot holding a
 * committed frame is validated in place exactly as a consumer does it
 * (§8.3, §10.2.1): tp_frame_begin copies the slot under its seqlock and
 * checks every header rule; the payload is read where it lies; tp_frame_end
 * confirms nothing overwrote it meanwhile. With --synthetic the payload is
 * also checked against the self-checking pattern of `tp produce`: word 0 is
 * the sequence, word 1 the sum of the little-endian 64-bit words from byte
 * 16 on plus the trailing bytes.
 *
 * Output: one line, "validated N frames: ok A, corrupt C, dropped D" and the
 * drop reasons by name. Exit 0 when no frame was corrupt and at least N
 * (--min-frames, default 1) were ok; 1 otherwise; 2 for bad arguments or a
 * region that could not be mapped.
 *
 * Build: part of the native build (CMake target validate_frames, linked
 * against libtensorpool).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tensorpool/tensorpool.h"

#define MAX_POOLS 16

typedef struct
{
    uint64_t ok;
    uint64_t corrupt;
    uint64_t dropped;
    uint64_t drops[TP_FRAME_STATUS_COUNT];
} counts_t;

static int usage(const char *why)
{
    fprintf(stderr, "validate_frames: %s\n"
                    "usage: validate_frames [--seconds S] [--synthetic] [--min-frames N] BASE_DIR HEADER_RING POOL...\n",
        why);
    return 2;
}

/* Map one region read-only; a shm:file URI carries its own require_hugepages. */
static tp_region_t *map_region(const tp_path_policy_t *policy, const char *what)
{
    tp_region_t *region = NULL;
    int rc = strncmp(what, "shm:", 4) == 0
        ? tp_region_map_uri(&region, policy, what, TP_REGION_ACCESS_READ_ONLY, NULL)
        : tp_region_map(&region, policy, what, TP_REGION_ACCESS_READ_ONLY, 0, NULL);
    if (rc < 0)
    {
        fprintf(stderr, "validate_frames: %s: %s (%s)\n", what, tp_errname(rc), tp_errmsg());
        return NULL;
    }
    return region;
}

static uint64_t load_u64_le(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
    {
        v = (v << 8) | p[i];
    }
    return v;
}

/* The pattern of `tp produce` (SyntheticPayload in the C# library): sequence, checksum, body. */
static int synthetic_payload_ok(const uint8_t *payload, uint32_t length, uint64_t seq)
{
    if (length < 16 || load_u64_le(payload) != seq)
    {
        return 0;
    }
    const uint8_t *body = payload + 16;
    uint32_t body_length = length - 16;
    uint32_t words = body_length / 8;
    uint64_t sum = 0;
    for (uint32_t i = 0; i < words; i++)
    {
        sum += load_u64_le(body + (uint64_t)i * 8);
    }
    for (uint32_t j = words * 8; j < body_length; j++)
    {
        sum += body[j];
    }
    return sum == load_u64_le(payload + 8);
}

/*
 * One pass over the ring. A slot's seq_commit says which sequence it holds
 * (seq << 1 | committed); frames already validated in an earlier pass are
 * skipped by remembering the last sequence seen per slot.
 */
static void scan(const tp_header_ring_t *ring, const tp_payload_pool_t *pools, uint32_t pool_count, int synthetic,
    uint64_t *last_seq, counts_t *counts)
{
    for (uint32_t index = 0; index < ring->nslots; index++)
    {
        const uint64_t *seq_commit = (const uint64_t *)(const void *)(ring->base + tp_header_slot_offset(index));
        uint64_t observed = tp_seqlock_read_begin(seq_commit);
        if ((observed & 1u) == 0)
        {
            continue; /* never written, or being written now */
        }
        uint64_t seq = observed >> 1;
        if (last_seq[index] == seq)
        {
            continue;
        }
        last_seq[index] = seq;

        tp_frame_t frame;
        int32_t status = tp_frame_begin(&frame, ring, pools, pool_count, seq);
        int content_ok = 1;
        if (status == TP_FRAME_OK && synthetic)
        {
            content_ok = synthetic_payload_ok(frame.payload, frame.header.values_len_bytes, seq);
        }
        if (status == TP_FRAME_OK)
        {
            /* Only a frame still intact after the read counts, whatever its bytes said (§8.3). */
            status = tp_frame_end(&frame);
        }
        if (status == TP_FRAME_OK)
        {
            if (content_ok)
            {
                counts->ok++;
            }
            else
            {
                counts->corrupt++;
                fprintf(stderr, "validate_frames: frame %" PRIu64 " (slot %u): payload does not match its sequence\n", seq, index);
            }
        }
        else if (status > 0 && status < TP_FRAME_STATUS_COUNT)
        {
            counts->dropped++;
            counts->drops[status]++;
        }
        else
        {
            fprintf(stderr, "validate_frames: tp_frame_begin failed: %s\n", tp_errname(status));
            counts->corrupt++;
        }
    }
}

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

int main(int argc, char **argv)
{
    double seconds = 0;
    int synthetic = 0;
    unsigned long long min_frames = 1;
    int arg = 1;
    for (; arg < argc && strncmp(argv[arg], "--", 2) == 0; arg++)
    {
        char *end = NULL;
        if (strcmp(argv[arg], "--synthetic") == 0)
        {
            synthetic = 1;
        }
        else if (strcmp(argv[arg], "--seconds") == 0 && arg + 1 < argc)
        {
            errno = 0;
            seconds = strtod(argv[++arg], &end);
            if (errno != 0 || *end != '\0' || !(seconds >= 0) || seconds > 86400)
            {
                return usage("--seconds must be a number from 0 to 86400");
            }
        }
        else if (strcmp(argv[arg], "--min-frames") == 0 && arg + 1 < argc)
        {
            errno = 0;
            min_frames = strtoull(argv[++arg], &end, 10);
            if (errno != 0 || *end != '\0' || argv[arg][0] == '-')
            {
                return usage("--min-frames must be a non-negative integer");
            }
        }
        else
        {
            return usage("unknown option or missing value");
        }
    }
    if (argc - arg < 3)
    {
        return usage("BASE_DIR, HEADER_RING and at least one POOL are required");
    }
    if (argc - arg - 2 > MAX_POOLS)
    {
        return usage("too many pools");
    }

    /* §15.21a.5: only paths under the base directory are mapped. */
    tp_path_policy_t *policy = NULL;
    if (tp_path_policy_create(&policy) < 0 || tp_path_policy_add_base_dir(policy, argv[arg]) < 0)
    {
        fprintf(stderr, "validate_frames: base dir %s: %s\n", argv[arg], tp_errmsg());
        tp_path_policy_close(policy);
        return 2;
    }

    int exit_code = 2;
    uint32_t pool_count = 0;
    tp_region_t *regions[MAX_POOLS + 1] = { 0 };
    tp_header_ring_t ring;
    tp_payload_pool_t pools[MAX_POOLS];
    uint64_t *last_seq = NULL;

    regions[0] = map_region(policy, argv[arg + 1]);
    if (regions[0] == NULL)
    {
        goto done;
    }
    if (tp_header_ring_wrap(&ring, tp_region_base(regions[0]), tp_region_length(regions[0])) < 0)
    {
        fprintf(stderr, "validate_frames: %s is not a header ring: %s\n", argv[arg + 1], tp_errmsg());
        goto done;
    }
    for (int i = arg + 2; i < argc; i++, pool_count++)
    {
        regions[pool_count + 1] = map_region(policy, argv[i]);
        if (regions[pool_count + 1] == NULL)
        {
            goto done;
        }
        if (tp_payload_pool_wrap(&pools[pool_count], tp_region_base(regions[pool_count + 1]), tp_region_length(regions[pool_count + 1])) < 0)
        {
            fprintf(stderr, "validate_frames: %s is not a payload pool: %s\n", argv[i], tp_errmsg());
            goto done;
        }
    }

    last_seq = malloc(sizeof(uint64_t) * ring.nslots);
    if (last_seq == NULL)
    {
        fprintf(stderr, "validate_frames: out of memory\n");
        goto done;
    }
    memset(last_seq, 0xFF, sizeof(uint64_t) * ring.nslots); /* UINT64_MAX: no sequence seen (sequences are 63-bit) */

    counts_t counts;
    memset(&counts, 0, sizeof counts);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    do
    {
        scan(&ring, pools, pool_count, synthetic, last_seq, &counts);
        if (seconds > 0)
        {
            struct timespec pause = { 0, 1000000 }; /* 1 ms between passes */
            nanosleep(&pause, NULL);
        }
    } while (seconds_since(&start) < seconds);

    printf("validated %" PRIu64 " frames: ok %" PRIu64 ", corrupt %" PRIu64 ", dropped %" PRIu64,
        counts.ok + counts.corrupt + counts.dropped, counts.ok, counts.corrupt, counts.dropped);
    for (int s = 1; s < TP_FRAME_STATUS_COUNT; s++)
    {
        if (counts.drops[s] > 0)
        {
            printf(" %s=%" PRIu64, tp_frame_status_name(s), counts.drops[s]);
        }
    }
    printf("\n");
    exit_code = counts.corrupt == 0 && counts.ok >= min_frames ? 0 : 1;

done:
    free(last_seq);
    for (uint32_t i = 0; i < MAX_POOLS + 1; i++) /* tp_region_close accepts NULL */
    {
        tp_region_close(regions[i]);
    }
    tp_path_policy_close(policy);
    return exit_code;
}
