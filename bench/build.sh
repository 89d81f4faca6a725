# Sourced by bench/run.sh and bench/git-walk.sh (which define REPO and log): sets NONO to the
# binary to measure, NONO_BIN if given, else one built the way the README's fast install
# builds it, a static release binary (NONO_DYNAMIC=1: the default, dynamically linked build).
# shellcheck shell=bash
# shellcheck disable=SC2034 # NONO is for the script that sources this one
nono_binary() {
    if [ -n "${NONO_BIN:-}" ]; then
        NONO=$(realpath "$NONO_BIN")
        return
    fi
    local target_dir=${CARGO_TARGET_DIR:-$REPO/target} host
    case $target_dir in /*) ;; *) target_dir=$REPO/$target_dir ;; esac
    if [ -n "${NONO_DYNAMIC:-}" ]; then
        log "building nono (release, dynamically linked)"
        (cd "$REPO" && cargo build --release -p nono-cli)
        NONO=$target_dir/release/nono
        return
    fi
    host=$(rustc -vV | sed -n 's/^host: //p')
    log "building nono (release, static, $host)"
    (cd "$REPO" && RUSTFLAGS="-C target-feature=+crt-static" \
        cargo build --release -p nono-cli --target "$host")
    NONO=$target_dir/$host/release/nono
}
