/* test_region_map.c - mapping announced regions: every check of §15.21a.5, §15.22 and the superblock (§7.1, §15.1). */
#include "tp_test.h"
#include "tp_test_util.h"

#include <grp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <sys/un.h>

#include "../src/region_test_hook.h"
#include "tensorpool/region.h"

/* A temp dir with base/ (allowed) and outside/ (not), and a policy allowing base/. */
typedef struct fixture_stct
{
    char base[512];
    char outside[512];
    tp_path_policy_t *policy;
} fixture_t;

static int fixture_init(fixture_t *fx)
{
    const char *tmp = tp_test_tmpdir();
    if (tmp == NULL)
    {
        return -1;
    }
    snprintf(fx->base, sizeof(fx->base), "%s/base", tmp);
    snprintf(fx->outside, sizeof(fx->outside), "%s/outside", tmp);
    if (mkdir(fx->base, 0700) != 0 || mkdir(fx->outside, 0700) != 0)
    {
        return -1;
    }
    if (tp_path_policy_create(&fx->policy) != 0 || tp_path_policy_add_base_dir(fx->policy, fx->base) != 0)
    {
        return -1;
    }
    return 0;
}

static void fixture_free(fixture_t *fx)
{
    tp_path_policy_close(fx->policy);
}

static tp_superblock_t ring_sb(void)
{
    tp_superblock_t sb;
    tp_superblock_init_header_ring(&sb, 1000, 5, 8);
    return sb;
}

static tp_superblock_t pool_sb(void)
{
    tp_superblock_t sb;
    tp_superblock_init_payload_pool(&sb, 1000, 5, 2, 8, 4096);
    return sb;
}

/* A valid region file at dir/name created through tp_region_create. */
static int make_region(const char *dir, const char *name, const tp_superblock_t *sb)
{
    tp_region_t *region = NULL;
    int rc = tp_region_create(&region, dir, tp_test_path(dir, name), sb, NULL);
    tp_region_close(region);
    return rc;
}

/* Overwrite `length` bytes at `offset` of a file. */
static int poke(const char *path, off_t offset, const void *bytes, size_t length)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
    {
        return -1;
    }
    ssize_t n = pwrite(fd, bytes, length, offset);
    close(fd);
    return n == (ssize_t)length ? 0 : -1;
}

static int map_ro(const fixture_t *fx, const char *path, const tp_superblock_t *expected)
{
    tp_region_t *region = NULL;
    int rc = tp_region_map(&region, fx->policy, path, TP_REGION_ACCESS_READ_ONLY, 0, expected);
    if (rc == 0 && region == NULL)
    {
        return -999;
    }
    tp_region_close(region);
    return rc;
}

TP_TEST(maps_a_valid_region_read_only)
{
    fixture_t fx;
    TP_CHECK_EQ_INT(0, fixture_init(&fx));
    tp_superblock_t sb = ring_sb();
    TP_CHECK_OK(make_region(fx.base, "header.ring", &sb));
    tp_region_t *region = NULL;
    TP_CHECK_OK(tp_region_map(&region, fx.policy, tp_test_path(fx.base, "header.ring"), TP_REGION_ACCESS_READ_ONLY, 0, &sb));
    TP_CHECK_EQ_U64(64 + 8 * 256, tp_region_length(region));
    TP_CHECK_STR(tp_test_path(fx.base, "header.ring"), tp_region_path(region));
    tp_superblock_t back;
    TP_CHECK_OK(tp_superblock_read(&back, tp_region_base(region), tp_region_length(region)));
    TP_CHECK_EQ_U64(5, back.epoch);
    tp_header_ring_t ring;
    TP_CHECK_OK(tp_header_ring_wrap(&ring, tp_region_base(region), tp_region_length(region)));
    TP_CHECK_EQ_INT(8, ring.nslots);

    /* The mapping is read-only: a write faults (checked in a child so the test survives). */
    fflush(NULL);
    pid_t child = fork();
    TP_CHECK(child >= 0);
    if (child == 0)
    {
        signal(SIGSEGV, SIG_DFL);
        signal(SIGBUS, SIG_DFL);
        tp_region_base(region)[100] = 1;
        _exit(0);
    }
    int code = tp_test_wait_child(child);
    TP_CHECK(code != 0 && code != -1); /* killed by the fault (or ASan's report of it) */
    tp_region_close(region);
    fixture_free(&fx);
    return 0;
}

