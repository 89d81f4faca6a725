#!/usr/bin/env python3
"""Turns bench/run.sh's raw results into bench/results/latest.md and an SVG chart.

    report.py machine OUT.json --nono BIN --repo DIR --runs N --warmup N
        records the machine and tool versions (run.sh calls this before measuring)
    report.py drift STEADY.json
        prints how far apart the "bare" and "bare (repeat)" medians are, in hundredths of a
        percent (run.sh re-runs a disturbed steady-state group)
    report.py report RESULTS_DIR --svg OUT.svg
        reads RESULTS_DIR/{machine,startup-USER,latency,steady-*,git-walk}.json, users.txt and
        rss.tsv, writes RESULTS_DIR/latest.md, RESULTS_DIR/summary.json and the start-up chart
    report.py git-walk RESULTS_DIR
        prints the table of bench/git-walk.sh from RESULTS_DIR/git-walk*.{json,tsv}

Stdlib only (Python 3.8+). Medians are of hyperfine's per-run wall times; overhead is a
median minus the bare median, in ms; 95 % intervals are percentile bootstraps (fixed seed,
so a report is reproducible from the same JSON).
"""

import argparse
import datetime
import json
import os
import platform
import random
import statistics
import subprocess
import sys
from pathlib import Path

BOOTSTRAP = 2000
SEED = 20240601

# Start-up rows, in the order they are shown; names as given to hyperfine by run.sh.
BARE = "bare /bin/true"
NONO = "nono --allow WS"
NONO_NET = "nono --allow WS --net-block"
NONO_MASKS = "nono --allow $HOME"
BWRAP = "bwrap"
BWRAP_NET = "bwrap --unshare-net"
MINIMAL = "minimal launcher"
FIREJAIL = "firejail --noprofile"
STARTUP_ROWS = (BARE, NONO, NONO_NET, NONO_MASKS, BWRAP, BWRAP_NET, MINIMAL, FIREJAIL)

WHAT = {
    BARE: "`/bin/true`",
    NONO: "`nono run --allow WS -- /bin/true`, WS a git repository (the view, masks over its "
          "`.git`, the name guard)",
    NONO_NET: "`nono run --allow WS --net-block -- /bin/true`",
    NONO_MASKS: "`nono run --allow $HOME -- /bin/true` (masks over `.ssh`, `.aws/credentials`, "
                "`.bashrc`)",
    BWRAP: "`bwrap --ro-bind / / --dev /dev --proc /proc --bind WS WS /bin/true`",
    BWRAP_NET: "the same with `--unshare-net`",
    MINIMAL: "`bench/tools/minimal-launcher /bin/true`, static: unshares a user and a mount "
             "namespace, applies Landlock, execs",
    FIREJAIL: "`firejail --noprofile --quiet /bin/true` (as root only)",
}

STEADY = [
    ("read", "read-heavy: `find . -type f -exec cat {} +` over 10,000 small files"),
    ("proc", "process-heavy: 1,000 × `sh -c true` from a shell loop"),
    ("compile", "compile: `make -s clean && make -s -j2`, 9 C files"),
    ("create", "creation-heavy: N_FILES × `: >new-$i` from a shell loop, then `rm -f new-*`, "
               "in WS (guarded names)"),
]

# Targets (docs/benchmarks.md).
T_STARTUP_NS_MS = 4.0
T_MINIMAL_FACTOR = 2.0
T_STEADY_RATIO = 1.03
T_WHY_MS = 5.0


