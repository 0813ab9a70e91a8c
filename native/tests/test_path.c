/* test_path.c - canonical layout names (§15.21a.3) and the path policy (§15.21a.5). */
#include "tp_test.h"
#include "tp_test_util.h"

#include <pwd.h>

#include "tensorpool/path.h"

/* ---- user and namespace ------------------------------------------------ */

TP_TEST(user_name_is_sanitised_against_traversal)
{
    char out[TP_SHM_NAME_MAX + 1];
    TP_CHECK_EQ_INT(5, tp_shm_user_name_sanitise(out, sizeof(out), "alice"));
    TP_CHECK_STR("alice", out);
    tp_shm_user_name_sanitise(out, sizeof(out), "..");
    TP_CHECK_STR("_.", out);
    tp_shm_user_name_sanitise(out, sizeof(out), ".");
    TP_CHECK_STR("_", out);
    tp_shm_user_name_sanitise(out, sizeof(out), "../../etc");
    TP_CHECK_STR("_._.._etc", out);
    tp_shm_user_name_sanitise(out, sizeof(out), "DOMAIN\\bob smith");
    TP_CHECK_STR("DOMAIN_bob_smith", out);
    tp_shm_user_name_sanitise(out, sizeof(out), "caf\xc3\xa9");
    TP_CHECK_STR("caf__", out);
    TP_CHECK(strchr(out, '/') == NULL);
    return 0;
}

TP_TEST(user_name_rejects_empty_and_too_long)
{
    char out[512];
    char long_name[300];
    memset(long_name, 'u', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    TP_CHECK_ERR(TP_ERR_PATH_INVALID, tp_shm_user_name_sanitise(out, sizeof(out), ""));
    TP_CHECK_ERR(TP_ERR_PATH_INVALID, tp_shm_user_name_sanitise(out, sizeof(out), long_name));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_shm_user_name_sanitise(out, 3, "alice"));
    return 0;
}

TP_TEST(user_name_is_the_effective_user)
{
    char out[TP_SHM_NAME_MAX + 1];
    char expected[TP_SHM_NAME_MAX + 1];
    TP_CHECK_OK(tp_shm_user_name(out, sizeof(out)));
    struct passwd *pw = getpwuid(geteuid());
    if (pw != NULL)
    {
        tp_shm_user_name_sanitise(expected, sizeof(expected), pw->pw_name);
    }
    else
    {
        snprintf(expected, sizeof(expected), "uid%u", (unsigned)geteuid());
    }
    TP_CHECK_STR(expected, out);
    return 0;
}

TP_TEST(namespace_accepts_portable_names)
{
    TP_CHECK_OK(tp_shm_namespace_validate("default"));
    TP_CHECK_OK(tp_shm_namespace_validate("lab1"));
    TP_CHECK_OK(tp_shm_namespace_validate("sim.v2-a_b"));
    return 0;
}

TP_TEST(namespace_rejects_unsafe_names)
{
    char long_name[300];
    memset(long_name, 'n', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    const char *bad[] = { "", ".", "..", ".hidden", "a/b", "../x", "a b", "a|b", "a?b", "caf\xc3\xa9", long_name };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    {
        int rc = tp_shm_namespace_validate(bad[i]);
        if (rc != TP_ERR_PATH_INVALID)
        {
            TP_FAIL_AT("namespace \"%s\": expected TP_ERR_PATH_INVALID, got %d", bad[i], rc);
        }
    }
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_shm_namespace_validate(NULL));
    return 0;
}

/* ---- layout paths ------------------------------------------------------ */

TP_TEST(layout_paths_follow_15_21a_3)
{
    char out[TP_SHM_PATH_MAX];
    TP_CHECK_OK(tp_shm_epoch_dir(out, sizeof(out), "/dev/shm", "alice", "default", 1000, 42));
    TP_CHECK_STR("/dev/shm/tensorpool-alice/default/1000/42", out);
    int n = tp_shm_header_ring_path(out, sizeof(out), "/dev/shm/", "alice", "lab1", 10000, 18446744073709551615ULL);
    TP_CHECK_STR("/dev/shm/tensorpool-alice/lab1/10000/18446744073709551615/header.ring", out);
    TP_CHECK_EQ_INT((int)strlen(out), n);
    TP_CHECK_OK(tp_shm_pool_path(out, sizeof(out), "/dev/shm//", "alice", "default", 4294967295u, 0, 65535));
    TP_CHECK_STR("/dev/shm/tensorpool-alice/default/4294967295/0/65535.pool", out);
    TP_CHECK_OK(tp_shm_pool_path(out, sizeof(out), "/", "bob", "default", 1, 2, 3));
    TP_CHECK_STR("/tensorpool-bob/default/1/2/3.pool", out);
    return 0;
}

