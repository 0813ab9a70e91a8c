/* test_log_file.c - opening, creating (exactly once) and rejecting tp:ipc log files (log.h, log_layout.h). */
#include "tp_test.h"
#include "test_log_util.h"

#include <dirent.h>

enum { CAP = 4096 };

static int make_log(const char *path, uint64_t capacity)
{
    tp_log_t *log = NULL;
    int rc = tp_log_open(&log, path, capacity);
    tp_log_close(log);
    return rc;
}

/* Overwrite `n` bytes of the file at `offset`. */
static void patch(const char *path, off_t offset, const void *bytes, size_t n)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd >= 0)
    {
        if (pwrite(fd, bytes, n, offset) != (ssize_t)n)
        {
            fprintf(stderr, "short pwrite\n");
        }
        close(fd);
    }
}

TP_TEST(create_then_open_existing)
{
    const char *dir = tlu_dir();
    char path[512];
    tlu_path(path, sizeof(path), dir, "1000.log");
    tp_log_t *a = NULL, *b = NULL;
    TP_CHECK_EQ_INT(TP_LOG_OPENED_CREATED, tp_log_open(&a, path, CAP));
    TP_CHECK_EQ_INT(TP_LOG_OPENED_EXISTING, tp_log_open(&b, path, 0));
    TP_CHECK_EQ_U64(CAP, tp_log_capacity(b));
    TP_CHECK_EQ_INT(CAP / 8 - TP_LOG_RECORD_HEADER_LENGTH, tp_log_max_message_length(b));
    struct stat st;
    TP_CHECK_EQ_INT(0, stat(path, &st));
    TP_CHECK_EQ_U64(TP_LOG_DESCRIPTOR_LENGTH + CAP, (uint64_t)st.st_size);
    TP_CHECK_EQ_INT(0600, st.st_mode & 0777);
    /* Both handles see one file: a record offered through one moves the other's tail. */
    tp_log_publication_t *pub = NULL;
    TP_CHECK_OK(tp_log_publication_create(&pub, a));
    TP_CHECK(tlu_offer(pub, 16, 1, 1, 0) > 0);
    TP_CHECK_EQ_INT(64, tp_log_tail_position(b));
    TP_CHECK_OK(tp_log_publication_close(pub));
    TP_CHECK_OK(tp_log_close(a));
    TP_CHECK_OK(tp_log_close(b));
    return 0;
}

TP_TEST(zero_capacity_creates_the_default)
{
    const char *dir = tlu_dir();
    char path[512];
    tlu_path(path, sizeof(path), dir, "d.log");
    tp_log_t *log = NULL;
    TP_CHECK_EQ_INT(TP_LOG_OPENED_CREATED, tp_log_open(&log, path, 0));
    TP_CHECK_EQ_U64(TP_LOG_DEFAULT_CAPACITY, tp_log_capacity(log));
    TP_CHECK_EQ_INT(TP_LOG_DEFAULT_CAPACITY / 8 - 32, tp_log_max_message_length(log));
    TP_CHECK_OK(tp_log_close(log));
    return 0;
}

TP_TEST(creates_missing_parent_directories_0700)
{
    const char *dir = tlu_dir();
    char path[1024], sub[512];
    snprintf(sub, sizeof(sub), "%s/ipc/name", dir);
    snprintf(path, sizeof(path), "%s/1100.log", sub);
    TP_CHECK_EQ_INT(TP_LOG_OPENED_CREATED, make_log(path, CAP));
    struct stat st;
    TP_CHECK_EQ_INT(0, stat(sub, &st));
    TP_CHECK(S_ISDIR(st.st_mode));
    TP_CHECK_EQ_INT(0700, st.st_mode & 0777);
    return 0;
}

TP_TEST(capacity_mismatch_is_rejected)
{
    const char *dir = tlu_dir();
    char path[512];
    tlu_path(path, sizeof(path), dir, "m.log");
    TP_CHECK_EQ_INT(TP_LOG_OPENED_CREATED, make_log(path, CAP));
    TP_CHECK_ERR(TP_LOG_ERR_CAPACITY_MISMATCH, make_log(path, CAP * 2));
    TP_CHECK(strstr(tp_errmsg(), "capacity") != NULL);
    return 0;
}

