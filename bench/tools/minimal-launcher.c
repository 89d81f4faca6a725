/* The floor of a namespace-and-Landlock launcher, to weigh nono's start-up against: it only
 * unshares a user and a mount namespace (mapping the caller's ids, as nono does), applies a
 * Landlock ruleset (read and execute beneath /, everything beneath the current directory),
 * sets no_new_privs and execs argv[1]. No view, no PID namespace, no seccomp, no plan: what
 * any such sandbox must pay at least. bench/run.sh builds it statically. Not a test.
 *
 * Usage: minimal-launcher PROGRAM [ARGS...] */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/landlock.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int add_rule(int ruleset, const char *path, uint64_t access) {
    int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0) return -1;
    struct landlock_path_beneath_attr rule = {.allowed_access = access, .parent_fd = fd};
    int ret = (int)syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
    close(fd);
    return ret;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    uid_t uid = getuid();
    gid_t gid = getgid();
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) { perror("unshare"); return 125; }
    char map[64];
    snprintf(map, sizeof map, "%u %u 1", uid, uid);
    if (write_file("/proc/self/setgroups", "deny") || write_file("/proc/self/uid_map", map)) {
        perror("uid_map");
        return 125;
    }
    snprintf(map, sizeof map, "%u %u 1", gid, gid);
    if (write_file("/proc/self/gid_map", map)) { perror("gid_map"); return 125; }

    const uint64_t read_exec = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE |
                               LANDLOCK_ACCESS_FS_READ_DIR;
    const uint64_t all = read_exec | LANDLOCK_ACCESS_FS_WRITE_FILE |
                         LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
                         LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |
                         LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |
                         LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
                         LANDLOCK_ACCESS_FS_MAKE_SYM;
    struct landlock_ruleset_attr attr = {.handled_access_fs = all};
    int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
    if (ruleset < 0) { perror("landlock"); return 125; }
    if (add_rule(ruleset, "/", read_exec) || add_rule(ruleset, ".", all)) {
        perror("landlock rule");
        return 125;
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
        syscall(SYS_landlock_restrict_self, ruleset, 0)) {
        perror("restrict");
        return 125;
    }
    close(ruleset);
    execv(argv[1], argv + 1);
    perror(argv[1]);
    return 127;
}