TP_TEST(namespace_dir_and_ipc_log_path_sit_beside_the_stream_dirs)
{
    char out[TP_SHM_PATH_MAX];
    int n = tp_shm_namespace_dir(out, sizeof(out), "/dev/shm/", "alice", "lab1");
    TP_CHECK_STR("/dev/shm/tensorpool-alice/lab1", out);
    TP_CHECK_EQ_INT((int)strlen(out), n);
    n = tp_shm_ipc_log_path(out, sizeof(out), "/dev/shm", "alice", "default", 1000);
    TP_CHECK_STR("/dev/shm/tensorpool-alice/default/ipc/1000.log", out);
    TP_CHECK_EQ_INT((int)strlen(out), n);
    TP_CHECK_OK(tp_shm_ipc_log_path(out, sizeof(out), "/", "bob", "x", 4294967295u));
    TP_CHECK_STR("/tensorpool-bob/x/ipc/4294967295.log", out);
    TP_CHECK_OK(tp_shm_ipc_log_path(out, sizeof(out), "/dev/shm", "../../etc", "default", 1));
    TP_CHECK_STR("/dev/shm/tensorpool-_._.._etc/default/ipc/1.log", out);
    return 0;
}

TP_TEST(ipc_log_path_rejects_unsafe_inputs_and_small_buffers)
{
    char out[TP_SHM_PATH_MAX];
    TP_CHECK_ERR(TP_ERR_PATH_NOT_ABSOLUTE, tp_shm_ipc_log_path(out, sizeof(out), "dev/shm", "a", "default", 1));
    TP_CHECK_ERR(TP_ERR_PATH_INVALID, tp_shm_ipc_log_path(out, sizeof(out), "/dev/shm/../etc", "a", "default", 1));
    TP_CHECK_ERR(TP_ERR_PATH_INVALID, tp_shm_ipc_log_path(out, sizeof(out), "/dev/shm", "a", "..", 1));
    TP_CHECK_ERR(TP_ERR_PATH_INVALID, tp_shm_ipc_log_path(out, sizeof(out), "/dev/shm", "a", "a/b", 1));
    TP_CHECK_ERR(TP_ERR_PATH_INVALID, tp_shm_namespace_dir(out, sizeof(out), "/dev/shm", "", "default"));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_shm_ipc_log_path(NULL, 10, "/dev/shm", "a", "default", 1));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_shm_namespace_dir(out, sizeof(out), "/dev/shm", "a", NULL));
    char small[32];
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_shm_ipc_log_path(small, sizeof(small), "/dev/shm", "alice", "default", 1));
    return 0;
}

TP_TEST(layout_uses_the_effective_user_when_none_is_given)
{
    char user[TP_SHM_NAME_MAX + 1];
    char expected[TP_SHM_PATH_MAX];
    char out[TP_SHM_PATH_MAX];
    TP_CHECK_OK(tp_shm_user_name(user, sizeof(user)));
    snprintf(expected, sizeof(expected), "/dev/shm/tensorpool-%s/default/7/8/header.ring", user);
    TP_CHECK_OK(tp_shm_header_ring_path(out, sizeof(out), "/dev/shm", NULL, "default", 7, 8));
    TP_CHECK_STR(expected, out);
    return 0;
}

TP_TEST(layout_sanitises_a_given_user)
{
    char out[TP_SHM_PATH_MAX];
    TP_CHECK_OK(tp_shm_epoch_dir(out, sizeof(out), "/dev/shm", "../../etc", "default", 1, 1));
    TP_CHECK_STR("/dev/shm/tensorpool-_._.._etc/default/1/1", out);
    return 0;
}

