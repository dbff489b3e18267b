"""Profile simcenter runs: where does a month's time go?

    .venv/bin/python benchmarks/hotspots.py                 # default scenario, 20 runs, cProfile
    .venv/bin/python benchmarks/hotspots.py --n 100000 --reps 2
    .venv/bin/python benchmarks/hotspots.py --pyinstrument  # a call tree (pip install pyinstrument)

cProfile (standard library) counts every Python call exactly and times it, with some
overhead per call; pyinstrument samples the stack and shows a call tree with little
overhead. Neither is a dependency of simcenter.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "plovdiv" / "base.yaml"))
    parser.add_argument("--n", type=int, default=None, help="potential entrepreneurs (lever n_potential)")
    parser.add_argument("--reps", type=int, default=20, help="runs (seeds 1..reps)")
    parser.add_argument("--top", type=int, default=30, help="functions shown (cProfile)")
    parser.add_argument("--sort", default="tottime", help="cProfile sort key (tottime, cumulative, ncalls)")
    parser.add_argument("--pyinstrument", action="store_true", help="sample with pyinstrument instead")
    args = parser.parse_args(argv)

    import simcenter
    from simcenter.levers import apply_levers
    from simcenter.runner import simulate

    scenario = simcenter.load_scenario(args.scenario)
    if args.n:
        scenario = apply_levers(scenario, {"n_potential": args.n})
    simulate(scenario, 1000, keep_ledger=False)  # warm-up

    def runs() -> None:
        for seed in range(1, args.reps + 1):
            simulate(scenario, seed, keep_ledger=False)

    if args.pyinstrument:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
        runs()
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False))
        return 0
    profile = cProfile.Profile()
    profile.enable()
    runs()
    profile.disable()
    pstats.Stats(profile, stream=sys.stdout).strip_dirs().sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
