/*
 * fuzz_path - names and paths from configuration and announces (wire spec
 * §15.21a.3, §15.21a.5): namespace validation, user-name sanitising, the
 * canonical layout builders and the path policy's containment check. The
 * input is split at NUL bytes into a namespace, a user, a base dir and a
 * path to check. Invariants: a sanitised user name is a safe path component;
 * a built path starts with the base dir (less trailing slashes); a path the policy accepts
 * canonicalises inside the scratch base dir.
 */
#include "fuzz_util.h"

#include "tensorpool/path.h"
#include "tensorpool/uri.h"

static const char *tp_fuzz_next(const uint8_t **p, const uint8_t *end, char *out, size_t cap)
{
    size_t n = 0;
    while (*p < end && **p != 0 && n + 1 < cap)
    {
        out[n++] = (char)*(*p)++;
    }
    while (*p < end && **p != 0)
    {
        (*p)++; /* the rest of an over-long field */
    }
    if (*p < end)
    {
        (*p)++;
    }
    out[n] = '\0';
    return out;
}

static tp_path_policy_t *tp_fuzz_policy(void)
{
    static tp_path_policy_t *policy;
    if (policy == NULL)
    {
        TP_FUZZ_ASSERT(tp_path_policy_create(&policy) == 0);
        TP_FUZZ_ASSERT(tp_path_policy_add_base_dir(policy, tp_fuzz_scratch_dir()) == 0);
    }
    return policy;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char ns[TP_SHM_PATH_MAX + 16];
    static char user[TP_SHM_PATH_MAX + 16];
    static char base[TP_SHM_PATH_MAX + 16];
    static char check[TP_SHM_PATH_MAX + 16];
    static char out[TP_SHM_PATH_MAX];
    static char canonical[TP_SHM_PATH_MAX];

    const uint8_t *p = data;
    const uint8_t *end = data + size;
    uint32_t stream = 0;
    uint64_t epoch = 0;
    if (size >= 12)
    {
        memcpy(&stream, data, 4);
        memcpy(&epoch, data + 4, 8);
        p += 12;
    }
    tp_fuzz_next(&p, end, ns, sizeof(ns));
    tp_fuzz_next(&p, end, user, sizeof(user));
    tp_fuzz_next(&p, end, base, sizeof(base));
    tp_fuzz_next(&p, end, check, sizeof(check));

    int ns_ok = tp_shm_namespace_validate(ns) == 0;
    if (ns_ok)
    {
        TP_FUZZ_ASSERT(ns[0] != '\0' && ns[0] != '.' && strchr(ns, '/') == NULL);
    }

    int n = tp_shm_user_name_sanitise(out, sizeof(out), user);
    if (n >= 0)
    {
        TP_FUZZ_ASSERT((size_t)n == strlen(out) && n > 0);
        TP_FUZZ_ASSERT(out[0] != '.' && strchr(out, '/') == NULL);
    }
    const char *safe_user = n >= 0 ? user : "fuzz";

    int b = tp_shm_epoch_dir(out, sizeof(out), base, safe_user, ns, stream, epoch);
    if (b >= 0)
    {
        TP_FUZZ_ASSERT(ns_ok);
        size_t bl = strlen(base);
        while (bl > 1 && base[bl - 1] == '/')
        {
            bl--; /* trailing slashes are dropped */
        }
        TP_FUZZ_ASSERT(strncmp(out, base, bl) == 0 && out[bl == 1 ? 0 : bl] == '/');
        TP_FUZZ_ASSERT(strstr(out, "/../") == NULL && strstr(out, "/./") == NULL);
    }
    (void)tp_shm_namespace_dir(out, sizeof(out), base, safe_user, ns);
    (void)tp_shm_header_ring_path(out, sizeof(out), base, safe_user, ns, stream, epoch);
    (void)tp_shm_pool_path(out, sizeof(out), base, safe_user, ns, stream, epoch, (uint16_t)stream);
    (void)tp_shm_ipc_log_path(out, sizeof(out), base, safe_user, ns, stream);
    (void)tp_shm_header_ring_path(out, 16, base, safe_user, ns, stream, epoch); /* too small: refused */

    /* Containment: relative to the scratch dir when the path does not start with '/'. */
    static char full[2 * TP_SHM_PATH_MAX + 32];
    if (check[0] == '/')
    {
        snprintf(full, sizeof(full), "%s", check);
    }
    else
    {
        snprintf(full, sizeof(full), "%s/%s", tp_fuzz_scratch_dir(), check);
    }
    int c = tp_path_policy_check(tp_fuzz_policy(), full, canonical, sizeof(canonical));
    if (c >= 0)
    {
        const char *dir = tp_path_policy_base_dir(tp_fuzz_policy(), 0);
        size_t dl = strlen(dir);
        TP_FUZZ_ASSERT(strncmp(canonical, dir, dl) == 0 && canonical[dl] == '/');
    }
    return 0;
}