TP_TEST(layout_rejects_unsafe_inputs)
{
    char out[TP_SHM_PATH_MAX];
    TP_CHECK_ERR(TP_ERR_PATH_NOT_ABSOLUTE, tp_shm_epoch_dir(out, sizeof(out), "dev/shm", "a", "default", 1, 1));
    TP_CHECK_ERR(TP_ERR_PATH_INVALID, tp_shm_epoch_dir(out, sizeof(out), "/dev/shm/../etc", "a", "default", 1, 1));
    TP_CHECK_ERR(TP_ERR_PATH_INVALID, tp_shm_epoch_dir(out, sizeof(out), "/dev/./shm", "a", "default", 1, 1));
    TP_CHECK_ERR(TP_ERR_PATH_INVALID, tp_shm_epoch_dir(out, sizeof(out), "/dev/shm/a|b", "a", "default", 1, 1));
    TP_CHECK_ERR(TP_ERR_PATH_INVALID, tp_shm_epoch_dir(out, sizeof(out), "/dev/shm/a b", "a", "default", 1, 1));
    TP_CHECK_ERR(TP_ERR_PATH_INVALID, tp_shm_epoch_dir(out, sizeof(out), "", "a", "default", 1, 1));
    TP_CHECK_ERR(TP_ERR_PATH_INVALID, tp_shm_epoch_dir(out, sizeof(out), "/dev/shm", "a", "../x", 1, 1));
    TP_CHECK_ERR(TP_ERR_PATH_INVALID, tp_shm_epoch_dir(out, sizeof(out), "/dev/shm", "", "default", 1, 1));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_shm_epoch_dir(out, sizeof(out), NULL, "a", "default", 1, 1));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_shm_epoch_dir(out, sizeof(out), "/dev/shm", "a", NULL, 1, 1));
    return 0;
}

TP_TEST(layout_reports_small_buffers_and_path_max)
{
    char small[16];
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_shm_header_ring_path(small, sizeof(small), "/dev/shm", "a", "default", 1, 1));
    char out[TP_SHM_PATH_MAX];
    char base[TP_SHM_PATH_MAX];
    base[0] = '/';
    memset(base + 1, 'b', 4080);
    base[4081] = '\0';
    TP_CHECK_ERR(TP_ERR_PATH_INVALID, tp_shm_header_ring_path(out, sizeof(out), base, "alice", "default", 1, 1));
    return 0;
}

/* The reference driver (run as root, base /dev/shm) announced these URIs; our layout must produce them byte for byte. */
TP_TEST(layout_matches_the_reference_announce)
{
    size_t length = 0;
    uint8_t *bin = tp_test_reference_file("captured/shm_pool_announce_0.bin", &length);
    if (bin == NULL)
    {
        TP_SKIP("../shared/reference is absent");
    }
    char path[TP_SHM_PATH_MAX];
    char uri[TP_SHM_URI_MAX_LENGTH + 1];
    int found = 0;
    /* headerRegionUri and the pool regionUri: varAscii (u32 length, bytes). */
    for (size_t i = 4; i + 14 <= length; i++)
    {
        if (memcmp(bin + i, "shm:file?path=", 14) != 0)
        {
            continue;
        }
        uint32_t n;
        memcpy(&n, bin + i - 4, 4);
        TP_CHECK(i + n <= length);
        tp_shm_uri_t parsed;
        TP_CHECK_OK(tp_shm_uri_parse_bytes(&parsed, bin + i, n));
        int is_ring = strstr(parsed.path, "header.ring") != NULL;
        if (is_ring)
        {
            TP_CHECK_OK(tp_shm_header_ring_path(path, sizeof(path), "/dev/shm", "root", "default", 10000, 1999471819539ULL));
        }
        else
        {
            TP_CHECK_OK(tp_shm_pool_path(path, sizeof(path), "/dev/shm", "root", "default", 10000, 1999471819539ULL, 1));
        }
        int written = tp_shm_uri_format(uri, sizeof(uri), path, 0);
        TP_CHECK_EQ_INT((int)n, written);
        TP_CHECK(memcmp(uri, bin + i, n) == 0);
        found++;
    }
    free(bin);
    TP_CHECK_EQ_INT(2, found);
    return 0;
}

