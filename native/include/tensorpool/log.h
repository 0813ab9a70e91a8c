/*
 * log.h - tp:ipc, the embedded shared-memory broadcast log (DESIGN §3).
 *
 * One file per (channel, stream id) carries SBE messages between processes on
 * one host: many publishers and many subscribers, lock-free, lossy. A
 * publisher never waits for a subscriber; a subscriber that falls a whole ring
 * behind is lapped, skips ahead and counts exactly what it lost. The file
 * layout is in log_layout.h.
 *
 * Algorithm
 * ---------
 * A keeping-up subscriber reads right behind the publisher, so every line
 * both touch costs a cross-core transfer. The algorithm keeps the lines a
 * busy subscriber reads per message to the records themselves, and the
 * publisher's per-message locked instructions to lines no subscriber reads.
 *
 * Claim. The tail is one 16-byte word {position, index}. A publisher reads it
 * and swaps in {position + padding + frame, index + 1} with a 16-byte CAS
 * (lock cmpxchg16b, inline; see CMakeLists -mcx16), retrying on contention.
 * The record's position and its dense index are thus assigned atomically, so
 * record indices are in position order with no holes. `padding` is the rest
 * of the lap when the record would straddle the ring end. No claim may end
 * past the claim limit (its own word, see log_layout.h): a claim that would
 * first raises the limit by CAS to its end + capacity/4, so the limit moves
 * about four times a lap. The limit only grows and always covers the tail.
 *
 * Write. Right after the claim the publisher issues a release fence (it
 * pairs with the subscribers' acquire fence, see Read), writes the header
 * fields (index, length, msg_type, check) and stores state =
 * position|CLAIMED with release; a padding record, if any, is written whole
 * and stored COMMITTED. Then the payload is copied. Before writing anything,
 * and again before each 64 KiB chunk of a large payload, the publisher checks
 * that its claim is still less than half a ring behind the tail; a publisher
 * stopped for so long that others have written half the ring since its claim
 * abandons the record (TP_LOG_ERR_PUBLICATION_LAPPED) instead of writing into
 * bytes that a newer lap may own.
 *
 * Commit. state = position|COMMITTED. While the tail is within half a ring
 * of the claim (the same guard as Write) nothing newer can own the header's
 * bytes, so it is a plain release store that drains through the store buffer
 * (no locked instruction on the line the subscriber spins on). Past the
 * guard it is a CAS from position|CLAIMED: a publisher that resumes after the
 * ring has lapped its record finds the word changed and fails instead of
 * corrupting the newer record that now lives there. It is also a CAS when a
 * sleeper was flagged at claim time (see Futex).
 *
 * Read. A subscriber keeps {cursor, next index}. It copies committed records
 * (state == cursor|COMMITTED, index == next index, sane length and type) into
 * its private scratch buffer, up to 64 at a time, then issues an acquire
 * fence and loads the claim limit: if limit - batch start <= capacity no
 * claim has reached any byte it copied (a newer lap's claim over those bytes
 * would end past batch start + capacity, and its writer raised the limit
 * there before its release fence), so the copies are exact. The limit is
 * rarely written, so this load hits the subscriber's own cache. Only when the
 * limit is further ahead (the subscriber is about 3/4 of a ring behind, or
 * the limit was written by someone hostile) does it load the tail, which
 * decides exactly as before: within a ring, the copies are exact; beyond, the
 * subscriber is lapped. Only then are the copies handed to the handler. The
 * fast path uses 8-byte loads only; 16-byte loads are for joining and
 * recovery.
 *
 * Lapped. When the tail is more than a ring past the cursor (found by the
 * check above, before or after a copy) the subscriber reads {tail, tail
 * index}, scans aligned positions from tail - capacity/2 for the first
 * self-describing header (state position == where it is read, valid check,
 * plausible index) and lands there, or at the tail if none. Lost messages =
 * landing index - next index and lost bytes = landing position - cursor:
 * exact with any number of publishers because indices are dense and in
 * position order.
 *
 * Idle. An empty poll looks only at the record at the cursor and the limit.
 * A publisher that claimed and stopped before writing its header is visible
 * only in the tail, the publishers' hot line, so the clock is read on every
 * 16th empty poll and the tail at most once per tail-check interval (1 ms, or
 * a quarter of a shorter stall timeout); a CLAIMED header at the cursor, or a
 * stall already being timed, needs only the clock. A dead claim is thus
 * skipped after its stall timeout plus at most one interval and 16 polls.
 *
 * Stalled record. When the record at the cursor is claimed (tail > cursor)
 * but not committed for longer than the subscription's stall timeout, the
 * subscriber skips it: by its length when its CLAIMED header is there, else
 * (the publisher died between claim and header) by scanning aligned
 * positions up to the tail for the next self-describing header, or to the
 * tail itself. Either way the skipped indices are counted as lost and the
 * skip is counted once in stalled_skips. A slow publisher whose record was
 * skipped later commits into its own claimed bytes, which no subscriber reads
 * any more, or fails its commit CAS if the ring has lapped it.
 *
 * Futex. Subscribers that want to sleep set bit 0 of the futex word (CAS),
 * re-check for data and for a pending claim (tail > cursor), then FUTEX_WAIT
 * (shared, not private: other processes wake it). A publisher loads the word
 * right after its claim CAS; claim-then-load against flag-then-load in one
 * total order means either the publisher sees the flag, or the sleeper sees
 * the claim. A publisher that saw the flag commits by CAS (ordered before its
 * second load of the word), swaps in the next sequence with bit 0 clear and
 * issues FUTEX_WAKE. A sleeper that saw a pending claim cannot count on a
 * wake for it: it watches the record for a few microseconds, then sleeps in
 * slices (50 us doubling to 5 ms) until it is committed or its stall deadline
 * passes. A publisher that committed by store still loads the word once more
 * and wakes a sleeper flagged after its claim at once, so the slices are a
 * rarely used backstop. With no sleeper, offer makes no system call and no
 * locked instruction besides the claim. A sleeper that dies leaves the bit
 * set until the next commit clears it: one wasted wake, then none.
 *
 * Residual risk: a publisher stopped between its guard check and a store
 * (of payload, header or the commit's state word), for as long as it takes
 * the others to write half a ring, could still write into a newer lap.
 * Claims held by callers of tp_log_publication_try_claim are written without
 * per-store checks; keep them short.
 *
 * Threads: a tp_log_t is shared by any number of threads. A publication or a
 * subscription is used by one thread at a time (their counters are
 * single-writer); the protocol itself is multi-process and multi-thread safe,
 * so give each thread its own publication. Counters may be read from any
 * thread at any time.
 */
