/* test_file_view.c - unvalidated read-only views for tools: what they refuse, and the data-region walk (file_view.h). */
#include "tp_test.h"
#include "tp_test_util.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "tensorpool/file_view.h"

/* Sparse-file extents are made of whole chunks: a multiple of any page size tmpfs may use (4 KiB, 16 KiB, 64 KiB). */
enum { CHUNK = 65536 };

/* Open `path` expecting failure `code` and file type `type`; the view stays NULL. */
#define CHECK_REFUSED(code, type, path)                                       \
    do                                                                        \
    {                                                                         \
        tp_file_view_t *v_ = (tp_file_view_t *)1;                             \
        int32_t t_ = -1;                                                      \
        TP_CHECK_ERR((code), tp_file_view_open(&v_, &t_, (path)));            \
        TP_CHECK(v_ == NULL);                                                 \
        TP_CHECK_EQ_INT((type), t_);                                          \
    } while (0)

/* A file of `chunks` chunks where only the chunks flagged in `data` are written (the rest are holes). */
static int write_sparse(const char *path, int chunks, const int *data)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || ftruncate(fd, (off_t)chunks * CHUNK) != 0)
    {
        return -1;
    }
    static uint8_t block[CHUNK];
    memset(block, 0xA5, sizeof(block));
    for (int i = 0; i < chunks; i++)
    {
        if (data[i] && pwrite(fd, block, CHUNK, (off_t)i * CHUNK) != CHUNK)
        {
            close(fd);
            return -1;
        }
    }
    close(fd);
    return 0;
}

TP_TEST(maps_a_regular_file_whole_and_read_only)
{
    const char *dir = tp_test_tmpdir();
    TP_CHECK(dir != NULL);
    uint8_t bytes[5000];
    for (size_t i = 0; i < sizeof(bytes); i++)
    {
        bytes[i] = (uint8_t)(i * 7);
    }
    const char *path = tp_test_path(dir, "file.bin");
    TP_CHECK_EQ_INT(0, tp_test_write_file(path, bytes, sizeof(bytes)));

    tp_file_view_t *view = NULL;
    int32_t type = -1;
    TP_CHECK_OK(tp_file_view_open(&view, &type, path));
    TP_CHECK_EQ_INT(TP_FILE_TYPE_REGULAR, type);
    TP_CHECK_EQ_U64(sizeof(bytes), tp_file_view_length(view));
    TP_CHECK(memcmp(bytes, tp_file_view_base(view), sizeof(bytes)) == 0);

    /* Shared: what another process writes later shows through the view. */
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    TP_CHECK(fd >= 0);
    TP_CHECK_EQ_INT(1, pwrite(fd, "\x42", 1, 4000));
    close(fd);
    TP_CHECK_EQ_INT(0x42, tp_file_view_base(view)[4000]);

    /* Read-only: a write faults (in a child, so the test survives). */
    fflush(NULL);
    pid_t child = fork();
    TP_CHECK(child >= 0);
    if (child == 0)
    {
        signal(SIGSEGV, SIG_DFL);
        signal(SIGBUS, SIG_DFL);
        ((volatile uint8_t *)tp_file_view_base(view))[10] = 1;
        _exit(0);
    }
    int code = tp_test_wait_child(child);
    TP_CHECK(code != 0 && code != -1);
    TP_CHECK_OK(tp_file_view_close(view));
    TP_CHECK_OK(tp_file_view_close(NULL));
    return 0;
}

TP_TEST(a_fifo_is_refused_at_once_never_waited_on_15_21a_5)
{
    /* A blocking open of a FIFO would wait for a writer forever (the ctest timeout would fail this case). */
    const char *dir = tp_test_tmpdir();
    TP_CHECK(dir != NULL);
    const char *fifo = tp_test_path(dir, "header.ring");
    TP_CHECK_EQ_INT(0, mkfifo(fifo, 0600));
    CHECK_REFUSED(TP_ERR_NOT_REGULAR_FILE, TP_FILE_TYPE_FIFO, fifo);
    TP_CHECK(strstr(tp_errmsg(), "is a FIFO, not a regular file") != NULL);
    return 0;
}

TP_TEST(a_symlink_is_never_followed_even_to_a_regular_file_15_21a_5)
{
    const char *dir = tp_test_tmpdir();
    TP_CHECK(dir != NULL);
    const char *target = tp_test_path(dir, "target.ring");
    TP_CHECK_EQ_INT(0, tp_test_write_file(target, "data", 4));
    const char *link = tp_test_path(dir, "link.ring");
    TP_CHECK_EQ_INT(0, symlink(target, link));
    CHECK_REFUSED(TP_ERR_SYMLINK, TP_FILE_TYPE_SYMLINK, link);
    /* A dangling symlink is a symlink too, not a missing file. */
    const char *dangling = tp_test_path(dir, "dangling.ring");
    TP_CHECK_EQ_INT(0, symlink(tp_test_path(dir, "nowhere"), dangling));
    CHECK_REFUSED(TP_ERR_SYMLINK, TP_FILE_TYPE_SYMLINK, dangling);
    return 0;
}