/* ---- policy ------------------------------------------------------------ */

TP_TEST(policy_rejects_relative_and_non_directory_base_dirs)
{
    const char *tmp = tp_test_tmpdir();
    TP_CHECK(tmp != NULL);
    TP_CHECK_OK(tp_test_write_file(tp_test_path(tmp, "file"), "x", 1));
    tp_path_policy_t *policy = NULL;
    TP_CHECK_OK(tp_path_policy_create(&policy));
    TP_CHECK_ERR(TP_ERR_PATH_NOT_ABSOLUTE, tp_path_policy_add_base_dir(policy, "dev/shm"));
    TP_CHECK_ERR(TP_ERR_PATH_INVALID, tp_path_policy_add_base_dir(policy, ""));
    TP_CHECK_ERR(TP_ERR_PATH_INVALID, tp_path_policy_add_base_dir(policy, tp_test_path(tmp, "file")));
    TP_CHECK_ERR(TP_ERR_PATH_INVALID, tp_path_policy_add_base_dir(policy, tp_test_path(tmp, "file/sub")));
    TP_CHECK_EQ_INT(0, tp_path_policy_base_dir_count(policy));
    tp_path_policy_close(policy);
    return 0;
}

TP_TEST(policy_canonicalises_base_dirs_once)
{
    const char *tmp = tp_test_tmpdir();
    TP_CHECK(tmp != NULL);
    TP_CHECK_EQ_INT(0, mkdir(tp_test_path(tmp, "real"), 0700));
    TP_CHECK_EQ_INT(0, mkdir(tp_test_path(tmp, "other"), 0700));
    TP_CHECK_OK(tp_test_write_file(tp_test_path(tmp, "real/a"), "x", 1));
    TP_CHECK_OK(tp_test_write_file(tp_test_path(tmp, "other/a"), "x", 1));
    TP_CHECK_EQ_INT(0, symlink(tp_test_path(tmp, "real"), tp_test_path(tmp, "link")));

    tp_path_policy_t *policy = NULL;
    TP_CHECK_OK(tp_path_policy_create(&policy));
    TP_CHECK_OK(tp_path_policy_add_base_dir(policy, tp_test_path(tmp, "link/")));
    TP_CHECK_EQ_INT(1, tp_path_policy_base_dir_count(policy));
    TP_CHECK_STR(tp_test_path(tmp, "real"), tp_path_policy_base_dir(policy, 0));
    TP_CHECK(tp_path_policy_base_dir(policy, 1) == NULL);
    /* Adding the same dir under another spelling is harmless. */
    TP_CHECK_OK(tp_path_policy_add_base_dir(policy, tp_test_path(tmp, "real")));
    TP_CHECK_EQ_INT(1, tp_path_policy_base_dir_count(policy));

    char canonical[TP_SHM_PATH_MAX];
    TP_CHECK_OK(tp_path_policy_check(policy, tp_test_path(tmp, "link/a"), canonical, sizeof(canonical)));
    TP_CHECK_STR(tp_test_path(tmp, "real/a"), canonical);

    /* Retarget the symlink: the policy keeps what it resolved at configuration time (§15.21a.5 step 3). */
    TP_CHECK_EQ_INT(0, unlink(tp_test_path(tmp, "link")));
    TP_CHECK_EQ_INT(0, symlink(tp_test_path(tmp, "other"), tp_test_path(tmp, "link")));
    TP_CHECK_ERR(TP_ERR_PATH_NOT_CONTAINED,
        tp_path_policy_check(policy, tp_test_path(tmp, "link/a"), canonical, sizeof(canonical)));
    tp_path_policy_close(policy);
    return 0;
}

