/*
 * log_subscription.c - join at the tail, copy committed records into the
 * private scratch buffer, validate the copies against the claim limit, then
 * hand them over (log.h "Read", "Idle"). No allocation after create, no
 * lock, no syscall.
 */
#include "log_internal.h"

#include <stdlib.h>
#include <string.h>

enum
{
    TP_LOG_SCRATCH_MIN = 16 * 1024, /* room to batch small records even in a small log */
    TP_LOG_POLL_ROUNDS = 16         /* recoveries one poll call may perform before returning */
};

/* Outcomes of one read attempt. */
enum { TP_LOG_READ_IDLE = 0, TP_LOG_READ_FILLED = 1, TP_LOG_READ_AGAIN = 2 };

int tp_log_subscription_create(tp_log_subscription_t **subscription, tp_log_t *log, int64_t stall_timeout_ns)
{
    if (subscription == NULL || log == NULL || stall_timeout_ns < 0)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "subscription and log must not be NULL, stall timeout not negative");
    }
    tp_log_subscription_t *sub = calloc(1, sizeof(*sub));
    if (sub == NULL)
    {
        return TP_ERR_SET(TP_ERR_NO_MEMORY, "allocating a subscription");
    }
    uint32_t scratch = (uint32_t)log->max_message_length;
    scratch = scratch > TP_LOG_SCRATCH_MIN ? scratch : TP_LOG_SCRATCH_MIN;
    sub->scratch_capacity = scratch;
    sub->scratch = malloc(scratch);
    if (sub->scratch == NULL)
    {
        free(sub);
        return TP_ERR_SET(TP_ERR_NO_MEMORY, "allocating a %u-byte scratch buffer", scratch);
    }
    sub->log = log;
    sub->stall_timeout_ns = stall_timeout_ns != 0 ? stall_timeout_ns : (int64_t)TP_LOG_DEFAULT_STALL_TIMEOUT_MS * 1000000;
    int64_t interval = sub->stall_timeout_ns / TP_LOG_STALL_CHECKS_PER_TIMEOUT;
    sub->tail_check_interval_ns = interval < TP_LOG_TAIL_CHECK_INTERVAL_NS ? interval : TP_LOG_TAIL_CHECK_INTERVAL_NS;
    /* Join at the live tail: the next record claimed will carry exactly this position and index. */
    tp_log_tail_load_pair(log, &sub->cursor, &sub->next_index);
    sub->position = sub->cursor;
    TP_FETCH_ADD(&log->users, 1);
    *subscription = sub;
    return 0;
}

int tp_log_subscription_close(tp_log_subscription_t *subscription)
{
    if (subscription == NULL)
    {
        return 0;
    }
    TP_FETCH_ADD(&subscription->log->users, -1);
    free(subscription->scratch);
    free(subscription);
    return 0;
}

int64_t tp_log_subscription_position(const tp_log_subscription_t *subscription)
{
    return subscription != NULL ? (int64_t)TP_LOAD_RELAXED(&subscription->position) : 0;
}

void tp_log_subscription_counters(const tp_log_subscription_t *subscription, tp_log_subscription_counters_t *counters)
{
    if (subscription == NULL || counters == NULL)
    {
        return;
    }
    const tp_log_subscription_counters_t *c = &subscription->counters;
    counters->messages_received = TP_LOAD_RELAXED(&c->messages_received);
    counters->bytes_received = TP_LOAD_RELAXED(&c->bytes_received);
    counters->messages_lost = TP_LOAD_RELAXED(&c->messages_lost);
    counters->bytes_lost = TP_LOAD_RELAXED(&c->bytes_lost);
    counters->times_lapped = TP_LOAD_RELAXED(&c->times_lapped);
    counters->stalled_skips = TP_LOAD_RELAXED(&c->stalled_skips);
    counters->invalid_records = TP_LOAD_RELAXED(&c->invalid_records);
    counters->messages_skipped = TP_LOAD_RELAXED(&c->messages_skipped);
    counters->bytes_skipped = TP_LOAD_RELAXED(&c->bytes_skipped);
}

