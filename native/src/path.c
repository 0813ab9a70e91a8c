/* path.c - canonical layout names (§15.21a.3) and the path policy (§15.21a.5); see path.h. */
#include "tensorpool/path.h"

#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs_util.h"
#include "tensorpool/error.h"
#include "tensorpool/uri.h"

static const char TP_USER_DIR_PREFIX[] = "tensorpool-";
enum { TP_USER_NAME_MAX = TP_SHM_NAME_MAX - (int)(sizeof(TP_USER_DIR_PREFIX) - 1) };

/* ---- canonical layout -------------------------------------------------- */

static int tp_is_portable_name_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
}

int tp_shm_user_name_sanitise(char *out, uint32_t capacity, const char *user)
{
    if (out == NULL || user == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "out and user must not be NULL");
    }
    size_t length = strnlen(user, (size_t)TP_USER_NAME_MAX + 1);
    if (length == 0 || length > TP_USER_NAME_MAX)
    {
        return TP_ERR_SET(TP_ERR_PATH_INVALID, "user name must be 1..%d bytes (§15.21a.3)", TP_USER_NAME_MAX);
    }
    if ((size_t)capacity < length + 1)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "buffer of %u bytes cannot hold a %zu-byte user name", capacity,
            length);
    }
    /* §15.21a.3: sanitise so the name can never traverse; a leading '.' would allow "." and "..". */
    for (size_t i = 0; i < length; i++)
    {
        unsigned char c = (unsigned char)user[i];
        out[i] = (tp_is_portable_name_char(c) && !(i == 0 && c == '.')) ? (char)c : '_';
    }
    out[length] = '\0';
    return (int)length;
}

int tp_shm_user_name(char *out, uint32_t capacity)
{
    if (out == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "out must not be NULL");
    }
    uid_t uid = geteuid();
    struct passwd pw;
    struct passwd *found = NULL;
    char buf[16384];
    int rc = getpwuid_r(uid, &pw, buf, sizeof(buf), &found);
    if (rc == 0 && found != NULL && found->pw_name != NULL && found->pw_name[0] != '\0')
    {
        return tp_shm_user_name_sanitise(out, capacity, found->pw_name);
    }
    char fallback[32];
    snprintf(fallback, sizeof(fallback), "uid%u", (unsigned)uid);
    return tp_shm_user_name_sanitise(out, capacity, fallback);
}

int tp_shm_namespace_validate(const char *name)
{
    if (name == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "namespace must not be NULL");
    }
    size_t length = strnlen(name, (size_t)TP_SHM_NAME_MAX + 1);
    if (length == 0 || length > TP_SHM_NAME_MAX)
    {
        return TP_ERR_SET(TP_ERR_PATH_INVALID, "namespace must be 1..%d bytes (§15.21a.3)", TP_SHM_NAME_MAX);
    }
    if (name[0] == '.')
    {
        return TP_ERR_SET(TP_ERR_PATH_INVALID, "namespace may not start with '.': \"%s\"", name);
    }
    for (size_t i = 0; i < length; i++)
    {
        if (!tp_is_portable_name_char((unsigned char)name[i]))
        {
            return TP_ERR_SET(TP_ERR_PATH_INVALID,
                "namespace may hold only [A-Za-z0-9._-]; byte 0x%02x at %zu is unsafe (§15.21a.3)",
                (unsigned char)name[i], i);
        }
    }
    return 0;
}

/*
 * Check a base dir for the layout: absolute, URI-safe bytes (§15.22), no "."
 * or ".." components. Returns its length without trailing slashes ("/" stays 1).
 */
