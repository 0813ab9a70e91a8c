/*
 * log_file.c - open, create (exactly once, race-free), validate, map and close
 * a tp:ipc log file (log.h, layout in log_layout.h).
 *
 * The file comes from outside the process: nothing is mapped before its
 * type, size and descriptor have been checked, and the checked values are
 * kept in the handle, never re-read from the mapping.
 */
#include "log_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Room left in PATH_MAX for the temporary-file suffix ".<pid>.<ns>.tmp". */
enum { TP_LOG_TMP_SUFFIX_MAX = 48, TP_LOG_OPEN_ATTEMPTS = 8 };

static int tp_log_capacity_valid(uint64_t capacity)
{
    return capacity >= TP_LOG_MIN_CAPACITY && capacity <= TP_LOG_MAX_CAPACITY && (capacity & (capacity - 1)) == 0;
}

static int32_t tp_log_max_message_for(uint64_t capacity)
{
    return (int32_t)(capacity / TP_LOG_MAX_MESSAGE_DIVISOR) - TP_LOG_RECORD_HEADER_LENGTH;
}

/*
 * The one place a log file is opened: no-follow, close-on-exec, non-blocking
 * (a FIFO must not hang us), then fstat: only a regular file is accepted.
 * `extra` adds O_CREAT|O_EXCL for the temporary file. Returns the fd or a code;
 * TP_ERR_NOT_FOUND when the path does not exist.
 */
