"""Comparing designs: every scenario over the same seeds (paired replicates), results saved.

Replicate i of every design uses the same seed, so the people, their needs and every
exogenous event are the same across designs: differences between designs are paired. The
saved folder holds everything the report needs (``simcenter report DIR`` rebuilds it
without running anything).
"""

from __future__ import annotations

import json
import os
import shutil
import time
import warnings
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np

from simcenter import __version__, metrics
from simcenter.config.loader import find_scenario_files, load_scenario
from simcenter.config.schema import Scenario
from simcenter.errors import InputError, Problem, writing_to
from simcenter.i18n import t
from simcenter.levers import apply_levers
from simcenter.results import FLOAT_FORMAT, resolved_yaml, writable_folder
from simcenter.rng import replicate_seeds
from simcenter.pool import default_workers, local_executor, submit_all

INCOME_CATEGORIES = ("eu", "national", "municipal", "corporate", "philanthropy", "partners", "fees")
"""Where the centre's money comes from, as shown in the funding-mix figure."""
BAND_OUTCOMES = metrics.NAMES


@dataclass
class Design:
    """One scenario taking part in a comparison."""

    name: str
    file: str
    scenario: Scenario


@dataclass
class TaskResult:
    """What a worker sends back for one (design, seed): small, so parallel runs stay cheap."""

    design: int
    replicate: int
    seed: int
    kpis: dict[str, float]
    timeseries: np.ndarray  # months x outcomes
    income: np.ndarray  # months x INCOME_CATEGORIES, EUR
    seconds: float


def load_designs(paths: Sequence[str | os.PathLike], overrides: Sequence[str] = ()) -> tuple[list[Design], list[str]]:
    """Load every scenario; refuse the lot if any is invalid or two share a name.

    Returns the designs and warnings (e.g. horizons cut to the shortest one).
    """
    files = find_scenario_files(paths)
    if not files:
        raise InputError([Problem(str(p), 1, "", t("cli.no_files", paths=p)) for p in paths])
    problems: list[Problem] = []
    designs: list[Design] = []
    for f in files:
        try:
            designs.append(Design(name="", file=str(f), scenario=load_scenario(f, overrides)))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    seen: dict[str, str] = {}
    for d in designs:
        d.name = d.scenario.name
        if d.name in seen:
            problems.append(Problem(d.file, _name_line(d.file), "name",
                                    t("compare.duplicate_name", name=d.name, other=seen[d.name])))
        seen.setdefault(d.name, d.file)
    if problems:
        raise InputError(problems)
    notes = []
    years = {d.scenario.horizon.years for d in designs}
    if len(years) > 1:
        common = min(years)
        notes.append(t("compare.horizon_cut", years=common, found=", ".join(map(str, sorted(years)))))
        for d in designs:
            d.scenario = apply_levers(d.scenario, {"years": common})
    starts = {d.scenario.horizon.start for d in designs}
    if len(starts) > 1:
        notes.append(t("compare.start_differs", starts=", ".join(sorted(starts))))
    return designs, notes


def _name_line(file: str) -> int:
    from simcenter.config.loader import load_tree

    try:
        _, locs = load_tree(file)
        return locs.get(("name",), (file, 1))[1]
    except InputError:
        return 1


def _income_categories(scenario: Scenario) -> dict[str, str]:
    cats = {fid: f.type for fid, f in scenario.funding.funders.items()}
    cats.update({pid: "partners" for pid in scenario.partners})
    cats["clients"] = "fees"
    return cats


