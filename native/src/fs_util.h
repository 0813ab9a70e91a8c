/*
 * fs_util.h - internal helpers shared by path.c and region.c (not exported).
 */
#ifndef TENSORPOOL_FS_UTIL_H
#define TENSORPOOL_FS_UTIL_H

#include <stddef.h>

#include "tensorpool/error.h"

/* The tp_error_t code for an errno value of a file-system call. */
int tp_fs_errno_code(int err);

/* strerror into a caller buffer (thread-safe). */
const char *tp_fs_strerror(int err, char *buf, size_t capacity);

/* Raise the error of a failed file-system call: `what` names the call, `path` its argument. */
#define TP_FS_ERR(err, what, path)                                                                          \
    __extension__({                                                                                         \
        char tp_fs_buf_[128];                                                                               \
        int tp_fs_err_ = (err);                                                                             \
        TP_ERR_SET(tp_fs_errno_code(tp_fs_err_), "%s %s: %s (errno %d)", (what), (path),                   \
            tp_fs_strerror(tp_fs_err_, tp_fs_buf_, sizeof(tp_fs_buf_)), tp_fs_err_);                        \
    })

/* 1 when `c` may appear in a shm:file URI path (§15.22: VCHAR except '?' and '|'). */
int tp_fs_is_uri_path_char(unsigned char c);

/*
 * Check a name used as one path component: 1..TP_SHM_NAME_MAX bytes, not "."
 * or "..", no '/'. Returns 0 or TP_ERR_PATH_INVALID naming `what`.
 */
int tp_fs_check_component(const char *name, size_t length, const char *what);

/*
 * A caller-supplied path that must be absolute: non-NULL was checked by the
 * caller; 1..PATH_MAX-1 bytes (TP_ERR_PATH_INVALID) starting with '/'
 * (TP_ERR_PATH_NOT_ABSOLUTE). `what` names it in the message. Returns its length.
 */
int tp_fs_check_absolute(const char *path, const char *what);

/*
 * Iterate the '/'-separated components of path[0, length): skips slashes at
 * *pos, stores where the next component starts in *start, moves *pos past it
 * and returns its length (0 when there is none left).
 */
size_t tp_fs_next_component(const char *path, size_t length, size_t *pos, size_t *start);

#endif /* TENSORPOOL_FS_UTIL_H */
