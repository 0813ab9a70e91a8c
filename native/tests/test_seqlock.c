/* test_seqlock.c - the seq_commit seqlock (wire spec §8.3, §15.3, §15.18), including a torn-read stress test. */
#include "tp_test.h"
#include "tp_test_util.h"

#include <pthread.h>

#include "tensorpool/frame.h"
#include "tensorpool/seqlock.h"

TP_TEST(encodes_sequence_and_commit_bit)
{
    TP_CHECK_EQ_U64(10, tp_seqlock_in_progress(5));
    TP_CHECK_EQ_U64(11, tp_seqlock_committed(5));
    TP_CHECK_EQ_U64(0, tp_seqlock_in_progress(0));
    TP_CHECK_EQ_U64(1, tp_seqlock_committed(0));
    TP_CHECK_EQ_U64(0xFFFFFFFFFFFFFFFFULL, tp_seqlock_committed(0x7FFFFFFFFFFFFFFFULL));
    return 0;
}

TP_TEST(writer_stores_in_progress_then_committed)
{
    uint64_t word = 0;
    tp_seqlock_write_begin(&word, 42);
    TP_CHECK_EQ_U64(84, word);
    tp_seqlock_write_commit(&word, 42);
    TP_CHECK_EQ_U64(85, word);
    return 0;
}

TP_TEST(reader_accepts_a_stable_committed_expected_sequence)
{
    uint64_t word = 0;
    tp_seqlock_write_begin(&word, 9);
    tp_seqlock_write_commit(&word, 9);
    uint64_t observed = tp_seqlock_read_begin(&word);
    TP_CHECK_EQ_INT(TP_SEQLOCK_OK, tp_seqlock_read_validate(&word, observed, 9));
    return 0;
}

TP_TEST(reader_drops_an_uncommitted_slot)
{
    uint64_t word = 0;
    tp_seqlock_write_begin(&word, 9);
    uint64_t observed = tp_seqlock_read_begin(&word);
    TP_CHECK_EQ_INT(TP_SEQLOCK_NOT_COMMITTED, tp_seqlock_read_validate(&word, observed, 9));
    /* Never written: 0 is "sequence 0, in progress". */
    uint64_t zero = 0;
    TP_CHECK_EQ_INT(TP_SEQLOCK_NOT_COMMITTED, tp_seqlock_read_validate(&zero, tp_seqlock_read_begin(&zero), 0));
    return 0;
}

TP_TEST(reader_detects_a_change_during_the_read)
{
    uint64_t word = 0;
    tp_seqlock_write_commit(&word, 9);
    uint64_t observed = tp_seqlock_read_begin(&word);
    tp_seqlock_write_begin(&word, 17); /* the producer laps the ring while we read */
    TP_CHECK_EQ_INT(TP_SEQLOCK_CHANGED, tp_seqlock_read_validate(&word, observed, 9));
    tp_seqlock_write_commit(&word, 17);
    TP_CHECK_EQ_INT(TP_SEQLOCK_CHANGED, tp_seqlock_read_validate(&word, observed, 9));
    return 0;
}

TP_TEST(reader_drops_another_sequence_newer_or_stale)
{
    uint64_t word = 0;
    tp_seqlock_write_commit(&word, 17);
    uint64_t observed = tp_seqlock_read_begin(&word);
    TP_CHECK_EQ_INT(TP_SEQLOCK_SEQ_MISMATCH, tp_seqlock_read_validate(&word, observed, 9));  /* overwritten */
    TP_CHECK_EQ_INT(TP_SEQLOCK_SEQ_MISMATCH, tp_seqlock_read_validate(&word, observed, 25)); /* stale (§15.3) */
    /* A sequence that cannot be encoded never matches. */
    TP_CHECK_EQ_INT(TP_SEQLOCK_SEQ_MISMATCH, tp_seqlock_read_validate(&word, observed, 17 | (1ULL << 63)));
    return 0;
}

/*
 * Stress: one writer overwrites a 4-slot ring as fast as it can; readers
 * chase the newest sequence and accept frames through tp_frame_begin/end.
 * Each payload byte and several header fields are a function of the
 * sequence, so a torn frame cannot pass the check. Bounded by iteration
 * counts, never by time.
 */
enum
{
    STRESS_SLOTS = 4,
    STRESS_PAYLOAD = 1024,
    STRESS_READERS = 2,
    STRESS_READS_PER_READER = 200000,
    STRESS_MAX_WRITES = 50000000
};

typedef struct stress_stct
{
    tp_test_stream_t stream;
    uint64_t published;   /* last committed sequence + 1 (release/acquire, like a descriptor) */
    int readers_done;
    uint64_t accepted[STRESS_READERS];
    uint64_t late[STRESS_READERS];
    uint64_t other[STRESS_READERS];
    uint64_t torn[STRESS_READERS];
    uint64_t writes;
} stress_t;

