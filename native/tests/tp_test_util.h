/*
 * tp_test_util.h - helpers shared by the native tests: temporary directories
 * under /dev/shm (removed at exit, even when a case fails), fixture files,
 * in-memory rings and a minimal producer.
 */
#ifndef TP_TEST_UTIL_H
#define TP_TEST_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tensorpool/tensorpool.h"

enum { TP_TEST_MAX_TMPDIRS = 8 };

static char tp_test_tmpdirs[TP_TEST_MAX_TMPDIRS][256];
static int tp_test_tmpdir_count = 0;

static inline int tp_test_rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP || flag == FTW_D)
    {
        chmod(path, 0700);
        return rmdir(path) == 0 ? 0 : 0;
    }
    unlink(path);
    return 0;
}

static inline void tp_test_rm_tree(const char *path)
{
    nftw(path, tp_test_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static inline void tp_test_cleanup_tmpdirs(void)
{
    for (int i = 0; i < tp_test_tmpdir_count; i++)
    {
        tp_test_rm_tree(tp_test_tmpdirs[i]);
    }
    tp_test_tmpdir_count = 0;
}

/* A fresh private directory under /dev/shm, removed at exit. Returns its path (static storage) or NULL. */
static inline const char *tp_test_tmpdir(void)
{
    if (tp_test_tmpdir_count == TP_TEST_MAX_TMPDIRS)
    {
        return NULL;
    }
    char *slot = tp_test_tmpdirs[tp_test_tmpdir_count];
    snprintf(slot, sizeof(tp_test_tmpdirs[0]), "/dev/shm/tp-native-test-XXXXXX");
    if (mkdtemp(slot) == NULL)
    {
        return NULL;
    }
    if (tp_test_tmpdir_count == 0)
    {
        atexit(tp_test_cleanup_tmpdirs);
    }
    tp_test_tmpdir_count++;
    return slot;
}

/* Join two path pieces into a static rotating buffer (enough for a handful of live paths per case). */
static inline const char *tp_test_path(const char *dir, const char *name)
{
    static char buffers[16][4096];
    static int next = 0;
    char *buf = buffers[next];
    next = (next + 1) % 16;
    size_t a = strnlen(dir, sizeof(buffers[0]) / 2);
    size_t b = strnlen(name, sizeof(buffers[0]) / 2 - 2);
    memcpy(buf, dir, a);
    buf[a] = '/';
    memcpy(buf + a + 1, name, b);
    buf[a + 1 + b] = '\0';
    return buf;
}

/* A small deterministic PRNG (xorshift64*) for random-input cases: same seed, same inputs. */
static inline uint64_t tp_test_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* Wait for a child: its exit code, 128 + the signal that killed it, or -1 when waitpid fails. */
static inline int tp_test_wait_child(pid_t child)
{
    int status = 0;
    if (waitpid(child, &status, 0) != child)
    {
        return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Write `length` bytes to a new file (mode 0600). 0 on success. */
static inline int tp_test_write_file(const char *path, const void *bytes, size_t length)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
    {
        return -1;
    }
    ssize_t n = length > 0 ? write(fd, bytes, length) : 0;
    close(fd);
    return n == (ssize_t)length ? 0 : -1;
}

/* Read a whole file into a malloc'd buffer; NULL on failure. */
static inline uint8_t *tp_test_read_file(const char *path, size_t *length)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
    {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(size > 0 ? (size_t)size : 1);
    if (buf != NULL && size > 0 && fread(buf, 1, (size_t)size, f) != (size_t)size)
    {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf != NULL)
    {
        *length = (size_t)size;
    }
    return buf;
}

/* A reference fixture (../shared/reference/<relative>) or NULL when the shared folder is absent. */
static inline uint8_t *tp_test_reference_file(const char *relative, size_t *length)
{
    const char *shared = tp_test_shared_dir();
    if (shared == NULL)
    {
        return NULL;
    }
    char path[4096];
    snprintf(path, sizeof(path), "%s/reference/%s", shared, relative);
    return tp_test_read_file(path, length);
}

/* Write a region file with `sb` as its superblock, `length` bytes long (zero-filled). */
static inline int tp_test_write_region_file(const char *path, const tp_superblock_t *sb, uint64_t length)
{
    uint8_t *buf = calloc(1, length > 64 ? (size_t)length : 64);
    if (buf == NULL)
    {
        return -1;
    }
    tp_superblock_write(buf, 64, sb);
    int rc = tp_test_write_file(path, buf, (size_t)length);
    free(buf);
    return rc;
}

/* An in-memory header ring and payload pool, 64-byte aligned, with valid superblocks. */
typedef struct tp_test_stream_stct
{
    uint8_t *ring_memory;
    uint8_t *pool_memory;
    tp_header_ring_t ring;
    tp_payload_pool_t pool;
} tp_test_stream_t;

static inline int tp_test_stream_init(tp_test_stream_t *s, uint32_t ring_nslots, uint32_t pool_nslots,
    uint32_t stride_bytes, uint16_t pool_id)
{
    memset(s, 0, sizeof(*s));
    uint64_t ring_length = tp_header_ring_length(ring_nslots);
    uint64_t pool_length = tp_payload_pool_length(pool_nslots, stride_bytes);
    s->ring_memory = aligned_alloc(64, (size_t)((ring_length + 63) / 64 * 64));
    s->pool_memory = aligned_alloc(64, (size_t)((pool_length + 63) / 64 * 64));
    if (s->ring_memory == NULL || s->pool_memory == NULL)
    {
        return -1;
    }
    memset(s->ring_memory, 0, (size_t)ring_length);
    memset(s->pool_memory, 0, (size_t)pool_length);
    tp_superblock_t sb;
    tp_superblock_init_header_ring(&sb, 1000, 1, ring_nslots);
    tp_superblock_write(s->ring_memory, ring_length, &sb);
    tp_superblock_init_payload_pool(&sb, 1000, 1, pool_id, pool_nslots, stride_bytes);
    tp_superblock_write(s->pool_memory, pool_length, &sb);
    if (tp_header_ring_wrap(&s->ring, s->ring_memory, ring_length) != 0 ||
        tp_payload_pool_wrap(&s->pool, s->pool_memory, pool_length) != 0)
    {
        return -1;
    }
    return 0;
}

static inline void tp_test_stream_free(tp_test_stream_t *s)
{
    free(s->ring_memory);
    free(s->pool_memory);
    s->ring_memory = NULL;
    s->pool_memory = NULL;
}

/* A valid 1-D UINT8 header of `length` bytes for slot `index` of pool `pool_id`. */
static inline tp_slot_fields_t tp_test_fields(uint32_t index, uint16_t pool_id, uint32_t length)
{
    tp_slot_fields_t f;
    memset(&f, 0, sizeof(f));
    f.values_len_bytes = length;
    f.payload_slot = index;
    f.pool_id = pool_id;
    f.dtype = TP_DTYPE_UINT8;
    f.major_order = TP_MAJOR_ORDER_ROW;
    f.ndims = 1;
    f.dims[0] = (int32_t)length;
    return f;
}

/* Publish one frame the way §15.18 says: begin, payload, header, commit. */
static inline void tp_test_publish(const tp_test_stream_t *s, uint64_t seq, const tp_slot_fields_t *fields,
    const uint8_t *payload, uint32_t length)
{
    uint8_t *slot = tp_header_ring_slot(&s->ring, seq);
    tp_seqlock_write_begin((uint64_t *)slot, seq);
    uint8_t *dst = tp_payload_pool_slot(&s->pool, (uint32_t)(seq & s->ring.mask));
    if (dst != NULL && payload != NULL && length > 0)
    {
        memcpy(dst, payload, length);
    }
    tp_header_slot_write(slot, fields);
    tp_seqlock_write_commit((uint64_t *)slot, seq);
}

#endif /* TP_TEST_UTIL_H */
