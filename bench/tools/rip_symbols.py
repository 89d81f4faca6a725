#!/usr/bin/env python3
"""Symbolises stepcount's instruction-address histogram: instructions retired per library and
per function (self counts, no callers). Usage: rip_symbols.py HIST [TOP]. Stdlib + binutils nm.
Part of bench/profile.sh; not a test."""

import bisect
import collections
import subprocess
import sys


def main():
    hist = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    maps = []
    for line in open(hist + ".maps"):
        p = line.split()
        if len(p) >= 6:
            lo, hi = (int(v, 16) for v in p[0].split("-"))
            maps.append((lo, hi, int(p[2], 16), p[5]))
    bases = {}
    for lo, _, off, path in maps:
        if off == 0 and path not in bases:
            bases[path] = lo
    tables = {}

    def debug_file(path):
        """The separate debug file (e.g. from libc6-dbg), found by build id, or None."""
        notes = subprocess.run(["readelf", "-n", path], capture_output=True, text=True).stdout
        for line in notes.splitlines():
            if "Build ID:" in line:
                bid = line.split("Build ID:")[1].strip()
                candidate = f"/usr/lib/debug/.build-id/{bid[:2]}/{bid[2:]}.debug"
                try:
                    open(candidate).close()
                    return candidate
                except OSError:
                    return None
        return None

    def symbols(path):
        if path not in tables:
            found = []
            sources = [path] + [d for d in [debug_file(path)] if d]
            for src, flags in [(p, f) for p in sources for f in (["-C"], ["-C", "-D"])]:
                out = subprocess.run(["nm", "--defined-only", "-n", *flags, src],
                                     capture_output=True, text=True).stdout
                for line in out.splitlines():
                    p = line.split(None, 2)
                    if len(p) == 3 and p[1] in "tTwWiI":
                        found.append((int(p[0], 16), p[2]))
            found.sort()
            tables[path] = ([a for a, _ in found], [n for _, n in found])
        return tables[path]

    per_fn, per_lib, total = collections.Counter(), collections.Counter(), 0
    for line in open(hist):
        a, n = line.split()
        a, n = int(a, 16), int(n)
        total += n
        m = next((m for m in maps if m[0] <= a < m[1]), None)
        if m is None:
            per_lib["?"] += n
            continue
        path = m[3]
        lib = path.rsplit("/", 1)[-1]
        per_lib[lib] += n
        addrs, names = symbols(path)
        i = bisect.bisect_right(addrs, a - bases.get(path, m[0])) - 1
        # Without debug symbols (libc6-dbg) a libc/ld.so name is only the nearest export.
        name = names[i] if i >= 0 else "?"
        per_fn[(lib, name[:100])] += n
    print(f"{total} instructions in the first image\n")
    print("| library | instructions | share |\n|---|---:|---:|")
    for lib, n in per_lib.most_common():
        print(f"| {lib} | {n} | {100 * n / total:.1f} % |")
    print(f"\n| library | function (self) | instructions | share |\n|---|---|---:|---:|")
    for (lib, fn), n in per_fn.most_common(top):
        fn = fn.replace("|", "\\|")
        print(f"| {lib} | `{fn}` | {n} | {100 * n / total:.1f} % |")


if __name__ == "__main__":
    main()
