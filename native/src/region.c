/* region.c - SHM region files: create (§15.21a.3, §15.21a.6), map (§15.21a.5, §15.22), remove (§15.21a.7). */
#include "tensorpool/region.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "file_view_internal.h"
#include "fs_util.h"
#include "region_test_hook.h"
#include "tensorpool/error.h"
#include "tensorpool/slot.h"
#include "tensorpool/uri.h"

#ifndef HUGETLBFS_MAGIC
#define HUGETLBFS_MAGIC 0x958458f6
#endif

#ifdef TP_TESTING
tp_region_test_hook_fn tp_region_test_after_path_check = NULL;
void *tp_region_test_hook_state = NULL;
#endif

struct tp_region_stct
{
    uint8_t *base;
    uint64_t length;
    int32_t access;
    uint32_t hugetlbfs;
    uint32_t locked;
    char path[TP_SHM_PATH_MAX];
};

static const char TP_HEADER_RING_FILE[] = "header.ring";
static const char TP_POOL_SUFFIX[] = ".pool";

/* ---- accessors --------------------------------------------------------- */

uint8_t *tp_region_base(const tp_region_t *region)
{
    return region->base;
}

uint64_t tp_region_length(const tp_region_t *region)
{
    return region->length;
}

const char *tp_region_path(const tp_region_t *region)
{
    return region->path;
}

uint32_t tp_region_is_hugetlbfs(const tp_region_t *region)
{
    return region->hugetlbfs;
}

uint32_t tp_region_is_locked(const tp_region_t *region)
{
    return region->locked;
}

int tp_region_close(tp_region_t *region)
{
    if (region == NULL)
    {
        return 0;
    }
    int rc = 0;
    if (region->base != NULL && munmap(region->base, (size_t)region->length) != 0)
    {
        rc = TP_FS_ERR(errno, "munmap", region->path);
    }
    free(region);
    return rc;
}

static int tp_region_new(tp_region_t **out, uint8_t *base, uint64_t length, int32_t access, uint32_t hugetlbfs,
    uint32_t locked, const char *path)
{
    tp_region_t *region = calloc(1, sizeof(tp_region_t));
    if (region == NULL)
    {
        return TP_ERR_SET(TP_ERR_NO_MEMORY, "cannot allocate a region");
    }
    region->base = base;
    region->length = length;
    region->access = access;
    region->hugetlbfs = hugetlbfs;
    region->locked = locked;
    size_t n = strnlen(path, TP_SHM_PATH_MAX - 1);
    memcpy(region->path, path, n);
    region->path[n] = '\0';
    *out = region;
    return 0;
}

/* ---- walking the layout below a base dir ------------------------------- */

/* A path split into its base dir and the components below it. */
typedef struct tp_region_relpath_stct
{
    char base[TP_SHM_PATH_MAX];
    char rest[TP_SHM_PATH_MAX];  /* components separated by NULs */
    size_t offsets[TP_SHM_PATH_MAX / 2];
    size_t count;
} tp_region_relpath_t;

/*
 * Split `path` into `base_dir` (absolute) and one or more safe components
 * below it (no "", ".", ".."; bytes a shm:file URI allows). Lexical: no
 * file-system access.
 */
