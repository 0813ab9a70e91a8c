/*
 * log_internal.h - private state of the tp:ipc log and the accessors every
 * log_*.c file shares: where the fields of log_layout.h live in the mapping,
 * the 16-byte tail word, record headers and the clock.
 */
#ifndef TENSORPOOL_LOG_INTERNAL_H
#define TENSORPOOL_LOG_INTERNAL_H

#include <string.h>
#include <time.h>

#include "tensorpool/error.h"
#include "tensorpool/log.h"
#include "log_test_hooks.h"
#include "log_tuning.h"

#if !defined(__GCC_HAVE_SYNC_COMPARE_AND_SWAP_16)
/* The claim needs an inline, lock-free 16-byte CAS that works across processes
 * (libatomic's fallback may take a process-local lock). x86-64: build with -mcx16. */
#error "tp:ipc log needs a 16-byte compare-and-swap (x86-64: compile with -mcx16)"
#endif

__extension__ typedef unsigned __int128 tp_log_u128_t __attribute__((may_alias, aligned(16)));

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TP_LOG_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define TP_LOG_TSAN 1
#endif

#if defined(TP_LOG_TSAN) && defined(__x86_64__)
#include <sanitizer/tsan_interface.h>
#endif

/*
 * The 16-byte CAS of the tail. Under ThreadSanitizer the compiler turns
 * __sync_val_compare_and_swap on 16 bytes into a call to the TSan runtime,
 * which emulates it (read, compare, write) under a mutex of the calling
 * process: no atomicity against another process, and publishers in two
 * processes then claim the same record (tools/reliability/tsan_cas16_probe.c
 * shows increments lost; docs/reliability.md). There the instruction itself
 * is used, and TSan is told of the release and acquire an atomic
 * read-modify-write implies.
 */
static inline tp_log_u128_t tp_log_cas16(tp_log_u128_t *word, tp_log_u128_t expected, tp_log_u128_t desired)
{
#if defined(TP_LOG_TSAN) && defined(__x86_64__)
    uint64_t lo = (uint64_t)expected;
    uint64_t hi = (uint64_t)(expected >> 64);
    __tsan_release(word);
    __asm__ __volatile__("lock cmpxchg16b %0"
                         : "+m"(*word), "+a"(lo), "+d"(hi)
                         : "b"((uint64_t)desired), "c"((uint64_t)(desired >> 64))
                         : "cc", "memory");
    __tsan_acquire(word);
    return ((tp_log_u128_t)hi << 64) | lo;
#else
    return __sync_val_compare_and_swap(word, expected, desired);
#endif
}

struct tp_log_stct
{
    uint8_t *map;             /* descriptor page + ring */
    size_t map_length;
    uint8_t *ring;
    uint64_t capacity;        /* copied at open: never re-read from the (writable by others) file */
    uint64_t mask;
    int32_t max_message_length;
    int users;                /* open publications + subscriptions (atomic) */
};

struct tp_log_publication_stct
{
    tp_log_t *log;
    tp_log_publication_counters_t counters;
    int claim_open;
    uint64_t claim_start;     /* position of the claim (padding included) */
    uint64_t claim_record;    /* position of the record header */
    uint64_t claim_frame;     /* aligned record length */
    int32_t claim_length;     /* payload length */
    int claim_sleepers;       /* the futex word flagged a sleeper right after the claim: commit by CAS and wake */
    int claim_summed;         /* another publication was open at the claim: the record carries a payload sum */
};

typedef struct tp_log_entry_stct
{
    uint64_t position;
    uint64_t index;
    uint32_t offset;          /* in scratch */
    int32_t length;
    int32_t msg_type;
    uint32_t sum;             /* the header's payload sum (or NONE), checked against the copy */
} tp_log_entry_t;

struct tp_log_subscription_stct
{
    tp_log_t *log;
    uint64_t cursor;          /* position of the next record to read from the ring */
    uint64_t position;        /* start of the next message to hand over (read by any thread) */
    uint64_t next_index;      /* index the record at cursor must carry */
    int64_t stall_timeout_ns;
    int stall_active;         /* the record at stall_position is claimed but not committed */
    uint64_t stall_position;
    int64_t stall_deadline_ns; /* 0 until the second sighting of the stall */
    uint64_t empty_polls;     /* polls that found nothing at the cursor (the clock is read every 16th) */
    int64_t next_tail_check_ns; /* an empty poll reads the tail no earlier than this */
    int64_t tail_check_interval_ns;
    uint8_t *scratch;
    uint32_t scratch_capacity;
    int batch_count;          /* validated copies in scratch ... */
    int batch_next;           /* ... of which this many were delivered */
    tp_log_entry_t batch[TP_LOG_POLL_BATCH];
    tp_log_subscription_counters_t counters;
};

