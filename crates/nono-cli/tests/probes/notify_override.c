/* The attack on the name guard that the seccomp documentation warns about: a process installs
 * a notification filter of its own on open(2)/openat(2), whose listener answers every call
 * with SECCOMP_USER_NOTIF_FLAG_CONTINUE. The most recently installed filter takes precedence,
 * so without a defence the kernel would carry out the creation of a guarded name itself.
 *
 * Usage: notify_override PATH   creates PATH through the override and prints what happened:
 *   "refused: seccomp: ERRNO"    the filter could not be installed
 *   "created" / "open: ERRNO"    the open's outcome once the filter is in place */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int listener = -1;
static int ready[2];

static void *answer(void *arg) {
    (void)arg;
    if (read(ready[0], &listener, sizeof listener) != sizeof listener) return NULL;
    for (;;) {
        struct seccomp_notif req;
        struct seccomp_notif_resp resp;
        memset(&req, 0, sizeof req);
        if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) != 0) return NULL;
        memset(&resp, 0, sizeof resp);
        resp.id = req.id;
        resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
    }
}

int main(int argc, char **argv) {
    if (argc != 2 || pipe(ready) != 0) return 2;
    pthread_t thread;
    /* The answering thread exists before the filter, so it is not filtered itself. */
    if (pthread_create(&thread, NULL, answer, NULL) != 0) return 2;
    struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 1, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_open, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {.len = sizeof code / sizeof code[0], .filter = code};
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    int fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
                          &prog);
    if (fd < 0) {
        printf("refused: seccomp: %s\n", strerror(errno));
        return 0;
    }
    if (write(ready[1], &fd, sizeof fd) != sizeof fd) return 2;
    int out = open(argv[1], O_CREAT | O_WRONLY, 0644);
    if (out < 0) {
        printf("open: %s\n", strerror(errno));
        return 0;
    }
    if (write(out, "planted\n", 8) != 8) return 2;
    close(out);
    printf("created\n");
    return 0;
}
