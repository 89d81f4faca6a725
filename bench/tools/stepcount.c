/* Single-steps a command with ptrace and counts, per exec'd image, the user-space instructions
 * it retires and how many of them are CPUID (each one a VM exit when virtualised). With
 * HIST=FILE in the environment, also writes a histogram of the first image's instruction
 * addresses (addr count) to FILE and its memory map to FILE.maps, for rip_symbols.py.
 * Slow (a few microseconds per instruction): ~2 minutes for `nono run -- /bin/true`.
 * Build: cc -O2 -o stepcount stepcount.c     Usage: stepcount CMD [ARGS...]
 * Part of bench/profile.sh; not a test. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct { unsigned long addr; long n; } Slot;
static Slot *tab;
static const size_t CAP = 1u << 22;

static void count(unsigned long a) {
    size_t h = (a * 0x9E3779B97F4A7C15ul) >> 42;
    for (;; h = (h + 1) & (CAP - 1)) {
        if (tab[h].addr == a) { tab[h].n++; return; }
        if (!tab[h].addr) { tab[h].addr = a; tab[h].n = 1; return; }
    }
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: stepcount CMD [ARGS...]\n"); return 2; }
    const char *hist = getenv("HIST");
    if (hist) tab = calloc(CAP, sizeof *tab);
    pid_t p = fork();
    if (p == 0) {
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        raise(SIGSTOP);
        execvp(argv[1], argv + 1);
        _exit(127);
    }
    int st;
    waitpid(p, &st, 0);
    ptrace(PTRACE_SETOPTIONS, p, 0, PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL);
    long image = 0, steps = 0, cpuid = 0, total = 0, total_cpuid = 0;
    int mapped = 0; /* a map copy exists */
    for (;;) {
        if (ptrace(PTRACE_SINGLESTEP, p, 0, 0) < 0) break;
        if (waitpid(p, &st, 0) < 0 || WIFEXITED(st) || WIFSIGNALED(st)) break;
        if (WIFSTOPPED(st) && (st >> 8) == (SIGTRAP | (PTRACE_EVENT_EXEC << 8))) {
            if (image > 0) printf("image %ld\t%ld instructions\t%ld cpuid\n", image, steps, cpuid);
            image++, steps = 0, cpuid = 0;
            continue;
        }
        struct user_regs_struct r;
        ptrace(PTRACE_GETREGS, p, 0, &r);
        errno = 0;
        long word = ptrace(PTRACE_PEEKTEXT, p, (void *)r.rip, 0);
        steps++, total++;
        if (errno == 0 && (word & 0xffff) == 0xa20f) cpuid++, total_cpuid++;
        if (hist && image == 1) {
            count(r.rip);
            if (steps % 50000 == 0) { /* the last copy before the image ends is kept */
                char cmd[8192];
                snprintf(cmd, sizeof cmd, "cp /proc/%d/maps '%s.maps'", (int)p, hist);
                if (system(cmd) == 0) mapped = 1;
            }
        }
    }
    printf("image %ld\t%ld instructions\t%ld cpuid\n", image, steps, cpuid);
    printf("total\t%ld instructions\t%ld cpuid\n", total, total_cpuid);
    if (hist && !mapped) fprintf(stderr, "stepcount: image too short for a map copy\n");
    if (hist) {
        FILE *f = fopen(hist, "w");
        if (!f) { perror(hist); return 1; }
        for (size_t i = 0; i < CAP; i++)
            if (tab[i].addr) fprintf(f, "%lx %ld\n", tab[i].addr, tab[i].n);
        fclose(f);
    }
    return 0;
}
