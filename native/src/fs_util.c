/* fs_util.c - errno mapping and path-component checks shared by path.c and region.c. */
#include "fs_util.h"

#include <errno.h>
#include <string.h>

#include "tensorpool/uri.h"

int tp_fs_errno_code(int err)
{
    switch (err)
    {
        case ENOENT: return TP_ERR_NOT_FOUND;
        case EACCES:
        case EPERM:
        case EROFS: return TP_ERR_PERMISSION;
        case ELOOP: return TP_ERR_SYMLINK;
        case EEXIST: return TP_ERR_EXISTS;
        case ENAMETOOLONG:
        case ENOTDIR: return TP_ERR_PATH_INVALID;
        case ENOMEM: return TP_ERR_NO_MEMORY;
        default: return TP_ERR_IO;
    }
}

const char *tp_fs_strerror(int err, char *buf, size_t capacity)
{
    /* _GNU_SOURCE: the GNU strerror_r, which may return a static string instead of filling buf. */
    return strerror_r(err, buf, capacity);
}

int tp_fs_is_uri_path_char(unsigned char c)
{
    return c >= 0x21 && c <= 0x7E && c != '?' && c != '|';
}

int tp_fs_check_component(const char *name, size_t length, const char *what)
{
    if (length == 0)
    {
        return TP_ERR_SET(TP_ERR_PATH_INVALID, "%s is empty", what);
    }
    if (length > TP_SHM_NAME_MAX)
    {
        return TP_ERR_SET(TP_ERR_PATH_INVALID, "%s is %zu bytes, longer than NAME_MAX (%d)", what, length,
            TP_SHM_NAME_MAX);
    }
    if ((length == 1 && name[0] == '.') || (length == 2 && name[0] == '.' && name[1] == '.'))
    {
        return TP_ERR_SET(TP_ERR_PATH_INVALID, "%s may not be \".\" or \"..\"", what);
    }
    if (memchr(name, '/', length) != NULL)
    {
        return TP_ERR_SET(TP_ERR_PATH_INVALID, "%s may not contain '/'", what);
    }
    return 0;
}

int tp_fs_check_absolute(const char *path, const char *what)
{
    size_t length = strnlen(path, TP_SHM_PATH_MAX);
    if (length == 0 || length >= TP_SHM_PATH_MAX)
    {
        return TP_ERR_SET(TP_ERR_PATH_INVALID, "%s must be 1..%d bytes", what, TP_SHM_PATH_MAX - 1);
    }
    if (path[0] != '/')
    {
        return TP_ERR_SET(TP_ERR_PATH_NOT_ABSOLUTE, "%s must be absolute: %s", what, path);
    }
    return (int)length;
}

size_t tp_fs_next_component(const char *path, size_t length, size_t *pos, size_t *start)
{
    size_t p = *pos;
    while (p < length && path[p] == '/')
    {
        p++;
    }
    *start = p;
    while (p < length && path[p] != '/')
    {
        p++;
    }
    *pos = p;
    return p - *start;
}
