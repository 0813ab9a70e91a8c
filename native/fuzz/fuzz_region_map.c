/*
 * fuzz_region_map - a region file with hostile contents mapped as a consumer
 * would (wire spec §7.1, §15.1, §15.21a.5): the input is the file. The first
 * byte picks the expectation (none, the file's own superblock, or a
 * different one), the access mode and whether the path goes through a
 * shm:file URI. Invariant: a mapped region's length is exactly what its
 * superblock implies and every byte of it can be read.
 */
#include "fuzz_util.h"

#include "tensorpool/region.h"
#include "tensorpool/slot.h"
#include "tensorpool/uri.h"

static tp_path_policy_t *tp_fuzz_policy(void)
{
    static tp_path_policy_t *policy;
    if (policy == NULL)
    {
        TP_FUZZ_ASSERT(tp_path_policy_create(&policy) == 0);
        TP_FUZZ_ASSERT(tp_path_policy_add_base_dir(policy, tp_fuzz_scratch_dir()) == 0);
    }
    return policy;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
    {
        return 0;
    }
    uint8_t mode = data[0];
    const char *path = tp_fuzz_write_file("region", data + 1, size - 1);
    if (path == NULL)
    {
        return 0;
    }
    tp_superblock_t file_sb;
    tp_superblock_t *expected = NULL;
    /* data + 1 is unaligned; the superblock is read from an aligned copy, as it is from a mapping. */
    uint64_t head[TP_SUPERBLOCK_SIZE / 8] = { 0 };
    memcpy(head, data + 1, size - 1 < sizeof(head) ? size - 1 : sizeof(head));
    if ((mode & 3) != 0 && tp_superblock_read(&file_sb, (const uint8_t *)head, size - 1 < sizeof(head) ? size - 1 : sizeof(head)) == 0)
    {
        expected = &file_sb;
        if ((mode & 3) == 2)
        {
            file_sb.epoch ^= 1; /* an announce that disagrees */
        }
    }
    int32_t access = (mode & 4) ? TP_REGION_ACCESS_READ_WRITE : TP_REGION_ACCESS_READ_ONLY;
    tp_region_t *region = NULL;
    int rc;
    if (mode & 8)
    {
        char uri[TP_SHM_URI_MAX_LENGTH + 1];
        TP_FUZZ_ASSERT(tp_shm_uri_format(uri, sizeof(uri), path, 0) > 0);
        rc = tp_region_map_uri(&region, tp_fuzz_policy(), uri, access, expected);
    }
    else
    {
        rc = tp_region_map(&region, tp_fuzz_policy(), path, access, 0, expected);
    }
    if (rc == 0)
    {
        TP_FUZZ_ASSERT((mode & 3) != 2 || expected == NULL);
        tp_superblock_t sb;
        TP_FUZZ_ASSERT(tp_superblock_read(&sb, tp_region_base(region), tp_region_length(region)) == 0);
        uint64_t length = 0;
        TP_FUZZ_ASSERT(tp_superblock_region_length(&length, &sb) == 0);
        TP_FUZZ_ASSERT(length == tp_region_length(region));
        TP_FUZZ_ASSERT(length == size - 1);
        const uint8_t *base = tp_region_base(region);
        uint8_t x = 0;
        for (uint64_t i = 0; i < length; i += 512)
        {
            x ^= base[i];
        }
        (void)x;
        TP_FUZZ_ASSERT(tp_region_close(region) == 0);
    }
    else
    {
        TP_FUZZ_ASSERT(region == NULL);
    }
    return 0;
}
