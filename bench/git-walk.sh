#!/usr/bin/env bash
# What finding the repositories inside a writable grant costs. nono searches every writable
# directory grant for git repositories at any depth (each one's hooks and configuration are
# kept read-only, its absent project files guarded) and reads at most 20,000 directories of a
# grant (a larger one is refused). This builds grants of 50, 100 and 200 repositories, one in
# twenty of them large (1,000 directories and 2,000 files each, the others 3 directories and 3
# files), a grant that is one repository of 19,898 directories (about the most the walk
# reads), and an empty directory; then measures, in one hyperfine run,
# `nono run --allow GRANT --dry-run -- /bin/true` (planning alone) and
# `nono run --allow GRANT -- /bin/true` (planning and the view) for each. The budget bounds
# directories, not repositories: a second hyperfine run measures grants of 500 and 1,000
# repositories of one directory each, where the cost per repository shows.
#
# Writes RESULTS_DIR/git-walk.json (hyperfine), RESULTS_DIR/git-walk-grants.tsv (per grant:
# repositories, directories read, files) and RESULTS_DIR/git-walk.md. bench/run.sh runs it
# (GIT_WALK=0 skips it); alone: bench/git-walk.sh.
#
# Knobs: NONO_BIN (default: build as bench/run.sh does), RESULTS_DIR (default bench/results),
# SCRATCH_DIR (default /var/tmp), GIT_WALK_RUNS / GIT_WALK_WARMUP (default 50 / 5),
# GIT_WALK_MANY_RUNS (the second run's, default 10).
# Not part of the test suite and not run by CI.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
RESULTS=${RESULTS_DIR:-$BENCH_DIR/results}
SCRATCH_DIR=${SCRATCH_DIR:-/var/tmp}
RUNS=${GIT_WALK_RUNS:-50}
WARMUP=${GIT_WALK_WARMUP:-5}
MANY_RUNS=${GIT_WALK_MANY_RUNS:-10}

log() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'bench/git-walk.sh: %s\n' "$*" >&2; exit 1; }

for cmd in hyperfine git python3; do
    command -v "$cmd" >/dev/null 2>&1 || die "needs $cmd (bench/run.sh installs it)"
done
# shellcheck source=bench/build.sh
. "$BENCH_DIR/build.sh"
nono_binary
[ -x "$NONO" ] || die "no nono binary at $NONO"
mkdir -p "$RESULTS"

WORK=$(mktemp -d "$SCRATCH_DIR/nono-git-walk.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
REAL_HOME=$HOME
export HOME=$WORK/home
mkdir -p "$HOME"

# One git repository at $1, its .git a copy of one `git init` made (faster than one each). A
# large one holds 10 × 100 directories of 2 files each.
git -c init.defaultBranch=main init -q "$WORK/template"
new_repo() {
    mkdir -p "$1"
    cp -r "$WORK/template/.git" "$1/.git"
}
small_repo() {
    new_repo "$1"
    mkdir -p "$1/src" "$1/docs" "$1/tests"
    : >"$1/src/main.c"
    : >"$1/docs/README"
    : >"$1/tests/test.sh"
}
large_repo() {
    new_repo "$1"
    mkdir -p "$1"/d{0..9}/s{00..99}
    touch "$1"/d{0..9}/s{00..99}/{a.c,b.h}
}
# A grant of $2 repositories, one in twenty large, half of them one level down (as in a
# directory of projects grouped by owner).
grant() { # dir, repositories
    local dir=$1 n=$2 i path
    mkdir -p "$dir"
    for i in $(seq 1 "$n"); do
        if [ $((i % 2)) -eq 0 ]; then path=$dir/group$((i % 10))/repo$i; else path=$dir/repo$i; fi
        if [ $((i % 20)) -eq 0 ]; then large_repo "$path"; else small_repo "$path"; fi
    done
}
log "building the grants"
grant "$WORK/g50" 50
grant "$WORK/g100" 100
grant "$WORK/g200" 200
# The most the walk reads: one repository of 19,898 directories (the budget is 20,000).
new_repo "$WORK/budget"
mkdir -p "$WORK/budget"/d{000..196}/s{00..99}
# Many repositories of one directory each (an empty work tree beside its .git).
for n in 500 1000; do
    for i in $(seq 1 "$n"); do new_repo "$WORK/many$n/repo$i"; done
done
rm -rf "$WORK/template"
mkdir -p "$WORK/empty"

# Directories the walk reads (every one but those in .git), repositories, files.
: >"$RESULTS/git-walk-grants.tsv"
for g in empty g50 g100 g200 budget many500 many1000; do
    dirs=$(find "$WORK/$g" -name .git -prune -o -type d -print | wc -l)
    repos=$(find "$WORK/$g" -name .git -prune -print | wc -l)
    files=$(find "$WORK/$g" -name .git -prune -o -type f -print | wc -l)
    printf '%s\t%s\t%s\t%s\n' "$g" "$repos" "$dirs" "$files" >>"$RESULTS/git-walk-grants.tsv"
done
cat "$RESULTS/git-walk-grants.tsv" >&2

# The plan must hold every repository's hooks: count the protected .git/hooks in the dry run.
for g in g50 g100 g200 budget many500 many1000; do
    "$NONO" run --allow "$WORK/$g" --dry-run -- /bin/true >"$WORK/dry-$g.txt" 2>&1 \
        || die "nono refused $g: $(tail -3 "$WORK/dry-$g.txt")"
    printf '%s\t%s\n' "$g" "$(grep -c '\.git/hooks' "$WORK/dry-$g.txt" || true)" \
        >>"$WORK/hooks.tsv"
done
# A few directories more than the budget are refused.
mkdir -p "$WORK/budget"/d{197..198}/s{00..99}
if "$NONO" run --allow "$WORK/budget" --dry-run -- /bin/true >"$WORK/over.txt" 2>&1; then
    die "a grant of more than 20,000 directories was not refused"
fi
over=$(find "$WORK/budget" -name .git -prune -o -type d -print | wc -l)
printf 'over\t%s directories: %s\n' "$over" \
    "$(sed "s|$WORK/||g" "$WORK/over.txt" | tr '\n' ' ' | cut -c1-240)" >>"$WORK/hooks.tsv"
rm -r "$WORK/budget/d197" "$WORK/budget/d198"
cp "$WORK/hooks.tsv" "$RESULTS/git-walk-hooks.tsv"

log "measuring"
cd "$WORK"
names=() cmds=()
N=$(printf '%q' "$NONO")
for g in empty g50 g100 g200 budget; do
    names+=(-n "$g --dry-run" -n "$g run")
    G=$(printf '%q' "$WORK/$g")
    cmds+=("$N run --allow $G --dry-run -- /bin/true" "$N run --allow $G -- /bin/true")
done
hyperfine -N --style basic --warmup "$WARMUP" --runs "$RUNS" \
    --export-json "$RESULTS/git-walk.json" "${names[@]}" "${cmds[@]}"
names=() cmds=()
for g in many500 many1000; do
    names+=(-n "$g --dry-run" -n "$g run")
    G=$(printf '%q' "$WORK/$g")
    cmds+=("$N run --allow $G --dry-run -- /bin/true" "$N run --allow $G -- /bin/true")
done
hyperfine -N --style basic --warmup 1 --runs "$MANY_RUNS" \
    --export-json "$RESULTS/git-walk-many.json" "${names[@]}" "${cmds[@]}"
HOME=$REAL_HOME python3 "$BENCH_DIR/report.py" git-walk "$RESULTS" | tee "$RESULTS/git-walk.md"