int64_t tp_log_subscription_skip_backlog(tp_log_subscription_t *subscription, uint32_t keep_messages, int32_t message_length)
{
    if (subscription == NULL || message_length < 0)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "subscription must not be NULL, message length not negative");
    }
    return tp_log_skip_backlog(subscription, (uint64_t)keep_messages * tp_log_frame_length(message_length));
}

/* The record at the cursor is claimed but not committed: time it, skip it when too old. `now` may be 0 (not read). */
static int tp_log_stalled(tp_log_subscription_t *sub, int64_t now)
{
    if (!sub->stall_active || sub->stall_position != sub->cursor)
    {
        /* First sighting costs no clock read: most stalls are a publisher mid-copy. */
        (void)tp_log_stall_track(sub, now);
        return TP_LOG_READ_IDLE;
    }
    now = now != 0 ? now : tp_log_now_ns();
    if (now < tp_log_stall_track(sub, now))
    {
        return TP_LOG_READ_IDLE;
    }
    tp_log_skip_stalled(sub);
    return TP_LOG_READ_AGAIN;
}

/*
 * Nothing to read at the cursor (log.h "Idle"). A CLAIMED header there is a
 * claim in progress: time it. Otherwise the tail tells whether a publisher
 * claimed the record and stopped before writing its header; reading it is a
 * cache-line transfer that the next claim pays back, so it happens at most
 * once per tail-check interval, the clock being read every 16th empty poll.
 * A stall already timed at the cursor (by an earlier tail check, or by
 * tp_log_subscription_wait) only needs the clock: it is skipped on the first
 * poll past its deadline, not 16 polls later.
 */
static int tp_log_idle(tp_log_subscription_t *sub, uint64_t state)
{
    const uint64_t cursor = sub->cursor;
    if (state == (cursor | TP_LOG_RECORD_CLAIMED) ||
        (sub->stall_active && sub->stall_position == cursor && sub->stall_deadline_ns != 0))
    {
        return tp_log_stalled(sub, 0);
    }
    if (++sub->empty_polls % TP_LOG_IDLE_CLOCK_POLLS != 0)
    {
        return TP_LOG_READ_IDLE;
    }
    int64_t now = tp_log_now_ns();
    if (now < sub->next_tail_check_ns)
    {
        return TP_LOG_READ_IDLE;
    }
    sub->next_tail_check_ns = now + sub->tail_check_interval_ns;
    int64_t ahead = (int64_t)(TP_LOAD_ACQUIRE(tp_log_tail_position_ptr(sub->log)) - cursor);
    if (ahead < 0)
    {
        /* The tail never moves back: someone wrote garbage into the descriptor. */
        TP_LOG_COUNTER_ADD(sub->counters.invalid_records, 1);
        return TP_LOG_READ_IDLE;
    }
    if (ahead == 0)
    {
        tp_log_stall_clear(sub);
        return TP_LOG_READ_IDLE;
    }
    if (ahead > (int64_t)sub->log->capacity)
    {
        /* Lapped although the limit vouched for the cursor: the limit was written by someone hostile. */
        tp_log_recover_lapped(sub);
        return TP_LOG_READ_AGAIN;
    }
    return tp_log_stalled(sub, now);
}

/*
 * Drop copies whose payload no longer matches the sum their publisher stored
 * (log_layout.h "sum"): bytes a late writer of an older lap put there. Records
 * of a log with one publication carry no sum and cost a compare. Each is
 * counted invalid and lost, so received + lost + skipped still add up.
 * Returns the copies kept, in order.
 */