TP_TEST(bad_arguments_are_rejected)
{
    const char *dir = tlu_dir();
    char path[512];
    tlu_path(path, sizeof(path), dir, "a.log");
    tp_log_t *log = NULL;
    TP_CHECK_ERR(TP_LOG_ERR_CAPACITY, tp_log_open(&log, path, 3000));
    TP_CHECK_ERR(TP_LOG_ERR_CAPACITY, tp_log_open(&log, path, TP_LOG_MIN_CAPACITY / 2));
    TP_CHECK_ERR(TP_LOG_ERR_CAPACITY, tp_log_open(&log, path, (uint64_t)TP_LOG_MAX_CAPACITY * 2));
    TP_CHECK_ERR(TP_ERR_PATH_NOT_ABSOLUTE, tp_log_open(&log, "relative/a.log", CAP));
    TP_CHECK_ERR(TP_ERR_PATH_NOT_ABSOLUTE, tp_log_open(&log, "", CAP));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_log_open(&log, NULL, CAP));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_log_open(NULL, path, CAP));
    TP_CHECK_ERR(TP_ERR_PATH_INVALID, tp_log_open(&log, "/dev/shm/dir/", CAP));
    char longpath[5000];
    memset(longpath, 'a', sizeof(longpath) - 1);
    longpath[0] = '/';
    longpath[sizeof(longpath) - 1] = '\0';
    TP_CHECK_ERR(TP_ERR_PATH_INVALID, tp_log_open(&log, longpath, CAP));
    /* Nothing was created by the refused calls. */
    TP_CHECK(access(path, F_OK) != 0);
    return 0;
}

TP_TEST(garbage_file_is_rejected_by_magic)
{
    const char *dir = tlu_dir();
    char path[512];
    tlu_path(path, sizeof(path), dir, "g.log");
    uint8_t junk[TP_LOG_DESCRIPTOR_LENGTH + CAP];
    uint64_t x = 42;
    for (size_t i = 0; i < sizeof(junk); i++)
    {
        junk[i] = (uint8_t)tlu_next(&x);
    }
    tlu_write_file(path, junk, sizeof(junk));
    TP_CHECK_ERR(TP_LOG_ERR_MAGIC, make_log(path, 0));
    return 0;
}

/* Create a valid log, patch one descriptor field, expect `code`. */
static int expect_patched(const char *dir, off_t offset, const void *value, size_t n, int code)
{
    char path[512];
    tlu_path(path, sizeof(path), dir, "p.log");
    unlink(path);
    TP_CHECK_EQ_INT(TP_LOG_OPENED_CREATED, make_log(path, CAP));
    patch(path, offset, value, n);
    TP_CHECK_ERR(code, make_log(path, 0));
    return 0;
}

TP_TEST(bad_descriptor_fields_are_rejected_with_their_code)
{
    const char *dir = tlu_dir();
    /* Version 1 logs had no claim limit: their publishers would not keep it, so they are refused too. */
    uint32_t bad_magic = 0x12345678, bad_version = TP_LOG_LAYOUT_VERSION + 1, old_version = 1, bad_u32 = 33;
    uint64_t not_pow2 = CAP + 32, too_small = 512, other_pow2 = CAP * 2;
    TP_CHECK_EQ_INT(0, expect_patched(dir, TP_LOG_MAGIC_OFFSET, &bad_magic, 4, TP_LOG_ERR_MAGIC));
    TP_CHECK_EQ_INT(0, expect_patched(dir, TP_LOG_VERSION_OFFSET, &bad_version, 4, TP_LOG_ERR_VERSION));
    TP_CHECK_EQ_INT(0, expect_patched(dir, TP_LOG_VERSION_OFFSET, &old_version, 4, TP_LOG_ERR_VERSION));
    TP_CHECK_EQ_INT(0, expect_patched(dir, TP_LOG_CAPACITY_OFFSET, &not_pow2, 8, TP_LOG_ERR_CAPACITY));
    TP_CHECK_EQ_INT(0, expect_patched(dir, TP_LOG_CAPACITY_OFFSET, &too_small, 8, TP_LOG_ERR_CAPACITY));
    TP_CHECK_EQ_INT(0, expect_patched(dir, TP_LOG_RECORD_ALIGNMENT_OFFSET, &bad_u32, 4, TP_LOG_ERR_DESCRIPTOR));
    TP_CHECK_EQ_INT(0, expect_patched(dir, TP_LOG_DESCRIPTOR_LENGTH_OFFSET, &bad_u32, 4, TP_LOG_ERR_DESCRIPTOR));
    TP_CHECK_EQ_INT(0, expect_patched(dir, TP_LOG_RECORD_HEADER_LENGTH_OFFSET, &bad_u32, 4, TP_LOG_ERR_DESCRIPTOR));
    TP_CHECK_EQ_INT(0, expect_patched(dir, TP_LOG_MAX_MESSAGE_LENGTH_OFFSET, &bad_u32, 4, TP_LOG_ERR_DESCRIPTOR));
    /* A capacity that is valid but disagrees with the file size. */
    TP_CHECK_EQ_INT(0, expect_patched(dir, TP_LOG_CAPACITY_OFFSET, &other_pow2, 8, TP_LOG_ERR_DESCRIPTOR));
    return 0;
}

