/* Micro-costs of the operations nono's start-up is made of, measured on this machine.
 * Prints one line per operation: name <TAB> median nanoseconds <TAB> samples.
 * Build: cc -O2 -o syscost syscost.c     Run (as root or with user namespaces): ./syscost
 * Part of bench/profile.sh; not a test. */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define N 2000

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void report(const char *name, double *v, int n) {
    qsort(v, n, sizeof *v, cmp);
    printf("%s\t%.0f\t%d\n", name, v[n / 2], n);
    fflush(stdout);
}

/* Times `body` N times in this process. */
#define LOOP(name, body)                         \
    do {                                         \
        static double v[N];                      \
        for (int i = 0; i < N; i++) {            \
            double t0 = now_ns();                \
            body;                                \
            v[i] = now_ns() - t0;                \
        }                                        \
        report(name, v, N);                      \
    } while (0)

/* Times `body` once in each of `n` forked children (for operations that change the process
 * for good: namespaces, Landlock). The child sends its time through a pipe. */
static void in_children(const char *name, int n, double (*body)(void)) {
    static double v[N];
    int got = 0;
    for (int i = 0; i < n; i++) {
        int fd[2];
        if (pipe(fd)) return;
        pid_t p = fork();
        if (p == 0) {
            close(fd[0]);
            double t = body();
            if (write(fd[1], &t, sizeof t) != sizeof t) _exit(1);
            _exit(0);
        }
        close(fd[1]);
        double t;
        if (read(fd[0], &t, sizeof t) == sizeof t && t >= 0) v[got++] = t;
        close(fd[0]);
        waitpid(p, NULL, 0);
    }
    if (got) report(name, v, got);
    else printf("%s\tfailed\t0\n", name);
}

static int ll_ruleset(void) {
    struct landlock_ruleset_attr attr = {
        .handled_access_fs = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE |
                             LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_WRITE_FILE,
    };
    return syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
}

static int ll_add(int ruleset, const char *path) {
    struct landlock_path_beneath_attr pb = {
        .allowed_access = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE |
                          LANDLOCK_ACCESS_FS_READ_DIR,
    };
    pb.parent_fd = open(path, O_PATH | O_CLOEXEC);
    int r = syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
    close(pb.parent_fd);
    return r;
}

/* 170 rules, as many as nono adds for `--allow .` on a stock Debian /etc. */
static double restrict_170(void) {
    int rs = ll_ruleset();
    if (rs < 0) return -1;
    for (int i = 0; i < 170; i++) ll_add(rs, i % 2 ? "/usr" : "/etc");
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    double t0 = now_ns();
    int r = syscall(SYS_landlock_restrict_self, rs, 0);
    double t = now_ns() - t0;
    return r ? -1 : t;
}

/* A filter shaped like nono's: arch check, x32 check, `denied` JEQ-and-return pairs for
 * syscalls nobody makes here, then allow. Installing it makes the kernel verify it, JIT it
 * and precompute its action cache (emulating it for every syscall number). */
static double install_filter(int denied) {
    struct sock_filter f[256];
    int n = 0;
    f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4); /* arch */
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xc000003e, 1, 0);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 38);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0); /* nr */
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 38);
    for (int i = 0; i < denied; i++) {
        f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1000 + i, 0, 1);
        f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1);
    }
    f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog prog = {.len = (unsigned short)n, .filter = f};
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    double t0 = now_ns();
    int r = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
    double t = now_ns() - t0;
    return r ? -1 : t;
}
/* The same 50 denied calls as a balanced binary search on the syscall number (JGE nodes,
 * JEQ leaves): the kernel's cache precomputation then walks ~8 instructions per number. */