static int tp_log_drop_overwritten(tp_log_subscription_t *sub, int count)
{
    int kept = 0;
    for (int i = 0; i < count; i++)
    {
        tp_log_entry_t *e = &sub->batch[i];
        if (TP_UNLIKELY(e->sum != (uint32_t)TP_LOG_RECORD_SUM_NONE) &&
            tp_log_payload_sum(sub->scratch + e->offset, (size_t)e->length) != e->sum)
        {
            TP_LOG_COUNTER_ADD(sub->counters.invalid_records, 1);
            TP_LOG_COUNTER_ADD(sub->counters.messages_lost, 1);
            TP_LOG_COUNTER_ADD(sub->counters.bytes_lost, tp_log_frame_length(e->length));
            continue;
        }
        if (kept != i)
        {
            sub->batch[kept] = *e;
        }
        kept++;
    }
    return kept;
}

/*
 * Copy up to TP_LOG_POLL_BATCH committed records from the cursor into
 * scratch, then validate them all with one look at the claim limit (log.h "Read").
 */
static int tp_log_fill(tp_log_subscription_t *sub)
{
    tp_log_t *log = sub->log;
    const uint64_t start = sub->cursor;
    uint64_t cursor = start;
    uint64_t index = sub->next_index;
    uint64_t state = 0;
    uint32_t used = 0;
    int count = 0;
    int invalid = 0;
    while (count < TP_LOG_POLL_BATCH)
    {
        uint8_t *record = tp_log_record_at(log, cursor);
        state = TP_LOAD_ACQUIRE(tp_log_record_state_ptr(record));
        if (state != (cursor | TP_LOG_RECORD_COMMITTED))
        {
            break;
        }
        uint64_t record_index = TP_LOAD_RELAXED(tp_log_record_index_ptr(record));
        int32_t length = TP_LOAD_RELAXED(tp_log_record_length_ptr(record));
        int32_t msg_type = TP_LOAD_RELAXED(tp_log_record_msg_type_ptr(record));
        if (record_index != index || !tp_log_record_sane(log, cursor, length, msg_type))
        {
            invalid = 1;
            break;
        }
        if (msg_type == TP_LOG_MSG_TYPE_PADDING)
        {
            cursor += TP_LOG_RECORD_HEADER_LENGTH + (uint64_t)length;
            continue;
        }
        if ((uint64_t)used + (uint64_t)length > sub->scratch_capacity)
        {
            break;
        }
        memcpy(sub->scratch + used, record + TP_LOG_RECORD_HEADER_LENGTH, (size_t)length);
        tp_log_entry_t *e = &sub->batch[count++];
        e->position = cursor;
        e->index = index;
        e->offset = used;
        e->length = length;
        e->msg_type = msg_type;
        e->sum = TP_LOAD_RELAXED(tp_log_record_sum_ptr(record));
        used += (uint32_t)length;
        cursor += tp_log_frame_length(length);
        index++;
    }
    /* Pairs with the publishers' release fence after their claim: if any byte
     * copied above was written by a newer claim, the limit (or the tail) covers it. */
    TP_FENCE_ACQUIRE();
    int lap = tp_log_lap_check(log, start);
    if (lap == TP_LOG_LAP_OVERRUN)
    {
        tp_log_recover_lapped(sub);
        return TP_LOG_READ_AGAIN;
    }
    if (lap == TP_LOG_LAP_TAIL_BEHIND)
    {
        /* The tail never moves back: someone wrote garbage into the descriptor. */
        TP_LOG_COUNTER_ADD(sub->counters.invalid_records, 1);
        return TP_LOG_READ_IDLE;
    }
    if (cursor != start)
    {
        count = tp_log_drop_overwritten(sub, count);
        sub->cursor = cursor;
        sub->next_index = index;
        sub->batch_count = count;
        sub->batch_next = 0;
        tp_log_position_update(sub);
        tp_log_stall_clear(sub);
        return count > 0 ? TP_LOG_READ_FILLED : TP_LOG_READ_AGAIN;
    }
    if (invalid)
    {
        tp_log_skip_invalid(sub);
        return TP_LOG_READ_AGAIN;
    }
    return tp_log_idle(sub, state);
}

