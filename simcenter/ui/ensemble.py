"""Many worlds, not one: each design on screen run over an ensemble of random worlds in the background.

The page steps one world (the seed's replicate 1, ``simcenter.ui.world.world_seed``). Alongside, every
design on screen is run to its horizon in ``SIZE`` worlds, the seeds ``simcenter.replicate_seeds(seed,
SIZE)`` of ``simcenter run FILE --seed SEED --reps SIZE``, the world on screen being the first of them.
The runs go to worker processes (``simcenter.open_engine``, one pool for the whole server, all cores),
never the web server's threads, through ``simcenter.run_many``: a thread per ensemble hands them out and
collects the results, so the page stays responsive. A design changed (a lever, the scenario, the seed)
is a new ensemble: the stale one is cancelled (its runs not yet started are dropped, its results
discarded). No Solara here (``simcenter.ui.panels`` shows it).
"""

from __future__ import annotations

import atexit
import threading
import time

import numpy as np

import simcenter
from simcenter import Keep, replicate_seeds

SIZE = 20
"""Worlds per design: enough for a share of closures and a 5-95% band a group can read, quick enough to
follow a lever's change."""
SERIES = ("cash_eur", "reached", "served", "ventures_launched", "ventures_launched_added", "ventures_scaled",
          "partner_engagement", "jobs", "jobs_added", "closed")
"""The monthly outcomes each world sends back: those the charts draw, and whether the centre has closed."""

_ENGINE = None
_ENGINE_LOCK = threading.Lock()


class Pool:
    """The server's pool of worker processes (``simcenter.open_engine``, all cores) as ``run_many`` sees
    it, but never restarted there: workers that died (the server being stopped: its process group is
    signalled, workers too) end that ensemble with an error, and the next ensemble opens a new pool.
    Restarting at once would start workers while the server exits."""

    def __init__(self):
        self.engine = simcenter.open_engine()
        self.broken = False
        # The workers go with the server; it waits for those still starting, which would otherwise find
        # the pool's semaphores gone and print a traceback (queued runs are cancelled, not waited for).
        atexit.register(_close, self.engine)

    def __getattr__(self, name):  # executor, window, workers, starts_workers: the engine's
        return getattr(self.engine, name)

    def restart(self) -> None:
        self.broken = True
        raise RuntimeError("the worker processes stopped")


def _close(pool) -> None:
    """Stop ``pool``'s workers as the server exits, waiting for those still starting; a pool caught
    starting (its manager thread not yet running) is left to exit with the server."""
    try:
        pool.close(wait=True)
    except RuntimeError:  # "cannot join thread before it is started"
        pass


def engine() -> Pool:
    """The server's one pool of worker processes, opened when first needed (again after its workers
    died). Its workers start with the first runs, in an ensemble's thread (``run_many``), where a
    failure to start is that ensemble's error, not a traceback."""
    global _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None or _ENGINE.broken:
            if _ENGINE is not None:
                _ENGINE.engine.close(wait=False)
            _ENGINE = Pool()
        return _ENGINE


class Ensemble:
    """One design (``config``, a validated scenario with the levers applied) over ``size`` worlds of ``seed``."""

    def __init__(self, config, seed: int, size: int = SIZE):
        self.config = config
        self.seed = seed
        self.size = size
        self.results: list = []
        self.error: str | None = None
        self.started = time.perf_counter()
        self.seconds: float | None = None  # how long it took, once done
        self.done = threading.Event()
        self._cancelled = threading.Event()
        self._thread = threading.Thread(target=self._collect, daemon=True, name="simcenter-ensemble")
        self._thread.start()

    def matches(self, config, seed: int) -> bool:
        """Is this the ensemble of ``config`` in the worlds of ``seed``?"""
        return seed == self.seed and (config is self.config or config == self.config)

    def cancel(self) -> None:
        """Stop: runs not yet started are dropped, results discarded."""
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    @property
    def ready(self) -> bool:
        """Every world done (and not cancelled)."""
        return self.done.is_set() and self.error is None and not self.cancelled

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until done (or ``timeout`` seconds); whether it is ready."""
        self.done.wait(timeout)
        return self.ready

    def _collect(self) -> None:
        keep = Keep(outcomes=("closed",), series=SERIES)
        runs = [simcenter.Run((i,), self.config, s, keep) for i, s in enumerate(replicate_seeds(self.seed, self.size))]
        results = []
        try:
            stream = simcenter.run_many(runs, engine())
            try:
                for result in stream:
                    if self.cancelled:
                        break
                    results.append(result)
            finally:
                stream.close()  # cancels what is still queued
            results.sort(key=lambda r: r.key)
            self.results = results
        except Exception as exc:  # noqa: BLE001 - shown as "not available", never a crash of the page
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.seconds = time.perf_counter() - self.started
            self.done.set()

    # ------------------------------------------------------------------ what the page shows
    def operating(self) -> int:
        """In how many worlds the centre still operates at the end of the horizon."""
        return sum(1 for r in self.results if r.kpis["closed"] == 0)

    def band(self, name: str, months: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Outcome ``name`` over the first ``months`` months: the 5th percentile, the median and the 95th,
        over the worlds, month by month."""
        column = SERIES.index(name)
        values = np.vstack([r.series[:months, column] for r in self.results])
        return (np.nanpercentile(values, 5, axis=0), np.nanmedian(values, axis=0),
                np.nanpercentile(values, 95, axis=0))


class Ensembles:
    """The ensembles of one group's designs: one per design on screen, renewed when the design changes."""

    def __init__(self, size: int = SIZE):
        self.size = size
        self.current: dict[str, Ensemble] = {}
        self.lock = threading.Lock()

    def follow(self, runs: dict) -> dict[str, Ensemble]:
        """The ensemble of each run on screen (``{which: ui.world.Run}``): the one already under way if
        the run's design and seed are the same, else a new one (the stale one cancelled)."""
        with self.lock:
            for which in [w for w in self.current if w not in runs]:
                self.current.pop(which).cancel()
            for which, run in runs.items():
                now = self.current.get(which)
                if now is None or not now.matches(run.config, run.seed):
                    if now is not None:
                        now.cancel()
                    self.current[which] = Ensemble(run.config, run.seed, self.size)
            return dict(self.current)

    def cancel(self) -> None:
        """Stop every ensemble (the session ends)."""
        with self.lock:
            for ensemble in self.current.values():
                ensemble.cancel()
            self.current.clear()