def run_task(design: int, replicate: int, scenario: Scenario, seed: int, draws=None) -> TaskResult:
    """Run one design with one seed and reduce it to what a comparison keeps (picklable).
    ``draws``: a ``simcenter.draws.DrawTape`` shared by the designs run with this seed."""
    from simcenter.runner import run_model

    start = time.perf_counter()
    model, _ = run_model(scenario, seed, draws=draws)
    seconds = time.perf_counter() - start
    months = scenario.horizon.months
    income = np.zeros((months, len(INCOME_CATEGORIES)))
    column = {src: INCOME_CATEGORIES.index(cat) for src, cat in _income_categories(scenario).items()}
    # Money into the centre from a known source, by month and category, in EUR (cents / 100),
    # added in the ledger's order (what ``np.add.at`` over ``simulate``'s ledger table gives).
    for month, src, cents in model.ledger.inflows("center"):
        k = column.get(src)
        if k is not None:
            income[month, k] += cents / 100
    timeseries = model.timeseries[: model.months]
    kpis = dict(zip(metrics.NAMES, timeseries[-1].tolist()))
    return TaskResult(design, replicate, seed, kpis, timeseries, income, seconds)


def run_replicate(replicate: int, seed: int, designs: Sequence[tuple[int, Scenario]]) -> list[TaskResult]:
    """Run designs (index, scenario) with one replicate's seed, one after the other: they share the
    month's random numbers (a ``DrawTape``: made by the first, read by the others; the same numbers
    each would make), 5-8 % of a run saved for every design after the first."""
    return list(_replicate_runs(replicate, seed, designs))


def _replicate_runs(replicate: int, seed: int, designs: Sequence[tuple[int, Scenario]]) -> Iterator[TaskResult]:
    """``run_replicate``, a run at a time."""
    from simcenter.draws import DrawTape

    tape = DrawTape(seed)
    for i, scenario in designs:
        yield run_task(i, replicate, scenario, seed, tape)