TP_TEST(policy_accepts_a_base_dir_that_does_not_exist_yet)
{
    const char *tmp = tp_test_tmpdir();
    TP_CHECK(tmp != NULL);
    tp_path_policy_t *policy = NULL;
    TP_CHECK_OK(tp_path_policy_create(&policy));
    TP_CHECK_OK(tp_path_policy_add_base_dir(policy, tp_test_path(tmp, "later/base")));
    TP_CHECK_STR(tp_test_path(tmp, "later/base"), tp_path_policy_base_dir(policy, 0));
    TP_CHECK_ERR(TP_ERR_PATH_INVALID, tp_path_policy_add_base_dir(policy, tp_test_path(tmp, "later/../x")));
    TP_CHECK_ERR(TP_ERR_PATH_INVALID, tp_path_policy_add_base_dir(policy, tp_test_path(tmp, "later/./x")));

    /* Once created, files inside are contained. */
    TP_CHECK_EQ_INT(0, mkdir(tp_test_path(tmp, "later"), 0700));
    TP_CHECK_EQ_INT(0, mkdir(tp_test_path(tmp, "later/base"), 0700));
    TP_CHECK_OK(tp_test_write_file(tp_test_path(tmp, "later/base/f"), "x", 1));
    char canonical[TP_SHM_PATH_MAX];
    TP_CHECK_OK(tp_path_policy_check(policy, tp_test_path(tmp, "later/base/f"), canonical, sizeof(canonical)));
    tp_path_policy_close(policy);
    return 0;
}

TP_TEST(policy_check_rejects_relative_paths)
{
    tp_path_policy_t *policy = NULL;
    TP_CHECK_OK(tp_path_policy_create(&policy));
    TP_CHECK_OK(tp_path_policy_add_base_dir(policy, "/dev/shm"));
    char canonical[TP_SHM_PATH_MAX];
    TP_CHECK_ERR(TP_ERR_PATH_NOT_ABSOLUTE, tp_path_policy_check(policy, "dev/shm/x", canonical, sizeof(canonical)));
    TP_CHECK_ERR(TP_ERR_PATH_NOT_ABSOLUTE, tp_path_policy_check(policy, "../shm/x", canonical, sizeof(canonical)));
    TP_CHECK_ERR(TP_ERR_PATH_INVALID, tp_path_policy_check(policy, "", canonical, sizeof(canonical)));
    tp_path_policy_close(policy);
    return 0;
}

TP_TEST(policy_check_rejects_dotdot_escapes_and_outside_symlinks)
{
    const char *tmp = tp_test_tmpdir();
    TP_CHECK(tmp != NULL);
    TP_CHECK_EQ_INT(0, mkdir(tp_test_path(tmp, "base"), 0700));
    TP_CHECK_EQ_INT(0, mkdir(tp_test_path(tmp, "base/sub"), 0700));
    TP_CHECK_EQ_INT(0, mkdir(tp_test_path(tmp, "base2"), 0700));
    TP_CHECK_OK(tp_test_write_file(tp_test_path(tmp, "outside"), "x", 1));
    TP_CHECK_OK(tp_test_write_file(tp_test_path(tmp, "base2/f"), "x", 1));
    TP_CHECK_OK(tp_test_write_file(tp_test_path(tmp, "base/inside"), "x", 1));
    TP_CHECK_EQ_INT(0, symlink(tp_test_path(tmp, "outside"), tp_test_path(tmp, "base/to-outside")));
    TP_CHECK_EQ_INT(0, symlink("/etc/passwd", tp_test_path(tmp, "base/to-passwd")));
    TP_CHECK_EQ_INT(0, symlink(tp_test_path(tmp, "base/inside"), tp_test_path(tmp, "base/to-inside")));

    tp_path_policy_t *policy = NULL;
    TP_CHECK_OK(tp_path_policy_create(&policy));
    TP_CHECK_OK(tp_path_policy_add_base_dir(policy, tp_test_path(tmp, "base")));
    char canonical[TP_SHM_PATH_MAX];
    TP_CHECK_ERR(TP_ERR_PATH_NOT_CONTAINED,
        tp_path_policy_check(policy, tp_test_path(tmp, "base/sub/../../outside"), canonical, sizeof(canonical)));
    TP_CHECK_ERR(TP_ERR_PATH_NOT_CONTAINED,
        tp_path_policy_check(policy, tp_test_path(tmp, "base/to-outside"), canonical, sizeof(canonical)));
    TP_CHECK_ERR(TP_ERR_PATH_NOT_CONTAINED,
        tp_path_policy_check(policy, tp_test_path(tmp, "base/to-passwd"), canonical, sizeof(canonical)));
    /* A sibling whose name starts with the base dir's name is not inside it. */
    TP_CHECK_ERR(TP_ERR_PATH_NOT_CONTAINED,
        tp_path_policy_check(policy, tp_test_path(tmp, "base2/f"), canonical, sizeof(canonical)));
    /* The base dir itself is not a region inside it. */
    TP_CHECK_ERR(TP_ERR_PATH_NOT_CONTAINED,
        tp_path_policy_check(policy, tp_test_path(tmp, "base"), canonical, sizeof(canonical)));
    /* A symlink that stays inside resolves to its target. */
    TP_CHECK_OK(tp_path_policy_check(policy, tp_test_path(tmp, "base/to-inside"), canonical, sizeof(canonical)));
    TP_CHECK_STR(tp_test_path(tmp, "base/inside"), canonical);
    TP_CHECK_OK(tp_path_policy_check(policy, tp_test_path(tmp, "base/sub/../inside"), canonical, sizeof(canonical)));
    TP_CHECK_STR(tp_test_path(tmp, "base/inside"), canonical);
    TP_CHECK_ERR(TP_ERR_NOT_FOUND,
        tp_path_policy_check(policy, tp_test_path(tmp, "base/missing"), canonical, sizeof(canonical)));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_path_policy_check(policy, tp_test_path(tmp, "base/inside"), canonical, 4));
    tp_path_policy_close(policy);
    return 0;
}