static int tp_region_split(tp_region_relpath_t *rel, const char *base_dir, const char *path)
{
    if (base_dir == NULL || path == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "base_dir and path must not be NULL");
    }
    int rc = tp_fs_check_absolute(base_dir, "the base dir");
    if (rc < 0)
    {
        return rc;
    }
    size_t base_length = (size_t)rc;
    rc = tp_fs_check_absolute(path, "a region path");
    if (rc < 0)
    {
        return rc;
    }
    size_t path_length = (size_t)rc;
    for (size_t i = 0; i < path_length; i++)
    {
        if (!tp_fs_is_uri_path_char((unsigned char)path[i]))
        {
            return TP_ERR_SET(TP_ERR_PATH_INVALID, "region path byte 0x%02x at %zu cannot appear in a shm:file URI (§15.22)",
                (unsigned char)path[i], i);
        }
    }
    while (base_length > 1 && base_dir[base_length - 1] == '/')
    {
        base_length--;
    }
    memcpy(rel->base, base_dir, base_length);
    rel->base[base_length] = '\0';
    size_t prefix = base_length == 1 ? 0 : base_length;
    if (strncmp(path, rel->base, prefix) != 0 || path[prefix] != '/')
    {
        return TP_ERR_SET(TP_ERR_PATH_NOT_CONTAINED, "region path %s is not under base dir %s", path, rel->base);
    }
    memcpy(rel->rest, path + prefix + 1, path_length - prefix);
    size_t rest_length = path_length - prefix - 1;
    rel->count = 0;
    size_t start = 0;
    for (size_t i = 0; i <= rest_length; i++)
    {
        if (i == rest_length || rel->rest[i] == '/')
        {
            rel->rest[i] = '\0';
            rc = tp_fs_check_component(rel->rest + start, i - start, "a region path component");
            if (rc < 0)
            {
                return TP_ERR_APPEND("region path %s", path);
            }
            rel->offsets[rel->count++] = start;
            start = i + 1;
        }
    }
    return 0;
}

/* Open (and when asked create) the base dir. A missing base dir is created 01777 like /dev/shm. */
static int tp_region_open_base(const char *base, int create, int *fd_out)
{
    int fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && create)
    {
        if (mkdir(base, TP_SHM_BASE_DIR_MODE) != 0 && errno != EEXIST)
        {
            return TP_FS_ERR(errno, "mkdir", base);
        }
        fd = open(base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (fd >= 0 && fstat(fd, &st) == 0 && st.st_uid == geteuid() && (st.st_mode & 07777) != TP_SHM_BASE_DIR_MODE)
        {
            /* umask trimmed our mkdir: apply the mode explicitly. */
            if (fchmod(fd, TP_SHM_BASE_DIR_MODE) != 0)
            {
                int err = errno;
                close(fd);
                return TP_FS_ERR(err, "fchmod", base);
            }
        }
    }
    if (fd < 0)
    {
        return TP_FS_ERR(errno, "open base dir", base);
    }
    *fd_out = fd;
    return 0;
}

/*
 * Open directory `name` under `parent` without following a symlink.
 * (With O_DIRECTORY|O_NOFOLLOW Linux reports a symlink as ENOTDIR, so look.)
 */
static int tp_region_open_dir(int parent, const char *name, int *fd_out)
{
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0)
    {
        *fd_out = fd;
        return 0;
    }
    int err = errno;
    struct stat lst;
    if (err == ELOOP || (fstatat(parent, name, &lst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(lst.st_mode)))
    {
        return TP_ERR_SET(TP_ERR_SYMLINK, "directory %s is a symlink; it is never followed", name);
    }
    if (err == ENOTDIR)
    {
        return TP_ERR_SET(TP_ERR_PATH_INVALID, "%s is not a directory", name);
    }
    return TP_FS_ERR(err, "open directory", name);
}

/*
 * Walk the directory components of `rel` (all but the last), never following
 * a symlink, creating missing ones when `create`. Every level must be a
 * directory owned by the effective user; it gets `dir_mode` (when `create`).
 * Returns the descriptor of the last directory in *dir_fd.
 */
static int tp_region_walk(const tp_region_relpath_t *rel, int create, uint32_t dir_mode, int *dir_fd)
{
    int fd = -1;
    int rc = tp_region_open_base(rel->base, create, &fd);
    if (rc < 0)
    {
        return rc;
    }
    uid_t euid = geteuid();
    for (size_t i = 0; i + 1 < rel->count; i++)
    {
        const char *name = rel->rest + rel->offsets[i];
        if (create && mkdirat(fd, name, (mode_t)dir_mode) != 0 && errno != EEXIST)
        {
            int err = errno;
            close(fd);
            return TP_FS_ERR(err, "mkdir", name);
        }
        int next = 0;
        rc = tp_region_open_dir(fd, name, &next);
        close(fd);
        if (rc < 0)
        {
            return rc;
        }
        fd = next;
        struct stat st;
        if (fstat(fd, &st) != 0)
        {
            int err = errno;
            close(fd);
            return TP_FS_ERR(err, "fstat", name);
        }
        if (st.st_uid != euid)
        {
            close(fd);
            return TP_ERR_SET(TP_ERR_OWNER, "layout directory %s belongs to uid %u, not to this user (uid %u)", name,
                (unsigned)st.st_uid, (unsigned)euid);
        }
        /* Apply the mode explicitly so umask never decides it (§15.21a.6). */
        if (create && (st.st_mode & 07777) != dir_mode && fchmod(fd, (mode_t)dir_mode) != 0)
        {
            int err = errno;
            close(fd);
            return TP_FS_ERR(err, "fchmod", name);
        }
    }
    *dir_fd = fd;
    return 0;
}

