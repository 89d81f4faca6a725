/* What installing a seccomp filter costs on this kernel, and why. Since Linux 5.11 the kernel
 * runs every new filter once for each system call number of each architecture it knows, to
 * cache the numbers the filter always allows; the cost then grows with the number of
 * instructions on the path a call number takes, not with the filter's length. This prints,
 * for filters of growing length, the mean time of one seccomp(SECCOMP_SET_MODE_FILTER) in a
 * fresh child: a chain that compares the number against each constant in turn (path = the
 * whole filter), and the same filter whose first instruction jumps to the end (path = 2).
 * Not a test.
 *
 * Usage: seccomp-install [RUNS]   (default 100) */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

/* `n` comparisons of the call number, then allow; with `skip`, a jump over all of them. */
static struct sock_fprog filter(int n, int skip) {
    struct sock_filter *f = calloc(n + 2, sizeof *f);
    if (!f) exit(1);
    f[0] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0);
    if (skip) f[0] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, n, 0, 0);
    for (int i = 1; i <= n; i++)
        f[i] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 100000 + i, 0, 0);
    f[n + 1] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    return (struct sock_fprog){.len = n + 2, .filter = f};
}

/* Mean microseconds of one install, each in a new child (a filter cannot be removed). */
static double install_us(struct sock_fprog *prog, int runs) {
    double total = 0;
    for (int r = 0; r < runs; r++) {
        int fds[2];
        if (pipe(fds)) exit(1);
        pid_t child = fork();
        if (child == 0) {
            prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
            double start = now_us();
            long ok = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog);
            double took = ok == 0 ? now_us() - start : -1;
            if (write(fds[1], &took, sizeof took) != sizeof took) _exit(1);
            _exit(0);
        }
        double took = -1;
        if (read(fds[0], &took, sizeof took) != sizeof took || took < 0) {
            fprintf(stderr, "seccomp install failed\n");
            exit(1);
        }
        waitpid(child, NULL, 0);
        close(fds[0]);
        close(fds[1]);
        total += took;
    }
    return total / runs;
}

int main(int argc, char **argv) {
    int runs = argc > 1 ? atoi(argv[1]) : 100;
    const int lengths[] = {10, 50, 100, 200, 400};
    printf("comparisons  chain (us)  jumped over (us)\n");
    for (size_t i = 0; i < sizeof lengths / sizeof *lengths; i++) {
        struct sock_fprog chain = filter(lengths[i], 0), jumped = filter(lengths[i], 1);
        printf("%11d  %10.1f  %16.1f\n", lengths[i], install_us(&chain, runs),
               install_us(&jumped, runs));
        free(chain.filter);
        free(jumped.filter);
    }
    return 0;
}
