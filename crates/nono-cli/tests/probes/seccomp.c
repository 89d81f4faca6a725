/* Probes for the seccomp filter's tables, compiled and run by the tests in seccomp.rs.
 *
 * Every denied system call (and clone with each namespace flag) is called with arguments
 * whose outcome without the filter differs from the filter's errno: success, or an error the
 * kernel returns before any permission check. A few calls check a capability before anything
 * else; for those, only a process holding the capability shows the difference (--capable).
 * Every probe is harmless even with every capability: missing paths, bad descriptors, invalid
 * flags, the caller's own memory.
 *
 * Each line printed is NAME OUTCOME EXPECTED: OUTCOME is "ok" or the errno's name, EXPECTED
 * the outcomes the kernel gives without the filter ("|"-separated), for a process without
 * capabilities or, with --capable, with all of them.
 *
 *   seccomp NAME...                 run the named probes
 *   seccomp --capable [--filter-of PID] NAME...
 *                                   as root, in a private mount namespace; with --filter-of,
 *                                   first install the seccomp filters of process PID (copied
 *                                   with ptrace), so that only the filter can refuse
 *   seccomp --ioctl REQUEST...      on the terminal on stdin, made the controlling one: each
 *                                   ioctl with a byte argument; prints REQUEST OUTCOME QUEUED,
 *                                   QUEUED being the bytes then waiting in its input queue
 *   seccomp --hold                  print "held" and wait for the end of stdin
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static const char *const MISSING = "/nonexistent-nono-probe";

static void die(const char *what) {
    fprintf(stderr, "seccomp probe: %s: %s\n", what, strerror(errno));
    exit(2);
}

/* clone(2) with one namespace flag; the child exits at once. */
static long clone_with(unsigned long flag) {
    long pid = syscall(SYS_clone, flag | SIGCHLD, 0, 0, 0, 0);
    if (pid == 0)
        _exit(0);
    if (pid > 0)
        waitpid((pid_t)pid, NULL, 0);
    return pid;
}

static char src[8] = "abcdefg", dst[8];
static struct iovec here = {dst, 4}, there = {src, 4};
static unsigned char uring_params[120];

static void report(const char *name, long r, int err, const char *expected) {
    printf("%s %s %s\n", name, r < 0 ? strerrorname_np(err) : "ok", expected);
}