static int tp_layout_check_base_dir(const char *base_dir, size_t *length_out)
{
    if (base_dir == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "base_dir must not be NULL");
    }
    int rc = tp_fs_check_absolute(base_dir, "base dir");
    if (rc < 0)
    {
        return rc;
    }
    size_t length = (size_t)rc;
    for (size_t i = 0; i < length; i++)
    {
        if (!tp_fs_is_uri_path_char((unsigned char)base_dir[i]))
        {
            return TP_ERR_SET(TP_ERR_PATH_INVALID,
                "base dir byte 0x%02x at %zu cannot appear in a shm:file URI (§15.22)", (unsigned char)base_dir[i], i);
        }
    }
    size_t pos = 0;
    size_t start = 0;
    size_t n;
    while ((n = tp_fs_next_component(base_dir, length, &pos, &start)) > 0)
    {
        rc = tp_fs_check_component(base_dir + start, n, "a base dir component");
        if (rc < 0)
        {
            return TP_ERR_APPEND("base dir %s", base_dir);
        }
    }
    while (length > 1 && base_dir[length - 1] == '/')
    {
        length--;
    }
    *length_out = length;
    return 0;
}

/* Append the formatted text at `*used`; TP_ERR_PATH_INVALID past PATH_MAX, TP_ERR_INVALID_ARGUMENT past capacity. */
static int tp_layout_append(char *out, uint32_t capacity, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int tp_layout_append(char *out, uint32_t capacity, size_t *used, const char *fmt, ...)
{
    char piece[TP_SHM_PATH_MAX];
    va_list args;
    va_start(args, fmt);
    int n = vsnprintf(piece, sizeof(piece), fmt, args);
    va_end(args);
    if (n < 0 || *used + (size_t)n >= TP_SHM_PATH_MAX)
    {
        return TP_ERR_SET(TP_ERR_PATH_INVALID, "layout path would exceed PATH_MAX - 1 (%d bytes)", TP_SHM_PATH_MAX - 1);
    }
    if (*used + (size_t)n >= capacity)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "buffer of %u bytes is too small for the layout path", capacity);
    }
    memcpy(out + *used, piece, (size_t)n + 1);
    *used += (size_t)n;
    return 0;
}

int tp_shm_namespace_dir(char *out, uint32_t capacity, const char *base_dir, const char *user, const char *name_space)
{
    if (out == NULL || capacity == 0)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "out must not be NULL or empty");
    }
    size_t base_length = 0;
    int rc = tp_layout_check_base_dir(base_dir, &base_length);
    if (rc < 0)
    {
        return rc;
    }
    rc = tp_shm_namespace_validate(name_space);
    if (rc < 0)
    {
        return rc;
    }
    char user_name[TP_SHM_NAME_MAX + 1];
    rc = user == NULL ? tp_shm_user_name(user_name, sizeof(user_name))
                      : tp_shm_user_name_sanitise(user_name, sizeof(user_name), user);
    if (rc < 0)
    {
        return TP_ERR_PROPAGATE();
    }
    /* The root as base dir would otherwise produce "//tensorpool-...". */
    int root = base_length == 1;
    size_t used = 0;
    out[0] = '\0';
    rc = tp_layout_append(out, capacity, &used, "%.*s/%s%s/%s", root ? 0 : (int)base_length, base_dir,
        TP_USER_DIR_PREFIX, user_name, name_space);
    return rc < 0 ? rc : (int)used;
}

int tp_shm_epoch_dir(char *out, uint32_t capacity, const char *base_dir, const char *user, const char *name_space,
    uint32_t stream_id, uint64_t epoch)
{
    int rc = tp_shm_namespace_dir(out, capacity, base_dir, user, name_space);
    if (rc < 0)
    {
        return rc;
    }
    size_t used = (size_t)rc;
    rc = tp_layout_append(out, capacity, &used, "/%" PRIu32 "/%" PRIu64, stream_id, epoch);
    return rc < 0 ? rc : (int)used;
}

int tp_shm_ipc_log_path(char *out, uint32_t capacity, const char *base_dir, const char *user, const char *name_space,
    uint32_t stream_id)
{
    int rc = tp_shm_namespace_dir(out, capacity, base_dir, user, name_space);
    if (rc < 0)
    {
        return rc;
    }
    size_t used = (size_t)rc;
    rc = tp_layout_append(out, capacity, &used, "/ipc/%" PRIu32 ".log", stream_id);
    return rc < 0 ? rc : (int)used;
}

