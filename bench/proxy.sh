#!/usr/bin/env bash
# Benchmark of the egress proxy (crates/nono-proxy) on loopback, against the same traffic sent
# directly: throughput of a large transfer (CONNECT tunnel and plain HTTP forwarding), with
# the CPU it costs; the latency a new connection pays; 100 concurrent connections; the
# proxy's start-up; then what a filtered run adds to nono's own start-up, next to
# --net-block and an unfiltered run (hyperfine). Writes bench/results/proxy.md. See
# docs/benchmarks.md.
#
# Usage: bench/proxy.sh          (from anywhere; about two minutes)
# Knobs (environment):
#   CARGO_TARGET_DIR   where cargo builds (default: the workspace's target/)
#   MEGABYTES          size of each transfer (default 100)
#   ROUNDS             transfers per path, interleaved (default 7)
#   STARTUP_RUNS       hyperfine runs per start-up command (default 500)
#   BASE_NONO          another nono binary (an older build) whose unfiltered start-up is
#                      measured beside this one's, in the same hyperfine run
#   RESULTS_DIR        output directory (default: bench/results)
#
# Not part of the test suite and not run by CI. It talks only to listeners it opens on
# 127.0.0.1, through a resolver table that names them.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
RESULTS=${RESULTS_DIR:-$BENCH_DIR/results}
TARGET=${CARGO_TARGET_DIR:-$REPO/target}

cd "$REPO"
cargo build --release --quiet -p nono-proxy --example proxy_bench
# nono itself as bench/run.sh builds it: the static binary of the README's fast install.
host=$(rustc -vV | sed -n 's/^host: //p')
RUSTFLAGS="-C target-feature=+crt-static" cargo build --release --quiet -p nono-cli --target "$host"
NONO=$TARGET/$host/release/nono
mkdir -p "$RESULTS"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/nono-proxy-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# Medians (ms) of each command of a hyperfine JSON export, as table rows; the binaries are
# shown as `nono` (this build) and `BASE_NONO`.
medians() {
    NONO="$NONO" BASE="${BASE_NONO:-}" python3 - "$1" <<'PY'
import json, os, statistics, sys
for r in json.load(open(sys.argv[1]))["results"]:
    command = r["command"]
    if os.environ["BASE"]:
        command = command.replace(os.environ["BASE"], "BASE_NONO")
    command = command.replace(os.environ["NONO"], "nono")
    print(f"| `{command}` | {statistics.median(r['times']) * 1e3:.2f} |")
PY
}

startup() {
    command -v hyperfine >/dev/null || { echo "(hyperfine is not installed: start-up not measured)"; return; }
    local runs=${STARTUP_RUNS:-500} cmds=()
    [ -n "${BASE_NONO:-}" ] && cmds+=("$BASE_NONO run --allow . -- /bin/true")
    cmds+=("$NONO run --allow . -- /bin/true"
           "$NONO run --allow . --net-block -- /bin/true"
           "$NONO run --allow . --allow-domain example.org -- /bin/true")
    (cd "$WORK" && hyperfine -N --warmup 50 --runs "$runs" --export-json "$WORK/startup.json" \
        "${cmds[@]}" >/dev/null 2>&1)
    printf '\n## nono start-up (`hyperfine -N --warmup 50 --runs %s`, in an empty directory)\n\n' "$runs"
    printf '| command | median ms |\n|---|---:|\n'
    medians "$WORK/startup.json"
}

{
    printf '# bench/proxy.sh\n\ncommit %s; %s CPUs; %s; load average at the start %s\n\n' \
        "$(git rev-parse --short HEAD)" "$(nproc)" "$(uname -sr)" "$(cut -d' ' -f1-3 /proc/loadavg)"
    "$TARGET/release/examples/proxy_bench" "${MEGABYTES:-100}" "${ROUNDS:-7}"
    startup
    printf '\nload average at the end %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$RESULTS/proxy.md"
