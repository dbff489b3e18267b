"""Peak memory of a simcenter command: the command's own process and, together, every process it
started (workers, the fork server), sampled from /proc every 0.1 s (Linux).

    python benchmarks/memory.py -- simcenter run scenarios/plovdiv/base.yaml --reps 10000 --out /tmp/r

prints the wall time, the exit code, the peak resident memory of the command's process and the
peak of the sum over it and its descendants (each shared page counted once, by shares) (README, "Exit codes and bad input", quotes the
measurements at the replicate limit).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path


def _kib(pid: int, field: str = "Rss:") -> int:
    """A field of the process's memory in KiB: Rss (resident), or Pss (resident, each page shared
    with other processes counted by its share: the workers forked from one server share the model)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _children() -> dict[int, int]:
    """Every process's parent."""
    out = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith("PPid:"):
                out[int(status.parent.name)] = int(line.split()[1])
                break
    return out


def _tree(root: int) -> set[int]:
    parents = _children()
    tree, grew = {root}, True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return tree


def main(argv: list[str]) -> int:
    cmd = argv[argv.index("--") + 1:] if "--" in argv else argv
    if cmd and cmd[0] == "simcenter":
        cmd = [sys.executable, "-m", "simcenter", *cmd[1:]]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    peak_main = peak_all = 0
    seen: set[int] = set()
    while proc.poll() is None:
        tree = _tree(proc.pid)
        seen |= tree
        peak_main = max(peak_main, _kib(proc.pid))
        peak_all = max(peak_all, sum(_kib(p, "Pss:") for p in tree))
        time.sleep(0.1)
    wall = time.perf_counter() - start
    print(f"exit {proc.returncode}; {wall:.0f} s; peak resident memory: the command {peak_main / 1024:.0f} MiB; "
          f"with its {len(seen) - 1} other processes (proportional set size) {peak_all / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