TP_TEST(maps_read_write_for_producers)
{
    fixture_t fx;
    TP_CHECK_EQ_INT(0, fixture_init(&fx));
    tp_superblock_t sb = pool_sb();
    TP_CHECK_OK(make_region(fx.base, "2.pool", &sb));
    const char *path = tp_test_path(fx.base, "2.pool");
    tp_region_t *writer = NULL;
    tp_region_t *reader = NULL;
    TP_CHECK_OK(tp_region_map(&writer, fx.policy, path, TP_REGION_ACCESS_READ_WRITE, 0, &sb));
    TP_CHECK_OK(tp_region_map(&reader, fx.policy, path, TP_REGION_ACCESS_READ_ONLY, 0, &sb));
    tp_superblock_store_activity(tp_region_base(writer), 777);
    tp_region_base(writer)[64 + 4096] = 0x5A;
    TP_CHECK_EQ_U64(777, tp_superblock_load_activity(tp_region_base(reader)));
    TP_CHECK_EQ_INT(0x5A, tp_region_base(reader)[64 + 4096]);
    tp_region_close(writer);
    tp_region_close(reader);
    fixture_free(&fx);
    return 0;
}

TP_TEST(map_uri_applies_the_uri_rules)
{
    fixture_t fx;
    TP_CHECK_EQ_INT(0, fixture_init(&fx));
    tp_superblock_t sb = ring_sb();
    TP_CHECK_OK(make_region(fx.base, "header.ring", &sb));
    char uri[TP_SHM_URI_MAX_LENGTH + 1];
    tp_region_t *region = NULL;
    TP_CHECK(tp_shm_uri_format(uri, sizeof(uri), tp_test_path(fx.base, "header.ring"), 0) > 0);
    TP_CHECK_OK(tp_region_map_uri(&region, fx.policy, uri, TP_REGION_ACCESS_READ_ONLY, &sb));
    tp_region_close(region);
    /* §15.22: require_hugepages=true on tmpfs must be rejected, never downgraded. */
    TP_CHECK(tp_shm_uri_format(uri, sizeof(uri), tp_test_path(fx.base, "header.ring"), 1) > 0);
    TP_CHECK_ERR(TP_ERR_HUGEPAGES, tp_region_map_uri(&region, fx.policy, uri, TP_REGION_ACCESS_READ_ONLY, &sb));
    TP_CHECK(region == NULL);
    TP_CHECK_ERR(TP_ERR_URI_SCHEME, tp_region_map_uri(&region, fx.policy, "aeron:ipc", TP_REGION_ACCESS_READ_ONLY, &sb));
    TP_CHECK_ERR(TP_ERR_URI_PARAM,
        tp_region_map_uri(&region, fx.policy, "shm:file?path=/dev/shm/x|mode=1", TP_REGION_ACCESS_READ_ONLY, &sb));
    fixture_free(&fx);
    return 0;
}

TP_TEST(rejects_relative_and_missing_paths)
{
    fixture_t fx;
    TP_CHECK_EQ_INT(0, fixture_init(&fx));
    TP_CHECK_ERR(TP_ERR_PATH_NOT_ABSOLUTE, map_ro(&fx, "base/header.ring", NULL));
    TP_CHECK_ERR(TP_ERR_NOT_FOUND, map_ro(&fx, tp_test_path(fx.base, "missing.ring"), NULL));
    fixture_free(&fx);
    return 0;
}