int tp_shm_header_ring_path(char *out, uint32_t capacity, const char *base_dir, const char *user,
    const char *name_space, uint32_t stream_id, uint64_t epoch)
{
    int rc = tp_shm_epoch_dir(out, capacity, base_dir, user, name_space, stream_id, epoch);
    if (rc < 0)
    {
        return rc;
    }
    size_t used = (size_t)rc;
    rc = tp_layout_append(out, capacity, &used, "/header.ring");
    return rc < 0 ? rc : (int)used;
}

int tp_shm_pool_path(char *out, uint32_t capacity, const char *base_dir, const char *user, const char *name_space,
    uint32_t stream_id, uint64_t epoch, uint16_t pool_id)
{
    int rc = tp_shm_epoch_dir(out, capacity, base_dir, user, name_space, stream_id, epoch);
    if (rc < 0)
    {
        return rc;
    }
    size_t used = (size_t)rc;
    rc = tp_layout_append(out, capacity, &used, "/%u.pool", (unsigned)pool_id);
    return rc < 0 ? rc : (int)used;
}

/* ---- path policy ------------------------------------------------------- */

struct tp_path_policy_stct
{
    uint32_t count;
    size_t lengths[TP_SHM_PATH_POLICY_MAX_DIRS];
    char *dirs[TP_SHM_PATH_POLICY_MAX_DIRS];
};

int tp_path_policy_create(tp_path_policy_t **policy)
{
    if (policy == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "policy must not be NULL");
    }
    *policy = calloc(1, sizeof(tp_path_policy_t));
    if (*policy == NULL)
    {
        return TP_ERR_SET(TP_ERR_NO_MEMORY, "cannot allocate a path policy");
    }
    return 0;
}

int tp_path_policy_close(tp_path_policy_t *policy)
{
    if (policy != NULL)
    {
        for (uint32_t i = 0; i < policy->count; i++)
        {
            free(policy->dirs[i]);
        }
        free(policy);
    }
    return 0;
}

uint32_t tp_path_policy_base_dir_count(const tp_path_policy_t *policy)
{
    return policy != NULL ? policy->count : 0;
}

const char *tp_path_policy_base_dir(const tp_path_policy_t *policy, uint32_t index)
{
    return (policy != NULL && index < policy->count) ? policy->dirs[index] : NULL;
}

/*
 * Canonicalise a base dir that may not exist yet: realpath of the longest
 * existing prefix, then the missing components as written.
 */
static int tp_policy_canonicalise(const char *dir, char *canonical)
{
    char prefix[TP_SHM_PATH_MAX];
    size_t length = strlen(dir);
    memcpy(prefix, dir, length + 1);

    for (;;)
    {
        if (realpath(prefix, canonical) != NULL)
        {
            break;
        }
        int err = errno;
        if (err != ENOENT)
        {
            return TP_FS_ERR(err, "realpath", prefix);
        }
        /* Drop the last component and try again; "/" always resolves. */
        char *slash = strrchr(prefix, '/');
        while (slash != NULL && slash > prefix && slash[1] == '\0')
        {
            *slash = '\0';
            slash = strrchr(prefix, '/');
        }
        if (slash == NULL)
        {
            return TP_ERR_SET(TP_ERR_PATH_INVALID, "cannot resolve any prefix of %s", dir);
        }
        if (slash == prefix)
        {
            prefix[1] = '\0';
        }
        else
        {
            *slash = '\0';
        }
    }

    struct stat st;
    if (stat(canonical, &st) != 0)
    {
        return TP_FS_ERR(errno, "stat", canonical);
    }
    if (!S_ISDIR(st.st_mode))
    {
        return TP_ERR_SET(TP_ERR_PATH_INVALID, "allowed base dir %s: %s is not a directory", dir, canonical);
    }

    /* Append the components of `dir` that follow the resolved prefix. */
    size_t used = strlen(canonical);
    size_t pos = strlen(prefix);
    size_t start = 0;
    size_t n;
    while ((n = tp_fs_next_component(dir, length, &pos, &start)) > 0)
    {
        int rc = tp_fs_check_component(dir + start, n, "a missing component of an allowed base dir");
        if (rc < 0)
        {
            return rc;
        }
        int root = used == 1;
        if (used + (root ? 0 : 1) + n >= TP_SHM_PATH_MAX)
        {
            return TP_ERR_SET(TP_ERR_PATH_INVALID, "allowed base dir is longer than PATH_MAX: %s", dir);
        }
        if (!root)
        {
            canonical[used++] = '/';
        }
        memcpy(canonical + used, dir + start, n);
        used += n;
        canonical[used] = '\0';
    }
    return 0;
}

