"""Running a sweep: what is missing from the store, on local processes or a Dask cluster.

The runs go through the one orchestrator (``simcenter.run.many.run_many``) on an engine
(``simcenter.run.engines``: local worker processes, the default, embedded, no server; a Dask
cluster reached at a scheduler's address; or a Dask ``LocalCluster`` started for the sweep). A
point's changes travel with its run and are applied on the worker (``targets.build_scenario``);
a run that raises comes back as a failed record and the sweep goes on. Results are written by
this (parent) process only, in small transactions, as they arrive. Because each run is a pure
function of (point, seed), the store ends the same whichever engine ran it, and however the work
was split or interrupted.
"""

from __future__ import annotations

import collections
import functools
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from simcenter.config.loader import source_files
from simcenter.outputs import prepare_output
from simcenter.rng import replicate_seeds
from simcenter.run.engines import WORKER_TIMEOUT, open_engine
from simcenter.run.many import run_many
from simcenter.run.pool import ctrl_c_ignored
from simcenter.run.task import Keep, Run, RunResult
from simcenter.sweep import design as designs
from simcenter.sweep.experiment import Experiment
from simcenter.sweep.store import Store
from simcenter.sweep.targets import build_scenario

FLUSH_RUNS = 200
"""Write at the latest after this many results..."""
FLUSH_SECONDS = 1.0
"""...or this many seconds: a crash loses at most this much work, never a committed run."""


@dataclass
class SweepSummary:
    """What a sweep did."""

    experiment: str
    folder: Path
    engine: str = ""
    total: int = 0  # runs in the design
    stored_before: int = 0
    ok: int = 0  # computed now
    failed: int = 0
    lost: int = 0  # not computed: the infrastructure failed; the next sweep retries them
    seconds: float = 0.0
    errors: collections.Counter = field(default_factory=collections.Counter)
    notes: list[str] = field(default_factory=list)
    grown: str = ""  # how the stored experiment grew into this one (``simcenter.sweep.growth``)
    workers_lost: list[tuple[str, str]] = field(default_factory=list)  # Dask: (worker, time it left)

    @property
    def computed(self) -> int:
        return self.ok + self.failed

    @property
    def complete(self) -> bool:
        return self.stored_before + self.computed == self.total


def run_sweep(exp: Experiment | str | os.PathLike, out: Path, workers: int | None = None, scheduler: str | None = None,
              cluster: str | None = None, progress: Callable[[int, int], None] | None = None,
              limit: int | None = None, on_start: Callable[[SweepSummary], None] | None = None,
              force: bool = False, extend: bool = False, worker_timeout: float = WORKER_TIMEOUT) -> SweepSummary:
    """Compute the runs of ``exp`` (an ``Experiment``, or the path of an experiment file) that
    ``out`` does not hold yet, storing each as it arrives.

    Args:
        workers: local worker processes (default: all cores), or Dask LocalCluster workers.
        scheduler: address of a running Dask scheduler (``tcp://host:port``).
        cluster: ``"local"`` to start a Dask LocalCluster for this sweep.
        limit: compute at most this many of the missing runs (the rest on a later call).
        on_start: called once the store is open and the missing runs are known.
        force: write into ``out`` even if it holds files that are not a sweep's (never into one
            holding the experiment or its scenarios, the current or the home folder).
        worker_timeout: on Dask, stop (``NoWorkers``, an ``InputError``) once the cluster has had no
            worker for this many seconds; the runs stored so far are kept, the same call resumes.
        extend: accept an experiment that grows the one ``out`` holds (more replicates, a larger
            Sobol or Morris sample, values appended) and compute only the new runs.

    Raises:
        InputError: if ``out`` holds another experiment's results (or a smaller one and not
            ``extend``, or one that ``exp`` cannot grow), or the cluster is unreachable.
    """
    if not isinstance(exp, Experiment):
        from simcenter.sweep.loader import load_experiment

        exp = load_experiment(exp)
    start = time.perf_counter()
    points = designs.points(exp)
    seeds = replicate_seeds(exp.seed, exp.replicates)
    inputs = [f for f in (exp.file, *(b.file for b in exp.bases)) if f]
    prepare_output(out, "sweep", [*inputs, *(f for p in inputs for f in source_files(p))], force)
    store = Store.for_sweep(Path(out), exp, points, extend=extend)
    summary = SweepSummary(exp.name, Path(out), total=len(points) * exp.replicates, notes=list(store.notes),
                           grown=store.grown)
    try:
        done = store.done()
        summary.stored_before = len(done)
        keys = [(p.point, r) for p in points for r in range(exp.replicates) if (p.point, r) not in done]
        if limit is not None:
            keys = keys[:limit]
        if not keys:
            if on_start:
                on_start(summary)
            return summary
        keep = Keep(outcomes=tuple(exp.outcomes), series=tuple(exp.timeseries))
        prepared = {}

        def run(key: tuple[int, int]) -> Run:
            point, replicate = key
            if point not in prepared:
                values = points[point].values
                base = exp.base_for(values).scenario
                prepared[point] = (base, functools.partial(build_scenario, ops=exp.ops_for(values), name=f"<point {point}>"))
            base, prepare = prepared[point]
            return Run(key, base, seeds[replicate], keep, prepare, catch=True)

        engine = open_engine(workers, scheduler, cluster, len(keys), worker_timeout=worker_timeout)
        summary.engine = engine.description
        if on_start:
            on_start(summary)
        try:
            _drive(engine, store, (run(k) for k in keys), summary, progress, len(keys))
        finally:
            if hasattr(engine, "workers_lost"):
                summary.workers_lost = engine.workers_lost()
            engine.close()
    finally:
        store.close()
        summary.seconds = time.perf_counter() - start
    return summary


def _drive(engine, store: Store, runs, summary: SweepSummary, progress, total: int) -> None:
    """Store results as they come, in small transactions; what is complete is never thrown away."""
    buffer: list[RunResult] = []
    last_flush = time.monotonic()
    try:
        for result in run_many(runs, engine):
            if result.status == "lost":
                summary.lost += 1
                summary.errors[result.error or "?"] += 1
                continue
            buffer.append(result)
            if result.ok:
                summary.ok += 1
            else:
                summary.failed += 1
                summary.errors[result.error or "?"] += 1
            if len(buffer) >= FLUSH_RUNS or time.monotonic() - last_flush >= FLUSH_SECONDS:
                store.write(buffer)
                buffer = []
                last_flush = time.monotonic()
            if progress:
                progress(summary.computed, total)
    finally:
        if buffer:  # complete results are never thrown away, not even on Ctrl-C
            with ctrl_c_ignored():
                try:
                    store.write(buffer)
                except KeyboardInterrupt:  # pragma: no cover - SIGINT is ignored here
                    pass
