/* uri.c - shm:file URI parsing and formatting (wire spec §15.22; see uri.h). */
#include "tensorpool/uri.h"

#include <string.h>

#include "tensorpool/error.h"

static const char TP_URI_PREFIX[] = "shm:file?";
enum
{
    TP_URI_PREFIX_LENGTH = sizeof(TP_URI_PREFIX) - 1,
    TP_URI_SCHEME_LENGTH = TP_URI_PREFIX_LENGTH - 1, /* "shm:file" */
    TP_URI_ECHO_MAX = 64                             /* bytes of hostile input quoted in a message */
};

/* VCHAR of RFC 5234: visible ASCII, no space, no controls, nothing above 0x7E. */
static int tp_uri_is_vchar(uint8_t c)
{
    return c >= 0x21 && c <= 0x7E;
}

/* Copy at most TP_URI_ECHO_MAX bytes of untrusted input into `buf` for an error message,
 * replacing anything that is not printable so messages stay one readable line. */
static const char *tp_uri_echo(char *buf, const uint8_t *bytes, size_t length)
{
    size_t n = length < TP_URI_ECHO_MAX ? length : TP_URI_ECHO_MAX;
    for (size_t i = 0; i < n; i++)
    {
        buf[i] = tp_uri_is_vchar(bytes[i]) ? (char)bytes[i] : '?';
    }
    if (length > n)
    {
        memcpy(buf + n, "...", 4);
    }
    else
    {
        buf[n] = '\0';
    }
    return buf;
}

static int tp_uri_is_scheme_char(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-' ||
           c == '.';
}

static int tp_uri_check_scheme(const uint8_t *uri, size_t length)
{
    char echo[TP_URI_ECHO_MAX + 4];
    if (length >= TP_URI_SCHEME_LENGTH && memcmp(uri, TP_URI_PREFIX, TP_URI_SCHEME_LENGTH) == 0)
    {
        if (length > TP_URI_SCHEME_LENGTH && uri[TP_URI_SCHEME_LENGTH] == '?')
        {
            return 0;
        }
        if (length > TP_URI_SCHEME_LENGTH && tp_uri_is_scheme_char(uri[TP_URI_SCHEME_LENGTH]))
        {
            /* "shm:files?..." is another scheme, not a malformed shm:file */
            return TP_ERR_SET(TP_ERR_URI_SCHEME, "unsupported region URI scheme (only shm:file, §15.22): %s",
                tp_uri_echo(echo, uri, length));
        }
        return TP_ERR_SET(TP_ERR_URI_SYNTAX, "shm:file URI must continue with '?path=' (§15.22): %s",
            tp_uri_echo(echo, uri, length));
    }
    return TP_ERR_SET(TP_ERR_URI_SCHEME, "unsupported region URI scheme (only shm:file, §15.22): %s",
        tp_uri_echo(echo, uri, length));
}

/* The path rules shared by the parser and the formatter. */
static int tp_uri_check_path(const uint8_t *path, size_t length)
{
    char echo[TP_URI_ECHO_MAX + 4];
    if (length == 0)
    {
        return TP_ERR_SET(TP_ERR_URI_SYNTAX, "shm:file path is empty (§15.22 abs-path = 1*VCHAR)");
    }
    for (size_t i = 0; i < length; i++)
    {
        uint8_t c = path[i];
        if (!tp_uri_is_vchar(c) || c == '?' || c == '|')
        {
            return TP_ERR_SET(TP_ERR_URI_SYNTAX,
                "shm:file path has byte 0x%02x at %zu; only VCHAR except '?' and '|' is allowed (§15.22): %s", c, i,
                tp_uri_echo(echo, path, length));
        }
    }
    if (length > TP_SHM_PATH_MAX - 1)
    {
        return TP_ERR_SET(TP_ERR_PATH_INVALID, "shm:file path is %zu bytes, longer than PATH_MAX - 1 (%d): %s", length,
            TP_SHM_PATH_MAX - 1, tp_uri_echo(echo, path, length));
    }
    if (path[0] != '/')
    {
        return TP_ERR_SET(TP_ERR_PATH_NOT_ABSOLUTE, "shm:file path is not absolute (§15.22): %s",
            tp_uri_echo(echo, path, length));
    }
    return 0;
}

static int tp_uri_key_is(const uint8_t *key, size_t key_length, const char *name)
{
    return key_length == strlen(name) && memcmp(key, name, key_length) == 0;
}