TP_TEST(rejects_dotdot_escape_15_21a_5)
{
    fixture_t fx;
    TP_CHECK_EQ_INT(0, fixture_init(&fx));
    tp_superblock_t sb = ring_sb();
    TP_CHECK_OK(make_region(fx.outside, "header.ring", &sb));
    char escape[1024];
    snprintf(escape, sizeof(escape), "%s/../outside/header.ring", fx.base);
    TP_CHECK_ERR(TP_ERR_PATH_NOT_CONTAINED, map_ro(&fx, escape, &sb));
    fixture_free(&fx);
    return 0;
}

TP_TEST(rejects_a_symlink_pointing_outside_the_base_dir)
{
    fixture_t fx;
    TP_CHECK_EQ_INT(0, fixture_init(&fx));
    tp_superblock_t sb = ring_sb();
    TP_CHECK_OK(make_region(fx.outside, "header.ring", &sb));
    TP_CHECK_EQ_INT(0, symlink(tp_test_path(fx.outside, "header.ring"), tp_test_path(fx.base, "header.ring")));
    TP_CHECK_ERR(TP_ERR_PATH_NOT_CONTAINED, map_ro(&fx, tp_test_path(fx.base, "header.ring"), &sb));
    /* a symlinked directory leading outside is no better */
    TP_CHECK_EQ_INT(0, symlink(fx.outside, tp_test_path(fx.base, "dir")));
    TP_CHECK_ERR(TP_ERR_PATH_NOT_CONTAINED, map_ro(&fx, tp_test_path(fx.base, "dir/header.ring"), &sb));
    fixture_free(&fx);
    return 0;
}

/* ---- time-of-check / time-of-use (§15.21a.5 step 6) --------------------- */

typedef struct swap_stct
{
    const char *replacement;  /* a file to rename over the checked path, or NULL */
    const char *link_target;  /* make the checked path a symlink to this, or NULL */
    int make_fifo;
    int calls;
} swap_t;

static void swap_after_check(const char *canonical, void *state)
{
    swap_t *swap = state;
    swap->calls++;
    if (swap->replacement != NULL)
    {
        rename(swap->replacement, canonical);
    }
    else
    {
        unlink(canonical);
        if (swap->link_target != NULL)
        {
            symlink(swap->link_target, canonical);
        }
        else if (swap->make_fifo)
        {
            mkfifo(canonical, 0600);
        }
    }
}

static int map_with_swap(fixture_t *fx, const char *path, swap_t *swap)
{
    tp_region_test_after_path_check = swap_after_check;
    tp_region_test_hook_state = swap;
    int rc = map_ro(fx, path, NULL);
    tp_region_test_after_path_check = NULL;
    tp_region_test_hook_state = NULL;
    return rc;
}

TP_TEST(rejects_a_symlink_swapped_in_after_validation)
{
    fixture_t fx;
    TP_CHECK_EQ_INT(0, fixture_init(&fx));
    tp_superblock_t sb = ring_sb();
    TP_CHECK_OK(make_region(fx.base, "header.ring", &sb));
    TP_CHECK_OK(make_region(fx.outside, "header.ring", &sb));
    swap_t swap = { NULL, tp_test_path(fx.outside, "header.ring"), 0, 0 };
    TP_CHECK_ERR(TP_ERR_SYMLINK, map_with_swap(&fx, tp_test_path(fx.base, "header.ring"), &swap));
    TP_CHECK_EQ_INT(1, swap.calls);
    fixture_free(&fx);
    return 0;
}

TP_TEST(rejects_a_file_replaced_after_validation)
{
    fixture_t fx;
    TP_CHECK_EQ_INT(0, fixture_init(&fx));
    tp_superblock_t sb = ring_sb();
    TP_CHECK_OK(make_region(fx.base, "header.ring", &sb));
    TP_CHECK_OK(make_region(fx.base, "impostor.ring", &sb));
    swap_t swap = { tp_test_path(fx.base, "impostor.ring"), NULL, 0, 0 };
    TP_CHECK_ERR(TP_ERR_FILE_CHANGED, map_with_swap(&fx, tp_test_path(fx.base, "header.ring"), &swap));
    TP_CHECK_EQ_INT(1, swap.calls);
    fixture_free(&fx);
    return 0;
}

