/*
 * seqlock.h - the seq_commit seqlock of a header slot (wire spec §8.3,
 * §15.3, §15.18, §15.21).
 *
 *   seq_commit = (logical_sequence << 1) | commit_bit
 *   in progress: (seq << 1) | 0        committed: (seq << 1) | 1
 *
 * Sequences are 63-bit: the top bit of `seq` does not fit in seq_commit.
 *
 * Producer (single writer per slot, §15.14):
 *   tp_seqlock_write_begin(w, seq)    store in-progress (release), then a
 *                                     release fence
 *   ... write payload and header (tp_header_slot_write) ...
 *   tp_seqlock_write_commit(w, seq)   store committed (release)
 *
 * Consumer:
 *   s = tp_seqlock_read_begin(w)      acquire load
 *   ... copy header / read payload ...
 *   tp_seqlock_read_validate(w, s, seq)  acquire fence, reload; accept only
 *                                     if unchanged, committed and s>>1 == seq
 *
 * Memory-ordering argument. The payload and header are ordinary memory
 * written between the two seq_commit stores.
 *  - Commit: the committed value is a release store, so every payload and
 *    header store before it is visible to a reader whose acquire load sees
 *    the committed value (release/acquire pair on one word).
 *  - Begin: a release store orders EARLIER accesses only; it would let the
 *    payload stores that follow it become visible first, and a reader could
 *    then copy new bytes while still seeing the old committed value. The
 *    release fence after the in-progress store forbids that: for any later
 *    store X that a reader observes, fence-to-fence synchronisation (the
 *    reader's acquire fence before its reload) makes the in-progress store
 *    happen-before the reload, so the reload returns the in-progress value
 *    (or a later one) and validation fails.
 *  - Validate: the acquire fence keeps the reader's data loads from moving
 *    after the reload of seq_commit; the reload must equal the first load.
 * On x86-64 the fences compile to nothing (TSO keeps store-store and
 * load-load order; they still stop the compiler from reordering); on
 * AArch64 they are DMB instructions. Shared memory between processes obeys
 * the same hardware rules as between threads.
 *
 * None of these functions allocate, block or raise errors.
 */
#ifndef TENSORPOOL_SEQLOCK_H
#define TENSORPOOL_SEQLOCK_H

#include "tensorpool/platform.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Outcome of tp_seqlock_read_validate (the values are shared with frame.h's drop reasons). */
typedef enum tp_seqlock_result_en
{
    TP_SEQLOCK_OK = 0,             /* stable, committed, the expected sequence */
    TP_SEQLOCK_NOT_COMMITTED = 1,  /* the producer is writing the slot (commit bit 0) */
    TP_SEQLOCK_CHANGED = 2,        /* overwritten while being read: drops_late (§15.3) */
    TP_SEQLOCK_SEQ_MISMATCH = 3    /* committed, stable, but another sequence: stale or reused slot (§10.2.1) */
} tp_seqlock_result_t;

/* (seq << 1) | 0 */
TP_EXPORT TP_TRIVIAL uint64_t tp_seqlock_in_progress(uint64_t seq);

/* (seq << 1) | 1 */
TP_EXPORT TP_TRIVIAL uint64_t tp_seqlock_committed(uint64_t seq);

/* Producer step 1: mark the slot in progress; later stores cannot overtake it. */
TP_EXPORT TP_TRIVIAL void tp_seqlock_write_begin(uint64_t *seq_commit, uint64_t seq);

/* Producer final step: publish the slot; earlier stores are visible first. */
TP_EXPORT TP_TRIVIAL void tp_seqlock_write_commit(uint64_t *seq_commit, uint64_t seq);

/* Consumer step 1: the current seq_commit (acquire). */
TP_EXPORT TP_TRIVIAL uint64_t tp_seqlock_read_begin(const uint64_t *seq_commit);

/*
 * Consumer final step: `observed` is what tp_seqlock_read_begin returned.
 * Returns a tp_seqlock_result_t. Checks, in order: commit bit of `observed`,
 * stability (reload == observed), sequence ((observed >> 1) == expected_seq).
 */
TP_EXPORT TP_TRIVIAL int32_t tp_seqlock_read_validate(const uint64_t *seq_commit, uint64_t observed,
    uint64_t expected_seq);

#ifdef __cplusplus
}
#endif

#endif /* TENSORPOOL_SEQLOCK_H */