/* One `key=value` entry between separators. `index` is its position (0 = first). */
static int tp_uri_parse_param(tp_shm_uri_t *out, const uint8_t *param, size_t length, size_t index, uint32_t *seen)
{
    char echo[TP_URI_ECHO_MAX + 4];
    enum { SEEN_PATH = 1, SEEN_HUGEPAGES = 2 };
    if (length == 0)
    {
        return TP_ERR_SET(TP_ERR_URI_SYNTAX, "empty parameter at position %zu (§15.22)", index);
    }
    const uint8_t *eq = memchr(param, '=', length);
    if (eq == NULL)
    {
        return TP_ERR_SET(TP_ERR_URI_SYNTAX, "parameter without '=' (§15.22): %s", tp_uri_echo(echo, param, length));
    }
    size_t key_length = (size_t)(eq - param);
    const uint8_t *value = eq + 1;
    size_t value_length = length - key_length - 1;

    uint32_t which;
    if (tp_uri_key_is(param, key_length, "path"))
    {
        which = SEEN_PATH;
    }
    else if (tp_uri_key_is(param, key_length, "require_hugepages"))
    {
        which = SEEN_HUGEPAGES;
    }
    else
    {
        return TP_ERR_SET(TP_ERR_URI_PARAM, "unknown shm:file parameter (only path and require_hugepages, §15.22): %s",
            tp_uri_echo(echo, param, key_length));
    }
    if ((*seen & which) != 0)
    {
        return TP_ERR_SET(TP_ERR_URI_PARAM, "duplicate shm:file parameter: %s", tp_uri_echo(echo, param, key_length));
    }
    *seen |= which;
    if (index == 0 && which != SEEN_PATH)
    {
        return TP_ERR_SET(TP_ERR_URI_SYNTAX, "shm:file URI must start with '?path=' (§15.22 ABNF)");
    }

    if (which == SEEN_PATH)
    {
        int rc = tp_uri_check_path(value, value_length);
        if (rc < 0)
        {
            return rc;
        }
        memcpy(out->path, value, value_length);
        out->path[value_length] = '\0';
        return 0;
    }

    if (value_length == 4 && memcmp(value, "true", 4) == 0)
    {
        out->require_hugepages = 1;
    }
    else if (value_length == 5 && memcmp(value, "false", 5) == 0)
    {
        out->require_hugepages = 0;
    }
    else
    {
        return TP_ERR_SET(TP_ERR_URI_PARAM, "require_hugepages must be true or false (§15.22), got: %s",
            tp_uri_echo(echo, value, value_length));
    }
    return 0;
}

int tp_shm_uri_parse_bytes(tp_shm_uri_t *out, const uint8_t *uri, uint32_t length)
{
    if (out == NULL || uri == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "out and uri must not be NULL");
    }
    memset(out, 0, sizeof(*out));

    int rc = tp_uri_check_scheme(uri, length);
    if (rc < 0)
    {
        return rc;
    }
    if (length > TP_SHM_URI_MAX_LENGTH)
    {
        return TP_ERR_SET(TP_ERR_URI_SYNTAX, "shm:file URI is %u bytes, longer than the %d a valid one can have",
            length, TP_SHM_URI_MAX_LENGTH);
    }

    const uint8_t *params = uri + TP_URI_PREFIX_LENGTH;
    size_t remaining = length - TP_URI_PREFIX_LENGTH;
    char echo[TP_URI_ECHO_MAX + 4];
    for (size_t i = 0; i < remaining; i++)
    {
        /* The ABNF allows only VCHAR; '?' appears once, before the parameters. */
        if (!tp_uri_is_vchar(params[i]) || params[i] == '?')
        {
            return TP_ERR_SET(TP_ERR_URI_SYNTAX, "byte 0x%02x at %zu is not allowed in a shm:file URI (§15.22): %s",
                params[i], TP_URI_PREFIX_LENGTH + i, tp_uri_echo(echo, uri, length));
        }
    }

    uint32_t seen = 0;
    size_t index = 0;
    size_t start = 0;
    for (;;)
    {
        const uint8_t *sep = memchr(params + start, '|', remaining - start);
        size_t end = sep != NULL ? (size_t)(sep - params) : remaining;
        rc = tp_uri_parse_param(out, params + start, end - start, index, &seen);
        if (rc < 0)
        {
            memset(out, 0, sizeof(*out));
            return rc;
        }
        if (sep == NULL)
        {
            break;
        }
        start = end + 1;
        index++;
    }
    return 0;
}

int tp_shm_uri_parse(tp_shm_uri_t *out, const char *uri)
{
    if (out == NULL || uri == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "out and uri must not be NULL");
    }
    /* Bounded scan: one byte past the limit is enough to reject an overlong URI. */
    size_t length = strnlen(uri, (size_t)TP_SHM_URI_MAX_LENGTH + 1);
    return tp_shm_uri_parse_bytes(out, (const uint8_t *)uri, (uint32_t)length);
}

int tp_shm_uri_format(char *out, uint32_t capacity, const char *path, uint32_t require_hugepages)
{
    if (out == NULL || path == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "out and path must not be NULL");
    }
    size_t path_length = strnlen(path, TP_SHM_PATH_MAX);
    int rc = tp_uri_check_path((const uint8_t *)path, path_length);
    if (rc < 0)
    {
        return rc;
    }
    const char *suffix = require_hugepages != 0 ? "|require_hugepages=true" : "|require_hugepages=false";
    size_t suffix_length = strlen(suffix);
    size_t total = TP_URI_PREFIX_LENGTH + 5 + path_length + suffix_length; /* 5 = "path=" */
    if ((size_t)capacity < total + 1)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "buffer of %u bytes cannot hold the %zu-byte URI and its NUL",
            capacity, total);
    }
    memcpy(out, TP_URI_PREFIX, TP_URI_PREFIX_LENGTH);
    memcpy(out + TP_URI_PREFIX_LENGTH, "path=", 5);
    memcpy(out + TP_URI_PREFIX_LENGTH + 5, path, path_length);
    memcpy(out + TP_URI_PREFIX_LENGTH + 5 + path_length, suffix, suffix_length + 1);
    return (int)total;
}
