#!/usr/bin/env bash
# Do the tests notice a missing protection? Removes each entry of each security table in turn,
# in a scratch copy of this checkout, rebuilds nono, runs the real-child tests against it as
# root and as nobody, and prints every entry whose removal no test noticed (it should print
# none). Not part of CI: it rebuilds nono once per entry, about 200 times.
#
#   tools/mutate.sh [TABLE...]      TABLE: syscalls ioctls clone-flags sensitive env git
#                                   (default: all)
#   MUTATE_SAMPLE=N tools/mutate.sh a sample of N home entries of the sensitive table (below)
#
# The test binaries are built once, from the unmodified copy, and run with NONO_BIN pointing at
# each mutant, so they still hold the documented lists and the tables as they were: the
# comparison of the two (statement.rs) is not what is measured here, only the real children.
# Each table is checked by its own test binary; MUTATE_TESTS=all runs every integration test
# binary but statement for every mutation instead.
#
# Needs root (the tests run as root and as nobody). Builds in $MUTATE_TARGET_DIR, by default
# $CARGO_TARGET_DIR (or ./target) with "-mutate" appended, so the usual build is left alone.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

if [ "$(id -u)" != 0 ]; then
  echo "mutate: needs root, to run the tests as root and as nobody" >&2
  exit 2
fi
tables=("$@")
[ ${#tables[@]} -gt 0 ] || tables=(syscalls ioctls clone-flags sensitive env git)
target=${MUTATE_TARGET_DIR:-${CARGO_TARGET_DIR:-$repo/target}-mutate}
started=$(date +%s)

scratch=$(mktemp -d /tmp/nono-mutate.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
chmod 755 "$scratch"
mkdir -p "$scratch/src" "$scratch/bin" "$scratch/logs"
chmod 755 "$scratch/bin"
# The checkout as it is, uncommitted changes included. Every file gets a new modification
# time (-m): cargo decides what to rebuild by comparing times, and the target directory may
# hold the last mutant of an earlier run, newer than the files as they were committed.
git ls-files -z --cached --others --exclude-standard \
  | tar --null -T - -cf - | tar -xmf - -C "$scratch/src"
src="$scratch/src"

build() {
  (cd "$src" && CARGO_TARGET_DIR="$target" cargo build -q -p nono-cli --bin nono) \
    >"$scratch/logs/build.log" 2>&1
}

echo "mutate: building the test binaries and nono from an unmodified copy" >&2
(cd "$src" && CARGO_TARGET_DIR="$target" cargo test -q -p nono-cli --no-run --message-format=json) \
  2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    msg = json.loads(line)
    if msg.get("reason") == "compiler-artifact" and msg.get("executable") and msg["target"]["kind"] == ["test"]:
        print(msg["target"]["name"], msg["executable"])
' | while read -r name exe; do
  [ "$name" = statement ] || install -m 755 "$exe" "$scratch/bin/$name"
done
build
install -m 755 "$target/debug/nono" "$scratch/bin/nono"
baseline_sum=$(sha256sum <"$scratch/bin/nono")

# The tests that may not run as nobody, as in .ci/unprivileged.
may_skip=$(sed -e 's/#.*//' .ci/unprivileged-may-skip | xargs)

# Runs test binary $1 against the nono at $2, as root and as nobody; prints who failed. $4,
# if given, names the tests of the binary to run (a libtest filter).
run_tests() {
  local test=$1 nono=$2 log=$3 filter=${4:-} failed=()
  (cd "$scratch" && NONO_BIN="$nono" "$scratch/bin/$test" -q $filter </dev/null) >>"$log" 2>&1 \
    || failed+=(root)
  (cd "$scratch" && setpriv --reuid=65534 --regid=65534 --clear-groups \
    env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/nonexistent NONO_BIN="$nono" \
    NONO_TEST_MAY_SKIP="$may_skip" "$scratch/bin/$test" -q $filter </dev/null) >>"$log" 2>&1 \
    || failed+=(nobody)
  echo "${failed[*]:-}"
}

tests_for() {
  if [ "${MUTATE_TESTS:-}" = all ]; then
    ls "$scratch/bin" | grep -vx nono
    return
  fi
  case $1 in
    syscalls | ioctls | clone-flags) echo seccomp ;;
    sensitive) echo sensitive ;;
    env) echo environment ;;
    git) echo git repositories planted ;;
  esac
}

