"""Saving a comparison's raw results: what ``simcenter report`` rebuilds the report from."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Sequence

import numpy as np

from simcenter import metrics
from simcenter.version import __version__
from simcenter.comparison.designs import Design
from simcenter.run.task import RunResult
from simcenter.errors import writing_to
from simcenter.files import FLOAT_FORMAT, resolved_yaml
from simcenter.rng import replicate_seeds


def save(folder: Path, designs: Sequence[Design], results: Sequence[RunResult], baseline: str,
         seed: int, reps: int, notes: Sequence[str], wall_seconds: float) -> None:
    """Write the raw comparison results (kpis.csv, bands.csv, income.csv, comparison.json, scenarios/)."""
    import pandas as pd

    folder.mkdir(parents=True, exist_ok=True)
    kpi_rows = [{"scenario": designs[r.key[0]].name, "replicate": r.key[1], "seed": r.seed, **r.kpis} for r in results]
    with writing_to(folder / "kpis.csv"):
        pd.DataFrame(kpi_rows, columns=["scenario", "replicate", "seed", *metrics.NAMES]).to_csv(
            folder / "kpis.csv", index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    band_frames, income_frames = [], []
    for i, d in enumerate(designs):
        mine = [r for r in results if r.key[0] == i]
        stack = np.stack([r.series for r in mine])  # reps x months x outcomes
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
        frame = pd.DataFrame(income, columns=list(metrics.INCOME_CATEGORIES))
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


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
