/*
 * log_layout.h - the bytes of a tp:ipc log file: the one home of its layout.
 *
 * A log file is a 4096-byte descriptor page followed by the ring of
 * `capacity` bytes (a power of two). Every multi-byte field is little-endian
 * (wire spec §15.1 makes the SHM layouts little-endian only).
 *
 * Descriptor page (offsets from the start of the file):
 *
 *   0        4        8        12       16                24       28       32
 *   +--------+--------+--------+--------+-----------------+--------+--------+
 *   | magic  |version |desc_len|align   | capacity (u64)  |max_msg |rec_hdr |
 *   +--------+--------+--------+--------+-----------------+--------+--------+
 *   32       36       40                48 ............................ 128
 *   +--------+--------+-----------------+-------------------------------+
 *   |crt_pid |reserved| created_ns (i64)| reserved, zero                |
 *   +--------+--------+-----------------+-------------------------------+
 *   128               136               144 ......................... 256
 *   +-----------------+-----------------+-------------------------------+
 *   | tail_position   | tail_index      | alone on its 128-byte pair    |  <- one 16-byte word,
 *   +-----------------+-----------------+-------------------------------+     changed only by a
 *   256      260 ........................................................ 384  16-byte CAS
 *   +--------+-----------------------------------------------------------+
 *   | futex  | reserved, zero                                            |
 *   +--------+-----------------------------------------------------------+
 *   384               392 ........................................... 512
 *   +-----------------+-------------------------------------------------+
 *   | claim_limit     | alone on its 128-byte pair                      |  <- raised by CAS,
 *   +-----------------+-------------------------------------------------+     about 4 times a lap
 *   512      516 ......................................................... 640
 *   +--------+----------------------------------------------------------+
 *   |pub_cnt | alone on its 128-byte pair                               |  <- changed only when a
 *   +--------+----------------------------------------------------------+     publication opens or closes
 *   640 .............................................................. 4096
 *   +-------------------------------------------------------------------+
 *   | reserved, zero                                                    |
 *   +-------------------------------------------------------------------+
 *   4096 ............................................... 4096 + capacity
 *   +-------------------------------------------------------------------+
 *   | ring: records, each aligned to 32 bytes                           |
 *   +-------------------------------------------------------------------+
 *
 *   magic       "TPLG" (0x474C5054 read as a little-endian u32)
 *   version     TP_LOG_LAYOUT_VERSION
 *   desc_len    TP_LOG_DESCRIPTOR_LENGTH; the ring starts there
 *   align       TP_LOG_RECORD_ALIGNMENT
 *   capacity    ring bytes, a power of two in [TP_LOG_MIN_CAPACITY, TP_LOG_MAX_CAPACITY]
 *   max_msg     capacity / 8 - TP_LOG_RECORD_HEADER_LENGTH (the largest payload)
 *   rec_hdr     TP_LOG_RECORD_HEADER_LENGTH
 *   crt_pid, created_ns   who created the file and when (CLOCK_REALTIME); informative only
 *   tail        {position, index}: the absolute position where the next record
 *               will be claimed and the dense index it will get. Both only grow.
 *   futex       bit 0: a subscriber sleeps (or is about to) in FUTEX_WAIT on this word;
 *               bits 1..31: wake sequence, bumped by every wake.
 *   claim_limit no claim ends beyond it: a publisher whose claim would end past the limit
 *               first raises it to that end + capacity / TP_LOG_CLAIM_LIMIT_STEP_DIVISOR.
 *               Only grows. Subscribers validate their copies against it instead of the
 *               tail, so the tail's line stays with the publishers (log.h "Read").
 *   pub_cnt     publications open on the log (a crashed one stays counted). A record claimed
 *               while it is above 1 carries a payload sum (record "sum").
 *
 * Record header (at every record start; position = absolute log position):
 *
 *   0                 8                 16       20       24       28       32
 *   +-----------------+-----------------+--------+--------+--------+--------+
 *   | state (u64)     | index (u64)     | length |msg_type| check  |  sum   |
 *   +-----------------+-----------------+--------+--------+--------+--------+
 *   32 .. 32 + length: payload, then zero to 31 bytes up to the next 32-byte boundary
 *
 *   state     position | TP_LOG_RECORD_CLAIMED or position | TP_LOG_RECORD_COMMITTED.
 *             Positions are multiples of 32, so the low 5 bits are free. A record
 *             is "self-describing": a header left over from an earlier lap holds an
 *             older position and never matches the place it is read from.
 *   index     dense record index, assigned together with the position by the claim;
 *             a padding record carries the index of the record that follows it.
 *   length    payload bytes (padding: bytes from the end of its header to the ring end)
 *   msg_type  >= 0: the publisher's message type; TP_LOG_MSG_TYPE_PADDING for padding
 *   check     a hash of (position, index, length, msg_type): lets a scan tell a real
 *             header from payload bytes that happen to hold a matching position.
 *   sum       TP_LOG_RECORD_SUM_NONE, or a hash of the payload bytes stored before the
 *             commit, which a subscriber checks its copy against: a mismatch is dropped and
 *             counted. A publisher of an older lap descheduled between its claim check and
 *             its copy can still write into bytes a newer lap owns, and nothing else tells
 *             its bytes from the owner's (docs/DECISIONS.md D230). Only another publisher can
 *             be that late writer, so a record claimed while pub_cnt was 1 (and padding)
 *             carries NONE and costs nothing.
 *
 * A record never straddles the ring end: when it does not fit, the claim also
 * takes the rest of the lap and fills it with one padding record.
 */