# Every mutation of table $1, one per line: LABEL<TAB>FILE<TAB>line<TAB>N, or
# LABEL<TAB>FILE<TAB>perl<TAB>EXPRESSION (applied to the whole file); optionally a fifth
# field, the test that exercises it (so that 370 sensitive entries take minutes, not hours).
mutations() {
  local seccomp=crates/nono/src/linux/seccomp.rs
  case $1 in
    syscalls)
      grep -nE '^ *(deny|nosys)\("' "$seccomp" \
        | sed -E 's/^([0-9]+): *[a-z]+\("([a-z0-9_]+)".*/\2\t'"${seccomp//\//\\/}"'\tline\t\1/' ;;
    ioctls)
      grep -oE '\("TIOC[A-Z]+", 0x[0-9A-Fa-f]+\)' "$seccomp" | while read -r entry; do
        name=${entry#(\"}; name=${name%%\"*}
        printf '%s\t%s\tperl\ts/\\Q%s\\E(, )?//\n' "$name" "$seccomp" "$entry"
      done ;;
    clone-flags)
      sed -n '/^const NAMESPACE_FLAGS/,/as u32;/p' "$seccomp" | grep -oE 'CLONE_NEW[A-Z]+' \
        | while read -r flag; do
          printf '%s\t%s\tperl\ts/\\s*\\|\\s*libc::%s\\b// or s/libc::%s\\s*\\|\\s*//\n' \
            "$flag" "$seccomp" "$flag" "$flag"
        done ;;
    sensitive)
      local file=crates/nono/src/sensitive.rs
      grep -nE '^ *(home|owned)\("' "$file" \
        | sed -E 's/^([0-9]+): *(home|owned)\("[^"]+", "([^"]+)".*/~\/\3\t'"${file//\//\\/}"'\tline\t\1\tevery_home_entry_is_hidden_or_read_only_under_a_grant_that_covers_it/'
      grep -nE '^ *project\("' "$file" \
        | sed -E 's/^([0-9]+): *project\("[^"]+", "([^"]+)".*/.\/\2\t'"${file//\//\\/}"'\tline\t\1\tevery_project_entry_is_read_only_at_a_grant/'
      grep -nE '^ *system\("' "$file" \
        | sed -E 's/^([0-9]+): *system\("([^"]+)".*/\2\t'"${file//\//\\/}"'\tline\t\1\tsystem_secrets_stay_unreadable/' ;;
    env)
      local file=crates/nono/src/env.rs
      grep -nE '^ *rule\(' "$file" \
        | sed -E 's/^([0-9]+): *rule\([A-Z]+, ([A-Za-z]+)\("([^"]+)"\)\),/\2 \3\t'"${file//\//\\/}"'\tline\t\1/' ;;
    git)
      local file=crates/nono/src/git/mod.rs
      printf '%s\t%s\tperl\t%s\n' \
        "hooks directories" "$file" 's/git_dir\.join\("hooks"\)/git_dir.join("hooks-mutated")/' \
        "config" "$file" 's/\["config", "config\.worktree", "commondir"\]/["config.worktree", "commondir"]/' \
        "config.worktree" "$file" 's/\["config", "config\.worktree", "commondir"\]/["config", "commondir"]/' \
        "commondir" "$file" 's/\["config", "config\.worktree", "commondir"\]/["config", "config.worktree"]/' \
        "core.hooksPath" "$file" 's/hooks_path\(&git_dir\.join\(file\), work_tree\)/None::<PathBuf>/' \
        "common directory of a linked worktree" "$file" 's/git_dir\.join\("commondir"\)\)/git_dir.join("commondir-mutated"))/' \
        "linked worktrees' own files" "$file" 's/git_dir\.join\("worktrees"\)/git_dir.join("worktrees-mutated")/' \
        "submodules" "$file" 's/git_dir\.join\("modules"\)/git_dir.join("modules-mutated")/' \
        "submodule names with a slash" "$file" 's/add_repository_children\(&sub, work_tree, out, depth \+ 1\);/let _ = &sub;/' \
        ".git as a file" "$file" 's/strip_prefix\("gitdir:"\)/strip_prefix("mutated:")/' \
        "bare repositories" "$file" 's/if is_bare\(dir\) \{/if false \&\& is_bare(dir) {/' \
        "cache markers on the way to a repository" crates/nono/src/protect/mod.rs \
          's/\n *hiding_markers\(classifier, grant, &repositories, resolver\);//' \
        "work trees inside a bare repository" crates/nono/src/git/find.rs \
          's/if is_cache \{/if is_cache || is_bare {/' \
        "file systems mounted in a grant" crates/nono/src/git/find.rs \
          's/(\n *)pending\.push\(\(child, path\.join\(name\)\)\);/$1if rustix::fs::fstat(\&child).ok().map(|s| s.st_dev) != rustix::fs::fstat(\&dir).ok().map(|s| s.st_dev) { continue; }$1pending.push((child, path.join(name)));/' ;;
    *)
      echo "mutate: no table $1" >&2
      exit 2 ;;
  esac
}