/* ---- creation ---------------------------------------------------------- */

int tp_region_create_options_init(tp_region_create_options_t *options)
{
    if (options == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "options must not be NULL");
    }
    options->dir_mode = TP_SHM_DIR_MODE_PRIVATE;
    options->file_mode = TP_SHM_FILE_MODE_PRIVATE;
    options->prefault = 1;
    options->mlock = 0;
    options->require_hugepages = 0;
    options->reserved = 0;
    return 0;
}

static int tp_region_check_options(const tp_region_create_options_t *o)
{
    if ((o->dir_mode & ~07777u) != 0 || (o->dir_mode & S_IRWXU) != S_IRWXU)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "dir_mode %#o must be a mode with owner rwx", o->dir_mode);
    }
    if ((o->file_mode & ~0777u) != 0 || (o->file_mode & (S_IRUSR | S_IWUSR)) != (S_IRUSR | S_IWUSR))
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "file_mode %#o must be a permission mode with owner rw",
            o->file_mode);
    }
    return 0;
}

/* Reserve the file's space, then touch every page so the first frame does not fault (policies.prefault_shm). */
static int tp_region_prefault(int fd, uint8_t *base, uint64_t length, uint64_t page, uint32_t hugetlbfs,
    const char *path)
{
    /* fallocate turns "tmpfs full" into an error here instead of SIGBUS on first touch. */
    if (fallocate(fd, 0, 0, (off_t)length) != 0 && errno != EOPNOTSUPP && errno != ENOSYS)
    {
        int err = errno;
        if (hugetlbfs && err == ENOSPC)
        {
            return TP_ERR_SET(TP_ERR_HUGEPAGES, "not enough free huge pages for %" PRIu64 " bytes: %s", length, path);
        }
        return TP_FS_ERR(err, "fallocate", path);
    }
    for (uint64_t offset = 0; offset < length; offset += page)
    {
        TP_STORE_RELAXED(base + offset, (uint8_t)0); /* the file is new: every byte is already 0 */
    }
    return 0;
}

int tp_region_create_parent_dirs(const char *base_dir, const char *path, uint32_t dir_mode)
{
    tp_region_create_options_t options;
    (void)tp_region_create_options_init(&options);
    options.dir_mode = dir_mode;
    int rc = tp_region_check_options(&options);
    if (rc < 0)
    {
        return rc;
    }
    tp_region_relpath_t *rel = malloc(sizeof(tp_region_relpath_t));
    if (rel == NULL)
    {
        return TP_ERR_SET(TP_ERR_NO_MEMORY, "cannot allocate a path buffer");
    }
    int dir_fd = -1;
    rc = tp_region_split(rel, base_dir, path);
    if (rc == 0)
    {
        rc = tp_region_walk(rel, 1, dir_mode, &dir_fd);
        if (rc < 0)
        {
            rc = TP_ERR_APPEND("creating the directories of %s", path);
        }
    }
    if (dir_fd >= 0)
    {
        close(dir_fd);
    }
    free(rel);
    return rc < 0 ? rc : 0;
}

