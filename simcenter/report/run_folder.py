"""The folder of a ``simcenter run``: CSV tables, the resolved scenario, run metadata, figures;
and ``run_scenario``, which runs the replicates and writes the folder as they come.

Memory stays bounded whatever the number of replicates: each replicate's rows are appended to the
tables as it arrives (in replicate order), the monthly values the figures need go to a file on
disk (``simcenter.run.spill``), and only the final outcomes are kept (a few hundred bytes each).
"""

from __future__ import annotations

import json
import math
import os
import platform
import time
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from simcenter import metrics
from simcenter.config.loader import source_files
from simcenter.version import __version__
from simcenter.config.schema import Scenario
from simcenter.files import FLOAT_FORMAT, AtomicFile, atomic_write, json_safe, resolved_yaml
from simcenter.outputs import prepare_output, staged
from simcenter.rng import replicate_seeds
from simcenter.run.runner import RunResult, check_replicates, iter_replicates, kpi_summary
from simcenter.run.spill import Spill
from simcenter.run.task import Keep

TABLES = {
    "timeseries.csv": ("replicate", "month", *metrics.NAMES),
    "kpis.csv": ("replicate", "seed", *metrics.NAMES),
    "ledger.csv": ("replicate", "month", "source", "destination", "kind", "amount_eur"),
    "plan.csv": ("replicate", "planned_month", "action", "done_month", "status"),
    "closure.csv": ("replicate", "seed", "closed", "closure_month", "closure_reason"),
}
"""The tables of a run folder and their columns, in the order they are written."""


def run_scenario(scenario: Scenario, reps: int, seed: int = 1, *, out: str | os.PathLike | None = None,
                 force: bool = False, inputs: Iterable[str | os.PathLike] = (), workers: int | None = None,
                 engine=None, progress: Callable[[int, int], None] | None = None, figures: bool = True) -> dict:
    """Run ``scenario`` over ``reps`` replicates; return its name, the seeds and every outcome's
    summary (``kpi_summary``). With ``out``, write the run folder (``write_run``'s files) as the
    replicates come, into a temporary sibling swapped into place at the end: an interrupted run
    leaves the earlier folder as it was. ``out`` must be new, empty or an earlier run's folder
    (unless ``force``), and never one that is or holds ``inputs`` (the scenario files read), the
    current or the home folder. Runs on ``engine``, else on ``workers`` local processes.

    Raises:
        InputError: ``reps`` over ``MAX_REPLICATES`` or ``out`` refused, before any run.
    """
    from simcenter.run.engines import open_engine

    check_replicates(reps)
    if out is not None:
        inputs = list(inputs)
        out = prepare_output(out, "run", [*inputs, *(f for p in inputs for f in source_files(p))], force)
    seeds = replicate_seeds(seed, reps)
    start = time.perf_counter()
    own_engine = engine is None
    if own_engine:
        engine = open_engine(workers, n_tasks=reps)
    try:
        if out is None:
            kpis = np.full((reps, len(metrics.NAMES)), math.nan)
            for result in iter_replicates(scenario, reps, seed, engine, Keep(series=()), progress):
                kpis[result.key[0]] = [result.kpis[name] for name in metrics.NAMES]
        else:
            with staged(out, "run") as tmp:
                writer = RunWriter(tmp, scenario, reps, figures=figures, shown=Path(out))
                try:
                    for result in iter_replicates(scenario, reps, seed, engine, Keep(ledger=True, plan=True), progress):
                        writer.add(result)
                    kpis = writer.finish(seeds, time.perf_counter() - start)
                except BaseException:
                    writer.discard()
                    raise
    finally:
        if own_engine:
            engine.close()
    return {"scenario": scenario.name, "seeds": seeds, "kpis": kpi_summary(kpis)}


def write_run(folder: Path, scenario: Scenario, results: Sequence[RunResult], seeds: Sequence[int],
              wall_seconds: float, figures: bool = True) -> list[Path]:
    """Write timeseries.csv, kpis.csv, ledger.csv, plan.csv, closure.csv, scenario.resolved.yaml, run.json and figures/
    into ``folder`` from the runs' results (in replicate order); return the files written."""
    writer = RunWriter(Path(folder), scenario, len(results), figures=figures)
    try:
        for result in results:
            writer.add(result)
        writer.finish(seeds, wall_seconds)
    except BaseException:
        writer.discard()
        raise
    return writer.written


