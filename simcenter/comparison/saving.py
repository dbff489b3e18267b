"""Saving a comparison's raw results: what ``simcenter report`` rebuilds the report from.

The results are kept as they come (``Kept``): every run's final outcomes in memory (a few hundred
bytes a run), its monthly outcomes and income on disk (``simcenter.run.spill``), so that memory
stays bounded whatever the number of replicates; the bands and the mean income are computed from
the files a block at a time, the same numbers as from one array in memory.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from simcenter import metrics
from simcenter.version import __version__
from simcenter.comparison.designs import Design
from simcenter.errors import writing_to
from simcenter.files import FLOAT_FORMAT, resolved_yaml
from simcenter.rng import replicate_seeds
from simcenter.run.spill import Spill
from simcenter.run.task import RunResult

QUANTILES = [5, 50, 95]


class Kept:
    """What a comparison keeps of its runs, filled as they come (``add``); its monthly series in
    hidden files of ``folder``, removed by ``close``."""

    def __init__(self, folder: Path, designs: Sequence[Design], reps: int):
        months = designs[0].scenario.horizon.months
        self.kpis = np.full((len(designs), reps, len(metrics.NAMES)), np.nan)
        self.seeds = np.zeros((len(designs), reps), dtype=np.int64)
        self.seconds = 0.0
        self.series: list[Spill] = []
        self.income: list[Spill] = []
        try:
            for i in range(len(designs)):
                self.series.append(Spill(folder / f".series-{i}.f64", reps, (months, len(metrics.NAMES))))
                self.income.append(Spill(folder / f".income-{i}.f64", reps, (months, len(metrics.INCOME_CATEGORIES))))
        except BaseException:
            self.close()
            raise

    def add(self, result: RunResult) -> None:
        """Keep one run of design ``result.key[0]``, replicate ``result.key[1]``."""
        d, r = result.key
        self.kpis[d, r] = [result.kpis[name] for name in metrics.NAMES]
        self.seeds[d, r] = result.seed
        self.series[d].put(r, result.series)
        self.income[d].put(r, result.income)
        self.seconds += result.seconds

    def close(self) -> None:
        """Remove the files of the monthly series."""
        for spill in (*self.series, *self.income):
            spill.close()


def save(folder: Path, designs: Sequence[Design], results: Kept | Iterable[RunResult], baseline: str,
         seed: int, reps: int, notes: Sequence[str], wall_seconds: float) -> None:
    """Write the raw comparison results (kpis.csv, bands.csv, income.csv, comparison.json,
    scenarios/) from what was ``Kept`` (or from the runs' results, kept here first)."""
    import pandas as pd

    folder.mkdir(parents=True, exist_ok=True)
    kept = results if isinstance(results, Kept) else None
    if kept is None:
        kept = Kept(folder, designs, reps)
        for result in results:
            kept.add(result)
    try:
        names = [d.name for d in designs]
        kpis = pd.DataFrame(kept.kpis.reshape(-1, len(metrics.NAMES)), columns=list(metrics.NAMES))
        kpis.insert(0, "seed", kept.seeds.reshape(-1))
        kpis.insert(0, "replicate", np.tile(np.arange(reps), len(designs)))
        kpis.insert(0, "scenario", np.repeat(np.array(names, dtype=object), reps))
        with writing_to(folder / "kpis.csv"):
            kpis.to_csv(folder / "kpis.csv", index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
        band_frames, income_frames = [], []
        files = resolved_names(names)
        (folder / "scenarios").mkdir(exist_ok=True)
        for i, d in enumerate(designs):
            q = kept.series[i].percentiles(QUANTILES)  # quantile x month x outcome
            months, n_outcomes = q.shape[1:]
            # Rows by outcome, then month: each quantile's (months x outcomes) table, transposed, flat.
            band_frames.append(pd.DataFrame({
                "scenario": d.name, "outcome": np.repeat(np.array(metrics.NAMES, dtype=object), months),
                "month": np.tile(np.arange(months), n_outcomes),
                "p05": q[0].T.ravel(), "median": q[1].T.ravel(), "p95": q[2].T.ravel()}))
            frame = pd.DataFrame(kept.income[i].mean(), columns=list(metrics.INCOME_CATEGORIES))
            frame.insert(0, "month", np.arange(months))
            frame.insert(0, "scenario", d.name)
            income_frames.append(frame)
            resolved = folder / "scenarios" / files[i]
            with writing_to(resolved):
                resolved.write_text(resolved_yaml(d.scenario), encoding="utf-8")
    finally:
        kept.close()
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
            {"name": d.name, "title": d.scenario.title, "title_bg": d.scenario.title_bg, "file": d.file, "legal_form": d.scenario.center.legal_form,
             "management": d.scenario.center.management, "description": d.scenario.description.strip(),
             "resolved": f"scenarios/{files[i]}"}
            for i, d in enumerate(designs)
        ],
        "timings": {"wall_seconds": round(wall_seconds, 3), "run_seconds_total": round(kept.seconds, 3)},
    }
    with writing_to(folder / "comparison.json"):
        (folder / "comparison.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def resolved_names(names: Sequence[str]) -> list[str]:
    """The file name of each design's resolved scenario, ``NAME.resolved.yaml``: the name with every
    character but letters, digits, ``-``, ``_`` and ``.`` replaced by ``_`` (and no leading dot).
    Names that come out the same (``team/a`` and ``team_a``), or differ only in case (the same file
    on macOS and Windows), are made distinct in the designs' order: ``team_a``, ``team_a-2``..."""
    taken: set[str] = set()
    out = []
    for name in names:
        stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in name).lstrip(".") or "_"
        candidate, n = stem, 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{stem}-{n}"
        taken.add(candidate.casefold())
        out.append(f"{candidate}.resolved.yaml")
    return out
