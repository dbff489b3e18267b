"""The one orchestrator: many runs on an engine, a bounded window of them in flight, results as
they come. ``simcenter run``, ``compare`` and ``sweep`` all go through ``run_many``.

Memory stays bounded whatever the number of runs: at most ``engine.window`` runs are submitted
and not yet returned (the caller decides what to keep of each result). A crashed pool of local
workers is restarted and the runs it held are done again (up to ``MAX_POOL_RESTARTS`` times);
with ``Run.catch`` (a sweep), a run the machinery lost comes back as a result with status "lost"
instead of stopping everything. An interruption (Ctrl-C) cancels what is queued.
"""

from __future__ import annotations

import collections
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterable, Iterator

from simcenter.i18n import t
from simcenter.run.pool import submit_all
from simcenter.run.task import Run, RunResult, describe, execute

MAX_POOL_RESTARTS = 3


def run_many(runs: Iterable[Run], engine=None, *, on_all_submitted: Callable[[], object] | None = None,
             ordered: bool = False) -> Iterator[RunResult]:
    """Do every run on ``engine`` (``simcenter.run.engines.open_engine``; None: in this process) and
    yield each result as it is done (in any order: ``RunResult.key`` says which); with ``ordered``,
    in the order of ``runs`` (a result that comes early waits for those before it, and no run is
    handed out more than ``engine.window`` places ahead of the first not yet yielded, so that
    what waits stays bounded too).

    ``on_all_submitted``: called once the last run has been handed to the engine (work for the
    caller's process, or tasks to queue behind the runs).
    """
    if engine is None:
        from simcenter.run.engines import InlineEngine

        engine = InlineEngine()
    queue = collections.deque(enumerate(runs))
    pending: dict[Future, tuple[int, Run]] = {}
    early: dict[int, RunResult] = {}  # ordered: results waiting for those before them
    yielded = 0  # ordered: the place of the next result to yield
    restarts = 0
    announced = False

    def room() -> bool:
        if ordered:
            return queue[0][0] - yielded < engine.window
        return len(pending) + len(batch) < engine.window

    def fill(first: bool = False) -> None:
        nonlocal announced, batch
        batch = []
        while queue and room():
            batch.append(queue.popleft())
        if batch:
            if first and engine.starts_workers:  # workers start here: Ctrl-C must not reach them while they import
                futures = submit_all(engine.executor, execute, [(r,) for _, r in batch])
            else:
                futures = [engine.executor.submit(execute, r) for _, r in batch]
            pending.update(zip(futures, batch))
        if not queue and not announced:
            announced = True
            if on_all_submitted is not None:
                on_all_submitted()

    batch: list = []
    watch = getattr(engine, "watch", None)  # a cluster's: workers lost, none left for too long (raises)
    try:
        fill(first=True)
        while pending:
            finished, _ = wait(list(pending), timeout=0.5, return_when=FIRST_COMPLETED)
            if watch is not None:
                watch()
            broken = False
            for fut in finished:
                place, run = pending.pop(fut)
                try:
                    result = fut.result()
                except BrokenProcessPool:
                    queue.appendleft((place, run))
                    broken = True
                    continue
                except CancelledError:
                    if not run.catch:
                        raise
                    result = RunResult(run.key, run.scenario.name, run.seed, "lost", "cancelled")
                except Exception as exc:
                    if not run.catch:
                        raise
                    # execute never raises for such a run: the machinery failed (a worker died).
                    result = RunResult(run.key, run.scenario.name, run.seed, "lost", describe(exc))
                if not ordered:
                    yield result
                    continue
                early[place] = result
                while yielded in early:
                    yielded += 1
                    yield early.pop(yielded - 1)
            if broken:
                restarts += 1
                if restarts > MAX_POOL_RESTARTS:
                    raise RuntimeError(t("sweep.workers_keep_dying", n=restarts))
                again = sorted([*queue, *pending.values()], key=lambda item: item[0])
                queue.clear()
                queue.extend(again)
                pending.clear()
                engine.restart()
                fill(first=True)
                continue
            fill()
        if queue:  # pragma: no cover - cannot happen: every run before the queue's first is done
            raise RuntimeError(f"{len(queue)} runs were never handed out")
    finally:
        for fut in pending:
            fut.cancel()
