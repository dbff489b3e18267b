"""Profile simcenter runs: where does a month's time go?

    .venv/bin/python benchmarks/hotspots.py                 # default scenario, 20 runs, cProfile
    .venv/bin/python benchmarks/hotspots.py --n 100000 --reps 2
    .venv/bin/python benchmarks/hotspots.py --pyinstrument  # a call tree (pip install pyinstrument)
    .venv/bin/python benchmarks/hotspots.py --phases        # wall-clock time of each phase of a month

cProfile (standard library) counts every Python call exactly and times it, with some
overhead per call; pyinstrument samples the stack and shows a call tree with little
overhead. Neither is a dependency of simcenter. ``--phases`` wraps each phase of a month (the
functions ``CenterModel.step`` calls) in a timer: plain wall-clock time, about a microsecond of
overhead per call, no profiler.
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
    parser.add_argument("--phases", action="store_true", help="time each phase of a month (no profiler)")
    args = parser.parse_args(argv)
    if args.phases:
        _instrument_phases()

    import simcenter
    from simcenter.config.levers import apply_levers
    from simcenter.run.runner import simulate
    from simcenter.run.task import Keep

    scenario = simcenter.load_scenario(args.scenario)
    if args.n:
        scenario = apply_levers(scenario, {"n_potential": args.n})
    simulate(scenario, 1000, keep=Keep(series=()))  # warm-up

    def runs() -> None:
        for seed in range(1, args.reps + 1):
            simulate(scenario, seed, keep=Keep(series=()))

    if args.phases:
        import time

        _TIMES.clear()
        start = time.perf_counter()
        runs()
        total = time.perf_counter() - start
        print(f"{args.reps} runs, {1000 * total / args.reps:.1f} ms a run (timers included)")
        print(f"{'phase':24s} {'ms/run':>8s} {'share':>6s} {'calls/run':>9s} {'us/call':>8s}")
        for name, (seconds, calls) in sorted(_TIMES.items(), key=lambda kv: -kv[1][0]):
            print(f"{name:24s} {1000 * seconds / args.reps:8.2f} {100 * seconds / total:5.1f}% "
                  f"{calls / args.reps:9.1f} {1e6 * seconds / calls:8.1f}")
        return 0
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


_TIMES: dict[str, list] = {}


def _instrument_phases() -> None:
    """Wrap the phases of ``CenterModel.step`` (and the run around it) in wall-clock timers."""
    import functools
    import time

    from simcenter import metrics
    from simcenter.model import draws, governance, model, population, services
    from simcenter.model import finance as funding

    def wrap(owner, name: str, label: str) -> None:
        fn = getattr(owner, name)

        @functools.wraps(fn)
        def timed(*a, **k):
            start = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                entry = _TIMES.setdefault(label, [0.0, 0])
                entry[0] += time.perf_counter() - start
                entry[1] += 1

        setattr(owner, name, timed)

    for cls in services.SERVICES:
        for step in ("prepare", "select", "deliver"):
            if step in vars(cls):
                wrap(cls, step, f"services.{cls.__name__}.{step}")
    wrap(services.StaffHours, "__init__", "services.StaffHours")
    wrap(metrics, "measure", "metrics.measure")
    for name in ("step", "pay_costs", "earn"):
        wrap(funding.FundingFlows, name, f"funding.{name}")
    for name in ("start_of_month", "elections", "review"):
        wrap(governance.Governance, name, f"governance.{name}")
    for name in ("advance", "fade_idle", "arrive"):
        wrap(population.Population, name, f"population.{name}")
    wrap(draws.PersonDraws, "month", "random numbers (per person)")
    for name in ("_update_reputation", "_closure", "verify_ledger"):
        wrap(model.CenterModel, name, f"model.{name}")
    wrap(model.CenterModel, "__init__", "model construction")
    wrap(model.CenterModel, "step", "month (all of step)")


if __name__ == "__main__":
    sys.exit(main())
