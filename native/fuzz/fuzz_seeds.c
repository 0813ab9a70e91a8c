/*
 * fuzz_seeds - writes the seed corpus of every fuzz target with the library's
 * own writers (valid superblocks, slots, rings, logs, URIs and paths, plus a
 * few near misses), so the fuzzers start from inputs that pass the first
 * checks. Deterministic: pids and timestamps are fixed.
 *
 *   tp_fuzz_seeds native/fuzz/corpus
 *
 * writes <dir>/<target>/seed-<name>. The reference's own bytes are added at
 * fuzz time from ../shared/reference when present (build.sh fuzz), never
 * copied into the repository.
 */
#include "fuzz_util.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tensorpool/error.h"
#include "tensorpool/frame.h"
#include "tensorpool/log.h"
#include "tensorpool/log_layout.h"
#include "tensorpool/seqlock.h"
#include "tensorpool/slot.h"
#include "tensorpool/superblock.h"
#include "tensorpool/uri.h"

static const char *tp_seeds_root;

static void tp_seed(const char *target, const char *name, const void *data, size_t size)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", tp_seeds_root, target);
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
    {
        fprintf(stderr, "fuzz_seeds: mkdir %s failed\n", path);
        exit(1);
    }
    snprintf(path, sizeof(path), "%s/%s/seed-%s", tp_seeds_root, target, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
    {
        fprintf(stderr, "fuzz_seeds: cannot write %s\n", path);
        exit(1);
    }
}

static void tp_fixed(tp_superblock_t *sb)
{
    sb->pid = 4242;
    sb->start_timestamp_ns = 1000000000ull;
    sb->activity_timestamp_ns = 2000000000ull;
}

static void tp_fields(tp_slot_fields_t *f, uint32_t index, uint32_t values_len)
{
    memset(f, 0, sizeof(*f));
    f->timestamp_ns = 123456789;
    f->values_len_bytes = values_len;
    f->payload_slot = index;
    f->pool_id = 1;
    f->dtype = TP_DTYPE_UINT8;
    f->major_order = TP_MAJOR_ORDER_ROW;
    f->ndims = 2;
    f->dims[0] = 4;
    f->dims[1] = (int32_t)(values_len / 4);
}

static void tp_seed_uris(void)
{
    static const char *uris[] = {
        "shm:file?path=/dev/shm/tensorpool-user/default/10000/1234/header.ring|require_hugepages=false",
        "shm:file?path=/dev/shm/tensorpool-user/default/10000/1234/1.pool|require_hugepages=true",
        "shm:file?path=/dev/shm/a",
        "shm:file?path=/dev/shm/../etc/passwd",
        "shm:file?path=relative/path|require_hugepages=false",
        "shm:file?path=/dev/shm/x|require_hugepages=maybe",
        "shm:file?path=/dev/shm/x|other=1",
    };
    char name[16];
    for (size_t i = 0; i < sizeof(uris) / sizeof(uris[0]); i++)
    {
        snprintf(name, sizeof(name), "%zu", i);
        tp_seed("fuzz_uri", name, uris[i], strlen(uris[i]));
    }
}

static void tp_seed_superblocks(void)
{
    tp_superblock_t sb;
    uint8_t bytes[2 * TP_SUPERBLOCK_SIZE];
    (void)tp_superblock_init_header_ring(&sb, 10000, 77, 8);
    tp_fixed(&sb);
    (void)tp_superblock_write(bytes, TP_SUPERBLOCK_SIZE, &sb);
    tp_seed("fuzz_superblock", "header-ring", bytes, TP_SUPERBLOCK_SIZE);
    (void)tp_superblock_init_payload_pool(&sb, 10000, 77, 1, 8, 4096);
    tp_fixed(&sb);
    (void)tp_superblock_write(bytes + TP_SUPERBLOCK_SIZE, TP_SUPERBLOCK_SIZE, &sb);
    tp_seed("fuzz_superblock", "payload-pool", bytes + TP_SUPERBLOCK_SIZE, TP_SUPERBLOCK_SIZE);
    tp_seed("fuzz_superblock", "ring-and-pool", bytes, sizeof(bytes));
}