#ifndef TENSORPOOL_LOG_H
#define TENSORPOOL_LOG_H

#include "tensorpool/platform.h"
#include "tensorpool/log_error.h"
#include "tensorpool/log_layout.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Results of tp_log_open (non-negative). */
typedef enum tp_log_open_result_en
{
    TP_LOG_OPENED_EXISTING = 0,
    TP_LOG_OPENED_CREATED = 1
} tp_log_open_result_t;

/* Results of tp_log_subscription_wait (non-negative). */
typedef enum tp_log_wait_result_en
{
    TP_LOG_WAIT_TIMED_OUT = 0,  /* or interrupted by tp_log_wake_waiters / a signal: call again */
    TP_LOG_WAIT_READY = 1       /* poll has work: a committed record, a lap, or an expired stall */
} tp_log_wait_result_t;

typedef enum tp_log_defaults_en
{
    TP_LOG_DEFAULT_STALL_TIMEOUT_MS = 1000, /* docs/DECISIONS.md "tp:ipc stalled claims" */
    TP_LOG_POLL_BATCH = 64                 /* records copied before one validation */
} tp_log_defaults_t;

typedef struct tp_log_stct tp_log_t;
typedef struct tp_log_publication_stct tp_log_publication_t;
typedef struct tp_log_subscription_stct tp_log_subscription_t;

/*
 * Called once per message, in log order. `buffer` is the subscription's
 * private copy, valid until the handler returns. The handler must not poll
 * or close the subscription that called it.
 */
typedef void (*tp_log_handler_t)(void *clientd, const uint8_t *buffer, int32_t length, int32_t msg_type);

/* A claimed record the caller writes in place (tp_log_publication_try_claim). */
typedef struct tp_log_claim_stct
{
    uint8_t *buffer;     /* the payload bytes inside the ring */
    int64_t position;    /* absolute position of the record header */
    int64_t index;       /* dense record index */
    int32_t length;      /* payload length claimed */
    int32_t msg_type;
} tp_log_claim_t;

