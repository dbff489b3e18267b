"""Running a sweep: what is missing from the store, on local processes or a Dask cluster.

Every engine is a ``concurrent.futures.Executor``: local worker processes (the default,
embedded, no server), a Dask cluster reached at a scheduler's address, or a Dask
``LocalCluster`` started for the sweep. A bounded window of runs is in flight; results are
written by this (parent) process only, in small transactions, as they arrive. Because each
run is a pure function of (point, seed), the store ends the same whichever engine ran it, and
however the work was split or interrupted.
"""

from __future__ import annotations

import collections
import logging
import time
from concurrent.futures import FIRST_COMPLETED, CancelledError, Executor, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from simcenter.errors import InputError, Problem
from simcenter.i18n import t
from simcenter.rng import replicate_seeds
from simcenter.run.pool import ctrl_c_ignored, default_workers, submit_all
from simcenter.sweep import design as designs
from simcenter.sweep.experiment import Experiment
from simcenter.sweep.store import Store
from simcenter.sweep.worker import RunRecord, RunTask, describe, run_task, worker_version

FLUSH_RUNS = 200
"""Write at the latest after this many results..."""
FLUSH_SECONDS = 1.0
"""...or this many seconds: a crash loses at most this much work, never a committed run."""
MAX_POOL_RESTARTS = 3


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

    @property
    def computed(self) -> int:
        return self.ok + self.failed

    @property
    def complete(self) -> bool:
        return self.stored_before + self.computed == self.total


def run_sweep(exp: Experiment, out: Path, workers: int | None = None, scheduler: str | None = None,
              cluster: str | None = None, progress: Callable[[int, int], None] | None = None,
              limit: int | None = None, on_start: Callable[[SweepSummary], None] | None = None) -> SweepSummary:
    """Compute the runs of ``exp`` that ``out`` does not hold yet, storing each as it arrives.

    Args:
        workers: local worker processes (default: all cores), or Dask LocalCluster workers.
        scheduler: address of a running Dask scheduler (``tcp://host:port``).
        cluster: ``"local"`` to start a Dask LocalCluster for this sweep.
        limit: compute at most this many of the missing runs (the rest on a later call).
        on_start: called once the store is open and the missing runs are known.

    Raises:
        InputError: if ``out`` holds another experiment's results, or the cluster is unreachable.
    """
    start = time.perf_counter()
    points = designs.points(exp)
    seeds = replicate_seeds(exp.seed, exp.replicates)
    store = Store.for_sweep(Path(out), exp, points)
    summary = SweepSummary(exp.name, Path(out), total=len(points) * exp.replicates, notes=list(store.notes))
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
        ops = {}

        def task(key: tuple[int, int]) -> RunTask:
            point, replicate = key
            if point not in ops:
                values = points[point].values
                ops[point] = (exp.base_for(values).scenario, exp.ops_for(values))
            base, changes = ops[point]
            return RunTask(point, replicate, seeds[replicate], base, changes, exp.outcomes, exp.timeseries)

        engine = open_engine(workers, scheduler, cluster, len(keys))
        summary.engine = engine.description
        if on_start:
            on_start(summary)
        try:
            _drive(engine, store, keys, task, summary, progress)
        finally:
            engine.close()
    finally:
        store.close()
        summary.seconds = time.perf_counter() - start
    return summary


def _drive(engine, store: Store, keys, task, summary: SweepSummary, progress) -> None:
    """Keep a window of runs in flight, store results as they come, survive broken pools."""
    queue = collections.deque(keys)
    pending: dict[Future, tuple[int, int]] = {}
    buffer: list[RunRecord] = []
    last_flush = time.monotonic()
    restarts = 0
    total = len(keys)

    def fill(first: bool = False) -> None:
        batch = []
        while queue and len(pending) + len(batch) < engine.window:
            batch.append(queue.popleft())
        if not batch:
            return
        tasks = [(task(k),) for k in batch]
        if first and engine.starts_workers:  # workers start here: Ctrl-C must not reach them while they import
            futures = submit_all(engine.executor, run_task, tasks)
        else:
            futures = [engine.executor.submit(run_task, *tk) for tk in tasks]
        pending.update(zip(futures, batch))

    try:
        fill(first=True)
        while pending:
            finished, _ = wait(list(pending), timeout=0.5, return_when=FIRST_COMPLETED)
            broken = False
            for fut in finished:
                key = pending.pop(fut)
                try:
                    rec = fut.result()
                except BrokenProcessPool:
                    queue.appendleft(key)
                    broken = True
                    continue
                except CancelledError:
                    summary.lost += 1
                    continue
                except Exception as exc:  # noqa: BLE001 - e.g. Dask's KilledWorker: not the run's fault
                    summary.lost += 1
                    summary.errors[describe(exc)] += 1
                    continue
                buffer.append(rec)
                if rec.status == "ok":
                    summary.ok += 1
                else:
                    summary.failed += 1
                    summary.errors[rec.error or "?"] += 1
            if broken:
                restarts += 1
                if restarts > MAX_POOL_RESTARTS:
                    raise RuntimeError(t("sweep.workers_keep_dying", n=restarts))
                for key in pending.values():
                    queue.appendleft(key)
                pending.clear()
                engine.restart()
                fill(first=True)
                continue
            if buffer and (len(buffer) >= FLUSH_RUNS or time.monotonic() - last_flush >= FLUSH_SECONDS):
                store.write(buffer)
                buffer = []
                last_flush = time.monotonic()
            if progress:
                progress(summary.computed, total)
            fill()
    finally:
        for fut in pending:
            fut.cancel()
        if buffer:  # complete results are never thrown away, not even on Ctrl-C
            with ctrl_c_ignored():
                try:
                    store.write(buffer)
                except KeyboardInterrupt:  # pragma: no cover - SIGINT is ignored here
                    pass


