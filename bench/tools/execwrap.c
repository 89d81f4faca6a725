/* The floor of any exec-based launcher: exec argv[1] with argv[1..], nothing else.
 * bench/profile.sh builds it dynamically and statically linked to measure what one extra
 * process image costs on this machine. Not a test. */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    execv(argv[1], argv + 1);
    perror(argv[1]);
    return 127;
}