typedef struct tp_log_publication_counters_stct
{
    uint64_t offers;                 /* records committed */
    uint64_t bytes_offered;          /* payload bytes committed */
    uint64_t max_length_rejections;  /* offers refused with TP_LOG_ERR_MESSAGE_TOO_LONG */
    uint64_t abandoned;              /* claims given up with TP_LOG_ERR_PUBLICATION_LAPPED */
    uint64_t wakes;                  /* FUTEX_WAKE calls issued for sleeping subscribers */
} tp_log_publication_counters_t;

typedef struct tp_log_subscription_counters_stct
{
    uint64_t messages_received;  /* messages handed to a handler or copied out */
    uint64_t bytes_received;     /* their payload bytes */
    uint64_t messages_lost;      /* records skipped: lapped, stalled or invalid (by dense index, exact) */
    uint64_t bytes_lost;         /* log bytes skipped over (record frames and padding, exact) */
    uint64_t times_lapped;       /* recoveries from being overrun by publishers */
    uint64_t stalled_skips;      /* claimed records skipped after the stall timeout */
    uint64_t invalid_records;    /* committed headers that failed validation (corrupt or hostile bytes) */
    uint64_t messages_skipped;   /* messages passed over on request by tp_log_subscription_skip_backlog (exact) */
    uint64_t bytes_skipped;      /* log bytes those skips passed over */
} tp_log_subscription_counters_t;

/* Information about a message copied out by tp_log_subscription_receive. */
typedef struct tp_log_message_info_stct
{
    int64_t position;  /* absolute position of the record header */
    int64_t index;     /* dense record index */
    int32_t length;    /* payload length (also when the buffer was too small) */
    int32_t msg_type;
} tp_log_message_info_t;

/* A message ready to hand over, in place in the subscription's private copy (tp_log_subscription_peek). */
typedef struct tp_log_message_view_stct
{
    const uint8_t *buffer; /* the payload: valid until the next read, skip or close of the subscription */
    int64_t position;      /* absolute position of the record header */
    int64_t index;         /* dense record index */
    int32_t length;        /* payload length */
    int32_t msg_type;
} tp_log_message_view_t;

/* Layouts the C# bindings mirror: no padding, fixed sizes. */
TP_STATIC_ASSERT(sizeof(tp_log_claim_t) == 32, "tp_log_claim_t is 32 bytes");
TP_STATIC_ASSERT(offsetof(tp_log_claim_t, position) == 8 && offsetof(tp_log_claim_t, index) == 16 &&
    offsetof(tp_log_claim_t, length) == 24 && offsetof(tp_log_claim_t, msg_type) == 28, "tp_log_claim_t offsets");
TP_STATIC_ASSERT(sizeof(tp_log_publication_counters_t) == 5 * 8, "publication counters are five u64");
TP_STATIC_ASSERT(sizeof(tp_log_subscription_counters_t) == 9 * 8, "subscription counters are nine u64");
TP_STATIC_ASSERT(sizeof(tp_log_message_info_t) == 24, "tp_log_message_info_t is 24 bytes");
TP_STATIC_ASSERT(sizeof(tp_log_message_view_t) == 32, "tp_log_message_view_t is 32 bytes");
TP_STATIC_ASSERT(offsetof(tp_log_message_view_t, position) == 8 && offsetof(tp_log_message_view_t, index) == 16 &&
    offsetof(tp_log_message_view_t, length) == 24 && offsetof(tp_log_message_view_t, msg_type) == 28, "tp_log_message_view_t offsets");
TP_STATIC_ASSERT(offsetof(tp_log_message_info_t, index) == 8 && offsetof(tp_log_message_info_t, length) == 16 &&
    offsetof(tp_log_message_info_t, msg_type) == 20, "tp_log_message_info_t offsets");

/* ---- Log file ---------------------------------------------------------------------------- */

