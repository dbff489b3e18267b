"""``simcenter compare`` of the benchmark's 6 designs x 100 replicates, in alternation with another
checkout of simcenter (A/B): this machine's speed changes by up to 2x from one quarter of an hour
to the next, so two versions are compared one after the other, several times, not hours apart.

    git worktree add /tmp/old 7d3555b          # the version to compare with
    (cd /tmp/old && PYTHONPATH=. $OLDPWD/.venv/bin/python -m simcenter.run.warm)   # its compiled loops, once
    .venv/bin/python benchmarks/compare_ab.py /tmp/old --pairs 3

Each command runs in a fresh process with its checkout first on ``sys.path`` (this project's
virtual environment for both), writing to a temporary folder; prints each time and the medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from run import COMPARE_DESIGNS  # noqa: E402


def _once(checkout: Path, reps: int, workers: int) -> float:
    designs = [str(ROOT / "scenarios" / "plovdiv" / d) for d in COMPARE_DESIGNS]
    env = dict(os.environ, PYTHONPATH=str(checkout))
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "simcenter", "compare", *designs, "--reps", str(reps), "--workers",
               str(workers), "--out", str(Path(tmp) / "out"), "--format", "json"]
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=checkout, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{checkout}: exit {proc.returncode}: {proc.stderr[-400:]}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path, help="the other checkout (a git worktree)")
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    times: dict[str, list[float]] = {"other": [], "this": []}
    for _ in range(args.pairs):
        for name, checkout in (("other", args.other.resolve()), ("this", ROOT)):
            times[name].append(_once(checkout, args.reps, args.workers))
            print(f"{name:5s} {times[name][-1]:6.2f} s", flush=True)
    for name, values in times.items():
        print(f"{name:5s} median {statistics.median(values):6.2f} s  (min {min(values):.2f}, max {max(values):.2f})")
    print(f"ratio this / other (medians): {statistics.median(times['this']) / statistics.median(times['other']):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