int tp_region_create(tp_region_t **region, const char *base_dir, const char *path, const tp_superblock_t *superblock,
    const tp_region_create_options_t *options)
{
    if (region == NULL || superblock == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "region and superblock must not be NULL");
    }
    *region = NULL;
    tp_region_create_options_t defaults;
    if (options == NULL)
    {
        (void)tp_region_create_options_init(&defaults);
        options = &defaults;
    }
    int rc = tp_region_check_options(options);
    if (rc < 0)
    {
        return rc;
    }
    uint64_t length = 0;
    rc = tp_superblock_region_length(&length, superblock);
    if (rc < 0)
    {
        return TP_ERR_APPEND("refusing to create a region with an invalid superblock");
    }

    tp_region_relpath_t *rel = malloc(sizeof(tp_region_relpath_t));
    if (rel == NULL)
    {
        return TP_ERR_SET(TP_ERR_NO_MEMORY, "cannot allocate a path buffer");
    }
    int dir_fd = -1;
    int fd = -1;
    uint8_t *base = MAP_FAILED;
    const char *leaf = NULL;
    uint32_t hugetlbfs = 0;
    uint32_t locked = 0;

    rc = tp_region_split(rel, base_dir, path);
    if (rc < 0)
    {
        goto fail;
    }
    rc = tp_region_walk(rel, 1, options->dir_mode, &dir_fd);
    if (rc < 0)
    {
        rc = TP_ERR_APPEND("creating %s", path);
        goto fail;
    }
    leaf = rel->rest + rel->offsets[rel->count - 1];

    struct statfs sfs;
    if (fstatfs(dir_fd, &sfs) != 0)
    {
        rc = TP_FS_ERR(errno, "statfs", path);
        leaf = NULL;
        goto fail;
    }
    hugetlbfs = (uint64_t)sfs.f_type == (uint64_t)HUGETLBFS_MAGIC;
    if (options->require_hugepages && !hugetlbfs)
    {
        /* §15.22 / driver §4.3: never silently downgrade to standard pages. */
        rc = TP_ERR_SET(TP_ERR_HUGEPAGES, "hugepages required but %s is not on hugetlbfs (f_type %#lx)", path,
            (unsigned long)sfs.f_type);
        leaf = NULL;
        goto fail;
    }

    fd = openat(dir_fd, leaf, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, (mode_t)options->file_mode);
    if (fd < 0)
    {
        rc = TP_FS_ERR(errno, "create", path);
        leaf = NULL; /* not ours: never unlink it */
        goto fail;
    }
    if (fchmod(fd, (mode_t)options->file_mode) != 0)
    {
        rc = TP_FS_ERR(errno, "fchmod", path);
        goto fail;
    }
    uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
    if (hugetlbfs)
    {
        /* hugetlbfs sizes files in whole huge pages (f_bsize); readers expect the same rounding. */
        page = (uint64_t)sfs.f_bsize;
        length = (length + page - 1) / page * page;
    }
    if (ftruncate(fd, (off_t)length) != 0)
    {
        rc = TP_FS_ERR(errno, "ftruncate", path);
        goto fail;
    }
    base = mmap(NULL, (size_t)length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED)
    {
        rc = TP_FS_ERR(errno, "mmap", path);
        goto fail;
    }
    if (options->prefault)
    {
        rc = tp_region_prefault(fd, base, length, page, hugetlbfs, path);
        if (rc < 0)
        {
            goto fail;
        }
    }
    if (options->mlock)
    {
        if (mlock(base, (size_t)length) != 0)
        {
            char buf[128];
            int err = errno;
            /* driver spec §17 policies.mlock_shm: failure is fatal. */
            rc = TP_ERR_SET(TP_ERR_MLOCK, "mlock of %" PRIu64 " bytes of %s failed: %s (check RLIMIT_MEMLOCK)", length,
                path, tp_fs_strerror(err, buf, sizeof(buf)));
            goto fail;
        }
        locked = 1;
    }
    rc = tp_superblock_write(base, length, superblock);
    if (rc < 0)
    {
        goto fail;
    }
    char canonical[TP_SHM_PATH_MAX];
    rc = tp_region_new(region, base, length, TP_REGION_ACCESS_READ_WRITE, hugetlbfs, locked,
        realpath(path, canonical) != NULL ? canonical : path);
    if (rc < 0)
    {
        goto fail;
    }
    close(fd);
    close(dir_fd);
    free(rel);
    return 0;