/*
 * Open the log file at `path`, creating it (and missing parent directories,
 * mode 0700; file mode 0600) when absent. `path` must be absolute and already
 * validated by the caller's path policy; the file itself is opened with
 * O_NOFOLLOW|O_CLOEXEC, must be a regular file, and its descriptor, size and
 * capacity are checked before anything is mapped.
 *
 * Concurrent first use from many processes creates and initialises the file
 * exactly once: the creator initialises a private temporary file and link()s
 * it into place; losers of the race open the winner's file.
 *
 * capacity: ring bytes, a power of two in [TP_LOG_MIN_CAPACITY,
 * TP_LOG_MAX_CAPACITY]; 0 means TP_LOG_DEFAULT_CAPACITY when creating and
 * "whatever the file says" when opening. A non-zero capacity that differs
 * from an existing file's fails with TP_LOG_ERR_CAPACITY_MISMATCH.
 *
 * Returns TP_LOG_OPENED_CREATED or TP_LOG_OPENED_EXISTING, or a negative code:
 * TP_ERR_INVALID_ARGUMENT, TP_ERR_PATH_NOT_ABSOLUTE, TP_ERR_PATH_INVALID,
 * TP_ERR_SYMLINK, TP_ERR_NOT_REGULAR_FILE, TP_ERR_IO, TP_ERR_NO_MEMORY,
 * TP_ERR_UNSUPPORTED (no lock-free 16-byte CAS), TP_LOG_ERR_CAPACITY,
 * TP_LOG_ERR_MAGIC, TP_LOG_ERR_VERSION, TP_LOG_ERR_FILE_SIZE,
 * TP_LOG_ERR_DESCRIPTOR, TP_LOG_ERR_CAPACITY_MISMATCH.
 */
TP_EXPORT int tp_log_open(tp_log_t **log, const char *path, uint64_t capacity);

/* Unmap and free. Fails with TP_LOG_ERR_IN_USE while publications or subscriptions are open. NULL is a no-op. */
TP_EXPORT int tp_log_close(tp_log_t *log);

/* Ring capacity in bytes. */
TP_EXPORT TP_TRIVIAL uint64_t tp_log_capacity(const tp_log_t *log);

/* Largest payload a record can carry: capacity / 8 - TP_LOG_RECORD_HEADER_LENGTH. */
TP_EXPORT TP_TRIVIAL int32_t tp_log_max_message_length(const tp_log_t *log);

/* Current tail position (where the next record will be claimed). */
TP_EXPORT TP_TRIVIAL int64_t tp_log_tail_position(const tp_log_t *log);

/*
 * Wake every thread of every process sleeping in tp_log_subscription_wait on
 * this log; they return TP_LOG_WAIT_TIMED_OUT unless data is ready. For
 * shutting down a waiting thread. Returns 0 or TP_ERR_IO.
 */
TP_EXPORT int tp_log_wake_waiters(tp_log_t *log);

/* A short constant name for any code ("TP_LOG_ERR_MAGIC"): the same as tp_errname, which names every range. */
TP_EXPORT const char *tp_log_errname(int code);

/* ---- Publication ------------------------------------------------------------------------- */

TP_EXPORT int tp_log_publication_create(tp_log_publication_t **publication, tp_log_t *log);

/* NULL is a no-op. An open claim is left as is (subscribers skip it after their stall timeout). */
TP_EXPORT int tp_log_publication_close(tp_log_publication_t *publication);

/*
 * Append one message. Never waits for subscribers (the log is lossy) and
 * makes no system call unless a subscriber sleeps. Returns the log position
 * just after the record (> 0), or TP_LOG_ERR_MESSAGE_TOO_LONG,
 * TP_LOG_ERR_MSG_TYPE, TP_ERR_INVALID_ARGUMENT, TP_ERR_STATE (a claim is
 * open), TP_LOG_ERR_PUBLICATION_LAPPED.
 * length may be 0 (buffer may then be NULL); msg_type must be >= 0.
 */
TP_EXPORT int64_t tp_log_publication_offer(
    tp_log_publication_t *publication, const uint8_t *buffer, int32_t length, int32_t msg_type);

/*
 * Claim a record of `length` payload bytes to write in place (zero-copy
 * encoding), then publish it with tp_log_publication_commit. One claim may be
 * open per publication; subscribers wait for it up to their stall timeout.
 * Returns the position just after the record, or the errors of offer.
 */
TP_EXPORT int64_t tp_log_publication_try_claim(
    tp_log_publication_t *publication, int32_t length, int32_t msg_type, tp_log_claim_t *claim);

/*
 * Commit the open claim. Returns the position just after the record, or
 * TP_ERR_STATE (no open claim, or `claim` is not it), or
 * TP_LOG_ERR_PUBLICATION_LAPPED (the ring overran the claim; nothing written).
 */
TP_EXPORT int64_t tp_log_publication_commit(tp_log_publication_t *publication, tp_log_claim_t *claim);

TP_EXPORT TP_TRIVIAL void tp_log_publication_counters(
    const tp_log_publication_t *publication, tp_log_publication_counters_t *counters);

/* ---- Subscription ------------------------------------------------------------------------ */