static int tp_log_open_checked(const char *path, int extra, int *fd_out)
{
    int fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | extra, 0600);
    if (fd < 0)
    {
        int e = errno;
        switch (e)
        {
            case ENOENT: return TP_ERR_SET(TP_ERR_NOT_FOUND, "no log file at %s", path);
            case EEXIST: return TP_ERR_SET(TP_ERR_EXISTS, "%s exists", path);
            case ELOOP: return TP_ERR_SET(TP_ERR_SYMLINK, "log path is a symlink (refused): %s", path);
            case EISDIR: return TP_ERR_SET(TP_ERR_NOT_REGULAR_FILE, "log path is a directory: %s", path);
            case ENXIO: return TP_ERR_SET(TP_ERR_NOT_REGULAR_FILE, "log path is a device or socket: %s", path);
            default: return TP_ERR_SET(TP_ERR_IO, "open %s: %s (errno %d)", path, strerror(e), e);
        }
    }
    struct stat st;
    if (fstat(fd, &st) != 0)
    {
        int e = errno;
        close(fd);
        return TP_ERR_SET(TP_ERR_IO, "fstat %s: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode))
    {
        close(fd);
        return TP_ERR_SET(TP_ERR_NOT_REGULAR_FILE, "log path is not a regular file (mode %o): %s", (unsigned)st.st_mode, path);
    }
    /* Back to blocking mode for ordinary file I/O. */
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
    {
        (void)fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    }
    *fd_out = fd;
    return 0;
}

/* mkdir -p of the parent directory, mode 0700 for what is created. */
static int tp_log_make_parents(const char *path)
{
    char dir[PATH_MAX];
    size_t n = strlen(path);
    memcpy(dir, path, n + 1);
    for (size_t i = 1; i < n; i++)
    {
        if (dir[i] != '/')
        {
            continue;
        }
        dir[i] = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        {
            int e = errno;
            struct stat st;
            if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
            {
                return TP_ERR_SET(TP_ERR_IO, "cannot create directory %s: %s", dir, strerror(e));
            }
        }
        dir[i] = '/';
    }
    return 0;
}

static void tp_log_descriptor_init(uint8_t *d, uint64_t capacity)
{
    memset(d, 0, TP_LOG_DESCRIPTOR_LENGTH);
    uint32_t u32;
    u32 = TP_LOG_MAGIC; memcpy(d + TP_LOG_MAGIC_OFFSET, &u32, 4);
    u32 = TP_LOG_LAYOUT_VERSION; memcpy(d + TP_LOG_VERSION_OFFSET, &u32, 4);
    u32 = TP_LOG_DESCRIPTOR_LENGTH; memcpy(d + TP_LOG_DESCRIPTOR_LENGTH_OFFSET, &u32, 4);
    u32 = TP_LOG_RECORD_ALIGNMENT; memcpy(d + TP_LOG_RECORD_ALIGNMENT_OFFSET, &u32, 4);
    memcpy(d + TP_LOG_CAPACITY_OFFSET, &capacity, 8);
    u32 = (uint32_t)tp_log_max_message_for(capacity); memcpy(d + TP_LOG_MAX_MESSAGE_LENGTH_OFFSET, &u32, 4);
    u32 = TP_LOG_RECORD_HEADER_LENGTH; memcpy(d + TP_LOG_RECORD_HEADER_LENGTH_OFFSET, &u32, 4);
    int32_t pid = (int32_t)getpid(); memcpy(d + TP_LOG_CREATOR_PID_OFFSET, &pid, 4);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t created = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
    memcpy(d + TP_LOG_CREATED_NS_OFFSET, &created, 8);
}

/*
 * Create and initialise a private temporary file beside `path`, then link()
 * it into place: the name appears only once the file is complete, and link
 * fails with EEXIST for every creator but one. Returns 1 with *fd_out set
 * when this process won, 0 when another creator won (open theirs), or a code.
 */
static int tp_log_create(const char *path, uint64_t capacity, int *fd_out)
{
    int rc = tp_log_make_parents(path);
    if (rc < 0)
    {
        return rc;
    }
    char tmp[PATH_MAX];
    int fd = -1;
    for (int attempt = 0; fd < 0; attempt++)
    {
        snprintf(tmp, sizeof(tmp), "%s.%d.%lld.tmp", path, (int)getpid(), (long long)tp_log_now_ns());
        rc = tp_log_open_checked(tmp, O_CREAT | O_EXCL, &fd);
        if (rc < 0 && (rc != TP_ERR_EXISTS || attempt >= TP_LOG_OPEN_ATTEMPTS))
        {
            return TP_ERR_APPEND("creating the temporary log file");
        }
    }
    uint8_t descriptor[TP_LOG_DESCRIPTOR_LENGTH];
    tp_log_descriptor_init(descriptor, capacity);
    rc = 0;
    off_t size = (off_t)(TP_LOG_DESCRIPTOR_LENGTH + capacity);
    int alloc_errno = posix_fallocate(fd, 0, size);
    if (alloc_errno != 0 && alloc_errno != EOPNOTSUPP && alloc_errno != EINVAL)
    {
        /* Reserve every page now: a full tmpfs fails here with a message, not later with SIGBUS. */
        rc = TP_ERR_SET(TP_ERR_IO, "allocating %lld bytes for %s: %s", (long long)size, tmp, strerror(alloc_errno));
    }
    else if (ftruncate(fd, size) != 0)
    {
        rc = TP_ERR_SET(TP_ERR_IO, "ftruncate %s: %s", tmp, strerror(errno));
    }
    else if (pwrite(fd, descriptor, sizeof(descriptor), 0) != (ssize_t)sizeof(descriptor))
    {
        rc = TP_ERR_SET(TP_ERR_IO, "writing the log descriptor of %s: %s", tmp, strerror(errno));
    }
    else if (link(tmp, path) == 0)
    {
        rc = 1;
    }
    else if (errno != EEXIST)
    {
        rc = TP_ERR_SET(TP_ERR_IO, "link %s -> %s: %s", tmp, path, strerror(errno));
    }
    unlink(tmp);
    if (rc == 1)
    {
        *fd_out = fd;
    }
    else
    {
        close(fd);
    }
    return rc;
}

static uint32_t tp_log_u32_at(const uint8_t *d, size_t offset)
{
    uint32_t v;
    memcpy(&v, d + offset, 4);
    return v;
}

/* Check the file's size and descriptor; on success *capacity_out is the file's capacity. */
static int tp_log_validate(int fd, const char *path, uint64_t requested, uint64_t *capacity_out)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
    {
        return TP_ERR_SET(TP_ERR_IO, "fstat %s: %s", path, strerror(errno));
    }
    if (st.st_size < TP_LOG_DESCRIPTOR_LENGTH)
    {
        return TP_ERR_SET(TP_LOG_ERR_FILE_SIZE, "log file %s has %lld bytes, less than its %d-byte descriptor",
            path, (long long)st.st_size, TP_LOG_DESCRIPTOR_LENGTH);
    }
    uint8_t d[TP_LOG_DESCRIPTOR_LENGTH];
    if (pread(fd, d, sizeof(d), 0) != (ssize_t)sizeof(d))
    {
        return TP_ERR_SET(TP_ERR_IO, "reading the descriptor of %s: %s", path, strerror(errno));
    }
    uint32_t magic = tp_log_u32_at(d, TP_LOG_MAGIC_OFFSET);
    if (magic != TP_LOG_MAGIC)
    {
        return TP_ERR_SET(TP_LOG_ERR_MAGIC, "%s is not a tp:ipc log (magic %#x, expected %#x)", path, magic, TP_LOG_MAGIC);
    }
    uint32_t version = tp_log_u32_at(d, TP_LOG_VERSION_OFFSET);
    if (version != TP_LOG_LAYOUT_VERSION)
    {
        return TP_ERR_SET(TP_LOG_ERR_VERSION, "%s has log layout version %u, this library reads %d", path, version, TP_LOG_LAYOUT_VERSION);
    }
    uint64_t capacity;
    memcpy(&capacity, d + TP_LOG_CAPACITY_OFFSET, 8);
    if (!tp_log_capacity_valid(capacity))
    {
        return TP_ERR_SET(TP_LOG_ERR_CAPACITY, "%s declares capacity %llu: not a power of two in [%d, %d]",
            path, (unsigned long long)capacity, TP_LOG_MIN_CAPACITY, TP_LOG_MAX_CAPACITY);
    }
    uint32_t desc_len = tp_log_u32_at(d, TP_LOG_DESCRIPTOR_LENGTH_OFFSET);
    uint32_t alignment = tp_log_u32_at(d, TP_LOG_RECORD_ALIGNMENT_OFFSET);
    uint32_t header_len = tp_log_u32_at(d, TP_LOG_RECORD_HEADER_LENGTH_OFFSET);
    uint32_t max_msg = tp_log_u32_at(d, TP_LOG_MAX_MESSAGE_LENGTH_OFFSET);
    if (desc_len != TP_LOG_DESCRIPTOR_LENGTH || alignment != TP_LOG_RECORD_ALIGNMENT ||
        header_len != TP_LOG_RECORD_HEADER_LENGTH || max_msg != (uint32_t)tp_log_max_message_for(capacity))
    {
        return TP_ERR_SET(TP_LOG_ERR_DESCRIPTOR,
            "%s: inconsistent descriptor (descriptor length %u, alignment %u, record header %u, max message %u)",
            path, desc_len, alignment, header_len, max_msg);
    }
    if ((uint64_t)st.st_size != TP_LOG_DESCRIPTOR_LENGTH + capacity)
    {
        return TP_ERR_SET(TP_LOG_ERR_FILE_SIZE, "log file %s has %lld bytes, its descriptor says %llu",
            path, (long long)st.st_size, (unsigned long long)(TP_LOG_DESCRIPTOR_LENGTH + capacity));
    }
    if (requested != 0 && requested != capacity)
    {
        return TP_ERR_SET(TP_LOG_ERR_CAPACITY_MISMATCH, "%s has capacity %llu, %llu was asked for",
            path, (unsigned long long)capacity, (unsigned long long)requested);
    }
    *capacity_out = capacity;
    return 0;
}