fail:
    if (base != MAP_FAILED)
    {
        munmap(base, (size_t)length);
    }
    if (fd >= 0)
    {
        close(fd);
    }
    if (dir_fd >= 0)
    {
        if (leaf != NULL && fd >= 0)
        {
            (void)unlinkat(dir_fd, leaf, 0); /* we created it: fail atomically */
        }
        close(dir_fd);
    }
    free(rel);
    return rc;
}

/* ---- mapping ----------------------------------------------------------- */

int tp_region_map(tp_region_t **region, const tp_path_policy_t *policy, const char *path, int32_t access,
    uint32_t require_hugepages, const tp_superblock_t *expected)
{
    if (region == NULL || policy == NULL || path == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "region, policy and path must not be NULL");
    }
    *region = NULL;
    if (access != TP_REGION_ACCESS_READ_ONLY && access != TP_REGION_ACCESS_READ_WRITE)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "access %d is neither READ_ONLY nor READ_WRITE", access);
    }

    /* §15.21a.5 steps 1-4 */
    char canonical[TP_SHM_PATH_MAX];
    int rc = tp_path_policy_check(policy, path, canonical, sizeof(canonical));
    if (rc < 0)
    {
        return TP_ERR_APPEND("mapping %s", path);
    }
    /* Step 5: a regular file (hugetlbfs files are regular files). */
    struct stat checked;
    if (stat(canonical, &checked) != 0)
    {
        return TP_FS_ERR(errno, "stat", canonical);
    }
    if (!S_ISREG(checked.st_mode))
    {
        return TP_ERR_SET(TP_ERR_NOT_REGULAR_FILE, "%s is a %s, not a regular file (§15.21a.5)", canonical,
            tp_file_type_name(tp_file_type_of_mode(checked.st_mode)));
    }

#ifdef TP_TESTING
    if (tp_region_test_after_path_check != NULL)
    {
        tp_region_test_after_path_check(canonical, tp_region_test_hook_state);
    }
#endif

    /* Step 6: no-follow open, then the identity of what was opened. */
    int flags = (access == TP_REGION_ACCESS_READ_WRITE ? O_RDWR : O_RDONLY) | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK |
                O_NOCTTY;
    int fd = open(canonical, flags);
    if (fd < 0)
    {
        int err = errno;
        if (err == ELOOP)
        {
            return TP_ERR_SET(TP_ERR_SYMLINK, "%s became a symlink after it was checked (§15.21a.5 step 6)",
                canonical);
        }
        return TP_FS_ERR(err, "open", canonical);
    }
    uint8_t *base = MAP_FAILED;
    size_t length = 0;
    struct stat opened;
    if (fstat(fd, &opened) != 0)
    {
        rc = TP_FS_ERR(errno, "fstat", canonical);
        goto fail;
    }
    if (opened.st_dev != checked.st_dev || opened.st_ino != checked.st_ino)
    {
        rc = TP_ERR_SET(TP_ERR_FILE_CHANGED,
            "%s was replaced between the check and the open (dev/inode %ju/%ju became %ju/%ju, §15.21a.5 step 6)",
            canonical, (uintmax_t)checked.st_dev, (uintmax_t)checked.st_ino, (uintmax_t)opened.st_dev,
            (uintmax_t)opened.st_ino);
        goto fail;
    }
    if (!S_ISREG(opened.st_mode))
    {
        rc = TP_ERR_SET(TP_ERR_NOT_REGULAR_FILE, "%s is a %s, not a regular file", canonical,
            tp_file_type_name(tp_file_type_of_mode(opened.st_mode)));
        goto fail;
    }

    /* §15.22: hugepage backing verified on the descriptor, never assumed. */
    struct statfs sfs;
    if (fstatfs(fd, &sfs) != 0)
    {
        rc = TP_FS_ERR(errno, "fstatfs", canonical);
        goto fail;
    }
    uint32_t hugetlbfs = (uint64_t)sfs.f_type == (uint64_t)HUGETLBFS_MAGIC;
    if (require_hugepages && !hugetlbfs)
    {
        rc = TP_ERR_SET(TP_ERR_HUGEPAGES, "require_hugepages=true but %s is not on hugetlbfs (f_type %#lx, §15.22)",
            canonical, (unsigned long)sfs.f_type);
        goto fail;
    }

    if (opened.st_size < TP_SUPERBLOCK_SIZE)
    {
        rc = TP_ERR_SET(TP_ERR_SIZE, "%s is %jd bytes, shorter than the 64-byte superblock (§6)", canonical,
            (intmax_t)opened.st_size);
        goto fail;
    }
    length = (size_t)opened.st_size;
    base = mmap(NULL, length, PROT_READ | (access == TP_REGION_ACCESS_READ_WRITE ? PROT_WRITE : 0), MAP_SHARED, fd, 0);
    if (base == MAP_FAILED)
    {
        rc = TP_FS_ERR(errno, "mmap", canonical);
        goto fail;
    }

    /* §7.1, §15.1: the superblock, then the exact size it implies. */
    tp_superblock_t sb;
    (void)tp_superblock_read(&sb, base, length);
    rc = expected != NULL ? tp_superblock_validate(&sb, expected) : tp_superblock_check(&sb);
    if (rc < 0)
    {
        rc = TP_ERR_APPEND("superblock of %s", canonical);
        goto fail;
    }
    uint64_t implied = 0;
    (void)tp_superblock_region_length(&implied, &sb);
    uint64_t required = implied;
    if (hugetlbfs && sfs.f_bsize > 0)
    {
        uint64_t page = (uint64_t)sfs.f_bsize;
        required = (implied + page - 1) / page * page;
    }
    if ((uint64_t)length != required)
    {
        rc = TP_ERR_SET(TP_ERR_SIZE, "%s is %zu bytes but its superblock implies %" PRIu64 " (nslots %" PRIu32
            ", %s %" PRIu32 ")", canonical, length, required, sb.nslots,
            sb.region_type == TP_REGION_TYPE_HEADER_RING ? "slot_bytes" : "stride_bytes",
            sb.region_type == TP_REGION_TYPE_HEADER_RING ? sb.slot_bytes : sb.stride_bytes);
        goto fail;
    }
    rc = tp_region_new(region, base, length, access, hugetlbfs, 0, canonical);
    if (rc < 0)
    {
        goto fail;
    }
    close(fd);
    return 0;

