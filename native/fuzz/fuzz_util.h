/*
 * fuzz_util.h - what the fuzz targets share: a private scratch directory
 * under /dev/shm (removed at exit), and a reader of little-endian fields from
 * the input that never reads past its end.
 *
 * Every target is a libFuzzer entry point (LLVMFuzzerTestOneInput). Built
 * with clang's -fsanitize=fuzzer it explores; built with replay_main.c by
 * any compiler it replays the corpus and the crash regressions as ctest
 * tests (native/fuzz/CMakeLists.txt).
 */
#ifndef TENSORPOOL_FUZZ_UTIL_H
#define TENSORPOOL_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A target found a broken invariant: print it and abort so the fuzzer keeps the input. */
#define TP_FUZZ_ASSERT(cond)                                                                   \
    do                                                                                         \
    {                                                                                          \
        if (!(cond))                                                                           \
        {                                                                                      \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond);       \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

/* Consumes the input front to back; past the end every read gives zeros. */
typedef struct tp_fuzz_input_stct
{
    const uint8_t *data;
    size_t size;
    size_t at;
} tp_fuzz_input_t;

static inline void tp_fuzz_take(tp_fuzz_input_t *in, void *out, size_t n)
{
    size_t left = in->at < in->size ? in->size - in->at : 0;
    size_t k = n < left ? n : left;
    if (k > 0)
    {
        memcpy(out, in->data + in->at, k);
    }
    if (k < n)
    {
        memset((uint8_t *)out + k, 0, n - k);
    }
    in->at += k;
}

static inline uint8_t tp_fuzz_u8(tp_fuzz_input_t *in)
{
    uint8_t v;
    tp_fuzz_take(in, &v, 1);
    return v;
}

static inline uint32_t tp_fuzz_u32(tp_fuzz_input_t *in)
{
    uint32_t v;
    tp_fuzz_take(in, &v, 4);
    return v;
}

static inline uint64_t tp_fuzz_u64(tp_fuzz_input_t *in)
{
    uint64_t v;
    tp_fuzz_take(in, &v, 8);
    return v;
}

/* The rest of the input. */
static inline const uint8_t *tp_fuzz_rest(const tp_fuzz_input_t *in, size_t *size)
{
    *size = in->at < in->size ? in->size - in->at : 0;
    return in->data + (in->at < in->size ? in->at : in->size);
}

/*
 * A scratch directory of this process (/dev/shm/tp-fuzz-<pid>, else under
 * /tmp), created on first use and removed with its files at exit.
 */
const char *tp_fuzz_scratch_dir(void);

/* Write `size` bytes to `<scratch>/<name>` (replacing it); returns the path (static buffer) or NULL. */
const char *tp_fuzz_write_file(const char *name, const uint8_t *data, size_t size);

#endif /* TENSORPOOL_FUZZ_UTIL_H */