TP_TEST(truncated_extended_and_empty_files_are_rejected)
{
    const char *dir = tlu_dir();
    char path[512];
    tlu_path(path, sizeof(path), dir, "s.log");
    TP_CHECK_EQ_INT(TP_LOG_OPENED_CREATED, make_log(path, CAP));
    TP_CHECK_EQ_INT(0, truncate(path, TP_LOG_DESCRIPTOR_LENGTH + CAP / 2));
    TP_CHECK_ERR(TP_LOG_ERR_FILE_SIZE, make_log(path, 0));
    TP_CHECK_EQ_INT(0, truncate(path, TP_LOG_DESCRIPTOR_LENGTH + CAP * 2));
    TP_CHECK_ERR(TP_LOG_ERR_FILE_SIZE, make_log(path, 0));
    TP_CHECK_EQ_INT(0, truncate(path, 100));
    TP_CHECK_ERR(TP_LOG_ERR_FILE_SIZE, make_log(path, 0));
    TP_CHECK_EQ_INT(0, truncate(path, 0));
    TP_CHECK_ERR(TP_LOG_ERR_FILE_SIZE, make_log(path, 0));
    return 0;
}

TP_TEST(fifo_directory_and_symlink_are_rejected)
{
    const char *dir = tlu_dir();
    char fifo[512], sub[512], link[512], target[512];
    tlu_path(fifo, sizeof(fifo), dir, "fifo.log");
    tlu_path(sub, sizeof(sub), dir, "dir.log");
    tlu_path(link, sizeof(link), dir, "link.log");
    tlu_path(target, sizeof(target), dir, "target.log");
    TP_CHECK_EQ_INT(0, mkfifo(fifo, 0600));
    TP_CHECK_ERR(TP_ERR_NOT_REGULAR_FILE, make_log(fifo, 0));
    TP_CHECK_EQ_INT(0, mkdir(sub, 0700));
    TP_CHECK_ERR(TP_ERR_NOT_REGULAR_FILE, make_log(sub, 0));
    /* A symlink is refused even when it points at a valid log. */
    TP_CHECK_EQ_INT(TP_LOG_OPENED_CREATED, make_log(target, CAP));
    TP_CHECK_EQ_INT(0, symlink(target, link));
    TP_CHECK_ERR(TP_ERR_SYMLINK, make_log(link, 0));
    /* ... and a dangling one is not followed to create a file at its target. */
    char dangling[512], nowhere[512];
    tlu_path(dangling, sizeof(dangling), dir, "dangling.log");
    tlu_path(nowhere, sizeof(nowhere), dir, "nowhere.log");
    TP_CHECK_EQ_INT(0, symlink(nowhere, dangling));
    TP_CHECK(make_log(dangling, CAP) < 0);
    TP_CHECK(access(nowhere, F_OK) != 0);
    return 0;
}

