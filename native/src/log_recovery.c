/*
 * log_recovery.c - how a subscriber gets back onto a record boundary after
 * being lapped, held by a stalled claim, or handed an invalid header, and how
 * it counts exactly what it skipped (log.h "Lapped", "Stalled record").
 *
 * Exactness: indices are dense and in position order (one 16-byte CAS assigns
 * both), so landing on any record - or on the tail pair - tells how many
 * records lay between the cursor and the landing point.
 */
#include "log_internal.h"

/* Where a landing counts what lay between the cursor and the landing point: lost, or skipped on request. */
typedef struct tp_log_skip_count_stct
{
    uint64_t *messages;
    uint64_t *bytes;
} tp_log_skip_count_t;

static tp_log_skip_count_t tp_log_count_lost(tp_log_subscription_t *sub)
{
    return (tp_log_skip_count_t){ &sub->counters.messages_lost, &sub->counters.bytes_lost };
}

static void tp_log_land_counted(tp_log_subscription_t *sub, uint64_t position, uint64_t index, tp_log_skip_count_t count)
{
    if (position >= sub->cursor && index >= sub->next_index)
    {
        TP_LOG_COUNTER_ADD(*count.messages, index - sub->next_index);
        TP_LOG_COUNTER_ADD(*count.bytes, position - sub->cursor);
    }
    else
    {
        /* Only a descriptor overwritten with garbage moves the tail backwards. */
        TP_LOG_COUNTER_ADD(sub->counters.invalid_records, 1);
    }
    sub->cursor = position;
    sub->next_index = index;
    sub->batch_count = 0;
    sub->batch_next = 0;
    tp_log_position_update(sub);
    tp_log_stall_clear(sub);
}

static void tp_log_land(tp_log_subscription_t *sub, uint64_t position, uint64_t index)
{
    tp_log_land_counted(sub, position, index, tp_log_count_lost(sub));
}

/*
 * Is there a real header of the current lap at q, after the cursor? Its state
 * word names q itself (a header from an earlier lap names an older position),
 * its check matches, its fields are sane, its index is possible between the
 * cursor and q, and no claim reached it while it was being read.
 */
static int tp_log_self_describing(const tp_log_subscription_t *sub, uint64_t q, uint64_t *index_out)
{
    const tp_log_t *log = sub->log;
    tp_log_header_view_t h;
    tp_log_header_read(tp_log_record_at(log, q), &h);
    uint64_t state = h.state & TP_LOG_RECORD_STATE_MASK;
    if ((h.state & ~(uint64_t)TP_LOG_RECORD_STATE_MASK) != q ||
        (state != TP_LOG_RECORD_CLAIMED && state != TP_LOG_RECORD_COMMITTED) ||
        h.check != tp_log_record_check(q, h.index, h.length, h.msg_type) ||
        !tp_log_record_sane(log, q, h.length, h.msg_type) ||
        h.index < sub->next_index || h.index - sub->next_index > (q - sub->cursor) / TP_LOG_RECORD_ALIGNMENT)
    {
        return 0;
    }
    TP_FENCE_ACQUIRE();
    if (tp_log_lap_check(log, q) != TP_LOG_LAP_CLEAR)
    {
        return 0;
    }
    *index_out = h.index;
    return 1;
}

/*
 * Land on the first real header in [from, tail_position), else on the tail pair itself. A tail behind the
 * cursor (as a signed distance: a descriptor overwritten with garbage) moves nothing: it is counted invalid,
 * and the scan never walks the 2^64 positions between (a hang found by fuzz_log_records).
 */
static void tp_log_scan_and_land_counted(tp_log_subscription_t *sub, uint64_t from, uint64_t tail_position,
    uint64_t tail_index, tp_log_skip_count_t count)
{
    if ((int64_t)(tail_position - sub->cursor) < 0)
    {
        TP_LOG_COUNTER_ADD(sub->counters.invalid_records, 1);
        return;
    }
    /* Callers scan at most a ring (lapped: the newer half); the bound only guards against hostile tails. */
    uint64_t steps = sub->log->capacity / TP_LOG_RECORD_ALIGNMENT;
    for (uint64_t q = tp_log_align(from); q < tail_position && steps > 0; q += TP_LOG_RECORD_ALIGNMENT, steps--)
    {
        uint64_t index;
        if (tp_log_self_describing(sub, q, &index))
        {
            tp_log_land_counted(sub, q, index, count);
            return;
        }
    }
    tp_log_land_counted(sub, tail_position, tail_index, count);
}

static void tp_log_scan_and_land(tp_log_subscription_t *sub, uint64_t from, uint64_t tail_position, uint64_t tail_index)
{
    tp_log_scan_and_land_counted(sub, from, tail_position, tail_index, tp_log_count_lost(sub));
}

static int tp_log_is_lapped(const tp_log_subscription_t *sub, uint64_t tail_position)
{
    return (int64_t)(tail_position - sub->cursor) > (int64_t)sub->log->capacity;
}

