/* What creating each kind of namespace costs at clone(2) on this machine: for each set of
 * namespaces nono's init or a simpler launcher makes, the mean time of the clone call in the
 * parent, and of clone, the child's exit and the parent's wait together (the namespaces'
 * teardown included). Run it as root or as a user allowed unprivileged user namespaces.
 * Not a test.
 *
 * Usage: namespace-cost [RUNS]   (default 200) */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

int main(int argc, char **argv) {
    int runs = argc > 1 ? atoi(argv[1]) : 200;
    const struct {
        const char *name;
        long flags;
    } sets[] = {
        {"none (fork)", 0},
        {"user", CLONE_NEWUSER},
        {"user+mount", CLONE_NEWUSER | CLONE_NEWNS},
        {"user+mount+pid", CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID},
        {"user+mount+pid+ipc", CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC},
        {"user+mount+pid+ipc+net",
         CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET},
    };
    printf("%-24s  clone (us)  clone+exit+wait (us)\n", "namespaces");
    for (size_t s = 0; s < sizeof sets / sizeof *sets; s++) {
        double clone_total = 0, whole_total = 0;
        for (int r = 0; r < runs; r++) {
            double start = now_us();
            long pid = syscall(SYS_clone, sets[s].flags | SIGCHLD, 0, 0, 0, 0);
            if (pid == 0) _exit(0);
            double cloned = now_us();
            if (pid < 0) {
                perror(sets[s].name);
                return 1;
            }
            waitpid((pid_t)pid, NULL, 0);
            clone_total += cloned - start;
            whole_total += now_us() - start;
        }
        printf("%-24s  %10.1f  %20.1f\n", sets[s].name, clone_total / runs, whole_total / runs);
    }
    return 0;
}
