/*
 * uri.h - the shm:file region URI (wire spec §15.22).
 *
 * The only region URI scheme of v1.2:
 *
 *   shm-uri  = "shm:file?path=" abs-path ["|" "require_hugepages=" bool]
 *   abs-path = 1*( VCHAR except "?" and "|" and SP )
 *   bool     = "true" / "false"
 *
 * Parameters are separated by `|` (Aeron style), `path` comes first and is
 * required, `require_hugepages` is optional (default false). Everything else
 * is rejected, each class of problem with its own code:
 *
 *   TP_ERR_URI_SCHEME        not "shm:file" (e.g. "aeron:ipc", "shm:anon?...")
 *   TP_ERR_URI_SYNTAX        does not follow the ABNF: missing '?', empty
 *                            value, a character outside VCHAR, `path` not
 *                            first, an empty parameter, too long
 *   TP_ERR_URI_PARAM         unknown parameter, duplicated parameter,
 *                            require_hugepages not exactly true/false
 *   TP_ERR_PATH_NOT_ABSOLUTE path does not start with '/'
 *   TP_ERR_PATH_INVALID      path longer than TP_SHM_PATH_MAX - 1 bytes
 *
 * The ABNF's literals are matched case-sensitively (see docs/DECISIONS.md).
 * Parsing copies the path out, so the result does not point into the input.
 * A parsed URI is only syntactically valid: the path still has to pass the
 * containment checks of region.h before it is mapped (§15.21a.5).
 */
#ifndef TENSORPOOL_URI_H
#define TENSORPOOL_URI_H

#include "tensorpool/platform.h"

#ifdef __cplusplus
extern "C" {
#endif

enum
{
    /* PATH_MAX on Linux: the largest path, including its terminating NUL. */
    TP_SHM_PATH_MAX = 4096,
    /* NAME_MAX: the longest single path component. */
    TP_SHM_NAME_MAX = 255,
    /* "shm:file?path=" + the longest path + "|require_hugepages=false". */
    TP_SHM_URI_MAX_LENGTH = 14 + (TP_SHM_PATH_MAX - 1) + 24
};

/* A parsed shm:file URI. */
typedef struct tp_shm_uri_stct
{
    char path[TP_SHM_PATH_MAX];  /* NUL-terminated absolute path, as written in the URI */
    uint32_t require_hugepages;  /* 1 when the URI says require_hugepages=true, else 0 */
    uint32_t reserved;           /* always 0 */
} tp_shm_uri_t;

/*
 * Parse a NUL-terminated URI. Strings longer than TP_SHM_URI_MAX_LENGTH are
 * rejected without being scanned further. Returns 0 or a negative code.
 */
TP_EXPORT int tp_shm_uri_parse(tp_shm_uri_t *out, const char *uri);

/*
 * Parse a URI given as `length` bytes that need not be NUL-terminated (for
 * example the varAscii field of a ShmPoolAnnounce). A NUL byte inside the
 * range is a syntax error. Returns 0 or a negative code.
 */
TP_EXPORT int tp_shm_uri_parse_bytes(tp_shm_uri_t *out, const uint8_t *uri, uint32_t length);

/*
 * Format "shm:file?path=<path>|require_hugepages=<true|false>" into `out`
 * (always with the optional parameter, as the reference implementation
 * writes it). The path must satisfy the same rules the parser enforces.
 * Returns the length written (without the NUL) or a negative code;
 * TP_ERR_INVALID_ARGUMENT when `capacity` cannot hold the URI and its NUL.
 */
TP_EXPORT int tp_shm_uri_format(char *out, uint32_t capacity, const char *path, uint32_t require_hugepages);

#ifdef __cplusplus
}
#endif

#endif /* TENSORPOOL_URI_H */