/*
 * Resume at the first record at or after tail - capacity/2: the newer half
 * of what the ring still holds, with half a ring of margin before the
 * publishers overrun it again (see docs/DECISIONS.md, "tp:ipc lapped
 * subscribers").
 */
void tp_log_recover_lapped(tp_log_subscription_t *sub)
{
    TP_LOG_COUNTER_ADD(sub->counters.times_lapped, 1);
    uint64_t tail_position, tail_index;
    tp_log_tail_load_pair(sub->log, &tail_position, &tail_index);
    if (!tp_log_is_lapped(sub, tail_position))
    {
        return;
    }
    tp_log_scan_and_land(sub, tail_position - sub->log->capacity / 2, tail_position, tail_index);
}

/*
 * The claim at the cursor outlived the stall timeout. Skip it by its length
 * when its CLAIMED header is there; otherwise its publisher died before
 * writing one, and the next real header (or the tail) is found by scanning.
 */
void tp_log_skip_stalled(tp_log_subscription_t *sub)
{
    tp_log_t *log = sub->log;
    uint64_t tail_position, tail_index;
    tp_log_tail_load_pair(log, &tail_position, &tail_index);
    if (tp_log_is_lapped(sub, tail_position))
    {
        tp_log_recover_lapped(sub);
        return;
    }
    uint64_t cursor = sub->cursor;
    tp_log_header_view_t h;
    tp_log_header_read(tp_log_record_at(log, cursor), &h);
    if (h.state == (cursor | TP_LOG_RECORD_COMMITTED) || tail_position == cursor)
    {
        tp_log_stall_clear(sub); /* committed at the last moment: read it normally */
        return;
    }
    TP_LOG_COUNTER_ADD(sub->counters.stalled_skips, 1);
    uint64_t index;
    if (h.state == (cursor | TP_LOG_RECORD_CLAIMED) && h.msg_type != TP_LOG_MSG_TYPE_PADDING &&
        h.index == sub->next_index && tp_log_self_describing(sub, cursor, &index))
    {
        tp_log_land(sub, cursor + tp_log_frame_length(h.length), index + 1);
        return;
    }
    tp_log_scan_and_land(sub, cursor + TP_LOG_RECORD_ALIGNMENT, tail_position, tail_index);
}

/* A committed header at the cursor failed validation: count it and find the next real one. */
void tp_log_skip_invalid(tp_log_subscription_t *sub)
{
    TP_LOG_COUNTER_ADD(sub->counters.invalid_records, 1);
    uint64_t tail_position, tail_index;
    tp_log_tail_load_pair(sub->log, &tail_position, &tail_index);
    if (tp_log_is_lapped(sub, tail_position))
    {
        tp_log_recover_lapped(sub);
        return;
    }
    tp_log_scan_and_land(sub, sub->cursor + TP_LOG_RECORD_ALIGNMENT, tail_position, tail_index);
}

/*
 * Skip on request (log.h tp_log_subscription_skip_backlog). Copies waiting in
 * the batch before the keep window are passed over first; when the window
 * starts beyond the cursor, the ring is scanned from there for the first real
 * header, exactly as a lapped subscriber resumes, but counted as skipped.
 */
int64_t tp_log_skip_backlog(tp_log_subscription_t *sub, uint64_t keep_bytes)
{
    uint64_t tail_position, tail_index;
    tp_log_tail_load_pair(sub->log, &tail_position, &tail_index);
    if (tail_position < sub->cursor || tail_index < sub->next_index)
    {
        /* The tail never moves back: someone wrote garbage into the descriptor. Stay put. */
        TP_LOG_COUNTER_ADD(sub->counters.invalid_records, 1);
        return 0;
    }
    const uint64_t before = TP_LOAD_RELAXED(&sub->counters.messages_skipped);
    /* Never keep more than the ring holds: older bytes are being overwritten. */
    const uint64_t keep = keep_bytes < sub->log->capacity / 2 ? keep_bytes : sub->log->capacity / 2;
    const uint64_t window = tail_position > keep ? tail_position - keep : 0; /* keep what starts at or after it */
    while (sub->batch_next < sub->batch_count && sub->batch[sub->batch_next].position < window)
    {
        const tp_log_entry_t *e = &sub->batch[sub->batch_next++];
        uint64_t end = sub->batch_next < sub->batch_count ? sub->batch[sub->batch_next].position : sub->cursor;
        TP_LOG_COUNTER_ADD(sub->counters.messages_skipped, 1);
        TP_LOG_COUNTER_ADD(sub->counters.bytes_skipped, end - e->position);
    }
    if (window > sub->cursor)
    {
        tp_log_skip_count_t skipped = { &sub->counters.messages_skipped, &sub->counters.bytes_skipped };
        tp_log_scan_and_land_counted(sub, window, tail_position, tail_index, skipped);
    }
    else
    {
        tp_log_position_update(sub);
    }
    return (int64_t)(TP_LOAD_RELAXED(&sub->counters.messages_skipped) - before);
}