/* Make sure a validated copy is waiting in the batch. Returns 1 when one is, 0 when none is ready. */
static int tp_log_next_entry(tp_log_subscription_t *sub)
{
    for (int round = 0; round < TP_LOG_POLL_ROUNDS; round++)
    {
        if (sub->batch_next < sub->batch_count)
        {
            return 1;
        }
        sub->batch_count = 0;
        sub->batch_next = 0;
        if (tp_log_fill(sub) == TP_LOG_READ_IDLE)
        {
            return 0;
        }
    }
    return sub->batch_next < sub->batch_count;
}

/* The entry at batch_next is being handed over: count it and move the visible position past it. */
static void tp_log_delivered(tp_log_subscription_t *sub, const tp_log_entry_t *e)
{
    sub->batch_next++;
    tp_log_position_update(sub);
    TP_LOG_COUNTER_ADD(sub->counters.messages_received, 1);
    TP_LOG_COUNTER_ADD(sub->counters.bytes_received, e->length);
}

int32_t tp_log_subscription_poll(tp_log_subscription_t *subscription, tp_log_handler_t handler, void *clientd, int32_t fragment_limit)
{
    if (subscription == NULL || handler == NULL || fragment_limit <= 0)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "subscription and handler must not be NULL, fragment limit must be positive");
    }
    int32_t delivered = 0;
    while (delivered < fragment_limit && tp_log_next_entry(subscription))
    {
        const tp_log_entry_t *e = &subscription->batch[subscription->batch_next];
        tp_log_delivered(subscription, e);
        handler(clientd, subscription->scratch + e->offset, e->length, e->msg_type);
        delivered++;
    }
    return delivered;
}

int tp_log_subscription_receive(tp_log_subscription_t *subscription, uint8_t *buffer, int32_t capacity, tp_log_message_info_t *info)
{
    if (subscription == NULL || info == NULL || capacity < 0 || (buffer == NULL && capacity != 0))
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "subscription, info and buffer must be valid, capacity not negative");
    }
    if (!tp_log_next_entry(subscription))
    {
        return 0;
    }
    const tp_log_entry_t *e = &subscription->batch[subscription->batch_next];
    info->position = (int64_t)e->position;
    info->index = (int64_t)e->index;
    info->length = e->length;
    info->msg_type = e->msg_type;
    if (e->length > capacity)
    {
        return TP_ERR_SET(TP_LOG_ERR_BUFFER_TOO_SMALL, "message of %d bytes does not fit the %d-byte buffer (kept pending)",
            e->length, capacity);
    }
    if (e->length > 0)
    {
        memcpy(buffer, subscription->scratch + e->offset, (size_t)e->length);
    }
    tp_log_delivered(subscription, e);
    return 1;
}

int32_t tp_log_subscription_peek(tp_log_subscription_t *subscription, tp_log_message_view_t *views, int32_t max)
{
    if (subscription == NULL || views == NULL || max <= 0)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "subscription and views must not be NULL, max must be positive");
    }
    if (!tp_log_next_entry(subscription))
    {
        return 0;
    }
    /* Only the current batch: reading the log again would overwrite the scratch the views point into. */
    int32_t n = 0;
    for (int i = subscription->batch_next; i < subscription->batch_count && n < max; i++, n++)
    {
        const tp_log_entry_t *e = &subscription->batch[i];
        tp_log_message_view_t *v = &views[n];
        v->buffer = subscription->scratch + e->offset;
        v->position = (int64_t)e->position;
        v->index = (int64_t)e->index;
        v->length = e->length;
        v->msg_type = e->msg_type;
    }
    return n;
}

int32_t tp_log_subscription_consume(tp_log_subscription_t *subscription, int32_t count)
{
    if (subscription == NULL || count <= 0)
    {
        return 0;
    }
    int32_t pending = subscription->batch_count - subscription->batch_next;
    int32_t marked = count < pending ? count : pending;
    for (int32_t i = 0; i < marked; i++)
    {
        tp_log_delivered(subscription, &subscription->batch[subscription->batch_next]);
    }
    return marked;
}
