/* file_view.c - read-only, unvalidated views of files for tools (see file_view.h). */
#include "tensorpool/file_view.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_view_internal.h"
#include "fs_util.h"
#include "tensorpool/error.h"

struct tp_file_view_stct
{
    uint8_t *base;
    uint64_t length;
    int fd;  /* kept open for SEEK_DATA/SEEK_HOLE */
};

tp_file_type_t tp_file_type_of_mode(mode_t mode)
{
    if (S_ISREG(mode)) return TP_FILE_TYPE_REGULAR;
    if (S_ISDIR(mode)) return TP_FILE_TYPE_DIRECTORY;
    if (S_ISFIFO(mode)) return TP_FILE_TYPE_FIFO;
    if (S_ISSOCK(mode)) return TP_FILE_TYPE_SOCKET;
    if (S_ISCHR(mode)) return TP_FILE_TYPE_CHARACTER_DEVICE;
    if (S_ISBLK(mode)) return TP_FILE_TYPE_BLOCK_DEVICE;
    if (S_ISLNK(mode)) return TP_FILE_TYPE_SYMLINK;
    return TP_FILE_TYPE_OTHER;
}

const char *tp_file_type_name(int32_t type)
{
    switch (type)
    {
        case TP_FILE_TYPE_REGULAR: return "regular file";
        case TP_FILE_TYPE_DIRECTORY: return "directory";
        case TP_FILE_TYPE_FIFO: return "FIFO";
        case TP_FILE_TYPE_SOCKET: return "socket";
        case TP_FILE_TYPE_CHARACTER_DEVICE: return "character device";
        case TP_FILE_TYPE_BLOCK_DEVICE: return "block device";
        case TP_FILE_TYPE_SYMLINK: return "symlink";
        case TP_FILE_TYPE_OTHER: return "special file";
        default: return "unknown file type";
    }
}

/*
 * The open failed with `err`: name what the path is when lstat can tell (a
 * socket cannot be opened at all, ENXIO), so the caller learns "a socket"
 * rather than an errno. The refusal stands either way.
 */
static int tp_file_view_open_failed(int err, tp_file_type_t *type, const char *path)
{
    struct stat st;
    if (lstat(path, &st) == 0)
    {
        *type = tp_file_type_of_mode(st.st_mode);
    }
    if (err == ELOOP || *type == TP_FILE_TYPE_SYMLINK)
    {
        *type = TP_FILE_TYPE_SYMLINK;
        return TP_ERR_SET(TP_ERR_SYMLINK, "%s is a symlink; symlinks are never followed", path);
    }
    if (*type != TP_FILE_TYPE_UNKNOWN && *type != TP_FILE_TYPE_REGULAR)
    {
        return TP_ERR_SET(TP_ERR_NOT_REGULAR_FILE, "%s is a %s, not a regular file", path, tp_file_type_name(*type));
    }
    return TP_FS_ERR(err, "open", path);
}

int tp_file_view_open(tp_file_view_t **view, int32_t *type, const char *path)
{
    tp_file_type_t found = TP_FILE_TYPE_UNKNOWN;
    int rc = 0;
    int fd = -1;
    uint8_t *base = MAP_FAILED;
    size_t length = 0;
    if (type != NULL)
    {
        *type = TP_FILE_TYPE_UNKNOWN;
    }
    if (view == NULL || path == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "view and path must not be NULL");
    }
    *view = NULL;
    if (path[0] == '\0')
    {
        return TP_ERR_SET(TP_ERR_PATH_INVALID, "the path is empty");
    }

    /* §15.21a.5 step 6: never follow the last component, never block on a FIFO. */
    fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
    {
        rc = tp_file_view_open_failed(errno, &found, path);
        goto fail;
    }
    struct stat st;
    if (fstat(fd, &st) != 0)
    {
        rc = TP_FS_ERR(errno, "fstat", path);
        goto fail;
    }
    found = tp_file_type_of_mode(st.st_mode);
    if (found != TP_FILE_TYPE_REGULAR)
    {
        rc = TP_ERR_SET(TP_ERR_NOT_REGULAR_FILE, "%s is a %s, not a regular file", path, tp_file_type_name(found));
        goto fail;
    }
    if (st.st_size <= 0)
    {
        rc = TP_ERR_SET(TP_ERR_SIZE, "%s is empty", path);
        goto fail;
    }
    if ((uint64_t)st.st_size > (uint64_t)SIZE_MAX)
    {
        rc = TP_ERR_SET(TP_ERR_SIZE, "%s is %jd bytes, more than this process can map", path, (intmax_t)st.st_size);
        goto fail;
    }
    length = (size_t)st.st_size;
    base = mmap(NULL, length, PROT_READ, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED)
    {
        rc = TP_FS_ERR(errno, "mmap", path);
        goto fail;
    }
    tp_file_view_t *created = malloc(sizeof(tp_file_view_t));
    if (created == NULL)
    {
        rc = TP_ERR_SET(TP_ERR_NO_MEMORY, "cannot allocate a file view");
        goto fail;
    }
    created->base = base;
    created->length = (uint64_t)length;
    created->fd = fd;
    *view = created;
    if (type != NULL)
    {
        *type = found;
    }
    return 0;

fail:
    if (base != MAP_FAILED)
    {
        munmap(base, length);
    }
    if (fd >= 0)
    {
        close(fd);
    }
    if (type != NULL)
    {
        *type = found;
    }
    return rc;
}

int tp_file_view_close(tp_file_view_t *view)
{
    if (view == NULL)
    {
        return 0;
    }
    int rc = 0;
    if (munmap(view->base, (size_t)view->length) != 0)
    {
        rc = TP_FS_ERR(errno, "munmap", "a file view");
    }
    close(view->fd);
    free(view);
    return rc;
}

const uint8_t *tp_file_view_base(const tp_file_view_t *view)
{
    return view->base;
}

uint64_t tp_file_view_length(const tp_file_view_t *view)
{
    return view->length;
}

/* The view's length, or the file's current size when it shrank since (pages past it would fault: SIGBUS). */
static uint64_t tp_file_view_readable(const tp_file_view_t *view)
{
    struct stat st;
    if (fstat(view->fd, &st) == 0 && st.st_size >= 0 && (uint64_t)st.st_size < view->length)
    {
        return (uint64_t)st.st_size;
    }
    return view->length;
}

int tp_file_view_next_data(tp_file_extent_t *extent, const tp_file_view_t *view, uint64_t offset)
{
    if (extent == NULL || view == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "extent and view must not be NULL");
    }
    extent->start = view->length;
    extent->end = view->length;
    if (offset >= view->length)
    {
        return 0;
    }
    /* SEEK_DATA and SEEK_HOLE answer for the file as it is now: neither reports data past its current end. */
    off_t start = lseek(view->fd, (off_t)offset, SEEK_DATA);
    if (start < 0)
    {
        if (errno != ENXIO) /* the file system cannot tell: the rest of the file is data */
        {
            uint64_t readable = tp_file_view_readable(view);
            if (offset < readable)
            {
                extent->start = offset;
                extent->end = readable;
            }
        }
        return 0; /* ENXIO: only holes from offset on, or the file now ends before it */
    }
    if ((uint64_t)start >= view->length)
    {
        return 0;
    }
    off_t end = lseek(view->fd, start, SEEK_HOLE);
    extent->start = (uint64_t)start;
    extent->end = end < 0 ? tp_file_view_readable(view) : (uint64_t)end < view->length ? (uint64_t)end : view->length;
    return 0;
}
