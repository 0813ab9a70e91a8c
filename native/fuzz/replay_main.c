/*
 * replay_main.c - runs a fuzz target over files without libFuzzer, so any
 * compiler (and the ASan/UBSan and coverage builds) replays the corpus and the
 * crash regressions as ordinary ctest tests:
 *
 *   fuzz_uri_replay DIR_OR_FILE...
 *
 * Exit 0 when every input ran (a broken invariant aborts, a sanitizer
 * report fails the run).
 */
#include "fuzz_util.h"

#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>

static int tp_replay_file(const char *path, size_t *count)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
    {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return -1;
    }
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    size_t n;
    while (buf != NULL && (n = fread(buf + len, 1, cap - len, f)) > 0)
    {
        len += n;
        if (len == cap)
        {
            cap *= 2;
            uint8_t *grown = realloc(buf, cap);
            if (grown == NULL)
            {
                free(buf);
                buf = NULL;
            }
            buf = grown;
        }
    }
    fclose(f);
    if (buf == NULL)
    {
        return -1;
    }
    /* An exact-size copy, so ASan sees reads past the input's end. */
    uint8_t *exact = malloc(len > 0 ? len : 1);
    if (exact == NULL)
    {
        free(buf);
        return -1;
    }
    memcpy(exact, buf, len);
    free(buf);
    (void)LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    (*count)++;
    return 0;
}

static int tp_replay_path(const char *path, size_t *count)
{
    struct stat st;
    if (stat(path, &st) != 0)
    {
        return 0; /* an optional folder (no crash regressions yet) */
    }
    if (!S_ISDIR(st.st_mode))
    {
        return tp_replay_file(path, count);
    }
    DIR *d = opendir(path);
    if (d == NULL)
    {
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    char child[PATH_MAX];
    while ((e = readdir(d)) != NULL)
    {
        if (e->d_name[0] == '.')
        {
            continue;
        }
        snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
        if (tp_replay_path(child, count) < 0)
        {
            rc = -1;
        }
    }
    closedir(d);
    return rc;
}

int main(int argc, char **argv)
{
    size_t count = 0;
    int rc = 0;
    for (int i = 1; i < argc; i++)
    {
        if (tp_replay_path(argv[i], &count) < 0)
        {
            rc = 1;
        }
    }
    /* An empty input is always a case: it must be refused cleanly too. */
    (void)LLVMFuzzerTestOneInput((const uint8_t *)"", 0);
    printf("replayed %zu inputs\n", count + 1);
    return rc;
}