fail:
    if (base != MAP_FAILED)
    {
        munmap(base, length);
    }
    close(fd);
    return rc;
}

int tp_region_map_uri(tp_region_t **region, const tp_path_policy_t *policy, const char *uri, int32_t access,
    const tp_superblock_t *expected)
{
    if (region == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "region must not be NULL");
    }
    *region = NULL;
    tp_shm_uri_t *parsed = malloc(sizeof(tp_shm_uri_t));
    if (parsed == NULL)
    {
        return TP_ERR_SET(TP_ERR_NO_MEMORY, "cannot allocate a URI");
    }
    int rc = tp_shm_uri_parse(parsed, uri);
    if (rc == 0)
    {
        rc = tp_region_map(region, policy, parsed->path, access, parsed->require_hugepages, expected);
    }
    free(parsed);
    return rc;
}

/* ---- removal ----------------------------------------------------------- */

/*
 * Split `path` below `base_dir` and open (never create, never follow) the
 * directory that holds its last component. On success the caller owns
 * *rel_out (free) and *dir_fd (close); the leaf name is
 * rel->rest + rel->offsets[rel->count - 1].
 */
static int tp_region_open_parent(const char *base_dir, const char *path, tp_region_relpath_t **rel_out, int *dir_fd)
{
    tp_region_relpath_t *rel = malloc(sizeof(tp_region_relpath_t));
    if (rel == NULL)
    {
        return TP_ERR_SET(TP_ERR_NO_MEMORY, "cannot allocate a path buffer");
    }
    int rc = tp_region_split(rel, base_dir, path);
    if (rc == 0)
    {
        rc = tp_region_walk(rel, 0, 0, dir_fd);
    }
    if (rc < 0)
    {
        free(rel);
        return rc;
    }
    *rel_out = rel;
    return 0;
}

