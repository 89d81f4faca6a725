#!/usr/bin/env bash
# Where nono's start-up time goes. Companion of bench/run.sh for the "Where the time goes"
# section of docs/benchmarks.md; writes bench/results/profile/. Takes ~8 minutes.
#
#   strace-c-*.txt        syscall counts per mode (strace -c -f)
#   strace-tt-plain.trace full timed trace of `nono run --allow . -- /bin/true` (not kept in git)
#   perf-stat.txt         task-clock and page faults, bare vs nono modes (perf stat -r)
#   decomposition.json    hyperfine: bare, a do-nothing exec wrapper (dynamic and static),
#                         `nono --version`, `--dry-run`, and full runs
#   syscost.tsv           measured cost of each kind of operation (tools/syscost.c)
#   stepcount.txt         instructions and CPUIDs per process image (tools/stepcount.c)
#   instructions.md       nono's instructions by function (tools/rip_symbols.py)
#   attribution.md        perf samples by start-up phase (tools/perf_attribution.py)
#   steady-read-kernel.md where the read-heavy workload's extra kernel time goes inside the
#                         sandbox (perf, bare vs nono, 10 walks of 10,000 files each)
#
# Knobs: NONO_BIN, CARGO_TARGET_DIR (as in run.sh), PROFILE_DIR, PROFILE_RUNS (default 300),
# STATIC_NONO_BIN (a nono built with RUSTFLAGS="-C target-feature=+crt-static", added to the
# decomposition when set).
# Not part of the test suite and not run by CI.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
OUT=${PROFILE_DIR:-$BENCH_DIR/results/profile}
RUNS=${PROFILE_RUNS:-300}

log() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'bench/profile.sh: %s\n' "$*" >&2; exit 1; }

missing=()
for pair in hyperfine:hyperfine strace:strace perf:linux-perf cc:gcc python3:python3 \
    nm:binutils readelf:binutils; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
# glibc's debug symbols let perf unwind through libc and name its functions.
[ -d /usr/lib/debug/.build-id ] || missing+=(libc6-dbg)
if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" -eq 0 ] || die "run as root to install: ${missing[*]}"
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ -n "${NONO_BIN:-}" ]; then
    NONO=$(realpath "$NONO_BIN")
