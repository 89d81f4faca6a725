#!/usr/bin/env python3
"""Attributes `perf record --call-graph dwarf` samples of `nono run ... -- /bin/true` to
start-up phases of nono.

Input: the text of `perf script -F comm,tid,ip,sym,dso` (one sample per block: a header
line, then one indented frame per line, leaf first).  Only samples whose command name is
`nono` or the target's (default `true`) are counted; the target's own samples are the cost
bare `/bin/true` pays too.

Usage: perf_attribution.py PERF_SCRIPT.txt RUNS TASK_CLOCK_MS [TARGET_COMM]
  RUNS           how many `nono run` the recording covered
  TASK_CLOCK_MS  task-clock per run from an unprofiled `perf stat -r` (the recording itself
                 is slowed down by the unwinding, so shares are scaled to this)

Stdlib only.  Not a test; used by bench/profile.sh.
"""

import collections
import sys

# Phase of a sample: the first rule whose key occurs in any frame wins, so the rules go from
# the most specific to the most general.
PHASES = [
    ("CPUID in ld.so (init_cpu_features, cache info)",
     ["intel_check_word", "handle_intel", "get_common_indices", "update_active",
      "get_common_cache_info", "get_extended_indices", "init_cpu_features",
      "init_cacheinfo", "dl_init_cacheinfo"]),
    ("CPUID in libgcc_s (__cpu_indicator_init)", ["__cpu_indicator_init", "libgcc_s.so"]),
    ("exec of the target (nono::exec)", ["nono::exec::exec"]),
    ("Landlock: rule per entry of a dir with exceptions (/etc walk)",
     ["ReadDir", "read_dir", "getdents"]),
    ("Landlock: open O_PATH + landlock_add_rule", ["landlock::add_path", "PathFd"]),
    ("Landlock: create ruleset + restrict_self",
     ["landlock::restrict", "landlock_restrict_self", "landlock_create_ruleset"]),
    ("namespaces + mounts", ["linux::namespace", "__x64_sys_unshare", "__x64_sys_mount",
                             "do_mount", "proc_uid_map_write", "proc_gid_map_write"]),
    ("seccomp: build + install filter", ["linux::seccomp"]),
    ("apply: other (caps, no_new_privs, /etc exception matching)", ["nono::linux::apply"]),
    ("prepare (state dirs, capability file)", ["nono::prepare"]),
    ("plan: resolve (canonicalize, sensitive table, baseline)",
     ["nono::resolve", "nono::plan", "nono::sensitive", "nono::baseline", "nono::paths"]),
    ("machine detect", ["Machine::detect", "nono::machine"]),
    ("clap parse", ["clap"]),
    ("find_program", ["find_program"]),
    ("environment + argv", ["nono::exec::environment"]),
    ("ld.so: load, map, relocate", ["_dl_", "dl_main", "ld-linux", "_dl_start"]),
    ("execve in the kernel", ["__x64_sys_execve", "execve"]),
    ("exit and teardown", ["do_exit", "exit_mmap", "do_group_exit", "_exit"]),
]

LEAF_CLASSES = [
    ("std::path ops", ["std::path::", "Components", "_starts_with"]),
    ("malloc/free/memcpy", ["malloc", "free", "realloc", "memcpy", "memmove", "memcmp",
                            "memset", "finish_grow", "raw_vec"]),
    ("kernel", ["[kernel.kallsyms]"]),
]


def parse(path):
    samples, cur = [], None
    with open(path, errors="replace") as f:
        for line in f:
            if not line.strip():
                if cur:
                    samples.append(cur)
                cur = None
                continue
            if not line[0].isspace():
                cur = (line.split()[0], [])
            elif cur is not None:
                parts = line.strip().split(None, 1)
                if len(parts) > 1:
                    cur[1].append(parts[1])
    if cur:
        samples.append(cur)
    return samples


def classify(frames, rules, default):
    for name, keys in rules:
        if any(k in f for f in frames for k in keys):
            return name
    return default


def fallback(frames):
    """A sample no phase claims, mostly because unwinding stopped in a libc syscall wrapper:
    named after its system call or page fault, so it can still be matched with strace's
    counts."""
    for f in frames:
        name = f.split(" (")[0]
        for prefix in ("__x64_sys_", "__do_sys_", "__se_sys_"):
            if name.startswith(prefix):
                return f"unattributed: syscall {name[len(prefix):]}"
        if "exc_page_fault" in name:
            return "unattributed: page faults"
    user = [f for f in frames if "[kernel" not in f and not f.endswith("(inlined)")]
    if user:
        return "unattributed: user code in " + user[0].split(" (")[-1].rstrip(")").split("/")[-1]
    return "unattributed: kernel"


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    samples = parse(sys.argv[1])
    runs, task_ms = int(sys.argv[2]), float(sys.argv[3])
    target = sys.argv[4] if len(sys.argv) > 4 else "true"
    counted = [(c, fr) for c, fr in samples if c in ("nono", target)]
    total = len(counted)
    if not total:
        sys.exit("no samples of nono")
    us = lambda n: n / total * task_ms * 1000  # noqa: E731
    per_comm = collections.Counter(c for c, _ in counted)
    print(f"samples: {total} over {runs} runs; task-clock {task_ms:.3f} ms per run "
          f"(unprofiled); shares below are scaled to it\n")
    for comm in ("nono", target):
        print(f"  command name {comm!r:8}: {100 * per_comm[comm] / total:5.1f} %  "
              f"{us(per_comm[comm]):7.0f} us/run")
    for comm in ("nono", target):
        rows = collections.Counter()
        leaf = collections.defaultdict(collections.Counter)
        for c, frames in counted:
            if c != comm:
                continue
            phase = classify(frames, PHASES, None) or fallback(frames)
            rows[phase] += 1
            leaf[phase][classify(frames[:1], LEAF_CLASSES, "user code")] += 1
        print(f"\n## samples with command name {comm!r} (after its exec, the target's name)\n")
        print("| phase | share of run | us per run | leaf: std::path ops | leaf: kernel |")
        print("|---|---:|---:|---:|---:|")
        for phase, n in rows.most_common():
            print(f"| {phase} | {100 * n / total:.1f} % | {us(n):.0f} | "
                  f"{us(leaf[phase]['std::path ops']):.0f} | {us(leaf[phase]['kernel']):.0f} |")


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        pass
