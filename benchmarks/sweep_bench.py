"""Sweep throughput: 1,000 runs of the default scenario on 2 local workers, and 1 vs 2 workers.

Runs the real engine (design, worker processes, DuckDB store) on the Plovdiv base scenario as
shipped (2,000 people, 10 years), one point with many replicate seeds. Prints a JSON summary;
``--out FILE`` also writes it. Not a test: timings depend on the machine and on what else runs.

    .venv/bin/python benchmarks/sweep_bench.py                 # both measurements
    .venv/bin/python benchmarks/sweep_bench.py --runs 1000 --scaling-runs 200
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "scenarios" / "plovdiv" / "base.yaml"
TARGET_SECONDS = 120.0
TARGET_SPEEDUP = 1.7


def experiment(folder: Path, runs: int) -> Path:
    """The default scenario, unchanged, over ``runs`` replicate seeds."""
    path = folder / f"bench-{runs}.yaml"
    path.write_text(f"name: bench\nscenarios: {BASE}\nreplicates: {runs}\nseed: 1\n"
                    "outcomes: [closed, months_operating, ventures_launched, served, cash_eur]\n", encoding="utf-8")
    return path


def sweep(path: Path, out: Path, workers: int) -> dict:
    """Run one sweep; wall-clock throughput, and steady throughput (first to last result, no start-up)."""
    from simcenter.sweep import load_experiment, run_sweep

    exp = load_experiment(path)
    seen: list[tuple[float, int]] = []

    def progress(done: int, total: int) -> None:
        if done and (not seen or seen[-1][1] != done):
            seen.append((time.perf_counter(), done))

    start = time.perf_counter()
    summary = run_sweep(exp, out, workers=workers, progress=progress)
    wall = time.perf_counter() - start
    assert summary.complete and summary.failed == 0, summary
    (t0, n0), (t1, n1) = seen[0], seen[-1]
    return {"workers": workers, "engine": summary.engine, "runs": summary.computed, "seconds": round(wall, 2),
            "runs_per_second": round(summary.computed / wall, 2),
            "steady_runs_per_second": round((n1 - n0) / (t1 - t0), 2) if t1 > t0 else None,
            "startup_seconds": round(t0 - start, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000, help="runs on 2 workers (default 1000)")
    parser.add_argument("--scaling-runs", type=int, default=200, help="runs for the 1 vs 2 workers comparison")
    parser.add_argument("--out", default=None, help="also write the JSON summary here")
    args = parser.parse_args(argv)
    report: dict = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                                "load_average": [round(x, 2) for x in os.getloadavg()]}}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.scaling_runs:
            path = experiment(folder, args.scaling_runs)
            one = sweep(path, folder / "one", workers=1)
            two = sweep(path, folder / "two", workers=2)
            report["scaling"] = {"one_worker": one, "two_workers": two,
                                 "speedup": round(two["runs_per_second"] / one["runs_per_second"], 2),
                                 "steady_speedup": round(two["steady_runs_per_second"]
                                                         / one["steady_runs_per_second"], 2),
                                 "target_speedup": TARGET_SPEEDUP}
            print(json.dumps(report["scaling"]), file=sys.stderr)
        if args.runs:
            big = sweep(experiment(folder, args.runs), folder / "big", workers=2)
            report["thousand"] = {**big, "target_seconds": TARGET_SECONDS,
                                  "within_target": big["seconds"] <= TARGET_SECONDS}
    report["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
