#!/usr/bin/env bash
# Reproducible benchmark of nono: start-up against bare execution, bubblewrap, a minimal C
# launcher and firejail, as root and as an unprivileged user; steady-state overhead on read-,
# process-, compile- and creation-heavy workloads; `nono why` and `--dry-run` latency; nono's
# peak RSS; the search for repositories in a large grant (bench/git-walk.sh). Writes
# bench/results/*.json, bench/results/latest.md and docs/benchmarks-startup.svg. See
# docs/benchmarks.md.
#
# Usage: bench/run.sh            (from anywhere; installs missing Debian packages as root)
# Knobs (environment):
#   CARGO_TARGET_DIR   where cargo builds (default: the workspace's target/)
#   NONO_BIN           benchmark this nono binary instead of building one
#   NONO_DYNAMIC=1     build the default, dynamically linked binary instead of the static one
#                      the README recommends (static: no dynamic loader work per launch)
#   NONO_REV           label for that binary's source in the report (default: git HEAD)
#   RESULTS_DIR        output directory (default: bench/results)
#   SVG_OUT            chart path (default: docs/benchmarks-startup.svg)
#   SCRATCH_DIR        where the scratch workspaces are made (default /var/tmp: not /tmp,
#                      which each sandboxed run replaces with its own, and reachable by the
#                      unprivileged user)
#   UNPRIV_USER        the unprivileged user the start-up group also runs as, when run as root
#                      (default nobody; UNPRIV_USER= to skip)
#   STARTUP_RUNS / STARTUP_WARMUP      start-up and latency groups (default 300 / 20)
#   READ_RUNS / PROC_RUNS / COMPILE_RUNS / CREATE_RUNS  steady-state groups
#                                       (default 100 / 30 / 30 / 30)
#   CREATE_FILES                        files the creation-heavy group makes (default 2000)
#   STEADY_WARMUP                       steady-state warm-up runs (default 3)
#   STEADY_ATTEMPTS                     tries of a disturbed steady-state group (default 3)
#   IDLE_WAIT                           seconds each group waits for an idle machine (default
#                                       120; 0 for a trial run on a busy one)
#   GIT_WALK=0                          skip bench/git-walk.sh (GIT_WALK_RUNS: its runs)
#
# Not part of the test suite and not run by CI.
# shellcheck disable=SC2016,SC2028 # the generated C and Makefile text is literal on purpose
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
RESULTS=${RESULTS_DIR:-$BENCH_DIR/results}
SVG_OUT=${SVG_OUT:-$REPO/docs/benchmarks-startup.svg}
STARTUP_RUNS=${STARTUP_RUNS:-300}
STARTUP_WARMUP=${STARTUP_WARMUP:-20}
READ_RUNS=${READ_RUNS:-100}
PROC_RUNS=${PROC_RUNS:-30}
COMPILE_RUNS=${COMPILE_RUNS:-30}
CREATE_RUNS=${CREATE_RUNS:-30}
CREATE_FILES=${CREATE_FILES:-2000}
STEADY_WARMUP=${STEADY_WARMUP:-3}
STEADY_ATTEMPTS=${STEADY_ATTEMPTS:-3}
IDLE_WAIT=${IDLE_WAIT:-120}
SCRATCH_DIR=${SCRATCH_DIR:-/var/tmp}
GIT_WALK=${GIT_WALK:-1}
if [ "$(id -u)" -eq 0 ]; then
    UNPRIV_USER=${UNPRIV_USER-nobody}
else
    UNPRIV_USER= # only root can become another user
fi

log() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'bench/run.sh: %s\n' "$*" >&2; exit 1; }

