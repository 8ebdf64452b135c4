/* gvmwork: the BE workload of scripts/numa-guest.sh (built static with gcc, runs in the guest).
 *
 *   gvmwork run MB NAME   allocate MB MiB (anonymous, private), fill every 8-byte word with a
 *                         pattern derived from its index and NAME, start one extra thread (so
 *                         that moves must cover every thread), then sleep; on SIGUSR1 re-read the
 *                         whole buffer and write "ok WORDS" or "bad WORDS FIRST_BAD_INDEX" to
 *                         /run/gvmwork/NAME.verify; SIGTERM ends it. Writes its pid to
 *                         /run/gvmwork/NAME.pid once the memory is touched.
 *   gvmwork now           print CLOCK_MONOTONIC in nanoseconds (busybox date lacks %N here)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t verify_asked, stop_asked;
static void on_usr1(int s) { (void)s; verify_asked = 1; }
static void on_term(int s) { (void)s; stop_asked = 1; }

static uint64_t seed_of(const char *name) {
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *name; name++) { h ^= (unsigned char)*name; h *= 1099511628211ULL; }
    return h;
}

static inline uint64_t pattern(uint64_t seed, uint64_t i) {
    uint64_t x = seed ^ (i * 0x9E3779B97F4A7C15ULL);
    x ^= x >> 31; x *= 0xBF58476D1CE4E5B9ULL; x ^= x >> 27;
    return x;
}

static void *sleeper(void *arg) { (void)arg; for (;;) pause(); return NULL; }

static int write_file(const char *path, const char *text) {
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) return -1;
    fputs(text, f);
    if (fclose(f) != 0) return -1;
    return rename(tmp, path);
}

static int run(long mb, const char *name) {
    size_t bytes = (size_t)mb << 20, words = bytes / 8;
    uint64_t seed = seed_of(name);
    uint64_t *buf = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buf == MAP_FAILED) { perror("gvmwork: mmap"); return 1; }
    madvise(buf, bytes, MADV_NOHUGEPAGE); /* 4 KiB pages: page counts comparable with migratepages */
    for (size_t i = 0; i < words; i++) buf[i] = pattern(seed, i);

    struct sigaction sa = {0};
    sa.sa_handler = on_usr1; sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = on_term; sigaction(SIGTERM, &sa, NULL); sigaction(SIGINT, &sa, NULL);
    /* the extra thread must not take the signals */
    sigset_t block, old;
    sigemptyset(&block); sigaddset(&block, SIGUSR1); sigaddset(&block, SIGTERM); sigaddset(&block, SIGINT);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    pthread_t t;
    if (pthread_create(&t, NULL, sleeper, NULL) != 0) { fprintf(stderr, "gvmwork: pthread_create failed\n"); return 1; }
    pthread_sigmask(SIG_SETMASK, &old, NULL);

    char path[256], text[128];
    snprintf(path, sizeof path, "/run/gvmwork/%s.pid", name);
    snprintf(text, sizeof text, "%d\n", (int)getpid());
    if (write_file(path, text) != 0) { perror("gvmwork: pid file"); return 1; }

    while (!stop_asked) {
        pause();
        if (verify_asked) {
            verify_asked = 0;
            size_t bad = 0, first = 0;
            for (size_t i = 0; i < words; i++)
                if (buf[i] != pattern(seed, i)) { if (!bad) first = i; bad++; }
            if (bad) snprintf(text, sizeof text, "bad %zu %zu\n", bad, first);
            else snprintf(text, sizeof text, "ok %zu\n", words);
            snprintf(path, sizeof path, "/run/gvmwork/%s.verify", name);
            write_file(path, text);
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "now") == 0) {
        struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts);
        printf("%lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "run") == 0) {
        long mb = strtol(argv[2], NULL, 10);
        if (mb <= 0 || strlen(argv[3]) == 0 || strlen(argv[3]) > 100 || strchr(argv[3], '/')) {
            fprintf(stderr, "gvmwork: run MB NAME: MB must be > 0, NAME a plain word\n"); return 2;
        }
        return run(mb, argv[3]);
    }
    fprintf(stderr, "usage: gvmwork run MB NAME | gvmwork now\n");
    return 2;
}