class RunWriter:
    """A run folder written replicate by replicate (``add``, in replicate order), completed by
    ``finish``. Errors of the file system name the files under ``shown`` (the folder the user
    named, when this one is its temporary sibling)."""

    def __init__(self, folder: Path, scenario: Scenario, reps: int, figures: bool = True,
                 shown: Path | None = None):
        import pandas as pd

        self.pd = pd
        self.folder, self.scenario, self.reps = Path(folder), scenario, reps
        self.shown = Path(shown) if shown is not None else self.folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.kpis = np.full((reps, len(metrics.NAMES)), math.nan)
        self.seconds: list[float] = []
        self.written: list[Path] = []
        self.tables: dict[str, AtomicFile] = {}
        self.spill = None
        try:
            for name, columns in TABLES.items():
                self.tables[name] = AtomicFile(self.folder / name, self.shown / name)
                self.tables[name].write(pd.DataFrame(columns=list(columns)).to_csv(index=False, lineterminator="\n"),
                                       flush=True)
            if figures:
                from simcenter.report.figures import FIGURE_OUTCOMES

                self.columns = [metrics.NAMES.index(o) for o in FIGURE_OUTCOMES]
                self.spill = Spill(self.folder / ".figures.f64", reps, (scenario.horizon.months, len(self.columns)))
        except BaseException:
            self.discard()
            raise

    def add(self, result: RunResult) -> None:
        """Append the next replicate's rows to the tables (each handed to the system in turn)."""
        i = len(self.seconds)
        self.seconds.append(result.seconds)
        self.kpis[i] = [result.kpis[name] for name in metrics.NAMES]
        ts = result.timeseries
        ts.insert(0, "replicate", i)
        kpis = self.pd.DataFrame([{"replicate": i, "seed": result.seed, **result.kpis}], columns=list(TABLES["kpis.csv"]))
        ledger = result.ledger
        ledger.insert(0, "replicate", i)
        plan = self.pd.DataFrame([{"replicate": i, "planned_month": e["planned"], "action": e["action"],
                                   "done_month": e["done"], "status": e["status"]} for e in result.plan or ()],
                                 columns=list(TABLES["plan.csv"]))
        plan["done_month"] = plan["done_month"].astype("Int64")
        closure = self.pd.DataFrame([{"replicate": i, "seed": result.seed, "closed": int(bool(result.closure_reason)),
                                      "closure_month": result.kpis.get("closure_month"),
                                      "closure_reason": result.closure_reason}], columns=list(TABLES["closure.csv"]))
        for name, frame in (("timeseries.csv", ts), ("kpis.csv", kpis), ("ledger.csv", ledger), ("plan.csv", plan),
                            ("closure.csv", closure)):
            if len(frame):
                self.tables[name].write(frame.to_csv(index=False, header=False, float_format=FLOAT_FORMAT,
                                                     lineterminator="\n"), flush=True)
        if self.spill is not None:
            self.spill.put(i, result.series[:, self.columns])

    def finish(self, seeds: Sequence[int], wall_seconds: float) -> np.ndarray:
        """Complete the folder: the tables renamed into place, the resolved scenario, run.json and
        the figures; return the replicates' final outcomes (replicates x ``metrics.NAMES``)."""
        for name, table in self.tables.items():
            table.commit()
            self.written.append(self.folder / name)
        self.tables = {}
        atomic_write(self.folder / "scenario.resolved.yaml", resolved_yaml(self.scenario))
        meta = {
            "simcenter_version": __version__,
            "python": platform.python_version(),
            "scenario": self.scenario.name,
            "seeds": [int(s) for s in seeds],
            "replicates": len(self.seconds),
            "timings": {
                "wall_seconds": round(wall_seconds, 4),
                "run_seconds": [round(s, 4) for s in self.seconds],
            },
            "kpis": kpi_summary(self.kpis),
        }
        atomic_write(self.folder / "run.json", json.dumps(json_safe(meta), indent=2, allow_nan=False) + "\n")
        self.written += [self.folder / "scenario.resolved.yaml", self.folder / "run.json"]
        if self.spill is not None:
            from simcenter.report.figures import FIGURE_OUTCOMES, band, run_figures

            months = self.scenario.horizon.months
            stats = np.empty((3, months * len(FIGURE_OUTCOMES)))
            for cols, block in self.spill.blocks():
                stats[:, cols] = band(block)
            stats = stats.reshape(3, months, len(FIGURE_OUTCOMES))
            bands = {o: (stats[0, :, k], stats[1, :, k], stats[2, :, k]) for k, o in enumerate(FIGURE_OUTCOMES)}
            self.spill.close()
            self.spill = None
            self.written += run_figures(bands, len(self.seconds), self.folder / "figures", self.scenario.name)
        return self.kpis

    def discard(self) -> None:
        """Remove what is not complete (temporary tables, the figures' file)."""
        for table in self.tables.values():
            table.discard()
        self.tables = {}
        if self.spill is not None:
            self.spill.close()
            self.spill = None
