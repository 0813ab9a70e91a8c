/*
 * path.h - where region files live and which paths a process may map.
 *
 * Two concerns of wire spec §15.21a:
 *
 * 1. The canonical directory layout producers and drivers create
 *    (§15.21a.3, normative):
 *
 *      <shm_base_dir>/tensorpool-<user>/<namespace>/<stream_id>/<epoch>/
 *          header.ring
 *          <pool_id>.pool
 *
 *    and, beside the stream directories, the project's tp:ipc logs
 *    (not in the spec): <shm_base_dir>/tensorpool-<user>/<namespace>/ipc/<stream_id>.log
 *
 *    `<user>` is the effective user name (or a deployment identifier),
 *    sanitised so it can never traverse: every byte outside [A-Za-z0-9._-]
 *    and a leading '.' become '_'. `<namespace>` is configuration and is
 *    validated, not rewritten: 1..255 bytes of [A-Za-z0-9._-], not starting
 *    with '.'. The base dir must be absolute, with no "." or ".." components,
 *    and every byte must be allowed in a shm:file URI (§15.22). Stream ids
 *    and epochs are printed in decimal, pool ids likewise.
 *
 * 2. The path policy a consumer (or producer, or driver) applies before
 *    mapping an announced path (§15.21a.5, normative): a set of allowed base
 *    directories, each canonicalised ONCE when added, and a check that an
 *    announced path is absolute and that its canonical form (realpath) lies
 *    strictly inside one of them. region.h applies the remaining checks
 *    (regular file, no-follow open, identity re-check).
 *
 * Output buffers: pass TP_SHM_PATH_MAX bytes; functions returning a path
 * return its length (without the NUL) or a negative code. TP_SHM_PATH_MAX
 * and TP_SHM_NAME_MAX are in uri.h.
 */
#ifndef TENSORPOOL_PATH_H
#define TENSORPOOL_PATH_H

#include "tensorpool/platform.h"
#include "tensorpool/uri.h"

#ifdef __cplusplus
extern "C" {
#endif

enum
{
    TP_SHM_PATH_POLICY_MAX_DIRS = 64
};

/* Canonical layout (§15.21a.3) */

/*
 * The effective user's name, sanitised for use as `tensorpool-<user>`.
 * Falls back to "uid<N>" when the user database has no entry (containers).
 */
TP_EXPORT int tp_shm_user_name(char *out, uint32_t capacity);

/*
 * Sanitise a deployment-specific user identifier the same way.
 * TP_ERR_PATH_INVALID when it is empty or too long for a path component.
 */
TP_EXPORT int tp_shm_user_name_sanitise(char *out, uint32_t capacity, const char *user);

/* 0 when `name` is a safe namespace, else TP_ERR_PATH_INVALID with the reason. */
TP_EXPORT int tp_shm_namespace_validate(const char *name);

/*
 * <base_dir>/tensorpool-<user>/<namespace>/<stream_id>/<epoch>
 * `user` NULL means the effective user; a given `user` is sanitised.
 */
TP_EXPORT int tp_shm_epoch_dir(char *out, uint32_t capacity, const char *base_dir, const char *user,
    const char *name_space, uint32_t stream_id, uint64_t epoch);

/* <base_dir>/tensorpool-<user>/<namespace>: the directory every file of a namespace lives under. */
TP_EXPORT int tp_shm_namespace_dir(char *out, uint32_t capacity, const char *base_dir, const char *user,
    const char *name_space);

/*
 * <namespace dir>/ipc/<stream_id>.log: the tp:ipc log file of a stream in a
 * namespace (log.h; docs/DECISIONS.md "tp:ipc log paths"). "ipc" is never a
 * decimal stream id, so logs never meet the epoch directories above.
 */
TP_EXPORT int tp_shm_ipc_log_path(char *out, uint32_t capacity, const char *base_dir, const char *user,
    const char *name_space, uint32_t stream_id);

/* <epoch dir>/header.ring */
TP_EXPORT int tp_shm_header_ring_path(char *out, uint32_t capacity, const char *base_dir, const char *user,
    const char *name_space, uint32_t stream_id, uint64_t epoch);

/* <epoch dir>/<pool_id>.pool */
TP_EXPORT int tp_shm_pool_path(char *out, uint32_t capacity, const char *base_dir, const char *user,
    const char *name_space, uint32_t stream_id, uint64_t epoch, uint16_t pool_id);

/* Path policy (§15.21a.5) */

typedef struct tp_path_policy_stct tp_path_policy_t;

/* An empty policy: it allows nothing until base dirs are added. */
TP_EXPORT int tp_path_policy_create(tp_path_policy_t **policy);

/* Free the policy. NULL is accepted. */
TP_EXPORT int tp_path_policy_close(tp_path_policy_t *policy);

/*
 * Allow paths under `dir`. The dir must be absolute; it is canonicalised now
 * (realpath) and never again (§15.21a.5 step 3). When the dir does not exist
 * yet, its longest existing prefix is canonicalised and the missing
 * components are appended as written (they may not be "." or ".."): a
 * symlink created there later resolves elsewhere and fails containment.
 * An existing dir that is not a directory is TP_ERR_PATH_INVALID.
 * Returns 0 or a negative code; adding a dir twice is harmless.
 */
TP_EXPORT int tp_path_policy_add_base_dir(tp_path_policy_t *policy, const char *dir);

/* Number of allowed base dirs. */
TP_EXPORT uint32_t tp_path_policy_base_dir_count(const tp_path_policy_t *policy);

/* The canonical form of allowed base dir `index` (NULL when out of range). */
TP_EXPORT const char *tp_path_policy_base_dir(const tp_path_policy_t *policy, uint32_t index);

/*
 * Steps 1, 2 and 4 of §15.21a.5: `path` is absolute, resolves (realpath) and
 * its canonical form is strictly inside an allowed base dir. Writes the
 * canonical path to `canonical` and returns its length, or
 * TP_ERR_PATH_NOT_ABSOLUTE, TP_ERR_PATH_INVALID (empty, too long),
 * TP_ERR_NOT_FOUND, TP_ERR_PERMISSION or TP_ERR_PATH_NOT_CONTAINED.
 */
TP_EXPORT int tp_path_policy_check(const tp_path_policy_t *policy, const char *path, char *canonical,
    uint32_t capacity);

#ifdef __cplusplus
}
#endif

#endif /* TENSORPOOL_PATH_H */