# --- 1. tools -------------------------------------------------------------------------------
install_missing() {
    local missing=() pair cmd pkg
    for pair in hyperfine:hyperfine bwrap:bubblewrap firejail:firejail /usr/bin/time:time \
        python3:python3 cc:gcc make:make find:findutils git:git setpriv:util-linux; do
        cmd=${pair%%:*} pkg=${pair#*:}
        command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing ${missing[*]}"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || die "need root or sudo to install: ${missing[*]}"
        sudo=(sudo)
    fi
    command -v apt-get >/dev/null 2>&1 || die "no apt-get: install ${missing[*]} by hand"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}
install_missing
PYTHON=$(command -v python3)
REAL_HOME=$HOME
py() { HOME=$REAL_HOME "$PYTHON" "$@"; } # a pyenv shim needs the real HOME

# --- 2. nono --------------------------------------------------------------------------------
# shellcheck source=bench/build.sh
. "$BENCH_DIR/build.sh"
nono_binary
[ -x "$NONO" ] || die "no nono binary at $NONO"
mkdir -p "$RESULTS"
rm -f "$RESULTS"/*.json "$RESULTS"/*.tsv "$RESULTS"/*.txt "$RESULTS"/git-walk.md

# --- 3. scratch: binaries, and per user a workspace and a HOME with sensitive files ---------
# Everything an unprivileged user runs or is granted must be reachable by it: the scratch
# directory and the binaries' directory are mode 755, and each user owns its own workspace
# and HOME below them.
WORK=$(mktemp -d "$SCRATCH_DIR/nono-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
chmod 755 "$WORK"
BIN=$WORK/bin
mkdir -p "$BIN"
cp "$NONO" "$BIN/nono"
log "building the minimal launcher (static)"
cc -O2 -static -o "$BIN/minimal-launcher" "$BENCH_DIR/tools/minimal-launcher.c"
chmod 755 "$BIN" "$BIN/nono" "$BIN/minimal-launcher"

# A user's workspace is a git repository, as an agent's usually is: its `.git` is kept
# read-only and the project files that do not exist yet (`.claude/settings.json`, ...) are
# guarded by name. Its HOME holds secrets for `--allow $HOME` to mask.
make_user_dirs() { # user
    local user=$1 ws=$WORK/$1/ws home=$WORK/$1/home
    mkdir -p "$ws" "$home/.ssh" "$home/.aws" "$WORK/$user/out"
    chmod 700 "$home/.ssh"
    printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\nfake\n-----END OPENSSH PRIVATE KEY-----\n' \
        >"$home/.ssh/id_ed25519"
    chmod 600 "$home/.ssh/id_ed25519"
    printf '[default]\naws_access_key_id = AKIAFAKE\naws_secret_access_key = fake\n' \
        >"$home/.aws/credentials"
    printf '# fake\nexport PS1="$ "\n' >"$home/.bashrc"
    echo "notes" >"$ws/notes.txt"
    git -c init.defaultBranch=main init -q "$ws"
    chmod 755 "$WORK/$user" "$ws" "$home"
    if [ "$user" != "$(id -un)" ]; then
        chown -R "$user:$(id -gn "$user")" "$WORK/$user"
    fi
}
ME=$(id -un)
USERS=("$ME")
make_user_dirs "$ME"
if [ -n "$UNPRIV_USER" ]; then
    if id "$UNPRIV_USER" >/dev/null 2>&1; then
        USERS+=("$UNPRIV_USER")
        make_user_dirs "$UNPRIV_USER"
    else
        printf 'no user %s: the start-up group runs as %s only\n' "$UNPRIV_USER" "$ME" \
            >>"$RESULTS/warnings.txt"
    fi
fi
WS=$WORK/$ME/ws
FAKE_HOME=$WORK/$ME/home
# The read-heavy tree and the C project live outside WS: each user's WS must hold the same
# few entries, since nono reads every directory of a writable grant to find repositories.
STEADY_DIR=$WORK/steady

log "generating the read-heavy tree (10,000 files)"
TREE=$STEADY_DIR/tree
for d in $(seq -w 0 99); do
    mkdir -p "$TREE/d$d"
    for f in $(seq -w 0 99); do
        printf 'file %s/%s: lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor\n' \
            "$d" "$f" >"$TREE/d$d/f$f.txt"
    done
done

log "generating the C project"
CPROJ=$STEADY_DIR/cproj
mkdir -p "$CPROJ"
for i in 1 2 3 4 5 6 7 8; do
    {
        echo '#include "common.h"'
        for j in $(seq 1 40); do
            cat <<EOF
static unsigned long f$j(const unsigned char *p, unsigned long n) {
    unsigned long h = ${j}u * 2654435761u;
    for (unsigned long k = 0; k < n; k++) { h = (h ^ p[k]) * 1099511628211u; if (h % ${j}u == 3) h += k * ${i}u; }
    return h;
}
EOF
        done
        echo "unsigned long unit$i(const unsigned char *p, unsigned long n) {"
        echo "    unsigned long s = 0;"
        for j in $(seq 1 40); do echo "    s += f$j(p, n);"; done
        echo "    return s;"
        echo "}"
    } >"$CPROJ/unit$i.c"
done
{
    echo '#ifndef COMMON_H'
    echo '#define COMMON_H'
    echo '#include <stdio.h>'
    echo '#include <string.h>'
    for i in 1 2 3 4 5 6 7 8; do echo "unsigned long unit$i(const unsigned char *, unsigned long);"; done
    echo '#endif'
} >"$CPROJ/common.h"
{
    echo '#include "common.h"'
    echo 'int main(int argc, char **argv) {'
    echo '    const unsigned char *s = (const unsigned char *)(argc > 1 ? argv[1] : "nono");'
    echo '    unsigned long n = strlen((const char *)s), h = 0;'
    for i in 1 2 3 4 5 6 7 8; do echo "    h ^= unit$i(s, n);"; done
    echo '    printf("%lx\n", h);'
    echo '    return 0;'
    echo '}'
} >"$CPROJ/main.c"
printf '%s\n' \
    'CFLAGS = -O2 -Wall' \
    'OBJS = main.o unit1.o unit2.o unit3.o unit4.o unit5.o unit6.o unit7.o unit8.o' \
    '' \
    'hello: $(OBJS)' \
    '	$(CC) $(CFLAGS) -o $@ $(OBJS)' \
    '' \
    '%.o: %.c common.h' \
    '	$(CC) $(CFLAGS) -c -o $@ $<' \
    '' \
    'clean:' \
    '	rm -f hello $(OBJS)' \
    '' \
    '.PHONY: clean' >"$CPROJ/Makefile"

# --- 4. machine facts (before HOME changes) -------------------------------------------------
py "$BENCH_DIR/report.py" machine "$RESULTS/machine.json" \
    --nono "$NONO" --repo "$REPO" --runs "$STARTUP_RUNS" --warmup "$STARTUP_WARMUP" \
    --create-files "$CREATE_FILES"

# From here on every command, bare or sandboxed, sees a fake HOME.
export HOME=$FAKE_HOME
q() { printf '%q' "$1"; }
N=$(q "$BIN/nono")
ML=$(q "$BIN/minimal-launcher")

# as_user USER COMMAND...: runs COMMAND as USER, in the current directory, with USER's fake
# HOME; for another user through setpriv, without groups or inheritable capabilities.
as_user() {
    local user=$1
    shift
    if [ "$user" = "$ME" ]; then
        HOME=$WORK/$user/home "$@"
    else
        setpriv --reuid="$user" --regid="$(id -gn "$user")" --clear-groups --inh-caps=-all \
            env HOME="$WORK/$user/home" "$@"
    fi
}

# Comparators may be unusable here (no user namespaces, firejail refusing a user, ...): each
# is tried once, and a failure is recorded instead of failing the run.
usable() { # user, name, command...
    local user=$1 name=$2 out rc
    shift 2
    out=$(as_user "$user" "$@" 2>&1 </dev/null) && return 0
    rc=$?
    printf '%s\t%s (exit %s)\n' "$name" "$(printf '%s' "$out" | tr '\n\t' '  ' | cut -c1-300)" "$rc" \
        >>"$RESULTS/skipped-$user.txt"
    printf 'skipping %s as %s: %s\n' "$name" "$user" "$out" >&2
    return 1
}

cd "$WS"
"$BIN/nono" run --allow "$WS" -- /bin/true || die "nono run --allow WS failed"
"$BIN/nono" run --allow "$WS" --net-block -- /bin/true || die "nono run --net-block failed"
"$BIN/nono" run --allow "$FAKE_HOME" -- /bin/true || die "nono run --allow \$HOME failed"
# The creation-heavy group is about the name guard: the workspace must have guarded names.
"$BIN/nono" run --allow "$WS" --dry-run -- true >"$RESULTS/dry-run-ws.txt" 2>&1 \
    || die "nono run --allow WS --dry-run failed"
grep -q '^ *guarded ' "$RESULTS/dry-run-ws.txt" \
    || die "nono guards no name in the workspace (see $RESULTS/dry-run-ws.txt)"

# Each group starts on an idle machine: wait (up to IDLE_WAIT seconds) until nothing else uses
# more than 10 % of the CPUs (a compile on 2 CPUs is thrown off by any other build), and record
# it when that does not happen.
cpu_busy_percent() { # CPU use by everything over one second, in percent
    local a b
    read -r -a a </proc/stat
    sleep 1
    read -r -a b </proc/stat
    local total=0 idle i
    for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
    idle=$((b[4] - a[4] + b[5] - a[5]))
    echo $(((total - idle) * 100 / (total > 0 ? total : 1)))
}
wait_idle() { # label
    local i busy
    [ "$IDLE_WAIT" -gt 0 ] || return 0
    for i in $(seq "$IDLE_WAIT"); do
        busy=$(cpu_busy_percent)
        [ "$busy" -lt 10 ] && return 0
    done
    printf '%s: the machine was still %s %% busy with other work after %s s\n' "$1" "$busy" \
        "$IDLE_WAIT" \
        | tee -a "$RESULTS/warnings.txt" >&2
}

# --- 5. start-up, once per user: every command side by side in one hyperfine run ------------
startup() { # user
    local user=$1 ws=$WORK/$1/ws home=$WORK/$1/home
    local names=() cmds=()
    add() { names+=(-n "$1"); cmds+=("$2"); }
    log "start-up as $user"
    wait_idle "start-up as $user"
    cd "$ws"
    local W H
    W=$(q "$ws") H=$(q "$home")
    local bwrap="bwrap --ro-bind / / --dev /dev --proc /proc --bind $W $W"
    add "bare /bin/true" "/bin/true"
    if usable "$user" "nono --allow WS" "$BIN/nono" run --allow "$ws" -- /bin/true; then
        add "nono --allow WS" "$N run --allow $W -- /bin/true"
    fi
    if usable "$user" "nono --allow WS --net-block" \
        "$BIN/nono" run --allow "$ws" --net-block -- /bin/true; then
        add "nono --allow WS --net-block" "$N run --allow $W --net-block -- /bin/true"
    fi
    if usable "$user" "nono --allow \$HOME" "$BIN/nono" run --allow "$home" -- /bin/true; then
        add "nono --allow \$HOME" "$N run --allow $H -- /bin/true"
    fi
    if usable "$user" "bwrap" bwrap --ro-bind / / --dev /dev --proc /proc --bind "$ws" "$ws" \
        /bin/true; then
        add "bwrap" "$bwrap /bin/true"
    fi
    if usable "$user" "bwrap --unshare-net" bwrap --ro-bind / / --dev /dev --proc /proc \
        --bind "$ws" "$ws" --unshare-net /bin/true; then
        add "bwrap --unshare-net" "$bwrap --unshare-net /bin/true"
    fi
    if usable "$user" "minimal launcher" "$BIN/minimal-launcher" /bin/true; then
        add "minimal launcher" "$ML /bin/true"
    fi
    if [ "$(id -u "$user")" -eq 0 ] && command -v firejail >/dev/null 2>&1 \
        && usable "$user" "firejail --noprofile" firejail --noprofile --quiet /bin/true; then
        add "firejail --noprofile" "firejail --noprofile --quiet /bin/true"
    fi
    as_user "$user" hyperfine -N --style basic --warmup "$STARTUP_WARMUP" --runs "$STARTUP_RUNS" \
        --export-json "$WORK/$user/out/startup.json" "${names[@]}" "${cmds[@]}"
    cp "$WORK/$user/out/startup.json" "$RESULTS/startup-$user.json"
    printf '%s\n' "$user" >>"$RESULTS/users.txt"
}
for user in "${USERS[@]}"; do
    startup "$user"
done

# --- 6. steady state: bare, nono, bare again (the repeat brackets drift) --------------------
# A group whose two bare runs disagree by more than 2 % was disturbed by other work: it is run
# again, up to STEADY_ATTEMPTS times, and the attempt whose bare runs agree best is kept.
steady() { # group, dir, runs, command
    local group=$1 dir=$2 runs=$3 cmd=$4 attempt drift best=100000
    cd "$dir"
    for attempt in $(seq "$STEADY_ATTEMPTS"); do
        log "steady state: $group (attempt $attempt)"
        wait_idle "steady state: $group"
        hyperfine -N --style basic --warmup "$STEADY_WARMUP" --runs "$runs" \
            --export-json "$WORK/attempt.json" \
            -n "bare" -n "nono" -n "bare (repeat)" \
            "$cmd" "$N run --allow . -- $cmd" "$cmd"
        drift=$(py "$BENCH_DIR/report.py" drift "$WORK/attempt.json")
        if [ "$drift" -lt "$best" ]; then
            best=$drift
            cp "$WORK/attempt.json" "$RESULTS/steady-$group.json"
        fi
        printf '%s\t%s\t%s\n' "$group" "$attempt" "$drift" >>"$RESULTS/steady-attempts.tsv"
        [ "$drift" -le 200 ] && return 0
        log "steady state: $group: the bare runs differ by $((drift / 100)).$((drift % 100 / 10)) %"
    done
    printf 'steady state: %s: after %s attempts its two bare runs still differ by %s.%s %%\n' \
        "$group" "$STEADY_ATTEMPTS" "$((best / 100))" "$((best % 100 / 10))" >>"$RESULTS/warnings.txt"
}
steady read "$TREE" "$READ_RUNS" "find . -type f -exec cat {} +"
steady proc "$WS" "$PROC_RUNS" \
    "sh -c 'i=0; while [ \$i -lt 1000 ]; do sh -c true; i=\$((i+1)); done'"
steady compile "$CPROJ" "$COMPILE_RUNS" "sh -c 'make -s clean && make -s -j2'"
# Creation-heavy, in the workspace's root, whose absent project files are guarded: while a
# run guards a name, every creating call goes to the sandbox's init (seccomp user
# notification), which resolves it and makes it.
steady create "$WS" "$CREATE_RUNS" \
    "sh -c 'i=0; while [ \$i -lt $CREATE_FILES ]; do : >new-\$i; i=\$((i+1)); done; rm -f new-*'"

# --- 7. latency of the planner alone ---------------------------------------------------------
log "nono why / --dry-run latency"
cd "$WS"
hyperfine -N --style basic --warmup "$STARTUP_WARMUP" --runs "$STARTUP_RUNS" \
    --export-json "$RESULTS/latency.json" \
    -n "bare /bin/true" -n "nono why /etc/hosts" -n "nono why --allow . --op write" \
    -n "nono run --dry-run -- true" \
    "/bin/true" "$N why /etc/hosts" "$N why --allow . --op write $(q "$WS/notes.txt")" \
    "$N run --dry-run -- true"

# --- 7b. finding repositories in a large grant ----------------------------------------------
if [ "$GIT_WALK" != 0 ]; then
    log "git walk"
    NONO_BIN=$BIN/nono RESULTS_DIR=$RESULTS SCRATCH_DIR=$WORK "$BENCH_DIR/git-walk.sh"
fi

# --- 8. peak RSS ----------------------------------------------------------------------------
log "peak RSS"
rss() { # label, command...
    local label=$1 i kb
    shift
    for i in 1 2 3 4 5 6 7 8 9 10 11; do
        /usr/bin/time -v -o "$WORK/time.txt" "$@" >/dev/null 2>&1 || true
        kb=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$WORK/time.txt")
        printf '%s\t%s\n' "$label" "$kb" >>"$RESULTS/rss.tsv"
    done
}
rss "bare /bin/true" /bin/true
rss "nono run --allow WS -- /bin/true" "$BIN/nono" run --allow "$WS" -- /bin/true
rss "nono run --allow WS --net-block -- /bin/true" "$BIN/nono" run --allow "$WS" --net-block -- /bin/true
rss "nono run --allow \$HOME -- /bin/true" "$BIN/nono" run --allow "$FAKE_HOME" -- /bin/true
rss "nono run --dry-run -- true (nono alone)" "$BIN/nono" run --dry-run -- true
rss "nono why /etc/hosts (nono alone)" "$BIN/nono" why /etc/hosts

# --- 9. report ------------------------------------------------------------------------------
log "report"
cut -d' ' -f1-3 /proc/loadavg >"$RESULTS/loadavg-end.txt"
py "$BENCH_DIR/report.py" report "$RESULTS" --svg "$SVG_OUT"
printf '\nwrote %s and %s\n' "$RESULTS/latest.md" "$SVG_OUT" >&2
