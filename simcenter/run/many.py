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


def run_many(runs: Iterable[Run], engine=None, *, on_all_submitted: Callable[[], object] | None = None
             ) -> Iterator[RunResult]:
    """Do every run on ``engine`` (``simcenter.run.engines.open_engine``; None: in this process) and
    yield each result as it is done (in any order: ``RunResult.key`` says which).

    ``on_all_submitted``: called once the last run has been handed to the engine (work for the
    caller's process, or tasks to queue behind the runs).
    """
    if engine is None:
        from simcenter.run.engines import InlineEngine

        engine = InlineEngine()
    queue = collections.deque(runs)
    pending: dict[Future, Run] = {}
    restarts = 0
    announced = False

    def fill(first: bool = False) -> None:
        nonlocal announced
        batch = []
        while queue and len(pending) + len(batch) < engine.window:
            batch.append(queue.popleft())
        if batch:
            if first and engine.starts_workers:  # workers start here: Ctrl-C must not reach them while they import
                futures = submit_all(engine.executor, execute, [(r,) for r in batch])
            else:
                futures = [engine.executor.submit(execute, r) for r in batch]
            pending.update(zip(futures, batch))
        if not queue and not announced:
            announced = True
            if on_all_submitted is not None:
                on_all_submitted()

    try:
        fill(first=True)
        while pending:
            finished, _ = wait(list(pending), timeout=0.5, return_when=FIRST_COMPLETED)
            broken = False
            for fut in finished:
                run = pending.pop(fut)
                try:
                    result = fut.result()
                except BrokenProcessPool:
                    queue.appendleft(run)
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
                yield result
            if broken:
                restarts += 1
                if restarts > MAX_POOL_RESTARTS:
                    raise RuntimeError(t("sweep.workers_keep_dying", n=restarts))
                queue.extendleft(reversed(list(pending.values())))
                pending.clear()
                engine.restart()
                fill(first=True)
                continue
            fill()
    finally:
        for fut in pending:
            fut.cancel()