def _replicate_tasks(designs: Sequence[Design], seeds: Sequence[int], workers: int) -> list[tuple]:
    """``run_replicate`` tasks: a replicate's designs together, split into smaller groups when there
    are too few replicates to keep every worker busy (at least four tasks a worker)."""
    indexed = [(i, d.scenario) for i, d in enumerate(designs)]
    parts = min(len(indexed), max(1, -(-4 * workers // len(seeds))))
    size = -(-len(indexed) // parts)
    return [(r, s, indexed[k: k + size]) for r, s in enumerate(seeds) for k in range(0, len(indexed), size)]


def run_comparison(designs: Sequence[Design], reps: int, seed: int, workers: int | None = None,
                   progress: Callable[[int, int], None] | None = None,
                   pool: Executor | None = None, meanwhile: Callable[[], object] | None = None) -> list[TaskResult]:
    """Run every design over the same ``reps`` seeds; results ordered by (design, replicate).

    The designs of one replicate run together (``run_replicate``: they share its random
    numbers). ``pool``: worker processes to use (left running for the caller); else ``workers``
    local ones are started and stopped here. ``meanwhile``: called once the runs are handed out
    (work for this process while the workers run), or first when there are no workers.
    """
    seeds = replicate_seeds(seed, reps)
    total = len(designs) * len(seeds)
    workers = workers or default_workers()
    out: list[TaskResult] = []
    if pool is None and (workers <= 1 or total <= 1):
        if meanwhile:
            meanwhile()
        indexed = [(i, d.scenario) for i, d in enumerate(designs)]
        for r, s in enumerate(seeds):
            for result in _replicate_runs(r, s, indexed):
                out.append(result)
                if progress:
                    progress(len(out), total)
    else:
        own_pool = pool is None
        if own_pool:
            pool = local_executor(min(workers, total))
        futures = submit_all(pool, run_replicate, _replicate_tasks(designs, seeds, workers))
        try:
            if meanwhile:
                meanwhile()
            for fut in as_completed(futures):
                out.extend(fut.result())
                if progress:
                    progress(len(out), total)
        except BaseException:
            for fut in futures:
                fut.cancel()
            raise
        finally:
            if own_pool:
                pool.shutdown(wait=True, cancel_futures=True)
    out.sort(key=lambda r: (r.design, r.replicate))
    return out


# --------------------------------------------------------------------------- saving
def save(folder: Path, designs: Sequence[Design], results: Sequence[TaskResult], baseline: str,
         seed: int, reps: int, notes: Sequence[str], wall_seconds: float) -> None:
    """Write the raw comparison results (kpis.csv, bands.csv, income.csv, comparison.json, scenarios/)."""
    import pandas as pd

    folder.mkdir(parents=True, exist_ok=True)
    kpi_rows = [{"scenario": designs[r.design].name, "replicate": r.replicate, "seed": r.seed, **r.kpis} for r in results]
    with writing_to(folder / "kpis.csv"):
        pd.DataFrame(kpi_rows, columns=["scenario", "replicate", "seed", *metrics.NAMES]).to_csv(
            folder / "kpis.csv", index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    band_frames, income_frames = [], []
    for i, d in enumerate(designs):
        mine = [r for r in results if r.design == i]
        stack = np.stack([r.timeseries for r in mine])  # reps x months x outcomes
        # Percentiles over replicates ignoring empty (NaN) values. nanpercentile works column by
        # column in Python (seconds for 100 replicates); percentile gives the same numbers at once
        # wherever nothing is empty, so nanpercentile is left only the columns with a NaN.
        q = np.percentile(stack, [5, 50, 95], axis=0)
        gaps = np.isnan(stack).any(axis=0)
        if gaps.any():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                q[:, gaps] = np.nanpercentile(stack[:, gaps], [5, 50, 95], axis=0)
        months, n_outcomes = stack.shape[1:]
        # Rows by outcome, then month: each quantile's (months x outcomes) table, transposed, flat.
        band_frames.append(pd.DataFrame({
            "scenario": d.name, "outcome": np.repeat(np.array(metrics.NAMES, dtype=object), months),
            "month": np.tile(np.arange(months), n_outcomes),
            "p05": q[0].T.ravel(), "median": q[1].T.ravel(), "p95": q[2].T.ravel()}))
        income = np.mean(np.stack([r.income for r in mine]), axis=0)
        frame = pd.DataFrame(income, columns=list(INCOME_CATEGORIES))
        frame.insert(0, "month", np.arange(months))
        frame.insert(0, "scenario", d.name)
        income_frames.append(frame)
        (folder / "scenarios").mkdir(exist_ok=True)
        resolved = folder / "scenarios" / f"{_safe(d.name)}.resolved.yaml"
        with writing_to(resolved):
            resolved.write_text(resolved_yaml(d.scenario), encoding="utf-8")
    for name, frames in (("bands.csv", band_frames), ("income.csv", income_frames)):
        with writing_to(folder / name):
            pd.concat(frames, ignore_index=True).to_csv(folder / name, index=False, float_format=FLOAT_FORMAT,
                                                        lineterminator="\n")
    meta = {
        "simcenter_version": __version__,
        "baseline": baseline,
        "seed": seed,
        "replicates": reps,
        "seeds": replicate_seeds(seed, reps),
        "months": designs[0].scenario.horizon.months,
        "notes": list(notes),
        "designs": [
            {"name": d.name, "file": d.file, "legal_form": d.scenario.center.legal_form,
             "management": d.scenario.center.management, "description": d.scenario.description.strip()}
            for d in designs
        ],
        "timings": {"wall_seconds": round(wall_seconds, 3),
                    "run_seconds_total": round(sum(r.seconds for r in results), 3)},
    }
    with writing_to(folder / "comparison.json"):
        (folder / "comparison.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def default_baseline(designs: Sequence[Design]) -> str:
    """The design the others are compared with when none is named: the one in a file named
    ``base.yaml`` (the file a folder's designs extend), else the first design given."""
    for d in designs:
        if Path(d.file).name == "base.yaml":
            return d.name
    return designs[0].name


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


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
    writable_folder(Path(out).parent)  # where the report is made and moved into place: refused now, not after the runs
    workers = workers or default_workers()
    tasks = len(designs) * reps
    # One pool of worker processes for the runs and then the report's statistics and figures
    # (made there while this process writes the report's tables).
    own_pool = pool is None and workers > 1 and tasks > 1
    if own_pool:
        pool = local_executor(min(workers, tasks))

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