#ifndef TENSORPOOL_LOG_LAYOUT_H
#define TENSORPOOL_LOG_LAYOUT_H

#include "tensorpool/platform.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tp_log_layout_en
{
    TP_LOG_MAGIC = 0x474C5054, /* "TPLG" */
    TP_LOG_LAYOUT_VERSION = 3, /* 2: claim_limit; 3: record payload sum (docs/DECISIONS.md) */

    /* Descriptor page */
    TP_LOG_DESCRIPTOR_LENGTH = 4096,
    TP_LOG_MAGIC_OFFSET = 0,
    TP_LOG_VERSION_OFFSET = 4,
    TP_LOG_DESCRIPTOR_LENGTH_OFFSET = 8,
    TP_LOG_RECORD_ALIGNMENT_OFFSET = 12,
    TP_LOG_CAPACITY_OFFSET = 16,
    TP_LOG_MAX_MESSAGE_LENGTH_OFFSET = 24,
    TP_LOG_RECORD_HEADER_LENGTH_OFFSET = 28,
    TP_LOG_CREATOR_PID_OFFSET = 32,
    TP_LOG_CREATED_NS_OFFSET = 40,
    TP_LOG_TAIL_POSITION_OFFSET = 128,
    TP_LOG_TAIL_INDEX_OFFSET = 136,
    TP_LOG_FUTEX_OFFSET = 256,
    TP_LOG_CLAIM_LIMIT_OFFSET = 384,
    TP_LOG_PUBLISHERS_OFFSET = 512,

    /* Ring and records */
    TP_LOG_RECORD_ALIGNMENT = 32,
    TP_LOG_RECORD_HEADER_LENGTH = 32,
    TP_LOG_RECORD_STATE_OFFSET = 0,
    TP_LOG_RECORD_INDEX_OFFSET = 8,
    TP_LOG_RECORD_LENGTH_OFFSET = 16,
    TP_LOG_RECORD_MSG_TYPE_OFFSET = 20,
    TP_LOG_RECORD_CHECK_OFFSET = 24,
    TP_LOG_RECORD_SUM_OFFSET = 28,
    TP_LOG_RECORD_STATE_MASK = 31, /* low bits of the state word that hold the state */
    TP_LOG_RECORD_CLAIMED = 1,
    TP_LOG_RECORD_COMMITTED = 2,
    TP_LOG_RECORD_SUM_NONE = 0x5A17C0DE, /* "no sum": a real sum never takes this value */
    TP_LOG_MSG_TYPE_PADDING = -1,

    /* Capacity */
    TP_LOG_MIN_CAPACITY = 1024,
    TP_LOG_MAX_CAPACITY = 1 << 30,
    TP_LOG_DEFAULT_CAPACITY = 4 << 20, /* docs/DECISIONS.md "tp:ipc log: ... 4 MiB default ring" */
    TP_LOG_MAX_MESSAGE_DIVISOR = 8,    /* max payload = capacity / 8 - record header */
    TP_LOG_CLAIM_LIMIT_STEP_DIVISOR = 4 /* the claim limit is raised to claim end + capacity / 4 */
} tp_log_layout_t;

