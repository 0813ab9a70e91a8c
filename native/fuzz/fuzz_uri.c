/*
 * fuzz_uri - shm:file URIs (wire spec §15.22) as they arrive in a
 * ShmPoolAnnounce: length-delimited bytes and NUL-terminated strings.
 * Invariant: a URI that parses formats back to a URI that parses to the same
 * path and flag.
 */
#include "fuzz_util.h"

#include "tensorpool/error.h"
#include "tensorpool/uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static tp_shm_uri_t uri;
    static tp_shm_uri_t again;
    static char text[TP_SHM_URI_MAX_LENGTH + 1];

    uint32_t length = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
    int rc = tp_shm_uri_parse_bytes(&uri, data, length);
    if (rc < 0)
    {
        TP_FUZZ_ASSERT(tp_errcode() == rc);
    }
    else
    {
        TP_FUZZ_ASSERT(memchr(uri.path, '\0', sizeof(uri.path)) != NULL);
        TP_FUZZ_ASSERT(uri.require_hugepages <= 1);
        int n = tp_shm_uri_format(text, sizeof(text), uri.path, uri.require_hugepages);
        TP_FUZZ_ASSERT(n > 0);
        TP_FUZZ_ASSERT(tp_shm_uri_parse(&again, text) == 0);
        TP_FUZZ_ASSERT(strcmp(again.path, uri.path) == 0);
        TP_FUZZ_ASSERT(again.require_hugepages == uri.require_hugepages);
    }

    /* The same bytes as a C string: up to the first NUL. */
    if (size <= TP_SHM_URI_MAX_LENGTH + 16)
    {
        char *copy = malloc(size + 1);
        if (copy != NULL)
        {
            memcpy(copy, data, size);
            copy[size] = '\0';
            (void)tp_shm_uri_parse(&again, copy);
            /* And as a path to format: refused or formatted, never overflowing. */
            (void)tp_shm_uri_format(text, sizeof(text), copy, size & 1);
            (void)tp_shm_uri_format(text, 32, copy, 0);
            free(copy);
        }
    }
    return 0;
}