/* Counters are single-writer; relaxed atomics let other threads read them. */
#define TP_LOG_COUNTER_ADD(field, v) TP_STORE_RELAXED(&(field), TP_LOAD_RELAXED(&(field)) + (uint64_t)(v))

/* ---- Descriptor fields ---- */

static inline uint64_t *tp_log_tail_position_ptr(const tp_log_t *log)
{
    return (uint64_t *)(log->map + TP_LOG_TAIL_POSITION_OFFSET);
}

static inline uint32_t *tp_log_futex_ptr(const tp_log_t *log)
{
    return (uint32_t *)(log->map + TP_LOG_FUTEX_OFFSET);
}

static inline uint32_t *tp_log_publishers_ptr(const tp_log_t *log)
{
    return (uint32_t *)(log->map + TP_LOG_PUBLISHERS_OFFSET);
}

static inline uint64_t *tp_log_claim_limit_ptr(const tp_log_t *log)
{
    return (uint64_t *)(log->map + TP_LOG_CLAIM_LIMIT_OFFSET);
}

static inline uint64_t tp_log_tail_load_position(const tp_log_t *log)
{
    return TP_LOAD_ACQUIRE(tp_log_tail_position_ptr(log));
}

/* Consistent {position, index} (a locked 16-byte read: joining and recovery only). */
static inline void tp_log_tail_load_pair(const tp_log_t *log, uint64_t *position, uint64_t *index)
{
    tp_log_u128_t *word = (tp_log_u128_t *)tp_log_tail_position_ptr(log);
    tp_log_u128_t v = tp_log_cas16(word, (tp_log_u128_t)0, (tp_log_u128_t)0);
    *position = (uint64_t)v;
    *index = (uint64_t)(v >> 64);
}

/* Swap {*position, *index} for the new pair; on failure the current pair is returned through the pointers. */
static inline int tp_log_tail_cas(tp_log_t *log, uint64_t *position, uint64_t *index, uint64_t new_position, uint64_t new_index)
{
    tp_log_u128_t *word = (tp_log_u128_t *)tp_log_tail_position_ptr(log);
    tp_log_u128_t expected = ((tp_log_u128_t)*index << 64) | *position;
    tp_log_u128_t desired = ((tp_log_u128_t)new_index << 64) | new_position;
    tp_log_u128_t seen = tp_log_cas16(word, expected, desired);
    if (seen == expected)
    {
        return 1;
    }
    *position = (uint64_t)seen;
    *index = (uint64_t)(seen >> 64);
    return 0;
}

/* Outcomes of tp_log_lap_check. */
enum { TP_LOG_LAP_CLEAR = 0, TP_LOG_LAP_OVERRUN = 1, TP_LOG_LAP_TAIL_BEHIND = 2 };

/*
 * May a newer lap have written any byte read from `start` on? Call after the
 * reads and a TP_FENCE_ACQUIRE, which pairs with the publishers' release fence
 * after their claim and limit CASes: whoever wrote a byte we read has, before
 * it, made the limit and the tail cover its claim. No claim ends past the
 * limit, so while the limit is within a ring of `start` nothing can have been
 * overwritten, and the tail's line (the publishers' hot word) is left alone.
 * Otherwise the tail decides exactly, as it always did: CLEAR, OVERRUN (more
 * than a ring ahead), or TAIL_BEHIND (a tail before `start`: written by
 * someone hostile). A limit behind `start` is never trusted.
 */
static inline int tp_log_lap_check(const tp_log_t *log, uint64_t start)
{
    if (TP_LOAD_RELAXED(tp_log_claim_limit_ptr(log)) - start <= log->capacity)
    {
        return TP_LOG_LAP_CLEAR;
    }
    int64_t ahead = (int64_t)(TP_LOAD_RELAXED(tp_log_tail_position_ptr(log)) - start);
    if (ahead < 0)
    {
        return TP_LOG_LAP_TAIL_BEHIND;
    }
    return ahead > (int64_t)log->capacity ? TP_LOG_LAP_OVERRUN : TP_LOG_LAP_CLEAR;
}