TP_STATIC_ASSERT(TP_LOG_TAIL_POSITION_OFFSET % 128 == 0, "the tail is alone on a 128-byte line pair");
TP_STATIC_ASSERT(TP_LOG_TAIL_INDEX_OFFSET == TP_LOG_TAIL_POSITION_OFFSET + 8, "tail {position, index} is one 16-byte word");
TP_STATIC_ASSERT(TP_LOG_FUTEX_OFFSET >= TP_LOG_TAIL_POSITION_OFFSET + 128, "the futex word does not share the tail's line pair");
TP_STATIC_ASSERT(TP_LOG_FUTEX_OFFSET % 64 == 0, "the futex word starts a cache line");
TP_STATIC_ASSERT(TP_LOG_CREATED_NS_OFFSET + 8 <= TP_LOG_TAIL_POSITION_OFFSET, "identity fields precede the tail");
TP_STATIC_ASSERT(TP_LOG_CLAIM_LIMIT_OFFSET % 128 == 0 && TP_LOG_CLAIM_LIMIT_OFFSET >= TP_LOG_FUTEX_OFFSET + 128,
    "the claim limit is alone on a 128-byte line pair, away from the tail and the futex word");
TP_STATIC_ASSERT(TP_LOG_PUBLISHERS_OFFSET % 128 == 0 && TP_LOG_PUBLISHERS_OFFSET >= TP_LOG_CLAIM_LIMIT_OFFSET + 128,
    "the publication count is alone on a 128-byte line pair");
TP_STATIC_ASSERT(TP_LOG_PUBLISHERS_OFFSET + 128 <= TP_LOG_DESCRIPTOR_LENGTH, "the descriptor page holds every field");
TP_STATIC_ASSERT(TP_LOG_DESCRIPTOR_LENGTH % 4096 == 0, "the ring starts on a page boundary");
TP_STATIC_ASSERT(TP_LOG_RECORD_HEADER_LENGTH == TP_LOG_RECORD_ALIGNMENT, "a padding record always fits the space left at the ring end");
TP_STATIC_ASSERT(TP_LOG_RECORD_SUM_OFFSET == TP_LOG_RECORD_CHECK_OFFSET + 4 && TP_LOG_RECORD_SUM_OFFSET + 4 == TP_LOG_RECORD_HEADER_LENGTH,
    "check and sum end the record header");
TP_STATIC_ASSERT(TP_LOG_RECORD_STATE_MASK + 1 == TP_LOG_RECORD_ALIGNMENT, "state bits are the alignment bits of a position");
TP_STATIC_ASSERT((TP_LOG_MIN_CAPACITY & (TP_LOG_MIN_CAPACITY - 1)) == 0, "minimum capacity is a power of two");
TP_STATIC_ASSERT((TP_LOG_DEFAULT_CAPACITY & (TP_LOG_DEFAULT_CAPACITY - 1)) == 0, "default capacity is a power of two");
TP_STATIC_ASSERT(TP_LOG_MIN_CAPACITY / TP_LOG_MAX_MESSAGE_DIVISOR > TP_LOG_RECORD_HEADER_LENGTH, "the smallest log still carries payload");

#ifdef __cplusplus
}
#endif

#endif /* TENSORPOOL_LOG_LAYOUT_H */
