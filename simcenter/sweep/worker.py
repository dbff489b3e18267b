"""What a worker runs: one (point, seed), reduced to what the sweep keeps.

``run_task`` is a top-level, picklable, pure function of its task: the base scenario travels
with the task (no file is read on the worker, which may be another machine), the point's
changes are applied and validated there, and the run is seeded with the task's seed. A run
that raises comes back as a failed record with its error; it never raises itself, so an
exception reaching the engine always means the infrastructure failed (a worker died).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from simcenter.config.schema import Scenario
from simcenter.sweep.targets import Op, build_scenario

MAX_ERROR_CHARS = 2000


@dataclass(frozen=True)
class RunTask:
    """One run of a sweep: a point of the design with one replicate's seed."""

    point: int
    replicate: int
    seed: int
    base: Scenario
    ops: tuple[Op, ...]
    outcomes: tuple[str, ...]
    timeseries: tuple[str, ...] = ()


@dataclass
class RunRecord:
    """What a run sends back: its status and the kept outcomes (final values, optional series)."""

    point: int
    replicate: int
    seed: int
    status: str  # "ok" or "failed"
    error: str | None
    seconds: float
    kpis: dict[str, float] | None = None
    series: np.ndarray | None = None  # months x timeseries outcomes

    @property
    def key(self) -> tuple[int, int]:
        return (self.point, self.replicate)


def run_task(task: RunTask) -> RunRecord:
    """Run one task; a failure is a record, never an exception."""
    from simcenter.run.runner import simulate

    start = time.perf_counter()
    try:
        scenario = build_scenario(task.base, task.ops, name=f"<point {task.point}>")
        result = simulate(scenario, task.seed, keep_ledger=False)
    except Exception as exc:  # noqa: BLE001 - any error of a run is recorded, and the sweep goes on
        return RunRecord(task.point, task.replicate, task.seed, "failed", describe(exc),
                         time.perf_counter() - start)
    kpis = {name: float(result.kpis[name]) for name in task.outcomes}
    series = None
    if task.timeseries:
        series = result.timeseries[list(task.timeseries)].to_numpy(dtype=np.float64)
    return RunRecord(task.point, task.replicate, task.seed, "ok", None, time.perf_counter() - start, kpis, series)


def describe(exc: BaseException) -> str:
    """An exception as one bounded line of text."""
    text = f"{type(exc).__name__}: {exc}".replace("\r", " ").replace("\n", "; ")
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"


def worker_version() -> str:
    """The simcenter version a (remote) worker has installed."""
    from simcenter import __version__

    return __version__
