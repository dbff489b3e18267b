"""Running the model: one (scenario, seed) to the end (``run_model``, ``simulate``), replicates of a
scenario (``run_replicates``), and the tables of a run's results.

``simulate`` and ``run_replicates`` are the public, Python-level ways to run the model; every
command goes through ``simcenter.run.many.run_many`` with ``simcenter.run.task.execute``.
"""

from __future__ import annotations

import math
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np

from simcenter import metrics
from simcenter.config.schema import Scenario
from simcenter.errors import InputError, Problem
from simcenter.i18n import t
from simcenter.rng import replicate_seeds
from simcenter.run.many import run_many
from simcenter.run.task import Keep, Run, RunResult, reduce, run_model


def simulate(scenario: Scenario, seed: int, levers: dict | None = None,
             keep: Keep = Keep(ledger=True, plan=True)) -> RunResult:
    """Run one scenario (with ``levers`` applied) with one seed; return its result: every outcome's
    final value (``kpis``) and monthly values (``timeseries``), the ledger (``ledger``), what became
    of each plan action (``plan``) and why the centre closed (``closure_reason``, "" if it did not).

    Raises:
        RuntimeError: if the run's ledger does not balance (a bug: money was created or lost).
    """
    import time

    start = time.perf_counter()
    model = run_model(scenario, seed, levers)
    return reduce(model, Run((0,), model.config, int(seed), keep), time.perf_counter() - start)


def run_replicates(scenario: Scenario, reps: int, seed: int = 1, engine=None, keep: Keep = Keep(ledger=True),
                   progress: Callable[[int, int], None] | None = None) -> list[RunResult]:
    """Run ``scenario`` over ``reps`` replicates (replicate i with the i-th seed derived from ``seed``)
    on ``engine`` (``simcenter.run.engines.open_engine``; None: this process); results in
    replicate order. Every result is kept in memory: for many replicates, ``iter_replicates``."""
    return list(iter_replicates(scenario, reps, seed, engine, keep, progress))


def iter_replicates(scenario: Scenario, reps: int, seed: int = 1, engine=None, keep: Keep = Keep(ledger=True),
                    progress: Callable[[int, int], None] | None = None) -> Iterator[RunResult]:
    """``run_replicates``, each result yielded in replicate order as soon as it and those before it
    are done, and kept nowhere: memory stays bounded whatever ``reps``."""
    seeds = replicate_seeds(seed, reps)
    runs = (Run((i,), scenario, s, keep) for i, s in enumerate(seeds))
    for done, result in enumerate(run_many(runs, engine, ordered=True), 1):
        if progress:
            progress(done, reps)
        yield result


MAX_REPLICATES = 10_000
"""The most replicates ``run``, ``compare`` and ``facts`` do in one command. A median or a 5-95%
range over replicates is as precise as a planner can use long before (its sampling error shrinks
as one over the square root of the replicates), while time and disk grow with every replicate;
memory does not (README, "Exit codes and bad input", gives the peak measured at the limit)."""
MAX_RUNS = 100_000
"""The most runs (designs x replicates) in one comparison: 10,000 replicates of 10 designs."""


def check_replicates(reps: int, designs: int = 1) -> None:
    """Refuse more replicates than ``MAX_REPLICATES``, or a comparison of ``designs`` over more
    runs than ``MAX_RUNS``, before any run (exit 2, with the reason).

    Raises:
        InputError: one problem located at ``--reps``.
    """
    if reps > MAX_REPLICATES:
        raise InputError([Problem("--reps", 1, "reps", t("run.too_many_reps", reps=reps, limit=MAX_REPLICATES))])
    if designs * reps > MAX_RUNS:
        raise InputError([Problem("--reps", 1, "reps", t("compare.too_many_runs", designs=designs, reps=reps,
                                                         runs=designs * reps, limit=MAX_RUNS))])


# --------------------------------------------------------------------------- summaries
def summarize(values: Iterable[float]) -> dict[str, float]:
    """Median, mean and 5-95% range over replicates, ignoring empty (NaN) values."""
    arr = np.asarray(list(values), dtype=float)
    arr = arr[~np.isnan(arr)]
    if arr.size == 0:
        return {"median": math.nan, "mean": math.nan, "p05": math.nan, "p95": math.nan, "n": 0}
    return {
        "median": float(np.median(arr)),
        "mean": float(arr.mean()),
        "p05": float(np.percentile(arr, 5)),
        "p95": float(np.percentile(arr, 95)),
        "n": int(arr.size),
    }


def kpi_summary(results: Sequence[RunResult] | np.ndarray) -> dict[str, dict]:
    """Per outcome: unit, direction, median, mean, p05, p95 over replicates (of the runs' results,
    or of their final outcomes as an array: replicates x ``metrics.NAMES``)."""
    out = {}
    for i, o in enumerate(metrics.OUTCOMES):
        values = results[:, i] if isinstance(results, np.ndarray) else (r.kpis[o.name] for r in results)
        s = summarize(values)
        out[o.name] = {"unit": o.unit, "direction": o.direction, **{k: s[k] for k in ("median", "mean", "p05", "p95")}}
    return out