/* ---- Records ---- */

static inline uint8_t *tp_log_record_at(const tp_log_t *log, uint64_t position)
{
    return log->ring + (position & log->mask);
}

static inline uint64_t *tp_log_record_state_ptr(uint8_t *record)
{
    return (uint64_t *)(record + TP_LOG_RECORD_STATE_OFFSET);
}

static inline uint64_t *tp_log_record_index_ptr(uint8_t *record)
{
    return (uint64_t *)(record + TP_LOG_RECORD_INDEX_OFFSET);
}

static inline int32_t *tp_log_record_length_ptr(uint8_t *record)
{
    return (int32_t *)(record + TP_LOG_RECORD_LENGTH_OFFSET);
}

static inline int32_t *tp_log_record_msg_type_ptr(uint8_t *record)
{
    return (int32_t *)(record + TP_LOG_RECORD_MSG_TYPE_OFFSET);
}

static inline uint32_t *tp_log_record_check_ptr(uint8_t *record)
{
    return (uint32_t *)(record + TP_LOG_RECORD_CHECK_OFFSET);
}

static inline uint64_t tp_log_align(uint64_t length)
{
    return (length + (TP_LOG_RECORD_ALIGNMENT - 1)) & ~(uint64_t)(TP_LOG_RECORD_ALIGNMENT - 1);
}

static inline uint64_t tp_log_frame_length(int32_t payload_length)
{
    return tp_log_align((uint64_t)TP_LOG_RECORD_HEADER_LENGTH + (uint64_t)payload_length);
}

static inline uint32_t *tp_log_record_sum_ptr(uint8_t *record)
{
    return (uint32_t *)(record + TP_LOG_RECORD_SUM_OFFSET);
}

/*
 * The payload sum (log_layout.h "sum"): four independent xor-multiply lanes
 * over little-endian 8-byte words (a multiply by an odd constant loses no
 * bit, so any one changed word changes its lane), folded to 32 bits. The
 * lanes keep the multiplier busy instead of waiting on it: about 8 bytes a
 * cycle. Not a defence against someone hostile (they can write a matching
 * sum); it tells bytes overwritten after the commit from the publisher's own.
 */
static inline uint32_t tp_log_payload_sum(const uint8_t *payload, size_t length)
{
    const uint64_t k0 = 0x9E3779B97F4A7C15ULL, k1 = 0xC2B2AE3D27D4EB4FULL;
    const uint64_t k2 = 0xFF51AFD7ED558CCDULL, k3 = 0xC4CEB9FE1A85EC53ULL;
    uint64_t a = k1 ^ (uint64_t)length, b = k2, c = k3, d = k0;
    size_t i = 0;
    for (; i + 32 <= length; i += 32)
    {
        uint64_t w[4];
        memcpy(w, payload + i, 32);
        a = (a ^ w[0]) * k0;
        b = (b ^ w[1]) * k1;
        c = (c ^ w[2]) * k2;
        d = (d ^ w[3]) * k3;
    }
    for (; i + 8 <= length; i += 8)
    {
        uint64_t w;
        memcpy(&w, payload + i, 8);
        a = (a ^ w) * k0;
        a ^= a >> 29;
    }
    if (i < length)
    {
        uint64_t w = 0;
        for (size_t k = 0; i + k < length; k++)
        {
            w |= (uint64_t)payload[i + k] << (8 * k);
        }
        b = (b ^ w) * k1;
    }
    /* No final avalanche: any change already changed a lane; the rotations keep lanes from cancelling alike. */
    uint64_t h = a ^ ((b << 16) | (b >> 48)) ^ ((c << 32) | (c >> 32)) ^ ((d << 48) | (d >> 16));
    uint32_t sum = (uint32_t)(h ^ (h >> 32));
    return sum != (uint32_t)TP_LOG_RECORD_SUM_NONE ? sum : sum ^ 1u;
}

