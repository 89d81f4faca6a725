#!/usr/bin/env bash
# Records what a nono binary plans, for a fixed set of scenarios, so that two builds can be
# compared: a change meant to make nono faster must leave every plan and every `why` answer
# byte for byte the same.
#
#   tools/plan-snapshot.sh NONO OUT_DIR     writes OUT_DIR/<scenario>.{json,why}
#   diff -r OLD_DIR NEW_DIR                 then compares two snapshots
#
# The scenarios run in a scratch fixture (a workspace holding a git repository with a nested
# one, and a HOME with a few secrets), as the calling user and, when run as root, also as
# nobody (with HOME and the workspace owned by nobody). The fixture's path is fixed
# (NONO_SNAPSHOT_FIXTURE, default /tmp/nono-plan-snapshot) so that two snapshots name the same
# paths. The real HOME is also planned once as root (`allow-real-home`).
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 NONO OUT_DIR" >&2
  exit 2
fi
given=$(realpath "$1")
out=$2
fx=${NONO_SNAPSHOT_FIXTURE:-/tmp/nono-plan-snapshot}
mkdir -p "$out"
out=$(realpath "$out")

# The fixture: rebuilt identically each time.
rm -rf "$fx"
mkdir -p "$fx/ws/sub" "$fx/ws/target" "$fx/home/.ssh" "$fx/home/.aws" "$fx/home/.config/gh"
git -C "$fx/ws" init -q
git -C "$fx/ws/sub" init -q
echo notes >"$fx/ws/a.txt"
echo key >"$fx/home/.ssh/id_ed25519"
echo creds >"$fx/home/.aws/credentials"
echo rc >"$fx/home/.bashrc"
echo token >"$fx/home/.config/gh/hosts.yml"
chmod 755 "$fx"
if [ "$(id -u)" = 0 ]; then
  chown -R nobody:nogroup "$fx"
fi
ws=$fx/ws
home=$fx/home
# The binary is part of the plan (the sandbox may run nono inside): copied to one place, so
# that two builds plan the same path.
mkdir -p "$fx/bin"
cp "$given" "$fx/bin/nono"
chmod 755 "$fx/bin" "$fx/bin/nono"
nono=$fx/bin/nono

# Each scenario: a name, then the grant flags.
scenarios=(
  "allow-ws|--allow $ws"
  "allow-home|--allow $home"
  "net-block|--allow $ws --net-block"
  "read-ws-allow-target|--read $ws --allow $ws/target"
  "profile-claude-code|--profile claude-code"
  "allow-domain|--allow $ws --allow-domain example.org"
  "unprotect|--allow $home --unprotect $home/.aws"
)
# Paths `why` is asked about, with each scenario's flags.
why_paths=(
  "read $ws/a.txt" "write $ws/a.txt" "write $ws/.git/config" "write $ws/sub/.git/hooks/x"
  "read $home/.ssh/id_ed25519" "write $home/.bashrc" "read $home/.aws/credentials"
  "read $home/.config/gh/hosts.yml" "read /etc/shadow" "read /etc/passwd" "exec /bin/true"
  "write /tmp/x" "read /proc/1/status" "write $ws/target/out"
)

snapshot() { # as_user_prefix... ; runs with $tag naming the user
  local name flags op path
  for s in "${scenarios[@]}"; do
    name=${s%%|*} flags=${s#*|}
    # shellcheck disable=SC2086 # flags are split on purpose
    (cd "$ws" && env HOME="$home" "$@" "$nono" run $flags --dry-run --json -- /bin/true) \
      >"$out/$tag-$name.json" 2>&1 || echo "exit $?" >>"$out/$tag-$name.json"
    : >"$out/$tag-$name.why"
    for w in "${why_paths[@]}"; do
      op=${w%% *} path=${w#* }
      # shellcheck disable=SC2086
      (cd "$ws" && env HOME="$home" "$@" "$nono" why $flags --op "$op" --json "$path") \
        >>"$out/$tag-$name.why" 2>&1 || echo "exit $?" >>"$out/$tag-$name.why"
    done
  done
}

tag=$(id -un)
snapshot
if [ "$(id -u)" = 0 ]; then
  tag=nobody
  snapshot setpriv --reuid=nobody --regid=nogroup --clear-groups
  # The real HOME, which holds far more than the fixture.
  (cd "$ws" && "$nono" run --allow "$HOME" --dry-run --json -- /bin/true) \
    >"$out/root-allow-real-home.json" 2>&1 || echo "exit $?" >>"$out/root-allow-real-home.json"
fi
echo "snapshot of $given in $out: $(ls "$out" | wc -l) files"