/* Runs the probe NAME; returns 0 if there is none of that name. */
static int probe(const char *name, int capable) {
#define PROBE(nm, without_caps, with_caps, call)                                   \
    if (strcmp(name, nm) == 0) {                                                   \
        errno = 0;                                                                 \
        long r = (long)(call);                                                     \
        report(name, r, errno, capable ? with_caps : without_caps);                \
        return 1;                                                                  \
    }
    pid_t self = getpid();
    PROBE("keyctl", "ok", "ok", syscall(SYS_keyctl, 0 /* GET_KEYRING_ID */, -2 /* process */, 1))
    PROBE("add_key", "ok", "ok", syscall(SYS_add_key, "user", "nono-probe", "x", 1, -2))
    PROBE("request_key", "ENOKEY", "ENOKEY",
          syscall(SYS_request_key, "user", "nono-probe-absent", NULL, 0))
    PROBE("bpf", "EINVAL", "EINVAL", syscall(SYS_bpf, 0x7fff /* no such command */, NULL, 0))
    PROBE("perf_event_open", "EFAULT", "EFAULT", syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0))
    PROBE("userfaultfd", "ok", "ok", syscall(SYS_userfaultfd, 1 /* UFFD_USER_MODE_ONLY */))
    PROBE("io_uring_setup", "ok", "ok", syscall(SYS_io_uring_setup, 1, uring_params))
    PROBE("io_uring_enter", "EBADF", "EBADF", syscall(SYS_io_uring_enter, -1, 0, 0, 0, NULL, 0))
    PROBE("io_uring_register", "EBADF|EINVAL", "EBADF|EINVAL",
          syscall(SYS_io_uring_register, -1, 0, NULL, 0))
    PROBE("ptrace", "ESRCH", "ESRCH", syscall(SYS_ptrace, PTRACE_GETREGS, self, 0, 0))
    PROBE("process_vm_readv", "ok", "ok",
          syscall(SYS_process_vm_readv, self, &here, 1, &there, 1, 0))
    PROBE("process_vm_writev", "ok", "ok",
          syscall(SYS_process_vm_writev, self, &there, 1, &here, 1, 0))
    PROBE("kcmp", "ok", "ok", syscall(SYS_kcmp, self, self, 1 /* KCMP_VM */, 0, 0))
    PROBE("mount", "ENOENT", "ENOENT", syscall(SYS_mount, "none", MISSING, "tmpfs", 0, NULL))
    PROBE("umount2", "ENOENT", "ENOENT", syscall(SYS_umount2, MISSING, 0))
    PROBE("pivot_root", "EPERM", "ENOENT", syscall(SYS_pivot_root, MISSING, MISSING))
    PROBE("chroot", "ENOENT", "ENOENT", syscall(SYS_chroot, MISSING))
    PROBE("move_mount", "EPERM", "ENOENT",
          syscall(SYS_move_mount, AT_FDCWD, MISSING, AT_FDCWD, MISSING, 0))
    PROBE("open_tree", "ok", "ok", syscall(SYS_open_tree, AT_FDCWD, ".", 0))
    PROBE("fsopen", "EPERM", "EINVAL", syscall(SYS_fsopen, "tmpfs", 0x80 /* no such flag */))
    PROBE("fsconfig", "EINVAL", "EINVAL", syscall(SYS_fsconfig, -1, 0, "x", NULL, 0))
    PROBE("fsmount", "EPERM", "EBADF", syscall(SYS_fsmount, -1, 0, 0))
    PROBE("fspick", "EPERM", "ENOENT", syscall(SYS_fspick, AT_FDCWD, MISSING, 0))
    PROBE("mount_setattr", "EINVAL", "EINVAL",
          syscall(SYS_mount_setattr, AT_FDCWD, MISSING, 0, NULL, 0 /* size too small */))
    PROBE("unshare", "ok", "ok", syscall(SYS_unshare, 0))
    PROBE("setns", "EBADF", "EBADF", syscall(SYS_setns, -1, 0))
    PROBE("clone3", "EINVAL", "EINVAL", syscall(SYS_clone3, NULL, 0))
    /* Kernels built without kexec or modules answer ENOSYS: still not the filter's EPERM. */
    PROBE("kexec_load", "ENOSYS|EPERM", "ENOSYS|EINVAL",
          syscall(SYS_kexec_load, 0, 0xffff, NULL, 0x100 /* no such flag */))
    PROBE("kexec_file_load", "ENOSYS|EPERM", "ENOSYS|EINVAL",
          syscall(SYS_kexec_file_load, -1, -1, 0, NULL, 0x100 /* no such flag */))
    PROBE("init_module", "ENOSYS|EPERM", "ENOSYS|ENOEXEC", syscall(SYS_init_module, NULL, 0, ""))
    PROBE("finit_module", "ENOSYS|EPERM", "ENOSYS|EBADF", syscall(SYS_finit_module, -1, "", 0))
    PROBE("delete_module", "ENOSYS|EPERM", "ENOSYS|ENOENT",
          syscall(SYS_delete_module, "nono_no_such_module", O_NONBLOCK))
    PROBE("swapon", "EINVAL", "EINVAL", syscall(SYS_swapon, MISSING, 0x7ff00000 /* bad flags */))
    PROBE("swapoff", "EPERM", "ENOENT", syscall(SYS_swapoff, MISSING))
    PROBE("reboot", "EPERM", "EINVAL", syscall(SYS_reboot, 0, 0, 0, NULL) /* no magic */)
    PROBE("acct", "EPERM", "ENOENT", syscall(SYS_acct, MISSING))
    PROBE("quotactl", "EINVAL", "EINVAL",
          syscall(SYS_quotactl, (0x800001 << 8) | 7 /* Q_SYNC, no such type */, NULL, 0, NULL))
    /* kernel.dmesg_restrict=1 keeps the buffer size from processes without CAP_SYSLOG. */
    PROBE("syslog", "ok|EPERM", "ok", syscall(SYS_syslog, 10 /* SIZE_BUFFER */, NULL, 0))
    PROBE("open_by_handle_at", "EFAULT|EBADF", "EFAULT|EBADF",
          syscall(SYS_open_by_handle_at, -1, NULL, 0))
    PROBE("name_to_handle_at", "EBADF", "EBADF",
          syscall(SYS_name_to_handle_at, -5, "x", NULL, NULL, 0))
