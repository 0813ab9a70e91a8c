/*
 * region.h - SHM region files: creation (driver/producer side) and mapping
 * (every role), wire spec §15.21a, §15.22, §15.14 and driver spec §17
 * (shm.permissions_mode, policies.prefault_shm, policies.mlock_shm,
 * shm.require_hugepages).
 *
 * Creating (tp_region_create):
 *   - the path must lie lexically under `base_dir` (see path.h for the
 *     canonical layout). A missing base dir is created (its parent must
 *     exist) with mode 01777 like /dev/shm, because every user's
 *     tensorpool-<user> directory lives in it. Every directory below it is
 *     created level by level with mkdirat + openat(O_NOFOLLOW|O_DIRECTORY)
 *     and its mode applied with fchmod, so umask never changes it; an
 *     existing level must be a real directory (no symlink) owned by the
 *     effective user (TP_ERR_OWNER otherwise) and gets the configured mode.
 *   - the file is created exclusively (O_CREAT|O_EXCL|O_NOFOLLOW), its mode
 *     applied with fchmod, sized with ftruncate to exactly the length the
 *     superblock implies (rounded up to the huge page size on hugetlbfs),
 *     its space reserved with fallocate whatever prefault says (a full
 *     file system is an error here, never SIGBUS at a later store), mapped
 *     read-write, optionally prefaulted (every page touched) and mlocked
 *     (failure is fatal: TP_ERR_MLOCK), and its superblock written (magic
 *     last).
 *   - require_hugepages: the directory must be on hugetlbfs (statfs magic
 *     HUGETLBFS_MAGIC), else TP_ERR_HUGEPAGES before anything is created.
 *   - any failure after the file was created unlinks it again.
 *
 * Mapping (tp_region_map), every check of §15.21a.5, failing closed:
 *   1. absolute path                                  TP_ERR_PATH_NOT_ABSOLUTE
 *   2. realpath                                       TP_ERR_NOT_FOUND, ...
 *   3./4. contained in a canonical allowed base dir   TP_ERR_PATH_NOT_CONTAINED
 *   5. stat: a regular file                           TP_ERR_NOT_REGULAR_FILE
 *   6. open(O_NOFOLLOW|O_CLOEXEC|O_NONBLOCK)          TP_ERR_SYMLINK
 *      fstat of the descriptor: regular file and the
 *      same st_dev/st_ino as the checked path         TP_ERR_FILE_CHANGED
 *   then (§15.22) hugetlbfs when required (fstatfs)   TP_ERR_HUGEPAGES
 *   and (§7.1, §15.1) the superblock: at least 64 bytes, tp_superblock_check,
 *   tp_superblock_validate against `expected` when given, and the file size
 *   exactly what the superblock implies (huge-page rounded on hugetlbfs)
 *                                                     TP_ERR_SIZE, TP_ERR_MAGIC, ...
 *   O_NONBLOCK keeps a FIFO swapped in after the check from blocking the
 *   open; it has no effect on regular files.
 *
 * Consumers map read-only; producers map read-write. Regions own their
 * mapping; tp_region_close unmaps. None of this is on a hot path.
 */
#ifndef TENSORPOOL_REGION_H
#define TENSORPOOL_REGION_H

#include "tensorpool/path.h"
#include "tensorpool/platform.h"
#include "tensorpool/superblock.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tp_region_stct tp_region_t;

typedef enum tp_region_access_en
{
    TP_REGION_ACCESS_READ_ONLY = 0,   /* consumers */
    TP_REGION_ACCESS_READ_WRITE = 1   /* producers and drivers */
} tp_region_access_t;

/* Modes of §15.21a.6. */
enum
{
    TP_SHM_DIR_MODE_PRIVATE = 0700,
    TP_SHM_FILE_MODE_PRIVATE = 0600,
    TP_SHM_DIR_MODE_SHARED = 02770,   /* setgid: files inherit the directory's group */
    TP_SHM_FILE_MODE_SHARED = 0660,
    TP_SHM_BASE_DIR_MODE = 01777      /* a base dir this library has to create */
};