TP_TEST(empty_policy_allows_nothing)
{
    tp_path_policy_t *policy = NULL;
    TP_CHECK_OK(tp_path_policy_create(&policy));
    char canonical[TP_SHM_PATH_MAX];
    TP_CHECK_ERR(TP_ERR_PATH_NOT_CONTAINED, tp_path_policy_check(policy, "/etc/passwd", canonical, sizeof(canonical)));
    tp_path_policy_close(policy);
    TP_CHECK_OK(tp_path_policy_close(NULL));
    return 0;
}

TP_TEST(root_base_dir_contains_everything_but_itself)
{
    tp_path_policy_t *policy = NULL;
    TP_CHECK_OK(tp_path_policy_create(&policy));
    TP_CHECK_OK(tp_path_policy_add_base_dir(policy, "/"));
    char canonical[TP_SHM_PATH_MAX];
    TP_CHECK_OK(tp_path_policy_check(policy, "/etc/passwd", canonical, sizeof(canonical)));
    TP_CHECK_ERR(TP_ERR_PATH_NOT_CONTAINED, tp_path_policy_check(policy, "/", canonical, sizeof(canonical)));
    tp_path_policy_close(policy);
    return 0;
}

TP_TEST(policy_check_rejects_paths_longer_than_path_max)
{
    tp_path_policy_t *policy = NULL;
    TP_CHECK_OK(tp_path_policy_create(&policy));
    TP_CHECK_OK(tp_path_policy_add_base_dir(policy, "/dev/shm"));
    static char path[TP_SHM_PATH_MAX + 16];
    memcpy(path, "/dev/shm/", 9);
    memset(path + 9, 'p', sizeof(path) - 10);
    path[sizeof(path) - 1] = '\0';
    char canonical[TP_SHM_PATH_MAX];
    TP_CHECK_ERR(TP_ERR_PATH_INVALID, tp_path_policy_check(policy, path, canonical, sizeof(canonical)));
    tp_path_policy_close(policy);
    return 0;
}

TP_TEST(policy_holds_a_bounded_number_of_dirs)
{
    const char *tmp = tp_test_tmpdir();
    TP_CHECK(tmp != NULL);
    tp_path_policy_t *policy = NULL;
    TP_CHECK_OK(tp_path_policy_create(&policy));
    char dir[512];
    for (int i = 0; i < TP_SHM_PATH_POLICY_MAX_DIRS; i++)
    {
        snprintf(dir, sizeof(dir), "%s/d%d", tmp, i);
        TP_CHECK_OK(tp_path_policy_add_base_dir(policy, dir));
    }
    snprintf(dir, sizeof(dir), "%s/one-too-many", tmp);
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_path_policy_add_base_dir(policy, dir));
    tp_path_policy_close(policy);
    return 0;
}

TP_TEST_MAIN()
