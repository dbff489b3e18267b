"""Running the model: one (scenario, seed) -> result; replicates; executors.

``simulate`` is a top-level, picklable function of (scenario, seed): replicates are a list
of seeds, and any ``concurrent.futures.Executor`` (local processes by default, a Dask
client's executor on a cluster) can run them.
"""

from __future__ import annotations

import math
import time
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from simcenter import metrics
from simcenter.config.schema import Scenario
from simcenter.model import CenterModel
from simcenter.run.pool import local_executor, submit_all


LEDGER_COLUMNS = ["month", "source", "destination", "kind", "amount_eur"]


@dataclass
class RunResult:
    """Everything one run produced."""

    scenario: str
    seed: int
    timeseries: pd.DataFrame  # month + one column per outcome
    kpis: dict[str, float]  # outcome -> value in the last month
    ledger_rows: dict[str, list]  # the ledger's columns (Ledger.rows): month, source, destination, kind, amount_eur
    seconds: float
    ledger_problems: list[str] = field(default_factory=list)
    network_edges: int = 0
    _ledger: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    @property
    def ledger(self) -> pd.DataFrame:
        """The ledger as a table: month, source, destination, kind, amount_eur (made when first
        asked for: about a millisecond a run that comparisons and sweeps do not need)."""
        if self._ledger is None:
            self._ledger = pd.DataFrame(self.ledger_rows, columns=LEDGER_COLUMNS)
        return self._ledger


def simulate(scenario: Scenario, seed: int, levers: dict | None = None, keep_ledger: bool = True) -> RunResult:
    """Run one scenario with one seed to the end of its horizon.

    Raises:
        RuntimeError: if the run's ledger does not balance (a bug: money was created or lost).
    """
    start = time.perf_counter()
    model, problems = run_model(scenario, seed, levers)
    ts = pd.DataFrame(model.timeseries, columns=list(metrics.NAMES))
    ts.insert(0, "month", np.arange(len(ts)))
    kpis = dict(zip(metrics.NAMES, model.timeseries[-1].tolist()))  # the last month of the timeseries
    rows = model.ledger.rows() if keep_ledger else {}
    return RunResult(
        scenario=model.config.name, seed=int(seed), timeseries=ts, kpis=kpis, ledger_rows=rows,
        seconds=time.perf_counter() - start, ledger_problems=problems,
        network_edges=model.network.number_of_edges(),
    )


def run_model(scenario: Scenario, seed: int, levers: dict | None = None) -> tuple[CenterModel, list[str]]:
    """Run one scenario with one seed to the end of its horizon; return the model (and the ledger
    check's problems: none). ``simulate`` turns the model into a ``RunResult``.

    Raises:
        RuntimeError: if the run's ledger does not balance (a bug: money was created or lost).
    """
    model = CenterModel(scenario, rng=int(seed), collect=False, **(levers or {}))
    model.run_to_end()
    problems = model.verify_ledger()
    if problems:
        raise RuntimeError(f"ledger does not balance for seed {seed}: {problems[0]}")
    return model, problems


def run_many(
    tasks: Sequence[tuple[Scenario, int]],
    workers: int = 1,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    keep_ledger: bool = True,
) -> list[RunResult]:
    """Run (scenario, seed) tasks, in parallel when ``workers`` > 1; results in task order."""
    results: list[RunResult | None] = [None] * len(tasks)
    done = 0
    if executor is None and (workers <= 1 or len(tasks) <= 1):
        for i, (sc, seed) in enumerate(tasks):
            results[i] = simulate(sc, seed, keep_ledger=keep_ledger)
            done += 1
            if progress:
                progress(done, len(tasks))
        return results  # type: ignore[return-value]
    own = executor is None
    pool = executor or local_executor(min(workers, len(tasks)))
    try:
        submitted = submit_all(pool, simulate, [(sc, seed, None, keep_ledger) for sc, seed in tasks])
        futures = {fut: i for i, fut in enumerate(submitted)}
        from concurrent.futures import as_completed

        for fut in as_completed(futures):
            results[futures[fut]] = fut.result()
            done += 1
            if progress:
                progress(done, len(tasks))
    finally:
        if own:
            pool.shutdown(wait=True, cancel_futures=True)
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


def timeseries_table(results: Sequence[RunResult]) -> pd.DataFrame:
    """All replicates' monthly outcomes: replicate, month, one column per outcome."""
    frames = []
    for i, r in enumerate(results):
        ts = r.timeseries.copy()
        ts.insert(0, "replicate", i)
        frames.append(ts)
    return pd.concat(frames, ignore_index=True)


def ledger_table(results: Sequence[RunResult]) -> pd.DataFrame:
    """Every money movement of every replicate."""
    frames = []
    for i, r in enumerate(results):
        led = r.ledger.copy()
        led.insert(0, "replicate", i)
        frames.append(led)
    return pd.concat(frames, ignore_index=True)


def kpi_summary(results: Sequence[RunResult]) -> dict[str, dict]:
    """Per outcome: unit, direction, median, mean, p05, p95 over replicates."""
    out = {}
    for o in metrics.OUTCOMES:
        s = summarize(r.kpis[o.name] for r in results)
        out[o.name] = {"unit": o.unit, "direction": o.direction, **{k: s[k] for k in ("median", "mean", "p05", "p95")}}
    return out