TP_TEST(directories_sockets_and_devices_are_refused_with_their_type)
{
    const char *dir = tp_test_tmpdir();
    TP_CHECK(dir != NULL);
    CHECK_REFUSED(TP_ERR_NOT_REGULAR_FILE, TP_FILE_TYPE_DIRECTORY, dir);
    TP_CHECK(strstr(tp_errmsg(), "is a directory, not a regular file") != NULL);
    CHECK_REFUSED(TP_ERR_NOT_REGULAR_FILE, TP_FILE_TYPE_CHARACTER_DEVICE, "/dev/null");

    /* A socket cannot even be opened (ENXIO): its type is still named. */
    int sock = socket(AF_UNIX, SOCK_STREAM, 0);
    TP_CHECK(sock >= 0);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", tp_test_path(dir, "sock"));
    TP_CHECK_EQ_INT(0, bind(sock, (struct sockaddr *)&addr, sizeof(addr)));
    CHECK_REFUSED(TP_ERR_NOT_REGULAR_FILE, TP_FILE_TYPE_SOCKET, addr.sun_path);
    close(sock);
    return 0;
}

TP_TEST(an_empty_file_is_refused_as_too_small)
{
    const char *dir = tp_test_tmpdir();
    TP_CHECK(dir != NULL);
    const char *path = tp_test_path(dir, "empty.ring");
    TP_CHECK_EQ_INT(0, tp_test_write_file(path, "", 0));
    CHECK_REFUSED(TP_ERR_SIZE, TP_FILE_TYPE_REGULAR, path);
    TP_CHECK(strstr(tp_errmsg(), "is empty") != NULL);
    return 0;
}

TP_TEST(missing_unreadable_and_invalid_paths_are_refused)
{
    const char *dir = tp_test_tmpdir();
    TP_CHECK(dir != NULL);
    CHECK_REFUSED(TP_ERR_NOT_FOUND, TP_FILE_TYPE_UNKNOWN, tp_test_path(dir, "missing.ring"));
    CHECK_REFUSED(TP_ERR_NOT_FOUND, TP_FILE_TYPE_UNKNOWN, tp_test_path(dir, "missing/header.ring"));
    const char *file = tp_test_path(dir, "file");
    TP_CHECK_EQ_INT(0, tp_test_write_file(file, "x", 1));
    CHECK_REFUSED(TP_ERR_PATH_INVALID, TP_FILE_TYPE_UNKNOWN, tp_test_path(file, "below")); /* ENOTDIR */
    CHECK_REFUSED(TP_ERR_PATH_INVALID, TP_FILE_TYPE_UNKNOWN, "");
    if (geteuid() != 0) /* root reads any file */
    {
        TP_CHECK_EQ_INT(0, chmod(file, 0));
        CHECK_REFUSED(TP_ERR_PERMISSION, TP_FILE_TYPE_REGULAR, file);
    }

    tp_file_view_t *view = NULL;
    int32_t type = -1;
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_file_view_open(NULL, &type, file));
    TP_CHECK_EQ_INT(TP_FILE_TYPE_UNKNOWN, type);
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_file_view_open(&view, &type, NULL));
    /* The type is optional. */
    TP_CHECK_ERR(TP_ERR_NOT_FOUND, tp_file_view_open(&view, NULL, tp_test_path(dir, "missing.ring")));
    if (geteuid() != 0)
    {
        TP_CHECK_EQ_INT(0, chmod(file, 0600));
    }
    TP_CHECK_OK(tp_file_view_open(&view, NULL, file));
    TP_CHECK_OK(tp_file_view_close(view));
    return 0;
}