/*
 * Join the log at its live tail. stall_timeout_ns: how long a claimed but
 * uncommitted record may hold this subscriber before it is skipped
 * (0 = TP_LOG_DEFAULT_STALL_TIMEOUT_MS). The scratch buffer (max message
 * length bytes) is allocated here, once.
 */
TP_EXPORT int tp_log_subscription_create(tp_log_subscription_t **subscription, tp_log_t *log, int64_t stall_timeout_ns);

/* NULL is a no-op. */
TP_EXPORT int tp_log_subscription_close(tp_log_subscription_t *subscription);

/*
 * Hand up to `fragment_limit` messages to `handler`, in log order. Returns the
 * number handed over (0 when none is ready), or TP_ERR_INVALID_ARGUMENT.
 * Never blocks; lapping and stalled records are dealt with and counted here.
 */
TP_EXPORT int32_t tp_log_subscription_poll(
    tp_log_subscription_t *subscription, tp_log_handler_t handler, void *clientd, int32_t fragment_limit);

/*
 * Copy the next message into `buffer`. Returns 1 (copied; `info` filled),
 * 0 (none ready), TP_LOG_ERR_BUFFER_TOO_SMALL (info->length says how much is
 * needed; the message stays pending for the next call), or
 * TP_ERR_INVALID_ARGUMENT.
 */
TP_EXPORT int tp_log_subscription_receive(
    tp_log_subscription_t *subscription, uint8_t *buffer, int32_t capacity, tp_log_message_info_t *info);

/*
 * Batched delivery for callers that hand messages over themselves (one call
 * per batch instead of one per message, no copy): expose up to `max` messages
 * ready to hand over as views into the subscription's private copy, reading
 * the log when none is pending. Nothing is marked delivered until
 * tp_log_subscription_consume; the same messages are exposed again until
 * then. Views stay valid until the next peek that reads the log, receive,
 * poll, skip or close. Returns the number of views filled (0 when none is
 * ready), or TP_ERR_INVALID_ARGUMENT.
 */
TP_EXPORT int32_t tp_log_subscription_peek(tp_log_subscription_t *subscription, tp_log_message_view_t *views, int32_t max);

/*
 * Mark the first `count` messages of the last peek delivered (counted as
 * received; the position moves past them). Never more than are pending and
 * never fails: returns how many were marked (less than `count` only when the
 * caller asked for more than the last peek exposed, or `count` < 0: 0).
 */
TP_EXPORT TP_TRIVIAL int32_t tp_log_subscription_consume(tp_log_subscription_t *subscription, int32_t count);

/*
 * Sleep until poll has work or `timeout_ns` passes (negative: no timeout,
 * but still bounded by a pending stall deadline). Returns TP_LOG_WAIT_READY,
 * TP_LOG_WAIT_TIMED_OUT (also when woken without data: call again), or
 * TP_ERR_IO.
 */
TP_EXPORT int tp_log_subscription_wait(tp_log_subscription_t *subscription, int64_t timeout_ns);

/*
 * Give up the backlog: pass over the messages not yet handed over (copies
 * waiting in the batch included) except those in the room `keep_messages`
 * records of `message_length` payload bytes take before the tail (at most
 * half the ring), and continue with the first record there (0: at the tail
 * itself, the next message claimed). For a reader too far behind to
 * want old messages: a consumer resyncing to its newest frames. Passed-over
 * messages are counted in messages_skipped / bytes_skipped, not as lost:
 * with messages_received and messages_lost they still add up to every
 * message claimed since the subscription joined. A tail behind the cursor (a
 * corrupted descriptor) moves nothing and counts an invalid record. Returns
 * the number of messages passed over (>= 0), or TP_ERR_INVALID_ARGUMENT (a
 * NULL subscription, a negative message length). Not from inside this
 * subscription's poll handler (between receives and peeks is fine).
 */
TP_EXPORT int64_t tp_log_subscription_skip_backlog(
    tp_log_subscription_t *subscription, uint32_t keep_messages, int32_t message_length);

/* Log position of the next message this subscription will hand over (everything before it was delivered, counted lost or skipped). */
TP_EXPORT TP_TRIVIAL int64_t tp_log_subscription_position(const tp_log_subscription_t *subscription);

TP_EXPORT TP_TRIVIAL void tp_log_subscription_counters(
    const tp_log_subscription_t *subscription, tp_log_subscription_counters_t *counters);

#ifdef __cplusplus
}
#endif

#endif /* TENSORPOOL_LOG_H */