static int tree(struct sock_filter *f, int lo, int hi) {
    int n = 0;
    if (hi - lo <= 2) {
        for (int i = lo; i < hi; i++) {
            f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1000 + i, 0, 1);
            f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1);
        }
        f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
        return n;
    }
    int mid = (lo + hi) / 2;
    struct sock_filter left[256];
    int nl = tree(left, lo, mid);
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 1000 + mid, nl, 0);
    memcpy(f + n, left, nl * sizeof *f);
    n += nl;
    n += tree(f + n, mid, hi);
    return n;
}
static double filter_50_tree(void) {
    struct sock_filter f[256];
    int n = 0;
    f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4);
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xc000003e, 1, 0);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 38);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0);
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 38);
    n += tree(f + n, 0, 50);
    struct sock_fprog prog = {.len = (unsigned short)n, .filter = f};
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    double t0 = now_ns();
    int r = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
    double t = now_ns() - t0;
    return r ? -1 : t;
}
static double filter_1(void) { return install_filter(1); }
static double filter_50(void) { return install_filter(50); }

static double unshare_user_mnt(void) {
    double t0 = now_ns();
    int r = unshare(CLONE_NEWUSER | CLONE_NEWNS);
    double t = now_ns() - t0;
    return r ? -1 : t;
}

static double unshare_user_mnt_net(void) {
    double t0 = now_ns();
    int r = unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET);
    double t = now_ns() - t0;
    return r ? -1 : t;
}

int main(void) {
    char missing[4096];
    const char *home = getenv("HOME") ? getenv("HOME") : "/root";
    snprintf(missing, sizeof missing, "%s/.nono-bench-missing", home);
    struct stat st;
    char buf[4096];
    unsigned a, b, c, d;

    LOOP("getppid (syscall floor)", syscall(SYS_getppid));
    LOOP("statx, missing path (ENOENT)", syscall(SYS_statx, AT_FDCWD, missing, AT_SYMLINK_NOFOLLOW, 0x7ff, buf));
    LOOP("statx, existing path", syscall(SYS_statx, AT_FDCWD, "/usr/bin", AT_SYMLINK_NOFOLLOW, 0x7ff, buf));
    LOOP("readlink, not a symlink (EINVAL)", readlink("/usr/bin", buf, sizeof buf));
    LOOP("realpath(\"/usr/local/bin\")", { char *r = realpath("/usr/local/bin", NULL); free(r); });
    LOOP("open O_PATH + fstat + close", { int fd = open("/usr", O_PATH | O_CLOEXEC); fstat(fd, &st); close(fd); });
    LOOP("getdents64 of /etc (opendir+readdir+closedir)", {
        int fd = open("/etc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        while (syscall(SYS_getdents64, fd, buf, sizeof buf) > 0) {}
        close(fd);
    });
    {
        int rs = ll_ruleset();
        if (rs >= 0) {
            LOOP("open O_PATH + landlock_add_rule + close", ll_add(rs, "/usr"));
            close(rs);
        } else {
            printf("landlock_add_rule\tunavailable\t0\n");
        }
    }
    LOOP("cpuid (leaf 4), a VM exit under virtualisation", __cpuid_count(4, 0, a, b, c, d));
    in_children("landlock_restrict_self, 170 rules", 300, restrict_170);
    in_children("seccomp filter install, 9 instructions", 300, filter_1);
    in_children("seccomp filter install, 107 instructions (50 denied calls, linear)", 300, filter_50);
    in_children("seccomp filter install, 50 denied calls as a binary search", 300, filter_50_tree);
    in_children("unshare(USER|NS)", 300, unshare_user_mnt);
    in_children("unshare(USER|NS|NET)", 300, unshare_user_mnt_net);
    for (int with_exec = 0; with_exec < 2; with_exec++) {
        static double v[N];
        int n = 300;
        for (int i = 0; i < n; i++) {
            double t0 = now_ns();
            pid_t p = fork();
            if (p == 0) {
                if (with_exec) execl("/bin/true", "true", (char *)NULL);
                _exit(0);
            }
            waitpid(p, NULL, 0);
            v[i] = now_ns() - t0;
        }
        report(with_exec ? "fork + exec /bin/true + wait" : "fork + _exit + wait", v, n);
    }
    (void)a; (void)b; (void)c; (void)d;
    return 0;
}