typedef struct reader_arg_stct
{
    stress_t *stress;
    int id;
} reader_arg_t;

static uint8_t pattern(uint64_t seq, uint32_t i)
{
    return (uint8_t)((seq * 131u) ^ (i * 7u) ^ (seq >> 8));
}

static void *stress_writer(void *arg)
{
    stress_t *st = arg;
    uint8_t payload[STRESS_PAYLOAD];
    uint64_t seq = 0;
    while (__atomic_load_n(&st->readers_done, __ATOMIC_ACQUIRE) < STRESS_READERS && seq < STRESS_MAX_WRITES)
    {
        for (uint32_t i = 0; i < STRESS_PAYLOAD; i++)
        {
            payload[i] = pattern(seq, i);
        }
        tp_slot_fields_t f = tp_test_fields((uint32_t)(seq & (STRESS_SLOTS - 1)), 1, STRESS_PAYLOAD);
        f.timestamp_ns = seq;
        f.meta_version = (uint32_t)(seq * 3u);
        tp_test_publish(&st->stream, seq, &f, payload, STRESS_PAYLOAD);
        __atomic_store_n(&st->published, seq + 1, __ATOMIC_RELEASE);
        seq++;
    }
    st->writes = seq;
    return NULL;
}

static void *stress_reader(void *arg)
{
    reader_arg_t *ra = arg;
    stress_t *st = ra->stress;
    uint8_t copy[STRESS_PAYLOAD];
    for (int n = 0; n < STRESS_READS_PER_READER; n++)
    {
        uint64_t published = __atomic_load_n(&st->published, __ATOMIC_ACQUIRE);
        if (published == 0)
        {
            n--;
            continue;
        }
        /* Chase the ring's whole window: the oldest slot is the one the writer overwrites next. */
        uint64_t back = (uint64_t)n % STRESS_SLOTS;
        uint64_t seq = published - 1 - (back < published ? back : 0);
        tp_frame_t frame;
        int32_t status = tp_frame_begin(&frame, &st->stream.ring, &st->stream.pool, 1, seq);
        if (status == TP_FRAME_OK)
        {
            memcpy(copy, frame.payload, frame.header.values_len_bytes);
            status = tp_frame_end(&frame);
        }
        if (status == TP_FRAME_OK)
        {
            int torn = frame.header.timestamp_ns != seq || frame.header.meta_version != (uint32_t)(seq * 3u) ||
                       frame.header.values_len_bytes != STRESS_PAYLOAD;
            for (uint32_t i = 0; i < STRESS_PAYLOAD && !torn; i++)
            {
                torn = copy[i] != pattern(seq, i);
            }
            st->accepted[ra->id]++;
            st->torn[ra->id] += (uint64_t)torn;
        }
        else if (status == TP_FRAME_DROP_CHANGED || status == TP_FRAME_DROP_NOT_COMMITTED ||
                 status == TP_FRAME_DROP_SEQ_MISMATCH)
        {
            st->late[ra->id]++;
        }
        else
        {
            st->other[ra->id]++;
        }
    }
    __atomic_fetch_add(&st->readers_done, 1, __ATOMIC_ACQ_REL);
    return NULL;
}

TP_TEST(stress_no_torn_frame_is_ever_accepted)
{
    stress_t *st = calloc(1, sizeof(stress_t));
    TP_CHECK(st != NULL);
    TP_CHECK_EQ_INT(0, tp_test_stream_init(&st->stream, STRESS_SLOTS, STRESS_SLOTS, STRESS_PAYLOAD, 1));
    pthread_t writer;
    pthread_t readers[STRESS_READERS];
    reader_arg_t args[STRESS_READERS];
    TP_CHECK_EQ_INT(0, pthread_create(&writer, NULL, stress_writer, st));
    for (int i = 0; i < STRESS_READERS; i++)
    {
        args[i].stress = st;
        args[i].id = i;
        TP_CHECK_EQ_INT(0, pthread_create(&readers[i], NULL, stress_reader, &args[i]));
    }
    for (int i = 0; i < STRESS_READERS; i++)
    {
        pthread_join(readers[i], NULL);
    }
    pthread_join(writer, NULL);

    uint64_t accepted = 0, late = 0, other = 0, torn = 0;
    for (int i = 0; i < STRESS_READERS; i++)
    {
        accepted += st->accepted[i];
        late += st->late[i];
        other += st->other[i];
        torn += st->torn[i];
    }
    printf("stress: %" PRIu64 " writes, %" PRIu64 " accepted, %" PRIu64 " late drops, %" PRIu64 " other drops, %" PRIu64
           " torn accepted\n", st->writes, accepted, late, other, torn);
    tp_test_stream_free(&st->stream);
    free(st);
    TP_CHECK_EQ_U64(0, torn);
    TP_CHECK_EQ_U64(0, other);
    TP_CHECK(accepted > 0);
    TP_CHECK(late > 0);
    return 0;
}

TP_TEST_MAIN()
