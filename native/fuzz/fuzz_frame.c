/*
 * fuzz_frame - a consumer validating a frame in a hostile header ring and
 * payload pool (wire spec §8.3, §10.2.1, §15.5, §15.21): ring and pool
 * superblocks, slot bytes and the descriptor's seq all come from the input.
 * Invariant: an accepted frame's payload [payload, payload + values_len) lies
 * inside the pool's mapping (every byte of it is read, so ASan checks).
 */
#include "fuzz_util.h"

#include "tensorpool/frame.h"
#include "tensorpool/superblock.h"

enum { TP_FUZZ_MAX_SLOTS = 16, TP_FUZZ_MAX_STRIDE = 4096 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tp_fuzz_input_t in = {data, size, 0};
    uint32_t nslots = 1u << (tp_fuzz_u8(&in) % 5);               /* 1..16 */
    uint32_t stride = 64u * (1u + tp_fuzz_u8(&in) % (TP_FUZZ_MAX_STRIDE / 64));
    uint64_t seq = tp_fuzz_u64(&in);
    uint16_t pool_id = (uint16_t)(tp_fuzz_u8(&in) % 3);
    uint8_t truncate = tp_fuzz_u8(&in);

    /* The header ring: a valid superblock unless the input overwrites it, then slots from the input. */
    uint64_t ring_length = tp_header_ring_length(nslots);
    uint8_t *ring_bytes = calloc(1, ring_length);
    uint64_t pool_length = tp_payload_pool_length(nslots, stride);
    if (truncate & 1)
    {
        pool_length -= stride / 2; /* a pool view shorter than its superblock says */
    }
    uint8_t *pool_bytes = calloc(1, pool_length);
    if (ring_bytes == NULL || pool_bytes == NULL)
    {
        free(ring_bytes);
        free(pool_bytes);
        return 0;
    }
    tp_superblock_t sb;
    (void)tp_superblock_init_header_ring(&sb, 1, 7, nslots);
    (void)tp_superblock_write(ring_bytes, ring_length, &sb);
    (void)tp_superblock_init_payload_pool(&sb, 1, 7, pool_id, nslots, stride);
    (void)tp_superblock_write(pool_bytes, pool_length, &sb);
    if (truncate & 2)
    {
        tp_fuzz_take(&in, ring_bytes, TP_SUPERBLOCK_SIZE); /* hostile ring superblock */
    }
    tp_fuzz_take(&in, ring_bytes + TP_SUPERBLOCK_SIZE, ring_length - TP_SUPERBLOCK_SIZE);
    size_t rest = 0;
    const uint8_t *payload = tp_fuzz_rest(&in, &rest);
    memcpy(pool_bytes + TP_SUPERBLOCK_SIZE, payload, rest < pool_length - TP_SUPERBLOCK_SIZE ? rest : pool_length - TP_SUPERBLOCK_SIZE);

    tp_header_ring_t ring;
    tp_payload_pool_t pool;
    if (tp_header_ring_wrap(&ring, ring_bytes, ring_length) == 0 &&
        tp_payload_pool_wrap(&pool, pool_bytes, pool_length) == 0)
    {
        TP_FUZZ_ASSERT(ring.nslots >= 1 && tp_header_ring_length(ring.nslots) <= ring_length);
        for (int k = 0; k < 4; k++)
        {
            tp_frame_t frame;
            int32_t status = tp_frame_begin(&frame, &ring, &pool, 1, seq + (uint64_t)k);
            TP_FUZZ_ASSERT(status >= 0 && status < TP_FRAME_STATUS_COUNT);
            if (status != TP_FRAME_OK)
            {
                continue;
            }
            TP_FUZZ_ASSERT(frame.payload >= pool_bytes + TP_SUPERBLOCK_SIZE);
            TP_FUZZ_ASSERT(frame.payload + frame.header.values_len_bytes <= pool_bytes + pool_length);
            TP_FUZZ_ASSERT(frame.header.values_len_bytes <= pool.stride_bytes);
            uint32_t sum = 0;
            for (uint32_t i = 0; i < frame.header.values_len_bytes; i++)
            {
                sum += frame.payload[i];
            }
            (void)sum;
            TP_FUZZ_ASSERT(tp_frame_end(&frame) == TP_FRAME_OK);
        }
    }
    free(ring_bytes);
    free(pool_bytes);
    return 0;
}
