/*
 * file_view.h - a read-only view of a file that is not (yet) known to be a
 * valid region: for tools that must open what tp_region_map (region.h)
 * refuses, to say why (`tp shm inspect`).
 *
 * tp_file_view_open opens a path the way §15.21a.5 step 6 opens a region,
 * without the path policy and without any layout check:
 *   - the last component is never followed: a symlink is TP_ERR_SYMLINK;
 *   - the open never blocks (O_NONBLOCK: a FIFO cannot hang it) and never
 *     makes a terminal the controlling one (O_NOCTTY);
 *   - only a regular file is mapped, judged by fstat of the descriptor that
 *     was opened (no race between a check and the open); anything else is
 *     TP_ERR_NOT_REGULAR_FILE, and *type says what it is;
 *   - an empty file is TP_ERR_SIZE (nothing to map);
 *   - the mapping is read-only and shared (a live region shows what its
 *     producer writes) and covers exactly the file's size at the open.
 * Superblock, size and slot checks are the caller's (superblock.h, slot.h).
 *
 * A file that shrinks after the open (another process truncates it) leaves
 * mapped pages past its new end, and reading them raises SIGBUS. Regions
 * never shrink during their epoch (§15.14), but a tool reads whatever it is
 * given: tp_file_view_next_data never reports data past the file's current
 * end, so a reader that reads only the extents it returns, right after the
 * call, is not caught by a truncation that happened before it.
 *
 * A view may be read from any thread; tp_file_view_close it once.
 */
#ifndef TENSORPOOL_FILE_VIEW_H
#define TENSORPOOL_FILE_VIEW_H

#include "tensorpool/platform.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tp_file_view_stct tp_file_view_t;

/* What a path names, as tp_file_view_open found it. */
typedef enum tp_file_type_en
{
    TP_FILE_TYPE_UNKNOWN = 0,           /* the open failed before the type was known (missing, permission, ...) */
    TP_FILE_TYPE_REGULAR = 1,
    TP_FILE_TYPE_DIRECTORY = 2,
    TP_FILE_TYPE_FIFO = 3,
    TP_FILE_TYPE_SOCKET = 4,
    TP_FILE_TYPE_CHARACTER_DEVICE = 5,
    TP_FILE_TYPE_BLOCK_DEVICE = 6,
    TP_FILE_TYPE_SYMLINK = 7,
    TP_FILE_TYPE_OTHER = 8
} tp_file_type_t;

/* A stretch [start, end) of a view. */
typedef struct tp_file_extent_stct
{
    uint64_t start;
    uint64_t end;
} tp_file_extent_t;

/*
 * Open and map `path` (see above). `type` may be NULL; otherwise it receives
 * the type of what the path names whenever that could be learnt (also on
 * failure: TP_FILE_TYPE_FIFO with TP_ERR_NOT_REGULAR_FILE, TP_FILE_TYPE_SYMLINK
 * with TP_ERR_SYMLINK), else TP_FILE_TYPE_UNKNOWN. Returns 0 or a negative
 * code: TP_ERR_NOT_FOUND, TP_ERR_PERMISSION, TP_ERR_SYMLINK,
 * TP_ERR_NOT_REGULAR_FILE, TP_ERR_SIZE (empty), TP_ERR_PATH_INVALID, TP_ERR_IO.
 */
TP_EXPORT int tp_file_view_open(tp_file_view_t **view, int32_t *type, const char *path);

/* Unmap and close. NULL is accepted. */
TP_EXPORT int tp_file_view_close(tp_file_view_t *view);

/* The first byte of the mapping. */
TP_EXPORT TP_TRIVIAL const uint8_t *tp_file_view_base(const tp_file_view_t *view);

/* Bytes mapped: the file's size at the open (never 0). */
TP_EXPORT TP_TRIVIAL uint64_t tp_file_view_length(const tp_file_view_t *view);

/*
 * The next stretch of the view that may hold data, at or after `offset`
 * (lseek SEEK_DATA, then SEEK_HOLE): every byte in [offset, extent.start)
 * lies in a hole of a sparse file and reads as zero. extent.start ==
 * extent.end == the view's length when only holes follow, or when the file
 * now ends before `offset`; extent.end is at most the view's length and the
 * file's current size. When the file system cannot tell holes from data the
 * rest of the file is data. Lets a huge sparse file be read in time
 * proportional to its data. Returns 0 or TP_ERR_INVALID_ARGUMENT.
 */
TP_EXPORT int tp_file_view_next_data(tp_file_extent_t *extent, const tp_file_view_t *view, uint64_t offset);

/* "FIFO", "character device", "directory", ... for a tp_file_type_t; "unknown file type" for other values. Never NULL. */
TP_EXPORT const char *tp_file_type_name(int32_t type);

#ifdef __cplusplus
}
#endif

#endif /* TENSORPOOL_FILE_VIEW_H */