TP_TEST(a_fifo_swapped_in_after_validation_neither_blocks_nor_maps)
{
    fixture_t fx;
    TP_CHECK_EQ_INT(0, fixture_init(&fx));
    tp_superblock_t sb = ring_sb();
    TP_CHECK_OK(make_region(fx.base, "header.ring", &sb));
    swap_t swap = { NULL, NULL, 1, 0 };
    TP_CHECK_ERR(TP_ERR_FILE_CHANGED, map_with_swap(&fx, tp_test_path(fx.base, "header.ring"), &swap));
    fixture_free(&fx);
    return 0;
}

/* ---- file types (§15.21a.5 step 5) -------------------------------------- */

TP_TEST(rejects_a_fifo)
{
    fixture_t fx;
    TP_CHECK_EQ_INT(0, fixture_init(&fx));
    TP_CHECK_EQ_INT(0, mkfifo(tp_test_path(fx.base, "fifo"), 0600));
    TP_CHECK_ERR(TP_ERR_NOT_REGULAR_FILE, map_ro(&fx, tp_test_path(fx.base, "fifo"), NULL));
    fixture_free(&fx);
    return 0;
}

TP_TEST(rejects_a_socket)
{
    fixture_t fx;
    TP_CHECK_EQ_INT(0, fixture_init(&fx));
    int sock = socket(AF_UNIX, SOCK_STREAM, 0);
    TP_CHECK(sock >= 0);
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", tp_test_path(fx.base, "sock"));
    TP_CHECK_EQ_INT(0, bind(sock, (struct sockaddr *)&addr, sizeof(addr)));
    int rc = map_ro(&fx, tp_test_path(fx.base, "sock"), NULL);
    close(sock);
    TP_CHECK_ERR(TP_ERR_NOT_REGULAR_FILE, rc);
    fixture_free(&fx);
    return 0;
}

TP_TEST(rejects_a_directory)
{
    fixture_t fx;
    TP_CHECK_EQ_INT(0, fixture_init(&fx));
    TP_CHECK_EQ_INT(0, mkdir(tp_test_path(fx.base, "dir"), 0700));
    TP_CHECK_ERR(TP_ERR_NOT_REGULAR_FILE, map_ro(&fx, tp_test_path(fx.base, "dir"), NULL));
    fixture_free(&fx);
    return 0;
}

TP_TEST(rejects_a_device)
{
    tp_path_policy_t *policy = NULL;
    TP_CHECK_OK(tp_path_policy_create(&policy));
    TP_CHECK_OK(tp_path_policy_add_base_dir(policy, "/dev"));
    tp_region_t *region = NULL;
    TP_CHECK_ERR(TP_ERR_NOT_REGULAR_FILE, tp_region_map(&region, policy, "/dev/null", TP_REGION_ACCESS_READ_ONLY, 0, NULL));
    TP_CHECK_ERR(TP_ERR_NOT_REGULAR_FILE, tp_region_map(&region, policy, "/dev/zero", TP_REGION_ACCESS_READ_WRITE, 0, NULL));
    TP_CHECK(region == NULL);
    tp_path_policy_close(policy);
    return 0;
}

/* ---- sizes and superblock ----------------------------------------------- */

TP_TEST(rejects_files_shorter_than_a_superblock)
{
    fixture_t fx;
    TP_CHECK_EQ_INT(0, fixture_init(&fx));
    TP_CHECK_OK(tp_test_write_file(tp_test_path(fx.base, "empty"), "", 0));
    TP_CHECK_ERR(TP_ERR_SIZE, map_ro(&fx, tp_test_path(fx.base, "empty"), NULL));
    tp_superblock_t sb = ring_sb();
    uint8_t bytes[64];
    tp_superblock_write(bytes, sizeof(bytes), &sb);
    TP_CHECK_OK(tp_test_write_file(tp_test_path(fx.base, "short"), bytes, 63));
    TP_CHECK_ERR(TP_ERR_SIZE, map_ro(&fx, tp_test_path(fx.base, "short"), NULL));
    fixture_free(&fx);
    return 0;
}