# --------------------------------------------------------------------------- engines
def open_engine(workers: int | None, scheduler: str | None, cluster: str | None, n_tasks: int):
    """The executor for a sweep: local processes, a Dask cluster, or a Dask LocalCluster."""
    if scheduler:
        return DaskEngine(address=scheduler)
    if cluster == "local":
        return DaskEngine(workers=workers or default_workers())
    workers = max(1, min(workers or default_workers(), n_tasks))
    return LocalEngine(workers) if workers > 1 else InlineEngine()


class InlineExecutor(Executor):
    """Runs each task in this process when it is submitted (one worker: no process to start)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        fut: Future = Future()
        fut.set_running_or_notify_cancel()
        try:
            fut.set_result(fn(*args, **kwargs))
        except Exception as exc:  # noqa: BLE001 - delivered through the future, as a pool would
            fut.set_exception(exc)
        return fut


class InlineEngine:
    """One worker: the sweep's own process."""

    window = 1
    starts_workers = False

    def __init__(self):
        self.executor = InlineExecutor()
        self.description = t("sweep.engine_inline")

    def restart(self) -> None:  # pragma: no cover - an inline executor never breaks
        pass

    def close(self) -> None:
        pass


class LocalEngine:
    """Local worker processes (spawned; they ignore Ctrl-C and exit when the sweep dies)."""

    starts_workers = True

    def __init__(self, workers: int):
        self.workers = workers
        self.window = 3 * workers
        self.description = t("sweep.engine_local", n=workers)
        self.executor = self._pool()

    def _pool(self) -> Executor:
        from simcenter.run.pool import local_executor

        return local_executor(self.workers)

    def restart(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = self._pool()

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


class DaskEngine:
    """A Dask distributed cluster: an existing scheduler, or a LocalCluster started here."""

    starts_workers = False

    def __init__(self, address: str | None = None, workers: int | None = None):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise InputError([Problem("--scheduler" if address else "--cluster", 1, "",
                                      t("sweep.needs_extra", extra="cluster", what="Dask"))]) from None
        for name in ("distributed", "tornado", "bokeh"):
            logging.getLogger(name).setLevel(logging.ERROR)
        self.cluster = None
        if address:
            try:
                self.client = Client(address, timeout="10s", set_as_default=False)
            except (OSError, TimeoutError, ValueError) as exc:
                raise InputError([Problem("--scheduler", 1, "scheduler",
                                          t("sweep.no_scheduler", address=address, error=describe(exc)))]) from None
            where = address
        else:
            with ctrl_c_ignored():  # the cluster's processes inherit "ignore Ctrl-C"
                self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                            dashboard_address=None, silence_logs=logging.ERROR)
                self.client = Client(self.cluster, set_as_default=False)
            where = "local cluster"
        try:
            self._check_workers(address)
        except BaseException:
            self.close()
            raise
        threads = sum(self.client.nthreads().values())
        self.window = max(4, 2 * threads)
        self.description = t("sweep.engine_dask", where=where, n=len(self.client.nthreads()), threads=threads)
        self.executor = self.client.get_executor(pure=False)

    def _check_workers(self, address: str | None) -> None:
        from simcenter import __version__

        if not self.client.nthreads():
            try:
                self.client.wait_for_workers(1, timeout=60)
            except (TimeoutError, OSError):
                raise InputError([Problem("--scheduler", 1, "scheduler", t("sweep.no_workers", address=address))]) \
                    from None
        try:
            versions = self.client.run(worker_version)
        except Exception as exc:  # noqa: BLE001 - a worker without simcenter
            raise InputError([Problem("--scheduler", 1, "scheduler",
                                      t("sweep.workers_lack_simcenter", error=describe(exc)))]) from None
        wrong = sorted({v for v in versions.values() if v != __version__})
        if wrong:
            raise InputError([Problem("--scheduler", 1, "scheduler",
                                      t("sweep.worker_version", theirs=", ".join(wrong), ours=__version__))])

    def restart(self) -> None:  # pragma: no cover - Dask reschedules a dead worker's tasks itself
        pass

    def close(self) -> None:
        executor = getattr(self, "executor", None)
        if executor is not None:
            executor.shutdown(wait=False)
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