TP_TEST(the_data_walk_skips_the_holes_of_a_sparse_file)
{
    const char *dir = tp_test_tmpdir();
    TP_CHECK(dir != NULL);
    /* hole, hole, data, hole, data, data, hole, hole */
    const int data[8] = { 0, 0, 1, 0, 1, 1, 0, 0 };
    const char *path = tp_test_path(dir, "sparse.ring");
    TP_CHECK_EQ_INT(0, write_sparse(path, 8, data));
    tp_file_view_t *view = NULL;
    TP_CHECK_OK(tp_file_view_open(&view, NULL, path));
    const uint64_t length = 8 * CHUNK;
    TP_CHECK_EQ_U64(length, tp_file_view_length(view));

    tp_file_extent_t e;
    TP_CHECK_OK(tp_file_view_next_data(&e, view, 0));
    TP_CHECK_EQ_U64(2 * CHUNK, e.start);
    TP_CHECK_EQ_U64(3 * CHUNK, e.end);
    TP_CHECK_OK(tp_file_view_next_data(&e, view, 2 * CHUNK + 100)); /* inside data: starts where asked */
    TP_CHECK_EQ_U64(2 * CHUNK + 100, e.start);
    TP_CHECK_EQ_U64(3 * CHUNK, e.end);
    TP_CHECK_OK(tp_file_view_next_data(&e, view, 3 * CHUNK));
    TP_CHECK_EQ_U64(4 * CHUNK, e.start);
    TP_CHECK_EQ_U64(6 * CHUNK, e.end);
    TP_CHECK_OK(tp_file_view_next_data(&e, view, 6 * CHUNK)); /* only holes follow */
    TP_CHECK_EQ_U64(length, e.start);
    TP_CHECK_EQ_U64(length, e.end);
    TP_CHECK_OK(tp_file_view_next_data(&e, view, length)); /* at and past the end */
    TP_CHECK_EQ_U64(length, e.start);
    TP_CHECK_OK(tp_file_view_next_data(&e, view, UINT64_MAX));
    TP_CHECK_EQ_U64(length, e.start);
    TP_CHECK_EQ_U64(length, e.end);
    /* What the walk calls data holds the bytes written; what it skips reads as zero. */
    TP_CHECK_EQ_INT(0xA5, tp_file_view_base(view)[4 * CHUNK]);
    TP_CHECK_EQ_INT(0, tp_file_view_base(view)[3 * CHUNK]);

    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_file_view_next_data(NULL, view, 0));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_file_view_next_data(&e, NULL, 0));
    TP_CHECK_OK(tp_file_view_close(view));
    return 0;
}

TP_TEST(the_data_walk_never_reaches_past_a_file_that_shrank_or_past_the_view_of_one_that_grew)
{
    const char *dir = tp_test_tmpdir();
    TP_CHECK(dir != NULL);
    const int data[4] = { 1, 1, 1, 1 };
    const char *path = tp_test_path(dir, "shrinking.ring");
    TP_CHECK_EQ_INT(0, write_sparse(path, 4, data));
    tp_file_view_t *view = NULL;
    TP_CHECK_OK(tp_file_view_open(&view, NULL, path));
    TP_CHECK_EQ_U64(4 * CHUNK, tp_file_view_length(view));

    /* Another process truncates the file: pages past its new end would fault (SIGBUS) if read. */
    TP_CHECK_EQ_INT(0, truncate(path, CHUNK + 100));
    tp_file_extent_t e;
    TP_CHECK_OK(tp_file_view_next_data(&e, view, 0));
    TP_CHECK_EQ_U64(0, e.start);
    TP_CHECK_EQ_U64(CHUNK + 100, e.end);
    TP_CHECK_OK(tp_file_view_next_data(&e, view, 2 * CHUNK));
    TP_CHECK_EQ_U64(4 * CHUNK, e.start); /* nothing to read there any more */
    TP_CHECK_EQ_U64(4 * CHUNK, e.end);
    volatile uint8_t sum = 0;
    for (uint64_t i = 0; i < e.end && i < CHUNK + 100; i++)
    {
        sum = (uint8_t)(sum + tp_file_view_base(view)[i]); /* reading what the walk reported is safe */
    }
    (void)sum;

    /* The file grows past the view: extents stay within what is mapped. */
    TP_CHECK_EQ_INT(0, truncate(path, 16 * CHUNK));
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    TP_CHECK(fd >= 0);
    TP_CHECK_EQ_INT(1, pwrite(fd, "x", 1, 10 * CHUNK));
    close(fd);
    TP_CHECK_OK(tp_file_view_next_data(&e, view, 0));
    TP_CHECK(e.end <= 4 * CHUNK);
    TP_CHECK_OK(tp_file_view_next_data(&e, view, 3 * CHUNK));
    TP_CHECK(e.start >= 3 * CHUNK && e.end <= 4 * CHUNK);
    TP_CHECK_OK(tp_file_view_close(view));
    return 0;
}

TP_TEST(file_types_have_one_name_each)
{
    const char *names[9];
    for (int32_t t = TP_FILE_TYPE_UNKNOWN; t <= TP_FILE_TYPE_OTHER; t++)
    {
        names[t] = tp_file_type_name(t);
        TP_CHECK(names[t] != NULL && names[t][0] != '\0');
        for (int32_t u = TP_FILE_TYPE_UNKNOWN; u < t; u++)
        {
            TP_CHECK(strcmp(names[t], names[u]) != 0);
        }
    }
    TP_CHECK_STR("FIFO", tp_file_type_name(TP_FILE_TYPE_FIFO));
    TP_CHECK_STR("character device", tp_file_type_name(TP_FILE_TYPE_CHARACTER_DEVICE));
    TP_CHECK_STR("unknown file type", tp_file_type_name(-1));
    TP_CHECK_STR("unknown file type", tp_file_type_name(TP_FILE_TYPE_OTHER + 1));
    return 0;
}

TP_TEST_MAIN()