int tp_region_unlink(const char *base_dir, const char *path)
{
    tp_region_relpath_t *rel = NULL;
    int dir_fd = -1;
    int rc = tp_region_open_parent(base_dir, path, &rel, &dir_fd);
    if (rc < 0)
    {
        return rc;
    }
    const char *leaf = rel->rest + rel->offsets[rel->count - 1];
    struct stat st;
    if (fstatat(dir_fd, leaf, &st, AT_SYMLINK_NOFOLLOW) != 0)
    {
        rc = TP_FS_ERR(errno, "stat", path);
    }
    else if (S_ISLNK(st.st_mode))
    {
        rc = TP_ERR_SET(TP_ERR_SYMLINK, "refusing to unlink %s: it is a symlink", path);
    }
    else if (!S_ISREG(st.st_mode))
    {
        rc = TP_ERR_SET(TP_ERR_NOT_REGULAR_FILE, "refusing to unlink %s: it is a %s", path,
            tp_file_type_name(tp_file_type_of_mode(st.st_mode)));
    }
    else if (unlinkat(dir_fd, leaf, 0) != 0)
    {
        rc = TP_FS_ERR(errno, "unlink", path);
    }
    close(dir_fd);
    free(rel);
    return rc;
}

/* "header.ring" or "<pool_id>.pool" with pool_id a u16 in decimal without leading zeros. */
static int tp_region_is_layout_file(const char *name)
{
    if (strcmp(name, TP_HEADER_RING_FILE) == 0)
    {
        return 1;
    }
    size_t length = strlen(name);
    size_t suffix = sizeof(TP_POOL_SUFFIX) - 1;
    if (length <= suffix || length - suffix > 5 || strcmp(name + length - suffix, TP_POOL_SUFFIX) != 0)
    {
        return 0;
    }
    uint32_t value = 0;
    for (size_t i = 0; i < length - suffix; i++)
    {
        if (name[i] < '0' || name[i] > '9' || (i == 0 && name[i] == '0' && length - suffix > 1))
        {
            return 0;
        }
        value = value * 10 + (uint32_t)(name[i] - '0');
    }
    return value <= UINT16_MAX;
}

int tp_region_remove_epoch_dir(const char *base_dir, const char *epoch_dir)
{
    tp_region_relpath_t *rel = NULL;
    int parent_fd = -1;
    int rc = tp_region_open_parent(base_dir, epoch_dir, &rel, &parent_fd);
    if (rc < 0)
    {
        return rc;
    }
    const char *leaf = rel->rest + rel->offsets[rel->count - 1];
    int fd = -1;
    rc = tp_region_open_dir(parent_fd, leaf, &fd);
    if (rc < 0)
    {
        close(parent_fd);
        free(rel);
        return TP_ERR_APPEND("removing epoch dir %s", epoch_dir);
    }
    DIR *dir = fdopendir(fd);
    if (dir == NULL)
    {
        rc = TP_FS_ERR(errno, "fdopendir", epoch_dir);
        close(fd);
        close(parent_fd);
        free(rel);
        return rc;
    }
    char unexpected[TP_SHM_NAME_MAX + 1] = "";
    struct dirent *entry;
    while (rc == 0 && (entry = readdir(dir)) != NULL)
    {
        const char *name = entry->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        {
            continue;
        }
        struct stat st;
        if (!tp_region_is_layout_file(name) || fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(st.st_mode))
        {
            if (unexpected[0] == '\0')
            {
                snprintf(unexpected, sizeof(unexpected), "%s", name);
            }
            continue;
        }
        if (unlinkat(fd, name, 0) != 0 && errno != ENOENT)
        {
            rc = TP_FS_ERR(errno, "unlink", name);
        }
    }
    closedir(dir);
    if (rc == 0 && unexpected[0] != '\0')
    {
        rc = TP_ERR_SET(TP_ERR_STATE, "epoch dir %s holds %s, which is not a region file; left in place", epoch_dir,
            unexpected);
    }
    if (rc == 0 && unlinkat(parent_fd, leaf, AT_REMOVEDIR) != 0)
    {
        rc = TP_FS_ERR(errno, "rmdir", epoch_dir);
    }
    close(parent_fd);
    free(rel);
    return rc;
}
