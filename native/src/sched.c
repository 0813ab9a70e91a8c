/*
 * sched.c - the calling thread's EEVDF slice (sched.h). Linux 6.12 reads
 * sched_attr.sched_runtime of a SCHED_OTHER/SCHED_BATCH/SCHED_IDLE thread as
 * the slice it asks for and reports the slice in force through
 * sched_getattr; older kernels ignore the field for these policies and report
 * 0, which is how the request is found to be unsupported.
 */
#include "tensorpool/sched.h"
#include "tensorpool/error.h"

#if defined(__linux__)
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The kernel's struct sched_attr, version 1 (56 bytes); not in every libc's headers. */
typedef struct tp_sched_attr_stct
{
    uint32_t size;
    uint32_t sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime;
    uint64_t sched_deadline;
    uint64_t sched_period;
    uint32_t sched_util_min;
    uint32_t sched_util_max;
} tp_sched_attr_t;

TP_STATIC_ASSERT(sizeof(tp_sched_attr_t) == 56, "struct sched_attr version 1 is 56 bytes");

enum
{
    TP_SCHED_FLAG_RESET_ON_FORK = 0x01,
    TP_SCHED_POLICY_OTHER = 0,
    TP_SCHED_POLICY_BATCH = 3,
    TP_SCHED_POLICY_IDLE = 5
};

static int tp_sched_fair(uint32_t policy)
{
    return policy == TP_SCHED_POLICY_OTHER || policy == TP_SCHED_POLICY_BATCH || policy == TP_SCHED_POLICY_IDLE;
}

static int tp_sched_get(tp_sched_attr_t *attr)
{
    memset(attr, 0, sizeof(*attr));
    if (syscall(SYS_sched_getattr, 0, attr, (unsigned int)sizeof(*attr), 0u) != 0)
    {
        return errno == ENOSYS ? TP_ERR_SET(TP_ERR_UNSUPPORTED, "sched_getattr is not available")
                               : TP_ERR_SET(TP_ERR_IO, "sched_getattr: %s", strerror(errno));
    }
    if (!tp_sched_fair(attr->sched_policy))
    {
        return TP_ERR_SET(TP_ERR_UNSUPPORTED, "the thread's policy %u is not a fair-class one: it has no slice",
            (unsigned)attr->sched_policy);
    }
    return 0;
}

int tp_sched_set_thread_slice(int64_t slice_ns)
{
    if (slice_ns != 0 && (slice_ns < TP_SCHED_SLICE_MIN_NS || slice_ns > TP_SCHED_SLICE_MAX_NS))
    {
        return TP_ERR_SET(TP_ERR_INVALID_ARGUMENT, "slice must be 0 or %lld..%lld ns, got %lld",
            (long long)TP_SCHED_SLICE_MIN_NS, (long long)TP_SCHED_SLICE_MAX_NS, (long long)slice_ns);
    }
    tp_sched_attr_t attr;
    int rc = tp_sched_get(&attr);
    if (rc < 0)
    {
        return rc;
    }
    if (attr.sched_runtime == 0)
    {
        /* A kernel that reports no slice for a fair thread has no per-thread slices either. */
        return TP_ERR_SET(TP_ERR_UNSUPPORTED, "this kernel has no per-thread slices (Linux 6.12 or later has)");
    }
    /* Only the slice changes: policy and nice as they are, reset-on-fork kept, utilisation clamps untouched. */
    attr.size = (uint32_t)sizeof(attr);
    attr.sched_flags &= TP_SCHED_FLAG_RESET_ON_FORK;
    attr.sched_priority = 0;
    attr.sched_runtime = (uint64_t)slice_ns;
    attr.sched_deadline = 0;
    attr.sched_period = 0;
    if (syscall(SYS_sched_setattr, 0, &attr, 0u) != 0)
    {
        return TP_ERR_SET(errno == EPERM ? TP_ERR_PERMISSION : TP_ERR_IO, "sched_setattr: %s", strerror(errno));
    }
    if (slice_ns != 0)
    {
        int64_t now = tp_sched_thread_slice();
        if (now < 0)
        {
            return TP_ERR_PROPAGATE();
        }
        if (now != slice_ns)
        {
            return TP_ERR_SET(TP_ERR_UNSUPPORTED, "the kernel kept a slice of %lld ns, not the %lld asked for",
                (long long)now, (long long)slice_ns);
        }
    }
    return 0;
}

int64_t tp_sched_thread_slice(void)
{
    tp_sched_attr_t attr;
    int rc = tp_sched_get(&attr);
    if (rc < 0)
    {
        return rc;
    }
    if (attr.sched_runtime == 0 || attr.sched_runtime > (uint64_t)INT64_MAX)
    {
        return TP_ERR_SET(TP_ERR_UNSUPPORTED, "this kernel reports no slice (Linux 6.12 or later does)");
    }
    return (int64_t)attr.sched_runtime;
}

#else

int tp_sched_set_thread_slice(int64_t slice_ns)
{
    (void)slice_ns;
    return TP_ERR_SET(TP_ERR_UNSUPPORTED, "per-thread slices are a Linux scheduler feature");
}

int64_t tp_sched_thread_slice(void)
{
    return TP_ERR_SET(TP_ERR_UNSUPPORTED, "per-thread slices are a Linux scheduler feature");
}

#endif
