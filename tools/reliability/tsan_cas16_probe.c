/*
 * tsan_cas16_probe: is a 16-byte compare-and-swap atomic between processes?
 *
 * Two processes (fork) share one MAP_SHARED page. Each adds 1 to a 16-byte
 * counter {count, count} N times with a CAS loop, and to an 8-byte counter
 * the same way, after both have reached a shared start line. Atomic CASes
 * lose no increment: both counters end at 2N. Built with -fsanitize=thread,
 * the compiler turns each atomic into a call into the TSan runtime; the
 * 16-byte one is emulated there (read, compare, write) under a mutex of the
 * calling process, which the other process does not take. docs/reliability.md
 * records the outcome. Usage: tsan_cas16_probe [N]; exit 0 when no increment
 * was lost, 1 when some were (the counts are printed either way).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

__extension__ typedef unsigned __int128 u128;

struct shared
{
    u128 wide __attribute__((aligned(16)));
    uint64_t narrow;
    uint32_t ready;
};

static void add_wide(volatile u128 *word)
{
    u128 seen = *word;
    for (;;)
    {
        uint64_t count = (uint64_t)seen;
        u128 next = ((u128)(count + 1) << 64) | (count + 1);
        u128 was = __sync_val_compare_and_swap(word, seen, next);
        if (was == seen)
        {
            return;
        }
        seen = was;
    }
}

static void add_narrow(uint64_t *word)
{
    uint64_t seen = __atomic_load_n(word, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(word, &seen, seen + 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
    {
    }
}

static void run(struct shared *s, long n)
{
    __atomic_add_fetch(&s->ready, 1, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&s->ready, __ATOMIC_SEQ_CST) < 2)
    {
    }
    for (long i = 0; i < n; i++)
    {
        add_wide(&s->wide);
        add_narrow(&s->narrow);
    }
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 2000000;
    if (n <= 0)
    {
        fprintf(stderr, "usage: tsan_cas16_probe [N > 0]\n");
        return 2;
    }
    struct shared *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (s == MAP_FAILED)
    {
        perror("mmap");
        return 2;
    }
    pid_t child = fork();
    if (child < 0)
    {
        perror("fork");
        return 2;
    }
    run(s, n);
    if (child == 0)
    {
        _exit(0);
    }
    int status = 0;
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    {
        fprintf(stderr, "the child failed\n");
        return 2;
    }
    uint64_t wide = (uint64_t)s->wide;
    uint64_t wide_high = (uint64_t)(s->wide >> 64);
    uint64_t expected = 2 * (uint64_t)n;
    printf("16-byte CAS: %llu of %llu increments (%llu lost; halves %s)\n", (unsigned long long)wide, (unsigned long long)expected,
        (unsigned long long)(expected - wide), wide == wide_high ? "agree" : "DISAGREE");
    printf("8-byte CAS:  %llu of %llu increments (%llu lost)\n", (unsigned long long)s->narrow, (unsigned long long)expected,
        (unsigned long long)(expected - s->narrow));
    return wide == expected && wide == wide_high && s->narrow == expected ? 0 : 1;
}
