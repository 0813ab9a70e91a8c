/*
 * log_publication.c - claim, write and commit records (log.h "Claim", "Write",
 * "Commit"). No allocation, no lock, no system call unless a subscriber sleeps.
 */
#include "log_internal.h"

#include <stdlib.h>
#include <string.h>

#if defined(TP_LOG_TEST_HOOKS)
tp_log_test_hook_t tp_log_test_hook = NULL;
#endif

/* Payloads longer than this are copied in chunks, the claim re-checked before each. */
enum { TP_LOG_COPY_CHUNK = 64 * 1024 };

int tp_log_publication_create(tp_log_publication_t **publication, tp_log_t *log)
{
    if (publication == NULL || log == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "publication and log must not be NULL");
    }
    tp_log_publication_t *pub = calloc(1, sizeof(*pub));
    if (pub == NULL)
    {
        return TP_ERR_SET(TP_ERR_NO_MEMORY, "allocating a publication");
    }
    pub->log = log;
    TP_FETCH_ADD(&log->users, 1);
    /* Before any claim of ours, so a publisher claiming after one of them counts us (log_layout.h "pub_cnt"). */
    __atomic_fetch_add(tp_log_publishers_ptr(log), 1u, __ATOMIC_SEQ_CST);
    *publication = pub;
    return 0;
}

int tp_log_publication_close(tp_log_publication_t *publication)
{
    if (publication == NULL)
    {
        return 0;
    }
    /* Never below zero, whatever someone wrote there: a closed publication writes no more. */
    uint32_t *count = tp_log_publishers_ptr(publication->log);
    uint32_t open = __atomic_load_n(count, __ATOMIC_RELAXED);
    while (open != 0 && !__atomic_compare_exchange_n(count, &open, open - 1u, false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
    {
    }
    TP_FETCH_ADD(&publication->log->users, -1);
    free(publication);
    return 0;
}

void tp_log_publication_counters(const tp_log_publication_t *publication, tp_log_publication_counters_t *counters)
{
    if (publication == NULL || counters == NULL)
    {
        return;
    }
    const tp_log_publication_counters_t *c = &publication->counters;
    counters->offers = TP_LOAD_RELAXED(&c->offers);
    counters->bytes_offered = TP_LOAD_RELAXED(&c->bytes_offered);
    counters->max_length_rejections = TP_LOAD_RELAXED(&c->max_length_rejections);
    counters->abandoned = TP_LOAD_RELAXED(&c->abandoned);
    counters->wakes = TP_LOAD_RELAXED(&c->wakes);
}

/*
 * Our claim starting at `start` may still be written while the tail is less
 * than half a ring past it. Past that, a newer lap is near: give the record
 * up rather than risk writing into bytes it may own (log.h "Write").
 */
static int tp_log_claim_still_ours(const tp_log_t *log, uint64_t start)
{
    return tp_log_tail_load_position(log) - start <= log->capacity / 2;
}

static void tp_log_header_write(tp_log_t *log, uint64_t position, uint64_t index, int32_t length, int32_t msg_type,
    uint32_t sum, uint64_t state)
{
    uint8_t *record = tp_log_record_at(log, position);
    TP_STORE_RELAXED(tp_log_record_index_ptr(record), index);
    TP_STORE_RELAXED(tp_log_record_length_ptr(record), length);
    TP_STORE_RELAXED(tp_log_record_msg_type_ptr(record), msg_type);
    TP_STORE_RELAXED(tp_log_record_check_ptr(record), tp_log_record_check(position, index, length, msg_type));
    TP_STORE_RELAXED(tp_log_record_sum_ptr(record), sum);
    /* Release: whoever sees this state word sees the fields above. */
    TP_STORE_RELEASE(tp_log_record_state_ptr(record), position | state);
}

static int tp_log_offer_check(tp_log_publication_t *pub, int32_t length, int32_t msg_type)
{
    if (length < 0)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "negative message length %d", length);
    }
    if (length > pub->log->max_message_length)
    {
        TP_LOG_COUNTER_ADD(pub->counters.max_length_rejections, 1);
        return TP_ERR_SET(TP_LOG_ERR_MESSAGE_TOO_LONG, "message of %d bytes exceeds the log's maximum of %d",
            length, pub->log->max_message_length);
    }
    if (msg_type < 0)
    {
        return TP_ERR_SET(TP_LOG_ERR_MSG_TYPE, "message type %d is negative (reserved)", msg_type);
    }
    if (pub->claim_open)
    {
        return TP_ERR_SET(TP_ERR_STATE, "the publication has an open claim; commit it first");
    }
    return 0;
}