TP_TEST(rejects_a_size_other_than_the_superblock_implies)
{
    fixture_t fx;
    TP_CHECK_EQ_INT(0, fixture_init(&fx));
    tp_superblock_t sb = ring_sb();
    uint64_t exact = 64 + 8 * 256;
    TP_CHECK_EQ_INT(0, tp_test_write_region_file(tp_test_path(fx.base, "ok.ring"), &sb, exact));
    TP_CHECK_OK(map_ro(&fx, tp_test_path(fx.base, "ok.ring"), &sb));
    TP_CHECK_EQ_INT(0, tp_test_write_region_file(tp_test_path(fx.base, "truncated.ring"), &sb, exact - 256));
    TP_CHECK_ERR(TP_ERR_SIZE, map_ro(&fx, tp_test_path(fx.base, "truncated.ring"), &sb));
    TP_CHECK_EQ_INT(0, tp_test_write_region_file(tp_test_path(fx.base, "byte-short.ring"), &sb, exact - 1));
    TP_CHECK_ERR(TP_ERR_SIZE, map_ro(&fx, tp_test_path(fx.base, "byte-short.ring"), &sb));
    TP_CHECK_EQ_INT(0, tp_test_write_region_file(tp_test_path(fx.base, "long.ring"), &sb, exact + 1));
    TP_CHECK_ERR(TP_ERR_SIZE, map_ro(&fx, tp_test_path(fx.base, "long.ring"), &sb));
    TP_CHECK_EQ_INT(0, tp_test_write_region_file(tp_test_path(fx.base, "superblock-only.ring"), &sb, 64));
    TP_CHECK_ERR(TP_ERR_SIZE, map_ro(&fx, tp_test_path(fx.base, "superblock-only.ring"), &sb));
    tp_superblock_t psb = pool_sb();
    TP_CHECK_EQ_INT(0, tp_test_write_region_file(tp_test_path(fx.base, "2.pool"), &psb, 64 + 7 * 4096));
    TP_CHECK_ERR(TP_ERR_SIZE, map_ro(&fx, tp_test_path(fx.base, "2.pool"), &psb));
    fixture_free(&fx);
    return 0;
}

/* Write a 64 + 8*256-byte region whose superblock was edited by `edit`, and map it. */
#define EXPECT_MAP_ERR(code, expected, edit)                                                          \
    do                                                                                               \
    {                                                                                                \
        tp_superblock_t sb_ = ring_sb();                                                             \
        tp_superblock_t *sb = &sb_;                                                                  \
        edit;                                                                                        \
        uint64_t length_ = 64 + 8 * 256;                                                             \
        if (sb->region_type == TP_REGION_TYPE_PAYLOAD_POOL && sb->stride_bytes % 64 == 0 && sb->stride_bytes != 0 && \
            sb->nslots != 0 && (sb->nslots & (sb->nslots - 1)) == 0)                                 \
            length_ = 64 + (uint64_t)sb->nslots * sb->stride_bytes;                                  \
        const char *p_ = tp_test_path(fx.base, "edited");                                            \
        unlink(p_);                                                                                  \
        TP_CHECK_EQ_INT(0, tp_test_write_region_file(p_, sb, length_));                              \
        TP_CHECK_ERR(code, map_ro(&fx, p_, expected));                                               \
    } while (0)

TP_TEST(rejects_a_bad_superblock_7_1)
{
    fixture_t fx;
    TP_CHECK_EQ_INT(0, fixture_init(&fx));
    EXPECT_MAP_ERR(TP_ERR_MAGIC, NULL, sb->magic = 0x4D48534C504F5431ULL);
    EXPECT_MAP_ERR(TP_ERR_MAGIC, NULL, sb->magic = 0);
    EXPECT_MAP_ERR(TP_ERR_LAYOUT_VERSION, NULL, sb->layout_version = 2);
    EXPECT_MAP_ERR(TP_ERR_NSLOTS, NULL, sb->nslots = 0);
    EXPECT_MAP_ERR(TP_ERR_NSLOTS, NULL, sb->nslots = 6);
    EXPECT_MAP_ERR(TP_ERR_SLOT_BYTES, NULL, sb->slot_bytes = 128);
    EXPECT_MAP_ERR(TP_ERR_POOL_ID, NULL, sb->pool_id = 1);
    EXPECT_MAP_ERR(TP_ERR_REGION_TYPE, NULL, sb->region_type = 3);
    EXPECT_MAP_ERR(TP_ERR_STRIDE, NULL, (sb->region_type = TP_REGION_TYPE_PAYLOAD_POOL, sb->stride_bytes = 100));
    EXPECT_MAP_ERR(TP_ERR_STRIDE, NULL, (sb->region_type = TP_REGION_TYPE_PAYLOAD_POOL, sb->stride_bytes = 0));
    fixture_free(&fx);
    return 0;
}