static int tp_log_check_arguments(tp_log_t **log, const char *path, uint64_t capacity)
{
    if (log == NULL || path == NULL)
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "log and path must not be NULL");
    }
    if (path[0] != '/')
    {
        return TP_ERR_SET(TP_ERR_PATH_NOT_ABSOLUTE, "log path must be absolute: \"%s\"", path);
    }
    size_t n = strlen(path);
    if (n + TP_LOG_TMP_SUFFIX_MAX >= PATH_MAX || path[n - 1] == '/')
    {
        return TP_ERR_SET(TP_ERR_PATH_INVALID, "log path is too long or names a directory: \"%s\"", path);
    }
    if (capacity != 0 && !tp_log_capacity_valid(capacity))
    {
        return TP_ERR_SET(TP_LOG_ERR_CAPACITY, "capacity %llu is not a power of two in [%d, %d]",
            (unsigned long long)capacity, TP_LOG_MIN_CAPACITY, TP_LOG_MAX_CAPACITY);
    }
#if defined(__x86_64__)
    if (!__builtin_cpu_supports("cmpxchg16b"))
    {
        return TP_ERR_SET(TP_ERR_UNSUPPORTED, "this CPU has no cmpxchg16b; the tp:ipc log needs a lock-free 16-byte CAS");
    }