else
    target_dir=${CARGO_TARGET_DIR:-$REPO/target}
    case $target_dir in /*) ;; *) target_dir=$REPO/$target_dir ;; esac
    (cd "$REPO" && cargo build --release -p nono-cli)
    NONO=$target_dir/release/nono
fi
mkdir -p "$OUT"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/nono-profile.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
WS=$WORK/ws
FAKE_HOME=$WORK/home
mkdir -p "$WS" "$FAKE_HOME/.ssh" "$FAKE_HOME/.aws"
echo key >"$FAKE_HOME/.ssh/id_ed25519"
echo creds >"$FAKE_HOME/.aws/credentials"
echo '# rc' >"$FAKE_HOME/.bashrc"

log "building the probes"
for tool in syscost stepcount; do
    cc -O2 -Wall -o "$WORK/$tool" "$BENCH_DIR/tools/$tool.c"
done
cc -O2 -o "$WORK/execwrap-dynamic" "$BENCH_DIR/tools/execwrap.c"
cc -O2 -static -o "$WORK/execwrap-static" "$BENCH_DIR/tools/execwrap.c"

REAL_HOME=$HOME
export HOME=$FAKE_HOME
cd "$WS"
"$NONO" run --allow . -- /bin/true # writes the capability file once
"$NONO" run --allow "$FAKE_HOME" -- /bin/true
"$NONO" run --allow . --net-block -- /bin/true

log "strace"
strace -f -c -o "$OUT/strace-c-plain.txt" "$NONO" run --allow . -- /bin/true
strace -f -c -o "$OUT/strace-c-netblock.txt" "$NONO" run --allow . --net-block -- /bin/true
strace -f -c -o "$OUT/strace-c-masks.txt" "$NONO" run --allow "$FAKE_HOME" -- /bin/true
strace -f -c -o "$OUT/strace-c-bare.txt" /bin/true
strace -f -tt -T -o "$OUT/strace-tt-plain.trace" "$NONO" run --allow . -- /bin/true
strace -f -tt -T -o "$OUT/strace-tt-masks.trace" "$NONO" run --allow "$FAKE_HOME" -- /bin/true

log "perf stat"
: >"$OUT/perf-stat.txt"
pstat() {
    perf stat -r "$RUNS" -e task-clock,page-faults,context-switches "$@" 2>&1 >/dev/null |
        sed -n '/Performance counter stats/,$p' >>"$OUT/perf-stat.txt"
}
pstat /bin/true
pstat "$NONO" --version
pstat "$NONO" run --dry-run --allow . -- /bin/true
pstat "$NONO" run --allow . -- /bin/true
pstat "$NONO" run --allow . --net-block -- /bin/true
pstat "$NONO" run --allow "$FAKE_HOME" -- /bin/true
task_ms=$(awk '/nono run --allow \. -- \/bin\/true/{f=1} f && /msec task-clock/{print $1; exit}' \
    "$OUT/perf-stat.txt")

log "decomposition (hyperfine)"
extra=()
if [ -n "${STATIC_NONO_BIN:-}" ]; then
    S=$(realpath "$STATIC_NONO_BIN")
    "$S" run --allow . -- /bin/true
    extra=(-n "static nono --version" -n "static nono run --dry-run --allow ." -n "static nono run --allow ."
        "$S --version" "$S run --dry-run --allow . -- /bin/true" "$S run --allow . -- /bin/true")
fi
hyperfine -N --style basic --warmup 20 --runs "$RUNS" --export-json "$OUT/decomposition.json" \
    -n "bare /bin/true" -n "exec wrapper, dynamic (C)" -n "exec wrapper, static (C)" \
    -n "nono --version" -n "nono run --dry-run --allow . (plan, no apply, no exec)" \
    -n "nono run --allow ." -n "nono run --allow \$HOME (masks)" -n "nono run --allow . --net-block" \
    /bin/true "$WORK/execwrap-dynamic /bin/true" "$WORK/execwrap-static /bin/true" \
    "$NONO --version" "$NONO run --dry-run --allow . -- /bin/true" \
    "$NONO run --allow . -- /bin/true" "$NONO run --allow $FAKE_HOME -- /bin/true" \
    "$NONO run --allow . --net-block -- /bin/true" "${extra[@]}"

log "micro-costs"
"$WORK/syscost" | tee "$OUT/syscost.tsv"

log "instruction counts (single-stepping; ~3 minutes)"
{
    echo "# /bin/true"
    "$WORK/stepcount" /bin/true
    echo "# nono run --allow . -- /bin/true (image 1: nono, image 2: /bin/true)"
    HIST=$WORK/hist.txt "$WORK/stepcount" "$NONO" run --allow . -- /bin/true
} | tee "$OUT/stepcount.txt"
python3 "$BENCH_DIR/tools/rip_symbols.py" "$WORK/hist.txt" 40 >"$OUT/instructions.md"

log "perf record (dwarf call graphs)"
perf record -q -o "$WORK/perf.data" -F 20000 --call-graph dwarf,32768 -- \
    sh -c "i=0; while [ \$i -lt $RUNS ]; do $(printf '%q' "$NONO") run --allow . -- /bin/true; i=\$((i+1)); done" \
    >/dev/null 2>&1
perf script -i "$WORK/perf.data" -F comm,tid,ip,sym,dso 2>/dev/null >"$WORK/perf.txt"
HOME=$REAL_HOME python3 "$BENCH_DIR/tools/perf_attribution.py" "$WORK/perf.txt" "$RUNS" "$task_ms" \
    >"$OUT/attribution.md"
cat "$OUT/attribution.md"

log "steady state: read-heavy, kernel profile"
TREE=$WS/tree
for d in $(seq -w 0 99); do
    mkdir -p "$TREE/d$d"
    for f in $(seq -w 0 99); do echo "file $d/$f lorem ipsum dolor sit amet" >"$TREE/d$d/f$f.txt"; done
done
cd "$TREE"
walk='for i in 1 2 3 4 5 6 7 8 9 10; do find . -type f -exec cat {} + >/dev/null; done'
perf record -q -o "$WORK/bare.data" -F 20000 -g -- sh -c "$walk" 2>/dev/null
perf record -q -o "$WORK/nono.data" -F 20000 -g -- "$NONO" run --allow . -- sh -c "$walk" 2>/dev/null
for k in bare nono; do
    perf report -i "$WORK/$k.data" --children --sort sym --stdio -g none 2>/dev/null \
        | awk -v k="$k" '/Event count/ {print k, "EVENTS", $NF} /^ +[0-9.]+%/ {print k, $1, $4}'
done >"$WORK/children.txt"
HOME=$REAL_HOME python3 - "$WORK/children.txt" >"$OUT/steady-read-kernel.md" <<'PY'
import sys
events, pct = {}, {}
for line in open(sys.argv[1]):
    k, a, b = line.split()[:3]
    if a == "EVENTS":
        events[k] = int(b)
    else:
        pct.setdefault(b, {})[k] = float(a.rstrip("%"))
ms = lambda k, sym: pct.get(sym, {}).get(k, 0.0) * events[k] / 100 / 1e6  # cpu-clock ns -> ms
print("CPU time of 10 walks over 10,000 files (perf cpu-clock, inclusive of callees)\n")
print("| kernel function | bare ms | nono ms | added ms |\n|---|---:|---:|---:|")
print(f"| (everything) | {events['bare'] / 1e6:.0f} | {events['nono'] / 1e6:.0f} | "
      f"{(events['nono'] - events['bare']) / 1e6:+.0f} |")
for sym in ["__x64_sys_openat", "path_openat", "security_file_open", "hook_file_open",
            "is_access_to_paths_allowed", "landlock_find_rule", "syscall_trace_enter",
            "__secure_computing", "__seccomp_filter", "populate_seccomp_data", "ksys_read",
            "__x64_sys_close"]:
    b, n = ms("bare", sym), ms("nono", sym)
    print(f"| `{sym}` | {b:.1f} | {n:.1f} | {n - b:+.1f} |")
PY
cat "$OUT/steady-read-kernel.md"
printf '\nwrote %s\n' "$OUT" >&2