# --- machine -------------------------------------------------------------------------------
def run_text(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "unavailable"


def cpu_model():
    model, hypervisor = "unknown", False
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name") and model == "unknown":
                model = line.split(":", 1)[1].strip()
            if line.startswith("flags") and " hypervisor" in line:
                hypervisor = True
    except OSError:
        pass
    return model, hypervisor


def loadavg():
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def machine(args):
    model, hypervisor = cpu_model()
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    rev = os.environ.get("NONO_REV")
    if not rev:
        rev = run_text(["git", "-C", args.repo, "rev-parse", "--short=12", "HEAD"])
        dirty = subprocess.run(["git", "-C", args.repo, "diff", "--quiet", "HEAD", "--", "crates"],
                               capture_output=True).returncode != 0
        rev += " (crates/ modified)" if dirty else ""
    try:
        debian = Path("/etc/debian_version").read_text().strip()
    except OSError:
        debian = "not Debian"
    info = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "kernel": platform.release(),
        "cpu": model,
        "virtualised": hypervisor,
        "memory_gib": round(mem_kb / 1048576, 1),
        "debian": debian,
        "nono": run_text([args.nono, "--version"]),
        "nono_rev": rev,
        "loadavg_start": loadavg(),
        "hyperfine": run_text(["hyperfine", "--version"]),
        "bwrap": run_text(["bwrap", "--version"]),
        "firejail": run_text(["firejail", "--version"]),
        "gcc": run_text(["cc", "--version"]),
        "python": platform.python_version(),
        "runs": args.runs,
        "warmup": args.warmup,
        "create_files": args.create_files,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(info, indent=2) + "\n")