typedef struct tp_region_create_options_stct
{
    uint32_t dir_mode;           /* directories below the base dir (default 0700) */
    uint32_t file_mode;          /* the region file (default 0600) */
    uint32_t prefault;           /* non-zero: touch every page (policies.prefault_shm, default 1); space is always reserved */
    uint32_t mlock;              /* non-zero: mlock the mapping; failure is fatal (policies.mlock_shm, default 0) */
    uint32_t require_hugepages;  /* non-zero: the directory must be hugetlbfs (default 0) */
    uint32_t reserved;           /* always 0 */
} tp_region_create_options_t;

/* Defaults: private modes, prefault on, mlock off, no hugepages. */
TP_EXPORT int tp_region_create_options_init(tp_region_create_options_t *options);

/*
 * Create the region file `path` under `base_dir` (see above), sized and
 * initialised from `superblock` (which must pass tp_superblock_check), and
 * map it read-write. TP_ERR_EXISTS when the file already exists.
 */
TP_EXPORT int tp_region_create(tp_region_t **region, const char *base_dir, const char *path,
    const tp_superblock_t *superblock, const tp_region_create_options_t *options);

/*
 * Create the directories of the file `path` below `base_dir` (not the file
 * itself) exactly as tp_region_create does: level by level, never following a
 * symlink (TP_ERR_SYMLINK), each one owned by the effective user (TP_ERR_OWNER)
 * and given `dir_mode` (TP_SHM_DIR_MODE_PRIVATE or _SHARED). For the other
 * files of the layout, such as tp:ipc logs (log.h), which their own open
 * function creates once the directories are safe. Returns 0 or a code.
 */
TP_EXPORT int tp_region_create_parent_dirs(const char *base_dir, const char *path, uint32_t dir_mode);

/*
 * Map an announced region after every check above. `expected` (may be NULL:
 * only the checks that need no announce) is compared field by field.
 */
TP_EXPORT int tp_region_map(tp_region_t **region, const tp_path_policy_t *policy, const char *path, int32_t access,
    uint32_t require_hugepages, const tp_superblock_t *expected);

/* Parse a shm:file URI (uri.h) and map it with its require_hugepages. */
TP_EXPORT int tp_region_map_uri(tp_region_t **region, const tp_path_policy_t *policy, const char *uri, int32_t access,
    const tp_superblock_t *expected);

/* Unmap and free. NULL is accepted. */
TP_EXPORT int tp_region_close(tp_region_t *region);

/* Start of the mapping (the superblock). */
TP_EXPORT TP_TRIVIAL uint8_t *tp_region_base(const tp_region_t *region);

/* Bytes mapped (the file size). */
TP_EXPORT TP_TRIVIAL uint64_t tp_region_length(const tp_region_t *region);

/* The canonical path that was mapped or created. */
TP_EXPORT const char *tp_region_path(const tp_region_t *region);

/* 1 when the region's file system is hugetlbfs, else 0. */
TP_EXPORT TP_TRIVIAL uint32_t tp_region_is_hugetlbfs(const tp_region_t *region);

/* 1 when the mapping is mlocked, else 0. */
TP_EXPORT TP_TRIVIAL uint32_t tp_region_is_locked(const tp_region_t *region);

/*
 * Unlink the region file `path`, which must lie lexically under `base_dir`
 * and be a regular file (a symlink is refused, TP_ERR_SYMLINK). Mappings
 * stay valid until closed.
 */
TP_EXPORT int tp_region_unlink(const char *base_dir, const char *path);

/*
 * Remove an epoch directory (§15.21a.7) under `base_dir`: unlink its
 * header.ring and <pool_id>.pool regular files, then the directory. Any
 * other entry is left alone and the call fails with TP_ERR_STATE naming it.
 * A missing directory is TP_ERR_NOT_FOUND.
 */
TP_EXPORT int tp_region_remove_epoch_dir(const char *base_dir, const char *epoch_dir);

#ifdef __cplusplus
}
#endif

#endif /* TENSORPOOL_REGION_H */
