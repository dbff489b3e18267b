"""``robust``: every design over the same sample of futures and the same seeds, then regret,
satisficing and the conditions of failure, written to a folder that appears whole or not at all."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from simcenter import metrics
from simcenter.comparison.designs import Design, load_designs
from simcenter.config.loader import source_files
from simcenter.errors import InputError, Problem, writing_to
from simcenter.files import FLOAT_FORMAT
from simcenter.i18n import language, t
from simcenter.outputs import prepare_output, staged
from simcenter.rng import replicate_seeds
from simcenter.robust.futures import default_uncertainties, future_scenario, sample_futures
from simcenter.robust.measures import robustness_table, summary_markdown
from simcenter.robust.thresholds import DEFAULT, load_thresholds, satisficing
from simcenter.run.engines import open_engine
from simcenter.run.many import run_many
from simcenter.run.runner import MAX_RUNS, check_replicates
from simcenter.run.task import Keep, Run
from simcenter.version import __version__

FUTURES = 30
REPLICATES = 10
REGRET_OUTCOMES = ("months_operating", "served")


def robust(paths: Sequence[str | os.PathLike], out: str | os.PathLike = "results/robust", futures: int = FUTURES,
           reps: int = REPLICATES, seed: int = 1, thresholds: str | os.PathLike | None = None,
           outcomes: Sequence[str] = REGRET_OUTCOMES, workers: int | None = None, scheduler: str | None = None,
           overrides: Sequence[str] = (), progress: Callable[[int, int], None] | None = None,
           force: bool = False, engine=None) -> dict:
    """Run every design (``paths``: scenario files or folders, as ``compare`` finds them) in
    ``futures`` futures x ``reps`` replicates; write ``robustness.csv``, ``by_future.csv``,
    ``futures.csv``, ``robust.md`` and ``robust.json`` to ``out``; return the tables.

    Raises:
        InputError: a scenario or the thresholds file is invalid, an outcome is unknown, too many
            runs, ``out`` is refused, or a future makes a design invalid.
    """
    ths = load_thresholds(thresholds) if thresholds is not None else DEFAULT
    bad = [o for o in outcomes if o not in metrics.NAMES]
    if bad:
        raise InputError([Problem("--outcome", 1, "outcome", t("robust.unknown_outcome", name=o)) for o in bad])
    designs, notes = load_designs(paths, overrides)
    check_replicates(reps)
    runs_total = len(designs) * futures * reps
    if runs_total > MAX_RUNS:
        raise InputError([Problem("--futures", 1, "futures", t("robust.too_many_runs", runs=runs_total,
                                                                 limit=MAX_RUNS))])
    inputs = [*paths, *(f for d in designs for f in source_files(d.file)), *([thresholds] if thresholds else [])]
    out = prepare_output(out, "robust", inputs, force)
    table = sample_futures(futures, seed)
    scenarios = _scenarios(designs, table)
    needed = tuple(dict.fromkeys([*outcomes, *(th.outcome for th in ths)]))
    start = time.perf_counter()
    values, run_seconds = _run(scenarios, len(designs), futures, reps, seed, needed, engine, workers, scheduler,
                               progress)
    wall = time.perf_counter() - start
    names = [d.name for d in designs]
    meets = satisficing(values, ths)
    robustness, by_future, boxes = robustness_table(names, values, meets, table, outcomes)
    for outcome in needed:
        by_future[f"median_{outcome}"] = np.median(values[outcome], axis=-1).reshape(-1)
    with staged(out, "robust") as tmp:
        for name, frame in (("robustness.csv", robustness), ("by_future.csv", by_future), ("futures.csv", table)):
            with writing_to(tmp / name):
                frame.to_csv(tmp / name, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
        md = summary_markdown(robustness, boxes, ths, outcomes, reps, {d.name: _title(d.scenario) for d in designs})
        with writing_to(tmp / "robust.md"):
            (tmp / "robust.md").write_text(md, encoding="utf-8")
        meta = {"version": __version__, "designs": [{"name": d.name, "file": d.file} for d in designs],
                "futures": futures, "replicates": reps, "seed": seed, "outcomes": list(outcomes),
                "thresholds": [vars(th) for th in ths], "notes": notes,
                "runs": runs_total, "run_seconds": round(run_seconds, 1), "wall_seconds": round(wall, 1),
                "uncertainties": [{"name": u.name, "target": u.target, "low": u.low, "high": u.high}
                                  for u in default_uncertainties()],
                "boxes": [{"design": name, "limits": [[p, kind, _plain(limit)] for p, kind, limit in box.limits],
                           "coverage": box.coverage, "density": box.density}
                          for name, box in zip(names, boxes) if box is not None and box.limits]}
        with writing_to(tmp / "robust.json"):
            (tmp / "robust.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return {"robustness": robustness, "by_future": by_future, "futures": table, "markdown": md, "notes": notes,
            "out": Path(out)}


def _scenarios(designs: Sequence[Design], table) -> list[list]:
    """Every design in every future, validated here: a future a design cannot take stops the command
    before any run."""
    columns = [c for c in table.columns if c != "future"]
    problems: list[Problem] = []
    out = []
    for d in designs:
        row = []
        for values in table[columns].to_dict(orient="records"):
            try:
                row.append(future_scenario(d.scenario, values))
            except InputError as exc:
                problems.extend(Problem(d.file, 1, p.path, t("robust.future_invalid", message=p.message))
                                for p in exc.problems[:1])
                break
        out.append(row)
    if problems:
        raise InputError(problems)
    return out


def _run(scenarios, n_designs: int, n_futures: int, reps: int, seed: int, outcomes: tuple[str, ...], engine,
         workers, scheduler, progress) -> tuple[dict[str, np.ndarray], float]:
    """Outcome -> designs x futures x replicates; replicate r of every design and future with the
    same seed (common random numbers)."""
    seeds = replicate_seeds(seed, reps)
    keep = Keep(outcomes=outcomes, series=())
    runs = [Run((d, f, r), scenarios[d][f], s, keep)
            for f in range(n_futures) for r, s in enumerate(seeds) for d in range(n_designs)]
    values = {o: np.full((n_designs, n_futures, reps), np.nan) for o in outcomes}
    seconds = 0.0
    own = engine is None
    if own:
        engine = open_engine(workers, scheduler=scheduler, n_tasks=len(runs), warm=True)
    try:
        for done, result in enumerate(run_many(runs, engine), 1):
            d, f, r = result.key
            seconds += result.seconds
            for o in outcomes:
                values[o][d, f, r] = result.kpis[o]
            if progress:
                progress(done, len(runs))
    finally:
        if own:
            engine.close()
    return values, seconds


def _title(scenario) -> str:
    """A design's display name in the language in force: its ``title_bg`` in Bulgarian, else its ``title``,
    else its name (as the comparison report shows it)."""
    shown = scenario.title_bg if language() == "bg" else None
    return shown or scenario.title or scenario.name


def _plain(limit):
    """A box's limit as JSON can hold it (numbers and lists of them or of strings)."""
    if isinstance(limit, (tuple, list, set, frozenset)):
        return [_plain(v) for v in limit]
    if isinstance(limit, (np.integer, np.floating)):
        return limit.item()
    return limit