TP_TEST(close_refuses_while_publications_or_subscriptions_are_open)
{
    const char *dir = tlu_dir();
    char path[512];
    tlu_path(path, sizeof(path), dir, "u.log");
    tp_log_t *log = NULL;
    tp_log_publication_t *pub = NULL;
    tp_log_subscription_t *sub = NULL;
    TP_CHECK_OK(tp_log_open(&log, path, CAP));
    TP_CHECK_OK(tp_log_publication_create(&pub, log));
    TP_CHECK_OK(tp_log_subscription_create(&sub, log, 0));
    TP_CHECK_ERR(TP_LOG_ERR_IN_USE, tp_log_close(log));
    TP_CHECK_OK(tp_log_publication_close(pub));
    TP_CHECK_ERR(TP_LOG_ERR_IN_USE, tp_log_close(log));
    TP_CHECK_OK(tp_log_subscription_close(sub));
    TP_CHECK_OK(tp_log_close(log));
    TP_CHECK_OK(tp_log_close(NULL));
    return 0;
}

enum { RACE_CHILDREN = 6, RACE_ROUNDS = 15, RACE_MSG = 32 };

/* Child: wait at the start gate, open, publish one message, report created (11) or existing (10). */
static int race_child(const char *path, int gate, uint32_t id)
{
    char c;
    if (read(gate, &c, 1) != 0)
    {
        return 2;
    }
    tp_log_t *log = NULL;
    int opened = tp_log_open(&log, path, CAP);
    if (opened < 0)
    {
        fprintf(stderr, "child %u: %s\n", id, tp_errmsg());
        return 3;
    }
    tp_log_publication_t *pub = NULL;
    if (tp_log_publication_create(&pub, log) < 0 || tlu_offer(pub, RACE_MSG, id, 0, 0) <= 0)
    {
        return 4;
    }
    tp_log_publication_close(pub);
    tp_log_close(log);
    return 10 + opened;
}

TP_TEST(concurrent_first_use_creates_the_file_exactly_once)
{
    const char *dir = tlu_dir();
    for (int round = 0; round < RACE_ROUNDS; round++)
    {
        char path[512];
        snprintf(path, sizeof(path), "%s/race/%d.log", dir, round);
        int gate[2];
        TP_CHECK_EQ_INT(0, pipe(gate));
        pid_t pids[RACE_CHILDREN];
        for (int i = 0; i < RACE_CHILDREN; i++)
        {
            pids[i] = fork();
            TP_CHECK(pids[i] >= 0);
            if (pids[i] == 0)
            {
                close(gate[1]);
                _exit(race_child(path, gate[0], (uint32_t)i));
            }
        }
        close(gate[0]);
        close(gate[1]); /* opens the gate for every child at once */
        int created = 0, existing = 0;
        for (int i = 0; i < RACE_CHILDREN; i++)
        {
            int code = tlu_wait_child(pids[i], TLU_CHILD_TIMEOUT_S);
            created += code == 11;
            existing += code == 10;
        }
        TP_CHECK_EQ_INT(1, created);
        TP_CHECK_EQ_INT(RACE_CHILDREN - 1, existing);
        /* All of them wrote into the one file that exists. */
        tp_log_t *log = NULL;
        TP_CHECK_EQ_INT(TP_LOG_OPENED_EXISTING, tp_log_open(&log, path, CAP));
        TP_CHECK_EQ_INT(RACE_CHILDREN * 64, tp_log_tail_position(log));
        TP_CHECK_OK(tp_log_close(log));
    }
    /* No temporary file is left behind. */
    char race_dir[512];
    snprintf(race_dir, sizeof(race_dir), "%s/race", dir);
    int entries = 0;
    DIR *d = opendir(race_dir);
    TP_CHECK(d != NULL);
    for (struct dirent *e = readdir(d); e != NULL; e = readdir(d))
    {
        if (e->d_name[0] != '.')
        {
            entries++;
            TP_CHECK(strstr(e->d_name, ".tmp") == NULL);
        }
    }
    closedir(d);
    TP_CHECK_EQ_INT(RACE_ROUNDS, entries);
    return 0;
}

TP_TEST(errname_names_log_codes)
{
    TP_CHECK_STR("TP_LOG_ERR_MAGIC", tp_log_errname(TP_LOG_ERR_MAGIC));
    TP_CHECK_STR("TP_LOG_ERR_PUBLICATION_LAPPED", tp_log_errname(TP_LOG_ERR_PUBLICATION_LAPPED));
    TP_CHECK_STR("TP_ERR_SYMLINK", tp_log_errname(TP_ERR_SYMLINK));
    return 0;
}

TP_TEST_MAIN()
