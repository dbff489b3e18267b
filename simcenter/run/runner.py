"""Running the model: one (scenario, seed) to the end (``run_model``, ``simulate``), replicates of a
scenario (``run_replicates``), and the tables of a run's results.

``simulate`` and ``run_replicates`` are the public, Python-level ways to run the model; every
command goes through ``simcenter.run.many.run_many`` with ``simcenter.run.task.execute``.
"""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from simcenter import metrics
from simcenter.config.schema import Scenario
from simcenter.rng import replicate_seeds
from simcenter.run.many import run_many
from simcenter.run.task import Keep, Run, RunResult, reduce, run_model


def simulate(scenario: Scenario, seed: int, levers: dict | None = None, keep: Keep = Keep(ledger=True)) -> RunResult:
    """Run one scenario (with ``levers`` applied) with one seed; return its result: every outcome's
    final value (``kpis``) and monthly values (``timeseries``), and the ledger (``ledger``).

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
    replicate order."""
    seeds = replicate_seeds(seed, reps)
    results: list[RunResult | None] = [None] * reps
    runs = [Run((i,), scenario, s, keep) for i, s in enumerate(seeds)]
    for done, result in enumerate(run_many(runs, engine), 1):
        results[result.key[0]] = result
        if progress:
            progress(done, reps)
    return results  # type: ignore[return-value]


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


def kpi_table(results: Sequence[RunResult]) -> pd.DataFrame:
    """One row per replicate: replicate, seed, one column per outcome."""
    rows = [{"replicate": i, "seed": r.seed, **r.kpis} for i, r in enumerate(results)]
    return pd.DataFrame(rows, columns=["replicate", "seed", *metrics.NAMES])


def _stacked(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """One table of every replicate's rows, each tagged with its replicate's number."""
    return pd.concat([frame.assign(replicate=i)[["replicate", *frame.columns]] for i, frame in enumerate(frames)],
                     ignore_index=True)


def timeseries_table(results: Sequence[RunResult]) -> pd.DataFrame:
    """All replicates' monthly outcomes: replicate, month, one column per outcome."""
    return _stacked([r.timeseries for r in results])


def ledger_table(results: Sequence[RunResult]) -> pd.DataFrame:
    """Every money movement of every replicate."""
    return _stacked([r.ledger for r in results])


def kpi_summary(results: Sequence[RunResult]) -> dict[str, dict]:
    """Per outcome: unit, direction, median, mean, p05, p95 over replicates."""
    out = {}
    for o in metrics.OUTCOMES:
        s = summarize(r.kpis[o.name] for r in results)
        out[o.name] = {"unit": o.unit, "direction": o.direction, **{k: s[k] for k in ("median", "mean", "p05", "p95")}}
    return out
