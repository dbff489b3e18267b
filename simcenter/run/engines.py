"""Where runs are done: an engine wraps a ``concurrent.futures.Executor`` (local worker processes,
a Dask cluster, or this process) with what the orchestrator needs: how many runs to keep in
flight (``window``), how to restart it after a crash, how to close it."""

from __future__ import annotations

import logging
import time
from concurrent.futures import Executor, Future

from simcenter.errors import InputError, Problem
from simcenter.extras import Notice, require
from simcenter.i18n import t
from simcenter.run.pool import check_main_guarded, ctrl_c_ignored, default_workers, local_executor, start
from simcenter.run.task import describe


WORKER_TIMEOUT = 60.0
"""Seconds a Dask cluster may have no worker before a command stops (at the start, or midway)."""


def open_engine(workers: int | None = None, scheduler: str | None = None, cluster: str | None = None,
                n_tasks: int | None = None, preload: tuple[str, ...] = (), warm: bool = False,
                worker_timeout: float = WORKER_TIMEOUT):
    """Where runs are done: local worker processes (``workers``, default all cores, at most one a
    task), a Dask cluster at ``scheduler``'s address, a Dask LocalCluster (``cluster="local"``), or
    this process (one worker). ``preload`` and ``warm``: as ``local_executor``'s. ``worker_timeout``:
    a Dask cluster without a worker for this many seconds stops the command (``NoWorkers``)."""
    if scheduler:
        return DaskEngine(address=scheduler, worker_timeout=worker_timeout)
    if cluster == "local":
        return DaskEngine(workers=workers or default_workers(), worker_timeout=worker_timeout)
    workers = workers or default_workers()
    if n_tasks is not None:
        workers = min(workers, n_tasks)
    return LocalEngine(workers, preload, warm) if workers > 1 else InlineEngine()


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
    """One worker: the command's own process."""

    window = 1
    starts_workers = False
    workers = 1

    def __init__(self):
        self.executor = InlineExecutor()
        self.description = t("sweep.engine_inline")

    def start(self) -> None:
        pass

    def restart(self) -> None:  # pragma: no cover - an inline executor never breaks
        pass

    def close(self, wait: bool = True) -> None:
        pass


class LocalEngine:
    """Local worker processes (``simcenter.run.pool``: they ignore Ctrl-C and exit when the
    command dies)."""

    starts_workers = True

    def __init__(self, workers: int, preload: tuple[str, ...] = (), warm: bool = False):
        self.workers = workers
        self.preload = preload
        self.warm = warm
        self.window = 3 * workers
        self.description = t("sweep.engine_local", n=workers)
        self.executor = self._pool()

    def _pool(self) -> Executor:
        return local_executor(self.workers, warm=self.warm, preload=self.preload)

    def start(self) -> None:
        """Start the worker processes now, in the background (else they start with the first runs)."""
        start(self.executor, self.workers)

    def restart(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = self._pool()

    def close(self, wait: bool = True) -> None:
        """Stop the workers (``wait``: until they have)."""
        self.executor.shutdown(wait=wait, cancel_futures=True)


class NoWorkers(InputError):
    """A Dask cluster has had no worker for ``worker_timeout`` seconds: one line, exit code 2. What
    was computed is the caller's to keep (a sweep has stored it; the same command resumes)."""

    def __init__(self, message: str):
        super().__init__([Notice("--scheduler", 1, "", message)])


class DaskEngine:
    """A Dask distributed cluster: an existing scheduler, or a LocalCluster started here.

    ``watch`` (called by ``run_many`` while it waits) looks at the cluster's workers once a second:
    a worker that left is noted in ``lost`` (its address and the time), and a cluster left without
    any worker for ``worker_timeout`` seconds raises ``NoWorkers`` instead of waiting forever."""

    starts_workers = False

    def __init__(self, address: str | None = None, workers: int | None = None,
                 worker_timeout: float = WORKER_TIMEOUT):
        self.address = address or "local cluster"
        self.worker_timeout = float(worker_timeout)
        self.lost: list[tuple[str, str]] = []  # (worker address, local time it was missed)
        self._seen: set[str] = set()
        self._looked = 0.0
        self._empty_since: float | None = None
        distributed = require("distributed")
        Client, LocalCluster = distributed.Client, distributed.LocalCluster
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
            check_main_guarded()  # the cluster's worker processes are spawned: they import the script again
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
        self._seen = set(self.client.nthreads())
        threads = sum(self.client.nthreads().values())
        self.workers = threads
        self.window = max(4, 2 * threads)
        self.description = t("sweep.engine_dask", where=where, n=len(self.client.nthreads()), threads=threads)
        self.executor = self.client.get_executor(pure=False)

    def _check_workers(self, address: str | None) -> None:
        from simcenter.version import __version__

        if not self.client.nthreads():
            try:
                self.client.wait_for_workers(1, timeout=self.worker_timeout)
            except (TimeoutError, OSError):
                raise NoWorkers(t("sweep.no_workers", address=self.address, seconds=f"{self.worker_timeout:g}")) \
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

    def watch(self) -> None:
        """Note the workers that left; raise ``NoWorkers`` once none has been there for
        ``worker_timeout`` seconds. Looks at most once a second."""
        now = time.monotonic()
        if now - self._looked < 1.0:
            return
        self._looked = now
        if self._look():
            self._empty_since = None
        elif self._empty_since is None:
            self._empty_since = now
        elif now - self._empty_since >= self.worker_timeout:
            raise NoWorkers(t("sweep.workers_gone", address=self.address, seconds=f"{self.worker_timeout:g}"))

    def _look(self) -> set[str]:
        """The workers there now; those gone since the last look are added to ``lost``."""
        try:
            current = set(self.client.nthreads())
        except (OSError, TimeoutError):  # the scheduler is unreachable: no worker either
            current = set()
        when = time.strftime("%H:%M:%S")
        self.lost += [(address, when) for address in sorted(self._seen - current)]
        self._seen = current
        return current

    def workers_lost(self) -> list[tuple[str, str]]:
        """Every worker that left (address, local time it was missed), after a last look."""
        self._look()
        return list(self.lost)

    def start(self) -> None:
        pass

    def restart(self) -> None:  # pragma: no cover - Dask reschedules a dead worker's tasks itself
        pass

    def close(self, wait: bool = True) -> None:
        executor = getattr(self, "executor", None)
        if executor is not None:
            executor.shutdown(wait=False)
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def worker_version() -> str:
    """The simcenter version a (remote) worker has installed."""
    from simcenter.version import __version__

    return __version__