# MUTATE_SAMPLE=N keeps N of the home entries of the sensitive table, drawn with the seed
# MUTATE_SEED (default 1), and every other mutation: the full table takes about 90 minutes.
sample() {
  if [ -z "${MUTATE_SAMPLE:-}" ]; then
    cat
    return
  fi
  local all
  all=$(cat)
  printf '%s\n' "$all" | grep -v '^~/' || true
  printf '%s\n' "$all" | grep '^~/' \
    | shuf -n "$MUTATE_SAMPLE" --random-source=<(yes "${MUTATE_SEED:-1}") || true
}

# Applies one mutation to the scratch copy; fails if it changed nothing.
apply() {
  local file=$1 kind=$2 arg=$3
  cp "$src/$file" "$scratch/original"
  if [ "$kind" = line ]; then
    # The entry's line, and a #[cfg] attribute just above it.
    perl -ni -e "print unless \$. == $arg || (\$. == $arg - 1 && /^\\s*#\\[cfg/)" "$src/$file"
  else
    perl -0777 -pi -e "$arg" "$src/$file"
  fi
  ! cmp -s "$scratch/original" "$src/$file"
}

echo "mutate: the unmodified copy must pass" >&2
for table in "${tables[@]}"; do
  for test in $(tests_for "$table"); do
    failed=$(run_tests "$test" "$scratch/bin/nono" "$scratch/logs/baseline.log")
    if [ -n "$failed" ]; then
      echo "mutate: $test fails without any mutation ($failed); see the log:" >&2
      cat "$scratch/logs/baseline.log" >&2
      exit 1
    fi
  done
done

unnoticed=()
broken=()
summary=()
n=0
for table in "${tables[@]}"; do
  total=0 noticed=0
  tests=$(tests_for "$table" | xargs)
  while IFS=$'\t' read -r label file kind arg filter; do
    n=$((n + 1)) total=$((total + 1))
    log="$scratch/logs/$n.log"
    if ! apply "$file" "$kind" "$arg"; then
      broken+=("$table: $label (the mutation did not apply)")
      continue
    fi
    if ! build; then
      broken+=("$table: $label (did not build: $(tail -1 "$scratch/logs/build.log"))")
      cp "$scratch/original" "$src/$file"
      continue
    fi
    install -m 755 "$target/debug/nono" "$scratch/bin/nono-mutant"
    # A build that left nono as it was would test the previous binary, not this mutation.
    sum=$(sha256sum <"$scratch/bin/nono-mutant")
    if [ "$sum" = "$baseline_sum" ] || [ "$sum" = "${previous_sum:-}" ]; then
      broken+=("$table: $label (the build did not change nono)")
      cp "$scratch/original" "$src/$file"
      continue
    fi
    previous_sum=$sum
    who=()
    for test in $tests; do
      failed=$(run_tests "$test" "$scratch/bin/nono-mutant" "$log" "${filter:-}")
      [ -z "$failed" ] || who+=("$test as ${failed// / and }")
    done
    cp "$scratch/original" "$src/$file"
    if [ ${#who[@]} -eq 0 ]; then
      unnoticed+=("$table: $label")
      echo "mutate: $table: $label: NOT NOTICED" >&2
    else
      noticed=$((noticed + 1))
      echo "mutate: $table: $label: noticed by ${who[*]}" >&2
    fi
  done < <(mutations "$table" | sample)
  summary+=("$(printf '%-12s %3d entries removed one at a time, %3d noticed (%s, as root and nobody)' \
    "$table" "$total" "$noticed" "$tests")")
done

sampled=${MUTATE_SAMPLE:+, $MUTATE_SAMPLE home entries of the sensitive table sampled with seed ${MUTATE_SEED:-1}}
echo "tools/mutate.sh ${tables[*]}: $(date -u +%Y-%m-%d), Linux $(uname -r), $(( ($(date +%s) - started) / 60 )) min$sampled"
printf '%s\n' "${summary[@]}"
if [ ${#broken[@]} -gt 0 ]; then
  echo "mutations that could not be tested:"
  printf '  %s\n' "${broken[@]}"
fi
if [ ${#unnoticed[@]} -eq 0 ]; then
  echo "not noticed by any test: none"
else
  echo "not noticed by any test:"
  printf '  %s\n' "${unnoticed[@]}"
fi
[ ${#unnoticed[@]} -eq 0 ] && [ ${#broken[@]} -eq 0 ]
