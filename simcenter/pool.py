"""Local worker processes: a pool, started early and warmed up while the caller does other work.

Light on purpose (no numpy, pandas or Mesa at import): the command line starts the pool before
it imports the model, so the workers import theirs at the same time as the main process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Sequence

from simcenter import quickexit


def default_workers() -> int:
    """All cores."""
    return max(1, os.cpu_count() or 1)


def local_executor(workers: int, warm: bool = False) -> Executor:
    """A pool of local worker processes ("spawn": safe with threads, the same on every OS).

    Workers ignore Ctrl-C: the main process handles it, cancels what is queued and exits
    cleanly, instead of every worker printing its own traceback. They exit if the main process
    dies (``kill -9``), and when the pool shuts down they exit without tearing the interpreter
    down module by module (with the compiled loops and the plotting library loaded, that took
    0.6 s, which the main process spent waiting for them). With ``warm``, each worker imports
    the model and loads its compiled loops as it starts (``start`` starts them now).
    """
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_init_worker, initargs=(warm, os.getpid()))


def start(pool: Executor, workers: int) -> None:
    """Start ``workers`` processes of ``pool`` now (a pool starts them only as work arrives)."""
    submit_all(pool, _nothing, [()] * workers)


def _nothing() -> None:
    return None


def _init_worker(warm: bool = False, parent: int | None = None) -> None:
    quickexit.register().set(0)  # first registered, so it runs last: every other exit handler runs before
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent is not None:
        threading.Thread(target=_watch_parent, args=(parent,), name="parent-watch", daemon=True).start()
    if warm:
        import numpy as np

        import simcenter.compare  # noqa: F401  (the model, the runner, pandas, Mesa)
        from simcenter import kernels

        kernels.lowest(np.arange(3, dtype=np.intp), np.array([0.3, 0.1, 0.2], dtype=np.float32), 1,
                       np.empty(1, dtype=np.intp))  # loads the compiled code (LLVM), once


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def submit_all(pool: Executor, fn, tasks: Sequence[tuple]) -> list:
    """Submit ``fn(*task)`` for every task. While local workers start, Ctrl-C is ignored in the
    parent: processes started then inherit "ignore", so a Ctrl-C never reaches a worker that is
    still importing (where it would print a traceback); the parent handles Ctrl-C afterwards."""
    if threading.current_thread() is not threading.main_thread():
        return [pool.submit(fn, *task) for task in tasks]
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        return [pool.submit(fn, *task) for task in tasks]
    finally:
        signal.signal(signal.SIGINT, previous)