# --- statistics ----------------------------------------------------------------------------
def load(path):
    """{command name: [wall times in ms]} from a hyperfine JSON export, or {}."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    return {r["command"]: [t * 1000 for t in r["times"]] for r in data["results"]}


def boot(fn, *samples):
    """Percentile-bootstrap 95 % interval of fn(*samples)."""
    rng = random.Random(SEED)
    values = sorted(fn(*[rng.choices(s, k=len(s)) for s in samples]) for _ in range(BOOTSTRAP))
    return values[int(0.025 * BOOTSTRAP)], values[int(0.975 * BOOTSTRAP) - 1]


def med(x):
    return statistics.median(x)


def overhead(x, bare):
    return med(x) - med(bare)


def ratio(x, bare):
    return med(x) / med(bare)


def fmt_ms(v):
    return f"{v:.2f}" if abs(v) < 100 else f"{v:.0f}"


def verdict(ok):
    return "**met**" if ok else "**missed**"


def passfail(ok):
    return "**PASS**" if ok else "**FAIL**"


def users_of(res):
    """The users the start-up group ran as, in order (the invoking user first)."""
    listed = res / "users.txt"
    if listed.exists():
        return [u for u in listed.read_text().split() if (res / f"startup-{u}.json").exists()]
    return sorted((p.name[len("startup-"):-len(".json")] for p in res.glob("startup-*.json")),
                  key=lambda u: (u != "root", u))


def read_skipped(path):
    skipped = {}
    if path.exists():
        for line in path.read_text().splitlines():
            name, _, why = line.partition("\t")
            skipped[name] = why
    return skipped


def startup_checks(t):
    """The requirement's three start-up checks on one user's runs {name: times}: (label,
    nono's overhead, the comparator's, what is compared with its 95 % interval, passed) each;
    a check whose commands did not both run is (label, None, None, why, False)."""
    bare = t[BARE]
    checks = []

    def less_than(mine, theirs, label):
        if mine not in t or theirs not in t:
            missing = " and ".join(n for n in (mine, theirs) if n not in t)
            checks.append((label, None, None, f"{missing} did not run", False))
            return
        d = med(t[mine]) - med(t[theirs])
        lo, hi = boot(lambda a, b: med(a) - med(b), t[mine], t[theirs])
        checks.append((label, overhead(t[mine], bare), overhead(t[theirs], bare),
                       f"difference {d:+.2f} ms ({lo:+.2f} … {hi:+.2f})", d < 0))

    less_than(NONO, BWRAP, "`nono --allow WS` adds less than bwrap")
    if NONO in t and MINIMAL in t:
        a, b = overhead(t[NONO], bare), overhead(t[MINIMAL], bare)
        r = a / b if b > 0 else float("inf")
        # A ratio's interval explodes when the launcher's overhead nears zero: the interval
        # given is of the margin, nono's overhead minus the factor times the launcher's.
        f = T_MINIMAL_FACTOR
        margin = a - f * b
        lo, hi = boot(lambda x, m, z: med(x) - med(z) - f * (med(m) - med(z)),
                      t[NONO], t[MINIMAL], bare)
        checks.append((f"`nono --allow WS` adds at most {f:g}× the minimal launcher", a, b,
                       f"ratio {r:.2f}×; nono − {f:g} × launcher {margin:+.2f} ms "
                       f"({lo:+.2f} … {hi:+.2f})", margin <= 0))
    else:
        checks.append((f"`nono --allow WS` adds at most {T_MINIMAL_FACTOR:g}× the minimal launcher",
                       None, None, "nono or the minimal launcher did not run", False))
    less_than(NONO_NET, BWRAP_NET, "`nono --net-block` adds less than `bwrap --unshare-net`")
    return checks


# --- chart ---------------------------------------------------------------------------------
def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def svg_chart(rows, info):
    """Horizontal bars: (label, overhead ms, lo, hi, is_nono). Bars far beyond the rest (e.g.
    firejail) are cut at the axis end and marked, so the others stay readable."""
    width, left, right, top, bar, gap = 820, 270, 90, 92, 22, 8
    height = top + len(rows) * (bar + gap) + 44
    near = sorted(hi for _, _, _, hi, _ in rows)
    # The axis ends after the largest value that is not an outlier (> 3x the next one).
    cap = near[0]
    for v in near[1:]:
        if v > 3 * cap:
            break
        cap = v
    vmax = max(cap, T_STARTUP_NS_MS) * 1.12
    plot = width - left - right
    x = lambda v: left + plot * min(max(v, 0), vmax) / vmax  # noqa: E731
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="13">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        '<text x="16" y="26" font-size="16" font-weight="bold">'
        "Start-up overhead over bare /bin/true (median wall time, ms)</text>",
        f'<text x="16" y="46" fill="#555" font-size="12">{esc(info)}</text>',
        f'<rect x="16" y="58" width="14" height="10" fill="#2b6cb0"/>'
        f'<text x="36" y="68" font-size="12">nono</text>',
        f'<rect x="86" y="58" width="14" height="10" fill="#a0aec0"/>'
        f'<text x="106" y="68" font-size="12">other sandboxes</text>',
        f'<line x1="230" y1="63" x2="254" y2="63" stroke="#c53030" stroke-dasharray="5,4"/>'
        f'<text x="260" y="68" font-size="12">target: {T_STARTUP_NS_MS:g} ms; and below '
        f'bubblewrap, at most {T_MINIMAL_FACTOR:g}× the minimal launcher</text>',
        '<text x="16" y="84" font-size="11" fill="#555">whiskers: 95 % bootstrap interval '
        "of the median difference</text>",
    ]
    step = next(s for s in (0.25, 0.5, 1, 2, 5, 10, 20, 50) if vmax / s <= 10)
    axis_y = height - 36
    t = 0.0
    while t <= vmax + 1e-9:
        out.append(f'<line x1="{x(t):.1f}" y1="{top - 6}" x2="{x(t):.1f}" y2="{axis_y}" stroke="#e5e5e5"/>')
        out.append(f'<text x="{x(t):.1f}" y="{axis_y + 16}" text-anchor="middle" fill="#555" '
                   f'font-size="12">{t:g}</text>')
        t += step
    out.append(f'<text x="{left + plot / 2:.1f}" y="{height - 4}" text-anchor="middle" fill="#555" '
               'font-size="12">ms over bare /bin/true</text>')
    for target in (T_STARTUP_NS_MS,):
        out.append(f'<line x1="{x(target):.1f}" y1="{top - 6}" x2="{x(target):.1f}" y2="{axis_y}" '
                   'stroke="#c53030" stroke-dasharray="5,4"/>')
    for i, (label, v, lo, hi, is_nono) in enumerate(rows):
        y = top + i * (bar + gap)
        color = "#2b6cb0" if is_nono else "#a0aec0"
        out.append(f'<text x="{left - 10}" y="{y + bar / 2 + 5:.1f}" text-anchor="end">{esc(label)}</text>')
        out.append(f'<rect x="{left}" y="{y}" width="{x(v) - left:.1f}" height="{bar}" fill="{color}"/>')
        if v > vmax:  # cut: a white zigzag across the end of the bar
            zx = x(vmax) - 14
            out.append(f'<path d="M{zx:.1f},{y - 2} l6,{bar / 2 + 2:.1f} l-6,{bar / 2 + 2:.1f}" '
                       'stroke="#ffffff" stroke-width="4" fill="none"/>')
            out.append(f'<text x="{x(vmax) + 6:.1f}" y="{y + bar / 2 + 5:.1f}">{v:.1f} (cut)</text>')
            continue
        out.append(f'<line x1="{x(lo):.1f}" y1="{y + bar / 2}" x2="{x(hi):.1f}" y2="{y + bar / 2}" '
                   'stroke="#1a202c" stroke-width="1.5"/>')
        for e in (lo, hi):
            out.append(f'<line x1="{x(e):.1f}" y1="{y + 7}" x2="{x(e):.1f}" y2="{y + bar - 7}" '
                       'stroke="#1a202c" stroke-width="1.5"/>')
        out.append(f'<text x="{max(x(v), x(hi)) + 6:.1f}" y="{y + bar / 2 + 5:.1f}">{v:.2f}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


# --- report --------------------------------------------------------------------------------
def report(args):
    res = Path(args.results)
    info = json.loads((res / "machine.json").read_text())
    latency = load(res / "latency.json")
    steady = {g: load(res / f"steady-{g}.json") for g, _ in STEADY}
    create_files = info.get("create_files", 2000)
    rss = {}
    if (res / "rss.tsv").exists():
        for line in (res / "rss.tsv").read_text().splitlines():
            label, _, kb = line.partition("\t")
            if kb.strip().isdigit():
                rss.setdefault(label, []).append(int(kb))

    end_load = (res / "loadavg-end.txt").read_text().strip() if (res / "loadavg-end.txt").exists() else "n/a"
    warnings = (res / "warnings.txt").read_text().splitlines() if (res / "warnings.txt").exists() else []
    summary = {"machine": info, "startup": {}, "latency": {}, "steady": {}, "rss_kib": {}, "targets": []}
    md = []
    w = md.append
    w("# nono benchmark results\n")
    w(f"Generated by `bench/run.sh` on {info['date']}: `{info['nono']}` built from "
      f"{info['nono_rev']}.\n")
    w(f"Machine: {info['nproc']} CPUs, {info['cpu']}"
      f"{' (virtual machine)' if info.get('virtualised') else ''}, {info['memory_gib']} GiB, "
      f"Linux {info['kernel']}, Debian {info['debian']}. "
      f"Tools: {info['hyperfine']}, {info['bwrap']}, {info['firejail']}. "
      f"Load average (1, 5, 15 min) at the start {info.get('loadavg_start', 'n/a')}, at the end {end_load}.\n")

    # "GROUP: the machine was still N % busy ..." once per group and attempt: one line for all.
    busy = [line.partition(": the machine was still ")[::2] for line in warnings
            if ": the machine was still " in line]
    if busy:
        w("> **Warning:** the machine was still busy with other work when these groups started: "
          + "; ".join(f"{group} ({why.split(' busy')[0]})" for group, why in busy)
          + "; those numbers are less reliable.\n")
    for line in warnings:
        if ": the machine was still " not in line:
            w(f"> **Warning:** {line}; those numbers are less reliable.\n")

    # Start-up, per user.
    chart = []
    users = users_of(res)
    w(f"## Start-up (`hyperfine -N --warmup {info['warmup']} --runs {info['runs']}`, "
      "all commands of a user side by side in one run)\n")
    for user in users:
        t = load(res / f"startup-{user}.json")
        if BARE not in t:
            continue
        skipped = read_skipped(res / f"skipped-{user}.txt")
        bare = t[BARE]
        summary["startup"][user] = {}
        w(f"### As {user}\n")
        w("| command | median ms | overhead ms (95 % CI) | ratio | mean ± σ ms | min ms |")
        w("|---|---:|---:|---:|---:|---:|")
        for name in STARTUP_ROWS:
            if name not in t:
                if name in skipped:
                    w(f"| {name} | could not run | {esc_md(skipped[name])} | | | |")
                continue
            x = t[name]
            ov = overhead(x, bare)
            lo, hi = boot(overhead, x, bare)
            summary["startup"][user][name] = {"median_ms": med(x), "overhead_ms": ov,
                                              "ci95": [lo, hi], "ratio": ratio(x, bare)}
            ov_cell = "—" if name == BARE else f"{ov:+.2f} ({lo:+.2f} … {hi:+.2f})"
            w(f"| {name} | {med(x):.2f} | {ov_cell} | {ratio(x, bare):.2f}× | "
              f"{statistics.mean(x):.2f} ± {statistics.stdev(x):.2f} | {min(x):.2f} |")
            if name != BARE:
                chart.append((f"{name} ({user})" if len(users) > 1 else name, ov, lo, hi,
                              name.startswith("nono")))
        w("")
        w("| check | nono's overhead ms | the comparator's ms | compared (95 % CI) | |")
        w("|---|---:|---:|---:|---|")
        summary["startup_checks"] = summary.get("startup_checks", {})
        summary["startup_checks"][user] = []
        for label, mine, theirs, what, ok in startup_checks(t):
            cell = lambda v: "—" if v is None else f"{v:+.2f}"  # noqa: E731
            w(f"| {label} | {cell(mine)} | {cell(theirs)} | {what} | {passfail(ok)} |")
            summary["startup_checks"][user].append({"check": label, "nono_ms": mine,
                                                     "comparator_ms": theirs, "compared": what,
                                                     "pass": ok})
        w("")
    w("WS is a scratch git repository owned by the user, HOME a scratch directory holding "
      "secrets; the unprivileged user runs hyperfine through `setpriv` without groups or "
      "inheritable capabilities.\n")
    for name in STARTUP_ROWS[1:]:
        w(f"- **{name}**: {WHAT[name]}")
    w("")

    # Steady state.
    w("## Steady state (bare, nono, bare again; ratio against both bare runs pooled)\n")
    w("| workload | runs | bare median ms | nono median ms | ratio (95 % CI) | bare repeat / bare |")
    w("|---|---:|---:|---:|---:|---:|")
    for group, label in STEADY:
        s = steady[group]
        if not s:
            continue
        pooled = s["bare"] + s["bare (repeat)"]
        r = ratio(s["nono"], pooled)
        lo, hi = boot(ratio, s["nono"], pooled)
        noise = ratio(s["bare (repeat)"], s["bare"])
        summary["steady"][group] = {"bare_median_ms": med(pooled), "nono_median_ms": med(s["nono"]),
                                    "ratio": r, "ci95": [lo, hi], "bare_repeat_ratio": noise}
        w(f"| {label.replace('N_FILES', f'{create_files:,}')} | {len(s['nono'])} | {fmt_ms(med(pooled))} | "
          f"{fmt_ms(med(s['nono']))} | {r:.3f} ({lo:.3f} … {hi:.3f}) | {noise:.3f} |")
    w("")
    if steady.get("create"):
        s = steady["create"]
        pooled = s["bare"] + s["bare (repeat)"]
        per = lambda x: 1000 * med(x) / create_files  # noqa: E731
        added = 1000 * overhead(s["nono"], pooled) / create_files
        lo, hi = boot(lambda a, b: 1000 * (med(a) - med(b)) / create_files, s["nono"], pooled)
        own = summary["startup"].get(users_of(res)[0] if users_of(res) else "", {}).get(NONO)
        net = ""
        if own:
            net_us = added - 1000 * own["overhead_ms"] / create_files
            net = (f"; less one start-up ({own['overhead_ms']:.2f} ms, from the start-up group) "
                   f"{net_us:+.2f} µs")
            summary["steady"]["create"]["added_us_per_file_net_of_startup"] = net_us
        summary["steady"]["create"].update({"bare_us_per_file": per(pooled),
                                            "nono_us_per_file": per(s["nono"]),
                                            "added_us_per_file": added,
                                            "added_ci95": [lo, hi]})
        w(f"Creation-heavy, per created file (and removal, one `rm` for all): bare "
          f"{per(pooled):.2f} µs, nono {per(s['nono']):.2f} µs, **{added:+.2f} µs** "
          f"({lo:+.2f} … {hi:+.2f}){net}. Each creation in a run that guards names is a round "
          "trip to the sandbox's init.\n")
    attempts = res / "steady-attempts.tsv"
    if attempts.exists():
        tries = {}
        for line in attempts.read_text().splitlines():
            group, n, drift = line.split("\t")
            tries.setdefault(group, []).append(int(drift) / 100)
        summary["steady_attempts"] = tries
        w("A group whose two bare runs differ by more than 2 % was disturbed by other work on the "
          "machine and is run again (up to 3 times by default; the attempt whose bare runs agree best is kept). "
          "Bare-run differences per attempt: " + "; ".join(
              f"{g}: " + ", ".join(f"{d:.1f} %" for d in ds) for g, ds in tries.items()) + ".\n")

    # Latency.
    w(f"## Planner latency (`hyperfine -N --warmup {info['warmup']} --runs {info['runs']}`)\n")
    w("| command | median ms (95 % CI) | over bare /bin/true ms |")
    w("|---|---:|---:|")
    lbare = latency.get(BARE)
    for name, t in latency.items():
        lo, hi = boot(med, t)
        summary["latency"][name] = {"median_ms": med(t), "ci95": [lo, hi]}
        extra = f"{overhead(t, lbare):+.2f}" if lbare and name != BARE else "—"
        w(f"| `{name}` | {med(t):.2f} ({lo:.2f} … {hi:.2f}) | {extra} |")
    w("")

    # RSS.
    if rss:
        w("## Peak RSS (`/usr/bin/time -v`, median of 11)\n")
        w("| command | maximum resident set size |")
        w("|---|---:|")
        for label, kbs in rss.items():
            summary["rss_kib"][label] = med(kbs)
            w(f"| `{label}` | {med(kbs) / 1024:.1f} MiB ({int(med(kbs))} KiB) |")
        w("")
        w("The RSS of `run` is the larger of nono's and the target's (the kernel keeps the high-water "
          "mark across `execve`); `--dry-run` and `why` are nono alone.\n")

    # Targets.
    targets = []

    def target(name, value, ok):
        targets.append((name, value, ok))
        summary["targets"].append({"target": name, "value": value, "met": ok})

    for user, checks in summary.get("startup_checks", {}).items():
        for c in checks:
            target(f"as {user}: {c['check']}", c["compared"], c["pass"])
    for user, st in summary["startup"].items():
        for mine in (NONO, NONO_MASKS, NONO_NET):
            if mine in st:
                v = st[mine]["overhead_ms"]
                target(f"as {user}: `{mine}` adds ≤ {T_STARTUP_NS_MS:g} ms", f"{v:.2f} ms",
                       v <= T_STARTUP_NS_MS)
    for group, label in STEADY:
        if group in summary["steady"]:
            s = summary["steady"][group]
            target(f"steady state within 3 % of bare: {label.split(':')[0]}",
                   f"{100 * (s['ratio'] - 1):+.1f} % (CI {100 * (s['ci95'][0] - 1):+.1f} … "
                   f"{100 * (s['ci95'][1] - 1):+.1f} %)", s["ratio"] <= T_STEADY_RATIO)
    walk = res / "git-walk.md"
    for name, v in summary["latency"].items():
        if name.startswith("nono why"):
            target(f"`{name}` under {T_WHY_MS:g} ms", f"{v['median_ms']:.2f} ms",
                   v["median_ms"] < T_WHY_MS)
    if walk.exists():
        w(walk.read_text().rstrip("\n") + "\n")
    w("## Targets\n")
    w("| target | measured | |")
    w("|---|---:|---|")
    for name, value, ok in targets:
        w(f"| {name} | {value} | {verdict(ok)} |")
    w("")

    (res / "latest.md").write_text("\n".join(md))
    (res / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    if args.svg and chart:
        caption = (f"{info['nproc']} CPUs, {info['cpu']}, Linux {info['kernel']}; "
                   f"{info['runs']} runs each; {info['date']}")
        Path(args.svg).parent.mkdir(parents=True, exist_ok=True)
        Path(args.svg).write_text(svg_chart(chart, caption))
    print((res / "latest.md").read_text())


def git_walk(res):
    """bench/git-walk.sh's table: per grant, what it holds and what planning and a full run
    take, each over the same commands on an empty directory."""
    t = load(res / "git-walk.json")
    t.update(load(res / "git-walk-many.json"))
    grants = {}
    for line in (res / "git-walk-grants.tsv").read_text().splitlines():
        g, repos, dirs, files = line.split("\t")
        grants[g] = (int(repos), int(dirs), int(files))
    hooks, refused = {}, ""
    if (res / "git-walk-hooks.tsv").exists():
        for line in (res / "git-walk-hooks.tsv").read_text().splitlines():
            g, _, v = line.partition("\t")
            if g == "over":
                refused = v.strip()
            else:
                hooks[g] = v
    runs = sorted({len(v) for v in t.values()}, reverse=True)
    runs = " and ".join(str(r) for r in runs)
    out = [f"## Finding repositories in a grant (`bench/git-walk.sh`, hyperfine -N, {runs} runs)\n",
           "Each grant holds git repositories, one in twenty large (1,000 directories, 2,000 files), "
           "the others 3 directories and 3 files, half of them one level down; `budget` is one "
           "repository of 19,898 directories, about the most the search reads (a grant of more than "
           "20,000 is refused); `many500` and `many1000` are 500 and 1,000 repositories of one "
           "directory each (measured in a second hyperfine run, with fewer runs). Directories: "
           "those the search reads (all but `.git`'s). Added: median over the same command on "
           "an empty directory.\n",
           "| grant | repositories | directories | files | hooks in the plan | `--dry-run` ms | "
           "added ms (95 % CI) | `run` ms | added ms (95 % CI) | added µs per directory "
           "(`--dry-run`, `run`) | added µs per repository (`--dry-run`, `run`) |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    base = {k: t.get(f"empty {k}") for k in ("--dry-run", "run")}
    for g, (repos, dirs, files) in grants.items():
        cells = []
        for k in ("--dry-run", "run"):
            x = t.get(f"{g} {k}")
            if not x:
                cells += ["—", "—"]
                continue
            if g == "empty" or not base[k]:
                cells += [f"{med(x):.2f}", "—"]
                continue
            lo, hi = boot(overhead, x, base[k])
            cells += [f"{med(x):.2f}", f"{overhead(x, base[k]):+.2f} ({lo:+.2f} … {hi:+.2f})"]
        per = []
        for k in ("--dry-run", "run"):
            x, b = t.get(f"{g} {k}"), base[k]
            per.append(f"{1000 * overhead(x, b) / dirs:.1f}" if x and b and g != "empty" else "—")
        per = ", ".join(per)
        per_repo = []
        for k in ("--dry-run", "run"):
            x, b = t.get(f"{g} {k}"), base[k]
            per_repo.append(f"{1000 * overhead(x, b) / repos:.0f}" if x and b and repos else "—")
        out.append(f"| {g} | {repos:,} | {dirs:,} | {files:,} | {hooks.get(g, '—')} | "
                   + " | ".join(cells) + f" | {per} | {', '.join(per_repo)} |")
    out.append("")
    # How the time added grows with the repositories: linear growth doubles it when they double.
    growth = []
    for small, large, times in (("g50", "g200", "4×"), ("many500", "many1000", "2×")):
        parts = []
        for k in ("--dry-run", "run"):
            a, b, z = t.get(f"{small} {k}"), t.get(f"{large} {k}"), base[k]
            if a and b and z and overhead(a, z) > 0:
                parts.append(f"`{k}` ×{overhead(b, z) / overhead(a, z):.1f}")
        if parts:
            growth.append(f"from {small} to {large} ({times} the repositories): " + ", ".join(parts))
    if growth:
        out.append("Time added, " + "; ".join(growth) + ".\n")
    if refused:
        count, _, message = refused.partition(" directories: ")
        out.append(f"`budget` with {int(count):,} directories, past the budget: refused "
                   f"(`{message.strip()}`).\n")
    return "\n".join(out) + "\n"


def esc_md(s):
    return s.replace("|", "\\|")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("machine")
    m.add_argument("out")
    m.add_argument("--nono", required=True)
    m.add_argument("--repo", required=True)
    m.add_argument("--runs", type=int, required=True)
    m.add_argument("--warmup", type=int, required=True)
    m.add_argument("--create-files", type=int, default=2000)
    d = sub.add_parser("drift")
    d.add_argument("json")
    r = sub.add_parser("report")
    r.add_argument("results")
    r.add_argument("--svg")
    g = sub.add_parser("git-walk")
    g.add_argument("results")
    args = p.parse_args()
    if args.cmd == "machine":
        machine(args)
    elif args.cmd == "git-walk":
        print(git_walk(Path(args.results)))
    elif args.cmd == "drift":
        t = load(Path(args.json))
        print(round(abs(ratio(t["bare (repeat)"], t["bare"]) - 1) * 10000))
    else:
        report(args)


if __name__ == "__main__":
    sys.exit(main())
