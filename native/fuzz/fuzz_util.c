/* fuzz_util.c - the scratch directory of the fuzz targets (fuzz_util.h). */
#include "fuzz_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

static char tp_fuzz_dir[PATH_MAX];

/* Remove the scratch directory and everything below it (no symlink is followed: unlinkat never does). */
static void tp_fuzz_remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d != NULL)
    {
        struct dirent *e;
        char child[PATH_MAX];
        while ((e = readdir(d)) != NULL)
        {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            {
                continue;
            }
            snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
            struct stat st;
            if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode))
            {
                tp_fuzz_remove_tree(child);
            }
            else
            {
                (void)unlink(child);
            }
        }
        closedir(d);
    }
    (void)rmdir(path);
}

static void tp_fuzz_cleanup(void)
{
    if (tp_fuzz_dir[0] != '\0')
    {
        tp_fuzz_remove_tree(tp_fuzz_dir);
    }
}

const char *tp_fuzz_scratch_dir(void)
{
    if (tp_fuzz_dir[0] != '\0')
    {
        return tp_fuzz_dir;
    }
    const char *roots[] = {"/dev/shm", "/tmp"};
    for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++)
    {
        snprintf(tp_fuzz_dir, sizeof(tp_fuzz_dir), "%s/tp-fuzz-%d", roots[i], (int)getpid());
        if (mkdir(tp_fuzz_dir, 0700) == 0)
        {
            atexit(tp_fuzz_cleanup);
            return tp_fuzz_dir;
        }
    }
    fprintf(stderr, "fuzz: cannot create a scratch directory\n");
    abort();
}

const char *tp_fuzz_write_file(const char *name, const uint8_t *data, size_t size)
{
    static char path[PATH_MAX];
    int length = snprintf(path, sizeof(path), "%s/%s", tp_fuzz_scratch_dir(), name);
    if (length < 0 || (size_t)length >= sizeof(path))
    {
        return NULL;
    }
    (void)unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
    {
        return NULL;
    }
    size_t done = 0;
    while (done < size)
    {
        ssize_t n = write(fd, data + done, size - done);
        if (n <= 0)
        {
            close(fd);
            return NULL;
        }
        done += (size_t)n;
    }
    close(fd);
    return path;
}