static int tp_log_abandon(tp_log_publication_t *pub, uint64_t position)
{
    pub->claim_open = 0;
    TP_LOG_COUNTER_ADD(pub->counters.abandoned, 1);
    return TP_ERR_SET(TP_LOG_ERR_PUBLICATION_LAPPED,
        "the ring overran this publisher's claim at position %llu before it was written; record abandoned",
        (unsigned long long)position);
}

/*
 * Make the claim limit cover `end` (log.h "Claim"): raise it to end plus a
 * quarter ring, so it moves about four times a lap and otherwise stays in
 * every subscriber's cache. Returns a limit >= end. A limit that someone
 * hostile set far ahead is left alone (it still covers every claim); one set
 * behind is repaired here.
 */
static uint64_t tp_log_claim_limit_cover(tp_log_t *log, uint64_t limit, uint64_t end)
{
    uint64_t *word = tp_log_claim_limit_ptr(log);
    uint64_t raised = end + log->capacity / TP_LOG_CLAIM_LIMIT_STEP_DIVISOR;
    while (limit < end)
    {
        if (__atomic_compare_exchange_n(word, &limit, raised, false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
        {
            return raised;
        }
    }
    return limit;
}

/*
 * Claim a record with one 16-byte CAS of the tail {position, index}, within
 * the claim limit, then write its header as CLAIMED (and the padding before
 * it, if the lap's end is too close). Fills the publication's claim fields.
 */
static int tp_log_claim(tp_log_publication_t *pub, int32_t length, int32_t msg_type, const uint8_t *payload,
    uint64_t *index_out)
{
    tp_log_t *log = pub->log;
    uint64_t frame = tp_log_frame_length(length);
    uint64_t *tail = tp_log_tail_position_ptr(log);
    /* Two plain loads may tear; the CAS then fails and hands back the true pair. */
    uint64_t position = TP_LOAD_RELAXED(tail);
    uint64_t index = TP_LOAD_RELAXED(tail + 1);
    /* The limit only grows, so a value read before the CAS still bounds the claim it makes. */
    uint64_t limit = TP_LOAD_RELAXED(tp_log_claim_limit_ptr(log));
    uint64_t padding;
    for (;;)
    {
        uint64_t offset = position & log->mask;
        padding = offset + frame > log->capacity ? log->capacity - offset : 0;
        uint64_t end = position + padding + frame;
        if (end > limit)
        {
            limit = tp_log_claim_limit_cover(log, limit, end);
        }
        if (tp_log_tail_cas(log, &position, &index, end, index + 1))
        {
            break;
        }
    }
    /* Pairs with the subscribers' acquire fence before their limit (and tail)
     * check: a subscriber that read any byte we write below also sees a limit
     * and a tail that cover our claim. */
    TP_FENCE_RELEASE();
    /* After the claim CAS in one total order with a sleeper's flag-then-check (log.h "Futex"):
     * either we see its flag here, or it sees our claim in the tail and does not sleep on it. */
    pub->claim_sleepers = (__atomic_load_n(tp_log_futex_ptr(log), __ATOMIC_SEQ_CST) & 1u) != 0;
    /* After the claim CAS, which every earlier claim's CAS precedes: any publication that could still write
     * into this record's bytes from an older lap opened before its claim, so it is counted here (D230). */
    pub->claim_summed = __atomic_load_n(tp_log_publishers_ptr(log), __ATOMIC_ACQUIRE) > 1u;
    TP_LOG_HOOK(TP_LOG_HOOK_AFTER_CLAIM);
    if (!tp_log_claim_still_ours(log, position))
    {
        return tp_log_abandon(pub, position);
    }
    if (padding != 0)
    {
        /* The padding record carries the index of the record after it. */
        tp_log_header_write(log, position, index, (int32_t)(padding - TP_LOG_RECORD_HEADER_LENGTH),
            TP_LOG_MSG_TYPE_PADDING, (uint32_t)TP_LOG_RECORD_SUM_NONE, TP_LOG_RECORD_COMMITTED);
    }
    uint64_t record = position + padding;
    /* Offer: the caller's bytes, not the ring's, so a late writer's bytes are never blessed. Zero copy: at the commit. */
    uint32_t sum = pub->claim_summed && payload != NULL ? tp_log_payload_sum(payload, (size_t)length) : (uint32_t)TP_LOG_RECORD_SUM_NONE;
    tp_log_header_write(log, record, index, length, msg_type, sum, TP_LOG_RECORD_CLAIMED);
    TP_LOG_HOOK(TP_LOG_HOOK_AFTER_HEADER);
    pub->claim_open = 1;
    pub->claim_start = position;
    pub->claim_record = record;
    pub->claim_frame = frame;
    pub->claim_length = length;
    *index_out = index;
    return 0;
}

/* Copy the payload, re-checking the claim before each chunk of a large one. */
static int tp_log_copy_payload(tp_log_publication_t *pub, const uint8_t *buffer, int32_t length)
{
    tp_log_t *log = pub->log;
    uint8_t *dst = tp_log_record_at(log, pub->claim_record) + TP_LOG_RECORD_HEADER_LENGTH;
    size_t done = 0;
    size_t total = (size_t)length;
    while (done < total)
    {
        size_t n = total - done < TP_LOG_COPY_CHUNK ? total - done : TP_LOG_COPY_CHUNK;
        if (done != 0 && !tp_log_claim_still_ours(log, pub->claim_start))
        {
            return tp_log_abandon(pub, pub->claim_start);
        }
        memcpy(dst + done, buffer + done, n);
        done += n;
    }
    return 0;
}

/* Wake sleeping subscribers, only if one has flagged the futex word (log.h "Futex"). */
static void tp_log_wake_if_flagged(tp_log_publication_t *pub)
{
    uint32_t *futex = tp_log_futex_ptr(pub->log);
    uint32_t word = __atomic_load_n(futex, __ATOMIC_SEQ_CST);
    while ((word & 1u) != 0)
    {
        /* Odd + 1: bit 0 cleared and the sequence bumped, so a sleeper that armed
         * with the old value fails its FUTEX_WAIT compare instead of sleeping. */
        if (__atomic_compare_exchange_n(futex, &word, word + 1u, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        {
            (void)tp_log_futex_wake_all(pub->log);
            TP_LOG_COUNTER_ADD(pub->counters.wakes, 1);
            return;
        }
    }
}

/*
 * A zero-copy claim's payload was written in place, so its sum (log_layout.h
 * "sum") is known only at the commit, whose release orders it before the state.
 */
static void tp_log_store_sum(tp_log_publication_t *pub, uint8_t *header)
{
    TP_STORE_RELAXED(tp_log_record_sum_ptr(header),
        tp_log_payload_sum(header + TP_LOG_RECORD_HEADER_LENGTH, (size_t)pub->claim_length));
}

/*
 * CLAIMED -> COMMITTED (log.h "Commit"). Within the guard distance nothing
 * newer can own the header's bytes: a plain release store, which drains
 * through the store buffer while the publisher goes on. Past the guard, or
 * when a sleeper flagged the futex word before our claim, a CAS: it fails,
 * writing nothing, if a newer lap owns the bytes, and orders the commit
 * before the futex-word load so that sleeper is woken for sure. After a
 * store the word is still looked at (a cached line while nobody sleeps): a
 * sleeper that flagged it after our claim is then woken at once instead of
 * at the end of its pending-claim slice (log_wait.c).
 */
static int64_t tp_log_commit_open_claim(tp_log_publication_t *pub, int zero_copy)
{
    tp_log_t *log = pub->log;
    uint64_t record = pub->claim_record;
    uint8_t *header = tp_log_record_at(log, record);
    uint64_t *state = tp_log_record_state_ptr(header);
    if (TP_LIKELY(!pub->claim_sleepers && tp_log_claim_still_ours(log, pub->claim_start)))
    {
        TP_LOG_HOOK(TP_LOG_HOOK_COMMIT_BY_STORE);
        if (zero_copy && pub->claim_summed)
        {
            tp_log_store_sum(pub, header);
        }
        TP_STORE_RELEASE(state, record | TP_LOG_RECORD_COMMITTED);
    }
    else
    {
        TP_LOG_HOOK(TP_LOG_HOOK_COMMIT_BY_CAS);
        uint64_t expected = record | TP_LOG_RECORD_CLAIMED;
        if (zero_copy && pub->claim_summed)
        {
            /* Not into a header a newer lap already owns. Should one take it between
             * this look and the store, its record fails its own sum: dropped, counted. */
            if (TP_LOAD_RELAXED(state) != expected)
            {
                return tp_log_abandon(pub, pub->claim_start);
            }
            tp_log_store_sum(pub, header);
        }
        if (!__atomic_compare_exchange_n(state, &expected, record | TP_LOG_RECORD_COMMITTED, false,
                __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        {
            return tp_log_abandon(pub, pub->claim_start);
        }
    }
    pub->claim_open = 0;
    TP_LOG_COUNTER_ADD(pub->counters.offers, 1);
    TP_LOG_COUNTER_ADD(pub->counters.bytes_offered, pub->claim_length);
    if (pub->claim_sleepers || (TP_LOAD_RELAXED(tp_log_futex_ptr(log)) & 1u) != 0)
    {
        tp_log_wake_if_flagged(pub);
    }
    return (int64_t)(record + pub->claim_frame);
}

int64_t tp_log_publication_offer(tp_log_publication_t *publication, const uint8_t *buffer, int32_t length, int32_t msg_type)
{
    if (publication == NULL || (buffer == NULL && length != 0))
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "publication and buffer must not be NULL");
    }
    int rc = tp_log_offer_check(publication, length, msg_type);
    uint64_t index;
    if (rc < 0 || (rc = tp_log_claim(publication, length, msg_type, buffer, &index)) < 0 ||
        (rc = tp_log_copy_payload(publication, buffer, length)) < 0)
    {
        return rc;
    }
    TP_LOG_HOOK(TP_LOG_HOOK_BEFORE_COMMIT);
    return tp_log_commit_open_claim(publication, 0);
}

int64_t tp_log_publication_try_claim(tp_log_publication_t *publication, int32_t length, int32_t msg_type, tp_log_claim_t *claim)
{
    if (publication == NULL || claim == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "publication and claim must not be NULL");
    }
    uint64_t index;
    int rc = tp_log_offer_check(publication, length, msg_type);
    if (rc < 0 || (rc = tp_log_claim(publication, length, msg_type, NULL, &index)) < 0)
    {
        return rc;
    }
    claim->buffer = tp_log_record_at(publication->log, publication->claim_record) + TP_LOG_RECORD_HEADER_LENGTH;
    claim->position = (int64_t)publication->claim_record;
    claim->index = (int64_t)index;
    claim->length = length;
    claim->msg_type = msg_type;
    return (int64_t)(publication->claim_record + publication->claim_frame);
}

int64_t tp_log_publication_commit(tp_log_publication_t *publication, tp_log_claim_t *claim)
{
    if (publication == NULL || claim == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "publication and claim must not be NULL");
    }
    if (!publication->claim_open || claim->position != (int64_t)publication->claim_record)
    {
        return TP_ERR_SET(TP_ERR_STATE, "no open claim at position %lld on this publication", (long long)claim->position);
    }
    return tp_log_commit_open_claim(publication, 1);
}
