"""Many worlds, not one: each design on screen run over an ensemble of random worlds in the background.

The page steps one world (the seed's replicate 1, ``simcenter.ui.world.world_seed``). Alongside, every
design on screen is run to its horizon in ``SIZE`` worlds, the seeds ``simcenter.replicate_seeds(seed,
SIZE)`` of ``simcenter run FILE --seed SEED --reps SIZE``, the world on screen being the first of them.
The runs go to worker processes (``simcenter.open_engine``, one pool for the whole server, all cores),
never the web server's threads, through ``simcenter.run_many``: a thread per ensemble hands them out and
collects the results, so the page stays responsive. A design changed (a lever, the scenario, the seed)
is a new ensemble: the stale one is cancelled (its runs not yet started are dropped, its results
discarded). The same design in the same worlds is run once for the whole server (``share``): design B
while it is a copy of A, groups that open the page on the same design, a lever set back to where it
was (the last ``KEEP_DONE`` done are kept). The bands the charts draw are computed once, when the
worlds are done. No Solara here (``simcenter.ui.panels`` shows it).
"""

from __future__ import annotations

import atexit
import collections
import hashlib
import pickle
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


class Worlds:
    """One design (``config``, a validated scenario with the levers applied) over ``size`` worlds of ``seed``,
    computed once for every session that shows it (see ``share``)."""

    def __init__(self, key: tuple, config, seed: int, size: int):
        self.key = key
        self.config = config
        self.seed = seed
        self.size = size
        self.results: list = []
        self.error: str | None = None
        self.bands: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self.started = time.perf_counter()
        self.seconds: float | None = None  # how long it took, once done
        self.done = threading.Event()
        self.followers = 0  # sessions showing it (under _SHARED_LOCK)
        self._cancelled = threading.Event()
        self._thread = threading.Thread(target=self._collect, daemon=True, name="simcenter-ensemble")
        self._thread.start()

    def _collect(self) -> None:
        keep = Keep(outcomes=("closed", "staff"), series=SERIES)
        runs = [simcenter.Run((i,), self.config, s, keep) for i, s in enumerate(replicate_seeds(self.seed, self.size))]
        results = []
        try:
            stream = simcenter.run_many(runs, engine())
            try:
                for result in stream:
                    if self._cancelled.is_set():
                        break
                    results.append(result)
            finally:
                stream.close()  # cancels what is still queued
            if not self._cancelled.is_set():
                results.sort(key=lambda r: r.key)
                self.bands = percentile_bands(results)  # once here, not at every redraw of the charts
                self.results = results
        except Exception as exc:  # noqa: BLE001 - shown as "not available", never a crash of the page
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.seconds = time.perf_counter() - self.started
            self.done.set()


def percentile_bands(results: list) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """For each of ``SERIES``, month by month over the worlds: the 5th percentile, the median and the 95th."""
    if not results:
        return {}
    values = np.stack([r.series for r in results])  # worlds x months x series
    if np.isnan(values).any():
        low, median, high = (np.nanpercentile(values, q, axis=0) for q in (5, 50, 95))
    else:  # the same figures, without numpy's column-by-column path for NaN
        low, median, high = np.percentile(values, (5, 50, 95), axis=0)
    return {name: (low[:, k], median[:, k], high[:, k]) for k, name in enumerate(SERIES)}


KEEP_DONE = 64
"""Ensembles kept once done, for all sessions together (the least recently asked for goes first): a design
shown again (a lever set back, another group on the same design, B a copy of A) is not run again. Each
holds 20 worlds x 120 months x 10 outcomes, about 200 KB."""
_SHARED: collections.OrderedDict[tuple, Worlds] = collections.OrderedDict()
_SHARED_LOCK = threading.Lock()


def share(config, seed: int, size: int) -> Worlds:
    """The worlds of ``config`` and ``seed`` (a computation under way or done, shared by every session that
    shows the same design in the same worlds), else a new computation; the caller follows it (``leave``)."""
    digest = hashlib.blake2b(pickle.dumps(config, protocol=pickle.HIGHEST_PROTOCOL), digest_size=20).digest()
    key = (digest, seed, size)
    with _SHARED_LOCK:
        worlds = _SHARED.get(key)
        if worlds is not None and (worlds.error is not None or not (worlds.config is config or worlds.config == config)):
            worlds = None  # failed (the workers died: try again) or, against all odds, another design
        if worlds is None:
            worlds = Worlds(key, config, seed, size)
            _SHARED[key] = worlds
        _SHARED.move_to_end(key)
        worlds.followers += 1
        done = [k for k, w in _SHARED.items() if w.done.is_set() and w.followers == 0]
        for old in done[:max(0, len(done) - KEEP_DONE)]:
            del _SHARED[old]
    return worlds


def leave(worlds: Worlds) -> None:
    """A session no longer shows ``worlds``: when nobody does and it is not done, it is cancelled (its runs
    not yet started are dropped) and forgotten."""
    with _SHARED_LOCK:
        worlds.followers -= 1
        if worlds.followers <= 0 and not worlds.done.is_set():
            worlds._cancelled.set()
            if _SHARED.get(worlds.key) is worlds:
                del _SHARED[worlds.key]


class Ensemble:
    """One session's view of a design (``config``, a validated scenario with the levers applied) over
    ``size`` worlds of ``seed``: the worlds are computed once for all sessions (``share``)."""

    def __init__(self, config, seed: int, size: int = SIZE):
        self.config = config
        self.seed = seed
        self.size = size
        self.worlds = share(config, seed, size)
        self._cancelled = threading.Event()
        self._left = threading.Lock()

    # what the computation has: its results, its error, how long it took, whether it is done
    results = property(lambda self: self.worlds.results)
    error = property(lambda self: self.worlds.error)
    seconds = property(lambda self: self.worlds.seconds)
    started = property(lambda self: self.worlds.started)
    done = property(lambda self: self.worlds.done)

    def matches(self, config, seed: int) -> bool:
        """Is this the ensemble of ``config`` in the worlds of ``seed``?"""
        return seed == self.seed and (config is self.config or config == self.config)

    def cancel(self) -> None:
        """Stop showing it: its runs not yet started are dropped unless another session shows the same."""
        if self._left.acquire(blocking=False):
            self._cancelled.set()
            leave(self.worlds)

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

    # ------------------------------------------------------------------ what the page shows
    def operating(self) -> int:
        """In how many worlds the centre is still open (not closed) at the end of the horizon."""
        return sum(1 for r in self.results if r.kpis["closed"] == 0)

    def staffed(self) -> int:
        """In how many worlds the centre is open with a paid team at the end of the horizon (an open centre
        without one is dormant: registered, offering nothing)."""
        return sum(1 for r in self.results if r.kpis["closed"] == 0 and r.kpis["staff"] > 0)

    def band(self, name: str, months: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Outcome ``name`` over the first ``months`` months: the 5th percentile, the median and the 95th,
        over the worlds, month by month (computed once, when the worlds are done)."""
        low, median, high = self.worlds.bands[name]
        return low[:months], median[:months], high[:months]


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
