/* seqlock.c - the seq_commit seqlock (wire spec §8.3, §15.18); the ordering argument is in seqlock.h. */
#include "tensorpool/seqlock.h"

uint64_t tp_seqlock_in_progress(uint64_t seq)
{
    return seq << 1;
}

uint64_t tp_seqlock_committed(uint64_t seq)
{
    return (seq << 1) | 1u;
}

void tp_seqlock_write_begin(uint64_t *seq_commit, uint64_t seq)
{
    /* §8.3 step 1: release store of the in-progress value ... */
    TP_STORE_RELEASE(seq_commit, tp_seqlock_in_progress(seq));
    /* ... and a release fence so no later payload/header store becomes visible before it. */
    TP_FENCE_RELEASE();
}

void tp_seqlock_write_commit(uint64_t *seq_commit, uint64_t seq)
{
    /* §8.3 step 4: everything written before is visible to whoever sees this value. */
    TP_STORE_RELEASE(seq_commit, tp_seqlock_committed(seq));
}

uint64_t tp_seqlock_read_begin(const uint64_t *seq_commit)
{
    return TP_LOAD_ACQUIRE(seq_commit);
}

int32_t tp_seqlock_read_validate(const uint64_t *seq_commit, uint64_t observed, uint64_t expected_seq)
{
    if ((observed & 1u) == 0)
    {
        return TP_SEQLOCK_NOT_COMMITTED;
    }
    /* Keep the reads of the header/payload before the reload. */
    TP_FENCE_ACQUIRE();
    uint64_t again = TP_LOAD_ACQUIRE(seq_commit);
    if (again != observed)
    {
        return TP_SEQLOCK_CHANGED;
    }
    return (observed >> 1) == expected_seq ? TP_SEQLOCK_OK : TP_SEQLOCK_SEQ_MISMATCH;
}
