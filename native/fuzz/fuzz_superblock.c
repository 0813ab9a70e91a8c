/*
 * fuzz_superblock - the 64-byte ShmRegionSuperblock (wire spec §7.1) read from
 * a mapped region another process wrote. Invariants: a superblock that passes
 * tp_superblock_check has a region length, validates against itself, and
 * writes back to the same bytes' fields.
 */
#include "fuzz_util.h"

#include "tensorpool/error.h"
#include "tensorpool/slot.h"
#include "tensorpool/superblock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tp_superblock_t sb;
    int rc = tp_superblock_read(&sb, data, size);
    if (rc < 0)
    {
        TP_FUZZ_ASSERT(size < TP_SUPERBLOCK_SIZE);
        return 0;
    }
    if (tp_superblock_check(&sb) < 0)
    {
        uint64_t ignored;
        TP_FUZZ_ASSERT(tp_superblock_region_length(&ignored, &sb) < 0);
        return 0;
    }
    uint64_t length = 0;
    TP_FUZZ_ASSERT(tp_superblock_region_length(&length, &sb) == 0);
    TP_FUZZ_ASSERT(length >= TP_SUPERBLOCK_SIZE);
    TP_FUZZ_ASSERT(tp_superblock_validate(&sb, &sb) == 0);

    uint8_t region[TP_SUPERBLOCK_SIZE];
    TP_FUZZ_ASSERT(tp_superblock_write(region, sizeof(region), &sb) == 0);
    tp_superblock_t back;
    TP_FUZZ_ASSERT(tp_superblock_read(&back, region, sizeof(region)) == 0);
    TP_FUZZ_ASSERT(memcmp(&back, &sb, sizeof(sb)) == 0);

    /* A superblock from the input checked against another one from the input. */
    if (size >= 2 * TP_SUPERBLOCK_SIZE)
    {
        tp_superblock_t other;
        if (tp_superblock_read(&other, data + TP_SUPERBLOCK_SIZE, size - TP_SUPERBLOCK_SIZE) == 0)
        {
            (void)tp_superblock_validate(&sb, &other);
        }
    }
    return 0;
}