static void tp_seed_slots(void)
{
    uint8_t slot[TP_HEADER_SLOT_BYTES];
    tp_slot_fields_t f;
    memset(slot, 0, sizeof(slot));
    tp_fields(&f, 3, 64);
    (void)tp_header_slot_write(slot, &f);
    tp_seed("fuzz_slot_header", "row-u8", slot, sizeof(slot));
    tp_seed("fuzz_tensor_header", "row-u8", slot, sizeof(slot));

    f.dtype = TP_DTYPE_FLOAT32;
    f.major_order = TP_MAJOR_ORDER_COLUMN;
    f.ndims = 3;
    f.dims[0] = 2;
    f.dims[1] = 3;
    f.dims[2] = 4;
    f.values_len_bytes = 2 * 3 * 4 * 4;
    f.strides[0] = 4;
    (void)tp_header_slot_write(slot, &f);
    tp_seed("fuzz_slot_header", "column-f32", slot, sizeof(slot));
    tp_seed("fuzz_tensor_header", "column-f32", slot, sizeof(slot));

    tp_fields(&f, 0, 1024);
    f.progress_unit = TP_PROGRESS_UNIT_ROWS;
    f.progress_stride_bytes = 256;
    f.strides[1] = 1;
    (void)tp_header_slot_write(slot, &f);
    tp_seed("fuzz_tensor_header", "progress-rows", slot, sizeof(slot));
}

/* params (nslots, stride, seq, pool id, flags) + ring slots + payload, as fuzz_frame reads them. */
static void tp_seed_frames(void)
{
    enum { NSLOTS = 4, STRIDE_CODE = 1 /* 128 bytes */ };
    uint8_t buf[13 + NSLOTS * TP_HEADER_SLOT_BYTES + 128];
    memset(buf, 0, sizeof(buf));
    buf[0] = 2;            /* 1 << 2 = 4 slots */
    buf[1] = STRIDE_CODE;
    uint64_t seq = 5;
    memcpy(buf + 2, &seq, 8);
    buf[10] = 1;           /* pool id */
    buf[11] = 0;           /* full pool, valid ring superblock */
    uint8_t *slots = buf + 12;
    for (uint64_t s = 4; s < 8; s++)
    {
        uint8_t *slot = slots + (s & 3) * TP_HEADER_SLOT_BYTES;
        tp_slot_fields_t f;
        tp_fields(&f, (uint32_t)(s & 3), 64);
        tp_seqlock_write_begin((uint64_t *)(void *)slot, s);
        (void)tp_header_slot_write(slot, &f);
        tp_seqlock_write_commit((uint64_t *)(void *)slot, s);
    }
    memset(buf + 12 + NSLOTS * TP_HEADER_SLOT_BYTES, 0xAB, 128);
    tp_seed("fuzz_frame", "committed-ring", buf, sizeof(buf));
    buf[11] = 1;           /* pool view shorter than its superblock */
    tp_seed("fuzz_frame", "short-pool", buf, sizeof(buf));
}

/* mode byte + a whole region file, as fuzz_region_map reads them. */
static void tp_seed_regions(void)
{
    enum { NSLOTS = 2 };
    uint8_t ring[1 + TP_SUPERBLOCK_SIZE + NSLOTS * TP_HEADER_SLOT_BYTES];
    memset(ring, 0, sizeof(ring));
    tp_superblock_t sb;
    (void)tp_superblock_init_header_ring(&sb, 10000, 77, NSLOTS);
    tp_fixed(&sb);
    (void)tp_superblock_write(ring + 1, sizeof(ring) - 1, &sb);
    ring[0] = 1; /* expect the file's own superblock */
    tp_seed("fuzz_region_map", "header-ring", ring, sizeof(ring));
    ring[0] = 8; /* through a URI, no expectation */
    tp_seed("fuzz_region_map", "header-ring-uri", ring, sizeof(ring));

    uint8_t pool[1 + TP_SUPERBLOCK_SIZE + NSLOTS * 64];
    memset(pool, 0, sizeof(pool));
    (void)tp_superblock_init_payload_pool(&sb, 10000, 77, 1, NSLOTS, 64);
    tp_fixed(&sb);
    (void)tp_superblock_write(pool + 1, sizeof(pool) - 1, &sb);
    pool[0] = 4; /* read-write */
    tp_seed("fuzz_region_map", "payload-pool", pool, sizeof(pool));
}