#ifdef __x86_64__
    PROBE("iopl", "ENOSYS|EINVAL", "ENOSYS|EINVAL", syscall(SYS_iopl, 4 /* above 3 */))
    PROBE("ioperm", "ENOSYS|EINVAL", "ENOSYS|EINVAL", syscall(SYS_ioperm, 0, 0, 0))
    PROBE("uselib", "ENOSYS|ENOENT", "ENOSYS|ENOENT", syscall(SYS_uselib, MISSING))
#endif
    /* Namespaces other than a user namespace need CAP_SYS_ADMIN. */
    PROBE("CLONE_NEWUSER", "ok", "ok", clone_with(CLONE_NEWUSER))
    PROBE("CLONE_NEWNS", "EPERM", "ok", clone_with(CLONE_NEWNS))
    PROBE("CLONE_NEWNET", "EPERM", "ok", clone_with(CLONE_NEWNET))
    PROBE("CLONE_NEWPID", "EPERM", "ok", clone_with(CLONE_NEWPID))
    PROBE("CLONE_NEWIPC", "EPERM", "ok", clone_with(CLONE_NEWIPC))
    PROBE("CLONE_NEWUTS", "EPERM", "ok", clone_with(CLONE_NEWUTS))
    PROBE("CLONE_NEWCGROUP", "EPERM", "ok", clone_with(CLONE_NEWCGROUP))
#undef PROBE
    return 0;
}

/* Installs the seccomp filters of process PID on this process, oldest first. */
static void copy_filters(pid_t pid) {
    struct sock_fprog progs[16];
    int n = 0, status;
    if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0)
        die("PTRACE_SEIZE");
    if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) < 0)
        die("PTRACE_INTERRUPT");
    if (waitpid(pid, &status, __WALL) < 0)
        die("waitpid");
    for (; n < 16; n++) {
        long len = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)(long)n, NULL);
        if (len < 0 && errno == ENOENT)
            break;
        if (len <= 0)
            die("PTRACE_SECCOMP_GET_FILTER");
        progs[n].len = (unsigned short)len;
        progs[n].filter = calloc((size_t)len, sizeof(struct sock_filter));
        if (!progs[n].filter ||
            ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)(long)n, progs[n].filter) != len)
            die("PTRACE_SECCOMP_GET_FILTER");
    }
    if (ptrace(PTRACE_DETACH, pid, 0, 0) < 0)
        die("PTRACE_DETACH");
    if (n == 0) {
        fprintf(stderr, "seccomp probe: process %d has no seccomp filter\n", pid);
        exit(2);
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        die("PR_SET_NO_NEW_PRIVS");
    while (n-- > 0)
        if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &progs[n]) < 0)
            die("PR_SET_SECCOMP");
}

static int ioctls(int argc, char **argv) {
    struct termios raw;
    setsid();
    if (ioctl(0, TIOCSCTTY, 0) < 0)
        die("TIOCSCTTY");
    if (tcgetattr(0, &raw) < 0)
        die("tcgetattr");
    cfmakeraw(&raw); /* non-canonical, so a single queued byte is counted */
    if (tcsetattr(0, TCSANOW, &raw) < 0)
        die("tcsetattr");
    for (int i = 0; i < argc; i++) {
        unsigned long request = strtoul(argv[i], NULL, 0);
        char byte = 6; /* TIOCLINUX's TIOCL_GETSHIFTSTATE; TIOCSTI's injected byte */
        int queued = 0;
        tcflush(0, TCIFLUSH);
        errno = 0;
        long r = syscall(SYS_ioctl, 0, request, &byte);
        int err = errno;
        ioctl(0, FIONREAD, &queued);
        printf("%s %s %d\n", argv[i], r < 0 ? strerrorname_np(err) : "ok", queued);
    }
    return 0;
}

int main(int argc, char **argv) {
    int capable = 0, i = 1;
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1 && strcmp(argv[1], "--hold") == 0) {
        char c;
        printf("held\n");
        while (read(0, &c, 1) > 0)
            ;
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--ioctl") == 0)
        return ioctls(argc - 2, argv + 2);
    if (i < argc && strcmp(argv[i], "--capable") == 0) {
        capable = 1;
        i++;
        if (unshare(CLONE_NEWNS) < 0)
            die("unshare(CLONE_NEWNS)");
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
            die("making mounts private");
    }
    if (i + 1 < argc && strcmp(argv[i], "--filter-of") == 0) {
        copy_filters((pid_t)atoi(argv[i + 1]));
        i += 2;
    }
    for (; i < argc; i++)
        if (!probe(argv[i], capable))
            printf("%s no-probe -\n", argv[i]);
    return 0;
}