TP_TEST(rejects_a_superblock_that_disagrees_with_the_announce_15_1)
{
    fixture_t fx;
    TP_CHECK_EQ_INT(0, fixture_init(&fx));
    tp_superblock_t expected = ring_sb();
    EXPECT_MAP_ERR(TP_ERR_EPOCH, &expected, sb->epoch = 6);
    EXPECT_MAP_ERR(TP_ERR_STREAM_ID, &expected, sb->stream_id = 1001);
    EXPECT_MAP_ERR(TP_ERR_NSLOTS, &expected, (sb->nslots = 4));
    EXPECT_MAP_ERR(TP_ERR_REGION_TYPE, &expected, (sb->region_type = TP_REGION_TYPE_PAYLOAD_POOL, sb->pool_id = 0, sb->stride_bytes = 64));
    expected.layout_version = 2;
    EXPECT_MAP_ERR(TP_ERR_LAYOUT_VERSION, &expected, (void)0);
    expected = pool_sb();
    EXPECT_MAP_ERR(TP_ERR_POOL_ID, &expected, *sb = pool_sb(); sb->pool_id = 3);
    EXPECT_MAP_ERR(TP_ERR_STRIDE, &expected, *sb = pool_sb(); sb->stride_bytes = 8192);
    fixture_free(&fx);
    return 0;
}

TP_TEST(rejects_a_magic_overwritten_in_an_existing_file)
{
    fixture_t fx;
    TP_CHECK_EQ_INT(0, fixture_init(&fx));
    tp_superblock_t sb = ring_sb();
    TP_CHECK_OK(make_region(fx.base, "header.ring", &sb));
    TP_CHECK_EQ_INT(0, poke(tp_test_path(fx.base, "header.ring"), 0, "TPOLSHM1", 8)); /* big-endian spelling */
    TP_CHECK_ERR(TP_ERR_MAGIC, map_ro(&fx, tp_test_path(fx.base, "header.ring"), &sb));
    fixture_free(&fx);
    return 0;
}

TP_TEST(hugepages_required_on_tmpfs_is_refused_15_22)
{
    fixture_t fx;
    TP_CHECK_EQ_INT(0, fixture_init(&fx));
    tp_superblock_t sb = ring_sb();
    TP_CHECK_OK(make_region(fx.base, "header.ring", &sb));
    tp_region_t *region = NULL;
    TP_CHECK_ERR(TP_ERR_HUGEPAGES,
        tp_region_map(&region, fx.policy, tp_test_path(fx.base, "header.ring"), TP_REGION_ACCESS_READ_ONLY, 1, &sb));
    TP_CHECK(region == NULL);
    fixture_free(&fx);
    return 0;
}

/* Find a hugetlbfs mount with free huge pages; NULL when there is none. */
static const char *find_hugetlbfs(char *out, size_t capacity)
{
    FILE *mounts = fopen("/proc/mounts", "r");
    if (mounts == NULL)
    {
        return NULL;
    }
    char line[1024];
    const char *found = NULL;
    while (found == NULL && fgets(line, sizeof(line), mounts) != NULL)
    {
        char dev[256], dir[512], type[64];
        if (sscanf(line, "%255s %511s %63s", dev, dir, type) == 3 && strcmp(type, "hugetlbfs") == 0 &&
            access(dir, W_OK) == 0)
        {
            snprintf(out, capacity, "%s", dir);
            found = out;
        }
    }
    fclose(mounts);
    return found;
}