int tp_path_policy_add_base_dir(tp_path_policy_t *policy, const char *dir)
{
    if (policy == NULL || dir == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "policy and dir must not be NULL");
    }
    int rc = tp_fs_check_absolute(dir, "an allowed base dir (§15.21a.2)");
    if (rc < 0)
    {
        return rc;
    }
    char canonical[TP_SHM_PATH_MAX];
    rc = tp_policy_canonicalise(dir, canonical);
    if (rc < 0)
    {
        return TP_ERR_APPEND("allowed base dir %s", dir);
    }
    size_t canonical_length = strlen(canonical);
    for (uint32_t i = 0; i < policy->count; i++)
    {
        if (policy->lengths[i] == canonical_length && memcmp(policy->dirs[i], canonical, canonical_length) == 0)
        {
            return 0;
        }
    }
    if (policy->count == TP_SHM_PATH_POLICY_MAX_DIRS)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "a path policy holds at most %d base dirs",
            TP_SHM_PATH_POLICY_MAX_DIRS);
    }
    char *copy = malloc(canonical_length + 1);
    if (copy == NULL)
    {
        return TP_ERR_SET(TP_ERR_NO_MEMORY, "cannot allocate a base dir");
    }
    memcpy(copy, canonical, canonical_length + 1);
    policy->dirs[policy->count] = copy;
    policy->lengths[policy->count] = canonical_length;
    policy->count++;
    return 0;
}

/* Strictly inside: "/a/b" contains "/a/b/c", not "/a/b" itself nor "/a/bc". */
static int tp_policy_contains(const char *base, size_t base_length, const char *path)
{
    if (base_length == 1)
    {
        return path[0] == '/' && path[1] != '\0';
    }
    return strncmp(path, base, base_length) == 0 && path[base_length] == '/' && path[base_length + 1] != '\0';
}

int tp_path_policy_check(const tp_path_policy_t *policy, const char *path, char *canonical, uint32_t capacity)
{
    if (policy == NULL || path == NULL || canonical == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "policy, path and canonical must not be NULL");
    }
    /* §15.21a.5 step 1 */
    int rc = tp_fs_check_absolute(path, "an announced region path (§15.21a.5)");
    if (rc < 0)
    {
        return rc;
    }
    /* §15.21a.5 step 2 */
    char resolved[TP_SHM_PATH_MAX];
    if (realpath(path, resolved) == NULL)
    {
        return TP_FS_ERR(errno, "realpath", path);
    }
    /* §15.21a.5 step 4, against the dirs canonicalised once in add_base_dir (step 3) */
    for (uint32_t i = 0; i < policy->count; i++)
    {
        if (tp_policy_contains(policy->dirs[i], policy->lengths[i], resolved))
        {
            size_t resolved_length = strlen(resolved);
            if ((size_t)capacity < resolved_length + 1)
            {
                return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "buffer of %u bytes cannot hold the canonical path",
                    capacity);
            }
            memcpy(canonical, resolved, resolved_length + 1);
            return (int)resolved_length;
        }
    }
    return TP_ERR_SET(TP_ERR_PATH_NOT_CONTAINED,
        "region path %s resolves to %s, outside every allowed base dir (%u configured, §15.21a.5)", path, resolved,
        policy->count);
}
