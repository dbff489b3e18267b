"""``compare``: load, run, save and report a comparison, the folder appearing whole or not at all."""

from __future__ import annotations

import os
import shutil
import time
from concurrent.futures import Executor
from pathlib import Path
from typing import Callable, Sequence

from simcenter.compare.designs import Design, default_baseline, load_designs
from simcenter.compare.running import run_comparison
from simcenter.compare.saving import save
from simcenter.errors import InputError, Problem
from simcenter.i18n import t
from simcenter.run.pool import default_workers, local_executor, submit_all
from simcenter.compare import WORKER_MODULES


def compare(paths: Sequence[str | os.PathLike], out: Path, reps: int = 30, seed: int = 1,
            baseline: str | None = None, workers: int | None = None, overrides: Sequence[str] = (),
            progress: Callable[[int, int], None] | None = None,
            loaded: tuple[list[Design], list[str]] | None = None, pool: Executor | None = None) -> dict:
    """Load, run, save and report a comparison; return the analysis. ``loaded``: what
    ``load_designs(paths, overrides)`` returned, if the caller has already loaded them;
    ``pool``: worker processes the caller started (this shuts it down, without waiting, once
    the report has handed out its last figure), else ``workers`` are started here.

    The folder appears complete or not at all: everything is written to a temporary
    sibling and moved into place at the end, so an interrupted comparison leaves no
    half-written report (and an earlier report in ``out`` stays as it was).
    """
    designs, notes = loaded if loaded is not None else load_designs(paths, overrides)
    names = [d.name for d in designs]
    if baseline is None:
        baseline = default_baseline(designs)
    elif baseline not in names:
        import difflib

        hint = difflib.get_close_matches(baseline, names, n=1)
        raise InputError([Problem("--baseline", 1, "baseline", t("compare.unknown_baseline", name=baseline,
                                  names=", ".join(names)) + (f" (did you mean '{hint[0]}'?)" if hint else ""))])
    workers = workers or default_workers()
    tasks = len(designs) * reps
    # One pool of worker processes for the runs and then the report's statistics and figures
    # (made there while this process writes the report's tables).
    own_pool = pool is None and workers > 1 and tasks > 1
    if own_pool:
        pool = local_executor(min(workers, tasks), preload=WORKER_MODULES)

    def meanwhile() -> None:
        report = _import_report()
        if pool is not None:  # queued after the runs: each worker, done with its last run, gets ready
            submit_all(pool, report.prepare_worker, [()] * min(workers, tasks))

    try:
        start = time.perf_counter()
        results = run_comparison(designs, reps, seed, workers, progress, pool=pool, meanwhile=meanwhile)
        wall = time.perf_counter() - start
        out = Path(out)
        tmp = out.parent / f".{out.name}.partial-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            save(tmp, designs, results, baseline, seed, reps, notes, wall)
            analysis = _import_report().build_report(tmp, executor=pool, workers=min(workers, tasks))
            _swap_into_place(tmp, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    finally:
        if own_pool:
            pool.shutdown(wait=True, cancel_futures=True)
    analysis["notes"] = notes
    return analysis


def _import_report():
    """The report's code (pandas and all), imported while the workers run."""
    import pandas  # noqa: F401  (for ``save``)

    from simcenter.report import build

    return build


def _swap_into_place(tmp: Path, out: Path) -> None:
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        out.rename(old)
    tmp.rename(out)
    shutil.rmtree(old, ignore_errors=True)
