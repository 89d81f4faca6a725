#!/usr/bin/env bash
# Benchmark of the egress proxy (crates/nono-proxy) on loopback, against the same traffic sent
# directly: throughput of a large transfer (CONNECT tunnel and plain HTTP forwarding), with
# the CPU it costs; the latency a new connection pays; 100 concurrent connections; the
# proxy's start-up. Writes bench/results/proxy.md. See docs/benchmarks.md.
#
# Usage: bench/proxy.sh          (from anywhere; about a minute)
# Knobs (environment):
#   CARGO_TARGET_DIR   where cargo builds (default: the workspace's target/)
#   MEGABYTES          size of each transfer (default 100)
#   ROUNDS             transfers per path, interleaved (default 7)
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
mkdir -p "$RESULTS"
{
    printf '# bench/proxy.sh\n\ncommit %s; %s CPUs; %s; load average at the start %s\n\n' \
        "$(git rev-parse --short HEAD)" "$(nproc)" "$(uname -sr)" "$(cut -d' ' -f1-3 /proc/loadavg)"
    "$TARGET/release/examples/proxy_bench" "${MEGABYTES:-100}" "${ROUNDS:-7}"
    printf '\nload average at the end %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$RESULTS/proxy.md"