static uint8_t *tp_read_whole(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
    {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc((size_t)n);
    if (data != NULL && fread(data, 1, (size_t)n, f) != (size_t)n)
    {
        free(data);
        data = NULL;
    }
    fclose(f);
    *size = (size_t)n;
    return data;
}

/* Real logs: a few messages, then enough to wrap with a padding record. */
static void tp_seed_logs(void)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/seed.log", tp_fuzz_scratch_dir());
    tp_log_t *log = NULL;
    tp_log_publication_t *pub = NULL;
    if (tp_log_open(&log, path, TP_LOG_MIN_CAPACITY) < 0 || tp_log_publication_create(&pub, log) < 0)
    {
        fprintf(stderr, "fuzz_seeds: cannot create a log: %s\n", tp_errmsg());
        exit(1);
    }
    uint8_t message[100];
    for (int i = 0; i < 3; i++)
    {
        memset(message, i, sizeof(message));
        (void)tp_log_publication_offer(pub, message, 20 + 30 * i, i);
    }
    /* Fixed identity fields, so the seed does not change from run to run. */
    size_t size = 0;
    uint8_t *file = tp_read_whole(path, &size);
    memset(file + TP_LOG_CREATOR_PID_OFFSET, 0, 16);
    tp_seed("fuzz_log_file", "three-messages", file, size);

    /* fuzz_log_records: ops, tail position, tail index, claim limit, then the ring (4 KiB log there). */
    uint8_t records[1 + 24 + 4096];
    memset(records, 0, sizeof(records));
    records[0] = 0x00; /* poll every round */
    memcpy(records + 1, file + TP_LOG_TAIL_POSITION_OFFSET, 16);
    memcpy(records + 17, file + TP_LOG_CLAIM_LIMIT_OFFSET, 8);
    memcpy(records + 25, file + TP_LOG_DESCRIPTOR_LENGTH, size - TP_LOG_DESCRIPTOR_LENGTH);
    tp_seed("fuzz_log_records", "three-messages", records, sizeof(records));
    records[0] = 0x1B; /* poll, receive, peek, skip */
    tp_seed("fuzz_log_records", "mixed-reads", records, sizeof(records));
    free(file);

    for (int i = 0; i < 12; i++)
    {
        memset(message, i, sizeof(message));
        (void)tp_log_publication_offer(pub, message, (int32_t)sizeof(message), i);
    }
    file = tp_read_whole(path, &size);
    memset(file + TP_LOG_CREATOR_PID_OFFSET, 0, 16);
    tp_seed("fuzz_log_file", "wrapped", file, size);
    free(file);
    (void)tp_log_publication_close(pub);
    (void)tp_log_close(log);
    (void)unlink(path);
}

static void tp_seed_paths(void)
{
    static const char seed[] = "\x10\x27\x00\x00" "\x4d\x00\x00\x00\x00\x00\x00\x00"
                               "default\0user\0/dev/shm\0tensorpool-user/default/10000/77/header.ring";
    tp_seed("fuzz_path", "layout", seed, sizeof(seed) - 1);
    static const char escape[] = "\x01\x00\x00\x00" "\x02\x00\x00\x00\x00\x00\x00\x00"
                                 "../x\0../../root\0/dev/shm/../tmp\0../../../etc/passwd";
    tp_seed("fuzz_path", "escape", escape, sizeof(escape) - 1);
}

int main(int argc, char **argv)
{
    if (argc != 2)
    {
        fprintf(stderr, "usage: tp_fuzz_seeds CORPUS_DIR\n");
        return 2;
    }
    tp_seeds_root = argv[1];
    (void)mkdir(tp_seeds_root, 0755);
    tp_seed_uris();
    tp_seed_superblocks();
    tp_seed_slots();
    tp_seed_frames();
    tp_seed_regions();
    tp_seed_logs();
    tp_seed_paths();
    return 0;
}