/* The header check: a cheap 64-bit mix so payload bytes rarely pass for a header. */
static inline uint32_t tp_log_record_check(uint64_t position, uint64_t index, int32_t length, int32_t msg_type)
{
    uint64_t h = 0x54504C4F47495043ULL;
    h ^= position * 0x9E3779B97F4A7C15ULL;
    h ^= index * 0xC2B2AE3D27D4EB4FULL;
    h ^= ((uint64_t)(uint32_t)length << 32) | (uint32_t)msg_type;
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 29;
    return (uint32_t)(h ^ (h >> 32));
}

/* Length and type of a header at `position` that a subscriber can act on without reading out of bounds. */
static inline int tp_log_record_sane(const tp_log_t *log, uint64_t position, int32_t length, int32_t msg_type)
{
    uint64_t offset = position & log->mask;
    if (msg_type == TP_LOG_MSG_TYPE_PADDING)
    {
        /* Padding runs exactly to the ring end and never starts a lap. */
        return offset != 0 && length >= 0 && offset + TP_LOG_RECORD_HEADER_LENGTH + (uint64_t)length == log->capacity;
    }
    return msg_type >= 0 && length >= 0 && length <= log->max_message_length &&
        offset + tp_log_frame_length(length) <= log->capacity;
}

/* A snapshot of a record header (fields loaded after the state word). */
typedef struct tp_log_header_view_stct
{
    uint64_t state;
    uint64_t index;
    int32_t length;
    int32_t msg_type;
    uint32_t check;
} tp_log_header_view_t;

static inline void tp_log_header_read(uint8_t *record, tp_log_header_view_t *h)
{
    h->state = TP_LOAD_ACQUIRE(tp_log_record_state_ptr(record));
    h->index = TP_LOAD_RELAXED(tp_log_record_index_ptr(record));
    h->length = TP_LOAD_RELAXED(tp_log_record_length_ptr(record));
    h->msg_type = TP_LOAD_RELAXED(tp_log_record_msg_type_ptr(record));
    h->check = TP_LOAD_RELAXED(tp_log_record_check_ptr(record));
}

/* ---- Clock ---- */

static inline int64_t tp_log_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- Shared between log files ---- */

/* Futex wake of every sleeper; used by commit (when flagged) and tp_log_wake_waiters. */
int tp_log_futex_wake_all(tp_log_t *log);

/* Subscription recovery (log_recovery.c); each leaves the cursor on a record boundary and counts what it skipped. */
void tp_log_recover_lapped(tp_log_subscription_t *sub);
void tp_log_skip_stalled(tp_log_subscription_t *sub);
void tp_log_skip_invalid(tp_log_subscription_t *sub);
int64_t tp_log_skip_backlog(tp_log_subscription_t *sub, uint64_t keep_bytes);

/* The position callers see: behind the cursor while validated copies wait in the batch. */
static inline void tp_log_position_update(tp_log_subscription_t *sub)
{
    uint64_t p = sub->batch_next < sub->batch_count ? sub->batch[sub->batch_next].position : sub->cursor;
    TP_STORE_RELAXED(&sub->position, p);
}

static inline void tp_log_stall_clear(tp_log_subscription_t *sub)
{
    sub->stall_active = 0;
    sub->stall_deadline_ns = 0;
}

/* A claimed record holds the cursor: start (or continue) timing it. Returns the deadline, 0 until known. */
static inline int64_t tp_log_stall_track(tp_log_subscription_t *sub, int64_t now_or_zero)
{
    if (!sub->stall_active || sub->stall_position != sub->cursor)
    {
        sub->stall_active = 1;
        sub->stall_position = sub->cursor;
        sub->stall_deadline_ns = now_or_zero != 0 ? now_or_zero + sub->stall_timeout_ns : 0;
    }
    else if (sub->stall_deadline_ns == 0 && now_or_zero != 0)
    {
        sub->stall_deadline_ns = now_or_zero + sub->stall_timeout_ns;
    }
    return sub->stall_deadline_ns;
}

/* ---- Test hooks (static test library only) ---- */

#if defined(TP_LOG_TEST_HOOKS)
#define TP_LOG_HOOK(stage) do { if (tp_log_test_hook != NULL) tp_log_test_hook(stage); } while (0)
#else
#define TP_LOG_HOOK(stage) do { } while (0)
#endif

#endif /* TENSORPOOL_LOG_INTERNAL_H */