#endif
    return 0;
}

/* Open the existing file, or create it; retried when the file vanishes or appears between the steps. */
static int tp_log_open_or_create(const char *path, uint64_t capacity, int *fd_out)
{
    for (int attempt = 0; attempt < TP_LOG_OPEN_ATTEMPTS; attempt++)
    {
        int rc = tp_log_open_checked(path, 0, fd_out);
        if (rc == 0)
        {
            return TP_LOG_OPENED_EXISTING;
        }
        if (rc != TP_ERR_NOT_FOUND)
        {
            return rc;
        }
        rc = tp_log_create(path, capacity != 0 ? capacity : TP_LOG_DEFAULT_CAPACITY, fd_out);
        if (rc != 0)
        {
            return rc < 0 ? rc : TP_LOG_OPENED_CREATED;
        }
        /* Another process linked its file first: open that one. */
    }
    return TP_ERR_SET(TP_ERR_IO, "log file %s kept appearing and vanishing", path);
}

int tp_log_open(tp_log_t **log, const char *path, uint64_t capacity)
{
    int rc = tp_log_check_arguments(log, path, capacity);
    if (rc < 0)
    {
        return rc;
    }
    *log = NULL;
    int fd = -1;
    int opened = tp_log_open_or_create(path, capacity, &fd);
    if (opened < 0)
    {
        return TP_ERR_APPEND("opening log %s", path);
    }
    uint64_t file_capacity = 0;
    rc = tp_log_validate(fd, path, capacity, &file_capacity);
    if (rc < 0)
    {
        close(fd);
        return rc;
    }
    size_t map_length = TP_LOG_DESCRIPTOR_LENGTH + (size_t)file_capacity;
    /* Populated: the first lap then pays no page faults on the hot path. */
    void *map = mmap(NULL, map_length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
    int map_errno = errno;
    close(fd);
    if (map == MAP_FAILED)
    {
        return TP_ERR_SET(TP_ERR_IO, "mmap %s (%zu bytes): %s", path, map_length, strerror(map_errno));
    }
    tp_log_t *l = calloc(1, sizeof(*l));
    if (l == NULL)
    {
        munmap(map, map_length);
        return TP_ERR_SET(TP_ERR_NO_MEMORY, "allocating a log handle");
    }
    l->map = map;
    l->map_length = map_length;
    l->ring = l->map + TP_LOG_DESCRIPTOR_LENGTH;
    l->capacity = file_capacity;
    l->mask = file_capacity - 1;
    l->max_message_length = tp_log_max_message_for(file_capacity);
    *log = l;
    return opened;
}

int tp_log_close(tp_log_t *log)
{
    if (log == NULL)
    {
        return 0;
    }
    int users = TP_LOAD_ACQUIRE(&log->users);
    if (users != 0)
    {
        return TP_ERR_SET(TP_LOG_ERR_IN_USE, "log still has %d open publications/subscriptions", users);
    }
    munmap(log->map, log->map_length);
    free(log);
    return 0;
}

uint64_t tp_log_capacity(const tp_log_t *log)
{
    return log != NULL ? log->capacity : 0;
}

int32_t tp_log_max_message_length(const tp_log_t *log)
{
    return log != NULL ? log->max_message_length : 0;
}

int64_t tp_log_tail_position(const tp_log_t *log)
{
    return log != NULL ? (int64_t)tp_log_tail_load_position(log) : 0;
}

const char *tp_log_errname(int code)
{
    return tp_errname(code);
}
