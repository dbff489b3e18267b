"""How long the workshop app takes to bring its many worlds up to date after a lever change
(``simcenter.ui.ensemble``): two designs on screen (A and B), 20 worlds each, on the server's pool
of worker processes (all cores), as the page does.

    PYTHONPATH=. .venv/bin/python benchmarks/ui_ensemble.py --repeats 5

Prints, for each repeat, the seconds from a lever change to both designs' ensembles done, for a
change of one design (the other's ensemble stays) and for a change of both (a new seed), then the
medians; and, for scale, one world run in this process. The target is 1.5 s on a 2-core laptop.
Beside each figure, the seconds the worlds themselves took in the workers, over the cores: the part no
machinery can save, which grows with the machine's load (printed too) as every figure does.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


FLOOR: list[float] = []
"""For each update measured: the seconds its worlds took to run in the workers, over the cores: what
no machinery can save (the rest is overhead: handing out, collecting, waiting for the last)."""


def update_seconds(ws, change) -> float:
    """Seconds from ``change()`` (a change on the page) to every ensemble on screen done."""
    start = time.perf_counter()
    change()
    ensembles = ws.ensembles.follow(ws.live_runs()).values()
    for ensemble in ensembles:
        ensemble.wait()
    seconds = time.perf_counter() - start
    fresh = {id(getattr(e, "worlds", e)): e for e in ensembles if e.started >= start}  # run for this change, once
    FLOOR.append(sum(r.seconds for e in fresh.values() for r in e.results) / os.cpu_count())
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    from simcenter import simulate
    from simcenter.ui.session import Workshop

    ws = Workshop(ROOT / "scenarios" / "plovdiv" / "base.yaml", lang="en")
    ws.set_compare(True)
    print(f"cores: {os.cpu_count()}; load {os.getloadavg()[0]:.1f}; warming up (the worker pool starts) ...")
    update_seconds(ws, lambda: None)
    one, both = [], []
    for i in range(args.repeats):
        fee = 20.0 + i
        one.append(update_seconds(ws, lambda: ws.set_lever("A", "mentoring_fee_eur", fee)))
        both.append(update_seconds(ws, lambda: ws.set_seed(100 + i)))
        print(f"repeat {i + 1}: one design changed {one[-1]:.2f} s (runs over cores {FLOOR[-2]:.2f} s); both designs "
              f"changed {both[-1]:.2f} s (runs over cores {FLOOR[-1]:.2f} s); load {os.getloadavg()[0]:.1f}")
    start = time.perf_counter()
    simulate(ws.runs["A"].config, 1)
    single = time.perf_counter() - start
    print(f"median: one design changed {statistics.median(one):.2f} s; both designs changed "
          f"{statistics.median(both):.2f} s (target 1.5 s); one world in this process: {single:.2f} s")


if __name__ == "__main__":
    main()
