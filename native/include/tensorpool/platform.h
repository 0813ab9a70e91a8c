/*
 * platform.h - the few compiler and memory-model facilities every libtensorpool
 * header relies on: the export marker, fixed-width types and the named
 * acquire/release accessors used for anything shared between processes.
 *
 * Shared memory is written by other processes, so every access that orders
 * against another process goes through one of the macros below; bare
 * `volatile` is never used for synchronisation.
 */
#ifndef TENSORPOOL_PLATFORM_H
#define TENSORPOOL_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#if defined(__GNUC__) || defined(__clang__)
#define TP_EXPORT __attribute__((visibility("default")))
#define TP_LIKELY(x) __builtin_expect(!!(x), 1)
#define TP_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#error "libtensorpool needs GCC or Clang (atomic builtins, visibility attributes)"
#endif

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
/* Wire spec §15.1: the SHM layouts are little-endian only in v1.2. */
#error "libtensorpool supports little-endian hosts only (wire spec §15.1)"
#endif

#define TP_CACHE_LINE_LENGTH 64

/* Acquire/release accessors for words shared across processes. */
#define TP_LOAD_ACQUIRE(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define TP_LOAD_RELAXED(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define TP_STORE_RELEASE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define TP_STORE_RELAXED(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define TP_FETCH_ADD(p, v) __atomic_fetch_add((p), (v), __ATOMIC_ACQ_REL)
#define TP_CAS(p, expected_ptr, desired) \
    __atomic_compare_exchange_n((p), (expected_ptr), (desired), false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)
#define TP_FENCE_ACQUIRE() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define TP_FENCE_RELEASE() __atomic_thread_fence(__ATOMIC_RELEASE)
#define TP_FENCE_SEQ_CST() __atomic_thread_fence(__ATOMIC_SEQ_CST)

#ifdef __cplusplus
#define TP_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define TP_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

/*
 * Marks an exported function as trivial: it never blocks, never calls back,
 * never raises an error and runs in a few nanoseconds (seqlock stores, slot
 * address arithmetic). The bindings generator gives such functions
 * [SuppressGCTransition], which saves the managed/native transition cost on
 * the hot path. Never put it on anything that can block or take long.
 */
#if defined(__clang__)
#define TP_TRIVIAL __attribute__((annotate("tp:suppress_gc_transition")))
#else
/* GCC has no `annotate` attribute (it would warn, and warnings are errors);
 * the marker only matters to the libclang-based generator. */
#define TP_TRIVIAL
#endif

#endif /* TENSORPOOL_PLATFORM_H */