TP_TEST(hugetlbfs_regions_round_to_the_huge_page_and_map)
{
    char mount[512];
    if (find_hugetlbfs(mount, sizeof(mount)) == NULL)
    {
        TP_SKIP("no writable hugetlbfs mount on this machine");
    }
    char base[600];
    snprintf(base, sizeof(base), "%s/tp-native-test-%d", mount, (int)getpid());
    tp_region_create_options_t o;
    tp_region_create_options_init(&o);
    o.require_hugepages = 1;
    tp_superblock_t sb = ring_sb();
    tp_region_t *region = NULL;
    int rc = tp_region_create(&region, base, tp_test_path(base, "s/header.ring"), &sb, &o);
    if (rc == TP_ERR_HUGEPAGES)
    {
        tp_test_rm_tree(base);
        TP_SKIP("hugetlbfs is mounted but has no free huge pages: %s", tp_errmsg());
    }
    TP_CHECK_OK(rc);
    TP_CHECK_EQ_INT(1, tp_region_is_hugetlbfs(region));
    TP_CHECK(tp_region_length(region) >= 64 + 8 * 256);
    tp_region_close(region);
    tp_path_policy_t *policy = NULL;
    TP_CHECK_OK(tp_path_policy_create(&policy));
    TP_CHECK_OK(tp_path_policy_add_base_dir(policy, base));
    rc = tp_region_map(&region, policy, tp_test_path(base, "s/header.ring"), TP_REGION_ACCESS_READ_ONLY, 1, &sb);
    tp_region_close(region);
    tp_path_policy_close(policy);
    tp_test_rm_tree(base);
    TP_CHECK_OK(rc);
    return 0;
}

TP_TEST(reports_permission_denied)
{
    fixture_t fx;
    TP_CHECK_EQ_INT(0, fixture_init(&fx));
    tp_superblock_t sb = ring_sb();
    TP_CHECK_OK(make_region(fx.base, "header.ring", &sb));
    const char *path = tp_test_path(fx.base, "header.ring");
    TP_CHECK_EQ_INT(0, chmod(path, 0444));
    /* Root ignores file modes: give up root in a child first. */
    fflush(NULL);
    pid_t child = fork();
    TP_CHECK(child >= 0);
    if (child == 0)
    {
        if (geteuid() == 0)
        {
            const char *tmp = strrchr(fx.base, '/');
            char parent[512];
            snprintf(parent, sizeof(parent), "%.*s", (int)(tmp - fx.base), fx.base);
            if (chmod(parent, 0755) != 0 || chmod(fx.base, 0755) != 0 || setgroups(0, NULL) != 0 || setgid(65534) != 0 ||
                setuid(65534) != 0)
            {
                _exit(10);
            }
        }
        tp_region_t *region = NULL;
        int rc = tp_region_map(&region, fx.policy, path, TP_REGION_ACCESS_READ_WRITE, 0, &sb);
        int ro = tp_region_map(&region, fx.policy, path, TP_REGION_ACCESS_READ_ONLY, 0, &sb);
        tp_region_close(region);
        _exit(rc == TP_ERR_PERMISSION && ro == 0 ? 0 : 11);
    }
    TP_CHECK_EQ_INT(0, tp_test_wait_child(child));
    fixture_free(&fx);
    return 0;
}

TP_TEST(rejects_misuse)
{
    fixture_t fx;
    TP_CHECK_EQ_INT(0, fixture_init(&fx));
    tp_region_t *region = NULL;
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_region_map(&region, NULL, "/dev/shm/x", TP_REGION_ACCESS_READ_ONLY, 0, NULL));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_region_map(&region, fx.policy, "/dev/shm/x", 7, 0, NULL));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_region_map(NULL, fx.policy, "/dev/shm/x", TP_REGION_ACCESS_READ_ONLY, 0, NULL));
    fixture_free(&fx);
    return 0;
}

TP_TEST_MAIN()
