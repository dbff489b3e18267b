"""``compare``: load, run, save and report a comparison, the folder appearing whole or not at all."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable, Sequence

from simcenter.comparison import WORKER_MODULES
from simcenter.comparison import decomposition as split
from simcenter.comparison.designs import Design, default_baseline, load_designs
from simcenter.comparison.running import run_comparison
from simcenter.comparison.saving import Kept, save
from simcenter.config.loader import source_files
from simcenter.errors import InputError, Problem
from simcenter.i18n import t
from simcenter.outputs import prepare_output, staged
from simcenter.run.engines import open_engine
from simcenter.run.pool import submit_all
from simcenter.run.runner import check_replicates


def compare(paths: Sequence[str | os.PathLike], out: Path, reps: int = 30, seed: int = 1,
            baseline: str | None = None, workers: int | None = None, overrides: Sequence[str] = (),
            progress: Callable[[int, int], None] | None = None,
            loaded: tuple[list[Design], list[str]] | None = None, engine=None, force: bool = False,
            decomposition: bool = True) -> dict:
    """Load, run, save and report a comparison; return the analysis. ``loaded``: what
    ``load_designs(paths, overrides)`` returned, if the caller has already loaded them;
    ``engine``: where to run (``simcenter.run.engines.open_engine``; the caller closes it), else
    ``workers`` local processes are started here and stopped at the end.

    ``out`` is replaced whole, and only if it is new, empty or an earlier comparison
    (``check_output``; ``force``: whatever it holds, but never a folder holding an input, the
    current or the home folder). The folder appears complete or not at all: everything is
    written to a temporary sibling and moved into place at the end, so an interrupted
    comparison leaves no half-written report (and an earlier report in ``out`` stays as it was).
    Memory stays bounded whatever ``reps``: the runs' monthly series go to files as they come.
    ``decomposition``: also split each design's difference into its parts (``decomposition``:
    decomposition.csv, a figure per design, a section of the report), its runs on the same engine.

    Raises:
        InputError: a scenario is invalid, ``baseline`` is not a design, ``reps`` is over the limit
            (``simcenter.run.runner.MAX_REPLICATES``, ``MAX_RUNS``), or ``out`` is refused.
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
    out = check_output(out, paths, designs, reps, force)  # refused now, not after the runs
    parts = split.plan_variants(designs, baseline) if decomposition and len(designs) > 1 else []
    collected = split.Collected(parts, split.replicates_for(len(designs), reps, parts))
    extra = split.variant_runs(parts, seed, collected.values.shape[1])
    own_engine = engine is None
    if own_engine:
        engine = open_engine(workers, n_tasks=len(designs) * reps + len(extra), preload=WORKER_MODULES)
    # One pool of worker processes for the runs and then the report's statistics and figures
    # (made there while this process writes the report's tables).
    executor = engine.executor if engine.starts_workers else None

    def all_submitted() -> None:
        report = _import_report()
        if executor is not None:  # queued after the runs: each worker, done with its last run, gets ready
            submit_all(executor, report.prepare_worker, [()] * engine.workers)

    try:
        with staged(out, "compare") as tmp:
            start = time.perf_counter()
            kept = Kept(tmp, designs, reps)
            try:
                run_comparison(designs, reps, seed, engine, progress, on_all_submitted=all_submitted, extra_runs=extra,
                               keep=lambda r: kept.add(r) if len(r.key) == 2 else collected.add(r))
            except BaseException:
                kept.close()
                raise
            wall = time.perf_counter() - start
            save(tmp, designs, kept, baseline, seed, reps, notes, wall)
            if parts:
                split.finish(tmp, designs, baseline, kept.kpis, parts, collected, seed, reps, executor)
            analysis = _import_report().build_report(tmp, executor=executor, workers=engine.workers)
    finally:
        if own_engine:
            engine.close()
    analysis["notes"] = notes
    return analysis


def check_output(out: str | os.PathLike, paths: Sequence[str | os.PathLike], designs: Sequence[Design],
                 reps: int, force: bool = False) -> Path:
    """Refuse, before any run, a comparison of too many runs, or an output folder ``compare`` must
    not replace (``simcenter.outputs.prepare_output``: one holding other files, unless ``force``;
    never one that is or holds a scenario it reads, the current or the home folder); return it."""
    check_replicates(reps, designs=len(designs))
    inputs = [*paths, *(f for d in designs for f in source_files(d.file))]
    return prepare_output(out, "compare", inputs, force)


def _import_report():
    """The report's code (pandas and all), imported while the workers run."""
    import pandas  # noqa: F401  (for ``save``)

    from simcenter.report import build

    return build
