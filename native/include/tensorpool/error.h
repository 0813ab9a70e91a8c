/*
 * error.h - the libtensorpool error convention.
 *
 * Every fallible function returns 0 (or a non-negative value) on success and a
 * negative tp_error_t code on failure. The code and a human-readable message
 * are also kept per thread: tp_errcode() and tp_errmsg() report the last
 * failure on the calling thread. The message is an error "stack": the place
 * that raised the error writes the first line and each caller may append a
 * line of context as the error travels up, e.g.
 *
 *   (-11) path escapes the allowed base directories: /dev/shm/x/../../etc/passwd
 *     at tp_path_check_contained (path.c:88)
 *     at tp_region_map (region.c:140)
 *
 * Nothing here allocates; the message buffer is a fixed thread-local array
 * and longer messages are truncated. Success does not clear the last error;
 * call tp_err_clear() when that matters.
 *
 * Code ranges: -1..-99 core (memory, layout, validation), -100..-149 the
 * tp:ipc log (log_error.h), -150..-199 reserved for later subsystems. Each
 * range has a header of codes only; tp_errname names them all.
 */
#ifndef TENSORPOOL_ERROR_H
#define TENSORPOOL_ERROR_H

#include "tensorpool/platform.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tp_error_en
{
    TP_OK = 0,
    /* Generic */
    TP_ERR_INVALID_ARGUMENT = -1,   /* a NULL pointer, zero size or out-of-range argument from the caller */
    TP_ERR_IO = -2,                 /* an OS call failed; the message carries errno and its text */
    TP_ERR_NO_MEMORY = -3,
    TP_ERR_STATE = -4,              /* the object is not in a state that allows the call */
    TP_ERR_UNSUPPORTED = -5,        /* the platform cannot do what was asked (fail closed) */
    TP_ERR_MLOCK = -6,              /* mlock of a region failed; fatal when policies.mlock_shm is set (driver spec §17) */
    /* shm:file URIs (wire spec §15.22) */
    TP_ERR_URI_SCHEME = -10,        /* not shm:file */
    TP_ERR_URI_SYNTAX = -11,        /* does not follow the ABNF */
    TP_ERR_URI_PARAM = -12,         /* unknown or duplicated parameter, bad bool value */
    /* Paths and files (wire spec §15.21a) */
    TP_ERR_PATH_NOT_ABSOLUTE = -20,
    TP_ERR_PATH_NOT_CONTAINED = -21, /* canonical path is outside every allowed base dir */
    TP_ERR_PATH_INVALID = -22,       /* empty, too long, or a name component that is unsafe */
    TP_ERR_NOT_REGULAR_FILE = -23,   /* FIFO, socket, device, directory, ... */
    TP_ERR_SYMLINK = -24,            /* the final component is a symlink (no-follow open refused it) */
    TP_ERR_FILE_CHANGED = -25,       /* device/inode of the opened file differ from the checked path */
    TP_ERR_NOT_FOUND = -26,
    TP_ERR_HUGEPAGES = -27,          /* hugepage backing required but not satisfiable or not present */
    TP_ERR_EXISTS = -28,
    TP_ERR_PERMISSION = -29,         /* the OS refused access (EACCES/EPERM) */
    /* Layout validation (wire spec §7, §8, §9, §15.1) */
    TP_ERR_SIZE = -30,               /* file or buffer size inconsistent with the layout */
    TP_ERR_MAGIC = -31,
    TP_ERR_LAYOUT_VERSION = -32,
    TP_ERR_NSLOTS = -33,             /* zero, not a power of two, or mismatched */
    TP_ERR_STRIDE = -34,             /* zero or not a multiple of 64 */
    TP_ERR_SLOT_BYTES = -35,
    TP_ERR_REGION_TYPE = -36,
    TP_ERR_POOL_ID = -37,
    TP_ERR_EPOCH = -38,
    TP_ERR_STREAM_ID = -39,
    TP_ERR_MISMATCH = -40,           /* some other superblock field disagrees with what was expected */
    /* Region creation (wire spec §15.21a.3, §15.21a.6) */
    TP_ERR_OWNER = -50               /* an existing directory of the layout belongs to another user */
} tp_error_t;

/* The code of the last error raised on this thread (TP_OK if none). */
TP_EXPORT int tp_errcode(void);

/* The message of the last error raised on this thread ("" if none). Valid until the next error on this thread. */
TP_EXPORT const char *tp_errmsg(void);

/* Forget the last error on this thread. */
TP_EXPORT void tp_err_clear(void);

/* A short constant name for a code of any range, e.g. "TP_ERR_MAGIC", "TP_LOG_ERR_MAGIC". Never NULL. */
TP_EXPORT const char *tp_errname(int code);

/*
 * Raise an error: record code and a formatted first line, then return the code
 * so callers can write `return TP_ERR_SET(TP_ERR_MAGIC, "bad magic %llx", m);`.
 * Used inside the library; exported so companion C code can follow the same convention.
 */
TP_EXPORT int tp_err_set(int code, const char *func, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Append a line of context to the current error and return its code. */
TP_EXPORT int tp_err_append(const char *func, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define TP_ERR_SET(code, ...) tp_err_set((code), __func__, __FILE__, __LINE__, __VA_ARGS__)
#define TP_ERR_APPEND(...) tp_err_append(__func__, __FILE__, __LINE__, __VA_ARGS__)
/* Propagate a negative result, adding a "at func (file:line)" context line. */
#define TP_ERR_PROPAGATE() tp_err_append(__func__, __FILE__, __LINE__, "%s", "")

#ifdef __cplusplus
}
#endif

#endif /* TENSORPOOL_ERROR_H */
