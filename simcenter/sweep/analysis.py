"""``simcenter analyze DIR``: sensitivity indices and scenario discovery from a stored sweep.

Reads only the sweep folder (the experiment travels inside the store), and writes
``DIR/analysis/``: ``analysis.md`` (the findings in plain language), ``sensitivity.csv``
(one row per design, outcome and parameter), ``failure_by_design.csv``, ``boxes.csv``
(the PRIM boxes) and ``figures/*.png``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from simcenter import metrics
from simcenter.errors import InputError, Problem
from simcenter.i18n import t
from simcenter.files import FLOAT_FORMAT, atomic_write, writable_folder
from simcenter.sweep import design as designs
from simcenter.sweep import discovery, sensitivity
from simcenter.sweep.experiment import Condition, Experiment
from simcenter.sweep.store import Store

MAX_DESIGN_BOXES = 12
"""PRIM per design is run for at most this many designs (the first ones)."""


@dataclass
class Finding:
    """Scenario discovery for one failure condition."""

    condition: Condition
    runs: int
    failing: int
    overall: discovery.Box | None
    sentence: str
    by_design: pd.DataFrame  # design, runs, failing, share
    design_sentences: list[str] = field(default_factory=list)
    design_boxes: list[discovery.Box] = field(default_factory=list)


@dataclass
class Analysis:
    """Everything ``analyze`` found, for printing and for the files it writes."""

    experiment: Experiment
    folder: Path
    runs: int
    ok: int
    failed: int
    missing: int
    method: str | None
    indices: pd.DataFrame
    notes: list[str]
    findings: list[Finding]
    figures: list[Path] = field(default_factory=list)


def analyze(folder: str | os.PathLike, failure: Sequence[Condition | str] | None = None,
            focus: Sequence[str] | None = None, write: bool = True) -> Analysis:
    """Analyse the sweep stored in ``folder``; write ``folder/analysis/`` unless ``write`` is false.
    ``failure``: the conditions of failure PRIM explains (``Condition``s, or text such as
    ``"closed == 1"``), instead of the experiment's; ``focus``: the outcomes to analyse.

    Raises:
        InputError: if the folder holds no sweep, or a condition or an outcome is not one of its
            kept outcomes (located as ``--failure:i`` / ``--outcome:i``).
    """
    folder = Path(folder)
    with Store.open(folder) as store:
        failure, focus = _options(store.experiment.outcomes, failure, focus)
        exp = store.experiment.with_analysis(focus=focus, failure=failure)
        if write:
            writable_folder(folder / "analysis")
        results = store.results()
        points = store.table("points")
    ok = results[results["status"] == "ok"]
    total = designs.count(exp) * exp.replicates
    labels = _labels(exp, points)
    means = ok.groupby("point")[list(exp.outcomes)].mean()
    method = sensitivity.method_for(exp)
    table, skipped = sensitivity.indices(exp, points, means, labels)
    notes = []
    if skipped and method == "rbd_fast" and table.empty:
        notes.extend(skipped)
    elif skipped:
        notes.append(t("sweep.indices_skipped", items=", ".join(skipped[:8]) + (" …" if len(skipped) > 8 else "")))
    if len(results) < total:
        notes.append(t("sweep.incomplete", stored=len(results), total=total))
    findings = [_discover(exp, ok, labels, c) for c in exp.failure]
    out = Analysis(exp, folder, total, len(ok), int((results["status"] == "failed").sum()), total - len(results),
                   method, table, notes, findings)
    if write:
        _write(out)
    return out


def _options(kept: Sequence[str], failure, focus) -> tuple[tuple[Condition, ...] | None, tuple[str, ...] | None]:
    """The failure conditions and the outcomes to analyse, checked against the ``kept`` outcomes."""
    from simcenter.sweep.loader import parse_condition

    problems = []
    conditions = None
    if failure:
        conditions = []
        for i, condition in enumerate(failure, 1):
            got = parse_condition(condition, kept) if isinstance(condition, str) else condition
            if isinstance(got, str):
                problems.append(Problem("--failure", i, "failure", got))
            else:
                conditions.append(got)
        conditions = tuple(conditions)
    if focus:
        unknown = [o for o in focus if o not in kept]
        problems += [Problem("--outcome", i, "outcome", t("sweep.unknown_outcome", name=o)) for i, o in enumerate(unknown, 1)]
    if problems:
        raise InputError(problems)
    return conditions, (tuple(focus) if focus else None)


def _labels(exp: Experiment, points: pd.DataFrame) -> dict[int, str]:
    crossed = designs.crossed_parameters(exp.design, exp.parameters)
    if not crossed:
        return {0: t("sweep.all_designs")}
    first = points.sort_values("point").groupby("combo").first()

    def shown(p, combo) -> str:
        value = first.at[combo, p.name]  # column by column: a row would turn whole numbers into floats
        return str(value) if isinstance(value, str) else f"{p.name}={value}"

    return {int(c): ", ".join(shown(p, c) for p in crossed) for c in first.index}


def _discover(exp: Experiment, ok: pd.DataFrame, labels: dict[int, str], cond: Condition) -> Finding:
    y = cond.holds(ok[cond.outcome].to_numpy())
    params = [p.name for p in exp.parameters]
    label = metrics.BY_NAME[cond.outcome].label
    box = discovery.find_box(ok[params], y, t("sweep.all_designs"))
    text = discovery.sentence(box, str(cond), label, int(y.sum()), len(y))
    if y.mean() > 0.5 and (~y).sum() >= MIN_FAIL_CASES:  # failure is the rule: where is it avoided?
        avoided = discovery.avoided_sentence(discovery.find_box(ok[params], ~y, t("sweep.all_designs")))
        text = f"{text} {avoided}" if avoided else text
    frame = pd.DataFrame({"combo": ok["combo"].to_numpy(), "fail": y})
    by = frame.groupby("combo")["fail"].agg(["size", "sum"]).reset_index()
    by_design = pd.DataFrame({"design": [labels.get(int(c), str(c)) for c in by["combo"]], "runs": by["size"],
                              "failing": by["sum"].astype(int), "share": by["sum"] / by["size"]})
    finding = Finding(cond, len(y), int(y.sum()), box, text, by_design)
    crossed = designs.crossed_parameters(exp.design, exp.parameters)
    uncertain = [p.name for p in exp.parameters if p.role == "uncertainty"]
    if crossed and uncertain and len(labels) > 1:
        for combo in sorted(labels)[:MAX_DESIGN_BOXES]:
            mask = (ok["combo"] == combo).to_numpy()
            yc = y[mask]
            if yc.sum() < MIN_FAIL_CASES or (~yc).sum() < MIN_FAIL_CASES:
                continue
            b = discovery.find_box(ok.loc[mask, uncertain], yc, labels[combo])
            if b is not None and b.limits:
                text = discovery.sentence(b, str(cond), label, int(yc.sum()), len(yc))
                finding.design_boxes.append(b)
                finding.design_sentences.append(t("sweep.design_box", design=labels[combo], sentence=text))
    return finding


MIN_FAIL_CASES = discovery.MIN_CASES


# --------------------------------------------------------------------------- writing
def _write(a: Analysis) -> None:
    from simcenter.sweep import bands, figures

    folder = a.folder / "analysis"
    (folder / "figures").mkdir(parents=True, exist_ok=True)
    if not a.indices.empty:
        atomic_write(folder / "sensitivity.csv", a.indices.to_csv(index=False, float_format=FLOAT_FORMAT,
                                                                    lineterminator="\n"))
    frames, boxes = [], []
    for f in a.findings:
        frames.append(f.by_design.assign(condition=str(f.condition)))
        for b in ([f.overall] if f.overall else []) + f.design_boxes:
            boxes.append({"condition": str(f.condition), "scope": b.scope, "conditions": b.conditions(),
                          "density": b.density, "coverage": b.coverage, "mass": b.mass, "runs_inside": b.n_inside})
    if frames:
        table = pd.concat(frames, ignore_index=True)[["condition", "design", "runs", "failing", "share"]]
        atomic_write(folder / "failure_by_design.csv", table.to_csv(index=False, float_format=FLOAT_FORMAT,
                                                                     lineterminator="\n"))
    atomic_write(folder / "boxes.csv", pd.DataFrame(
        boxes, columns=["condition", "scope", "conditions", "density", "coverage", "mass", "runs_inside"]).to_csv(
        index=False, float_format=FLOAT_FORMAT, lineterminator="\n"))
    a.figures = figures.write_all(a, folder / "figures")
    a.figures += bands.write(a.folder, folder / "figures")  # kept time series, per lever value (sweep.bands)
    atomic_write(folder / "analysis.md", markdown(a))


def markdown(a: Analysis) -> str:
    """The findings as a Markdown document."""
    exp = a.experiment
    lines = [f"# {t('sweep.analysis_title', name=exp.name)}", ""]
    if exp.description:
        lines += [exp.description, ""]
    lines += [t("sweep.analysis_counts", runs=a.runs, ok=a.ok, failed=a.failed, missing=a.missing), ""]
    lines += [f"- {p.describe()} ({t('sweep.role_' + p.role)})" for p in exp.parameters] + [""]
    lines += [t("sweep.design_line", method=exp.design.method, replicates=exp.replicates, seed=exp.seed), ""]
    for note in a.notes:
        lines += [f"> {note}", ""]
    lines += [f"## {t('sweep.sensitivity_heading')}", ""]
    if a.method is None:
        lines += [t("sweep.no_indices"), ""]
    elif a.indices.empty:
        lines += [t("sweep.indices_none"), ""]
    else:
        lines += [t(f"sweep.method_{a.method}"), ""]
        for outcome in exp.focus:
            lines += [f"### {metrics.BY_NAME[outcome].label} (`{outcome}`)", ""]
            for design in a.indices["design"].unique():
                ranked = sensitivity.ranking(a.indices, a.method, outcome, design, top=5)
                if not ranked:
                    continue
                shown = ", ".join(f"{name} ({value:.2f})" for name, value in ranked)
                lines.append(f"- {design}: {shown}")
            lines.append("")
    lines += [f"## {t('sweep.discovery_heading')}", ""]
    if not a.findings:
        lines += [t("sweep.no_failure_condition"), ""]
    for f in a.findings:
        lines += [f.sentence, ""]
        if len(f.by_design) > 1:
            lines += [f"| {t('sweep.col_design')} | {t('sweep.col_runs')} | {t('sweep.col_failing')} | "
                      f"{t('sweep.col_share')} |", "|---|---:|---:|---:|"]
            for _, r in f.by_design.sort_values("share", ascending=False).iterrows():
                lines.append(f"| {r['design']} | {r['runs']} | {r['failing']} | {r['share']:.0%} |")
            lines.append("")
        lines += [f"- {s}" for s in f.design_sentences] + ([""] if f.design_sentences else [])
    if a.figures:
        lines += [f"## {t('sweep.figures_heading')}", ""]
        lines += [f"![{p.stem}](figures/{p.name})" for p in a.figures] + [""]
    return "\n".join(lines).rstrip("\n") + "\n"


def summary_rows(a: Analysis) -> list[dict]:
    """The top parameters per focus outcome, for the terminal."""
    rows = []
    if a.indices.empty:
        return rows
    designs_seen = list(a.indices["design"].unique())
    for outcome in a.experiment.focus:
        for design in designs_seen[:6]:
            ranked = sensitivity.ranking(a.indices, a.method, outcome, design, top=3)
            if ranked:
                rows.append({"outcome": outcome, "design": design,
                             "top": "; ".join(f"{n} {v:.2f}" for n, v in ranked)})
    return rows


def index_value(a: Analysis, outcome: str, parameter: str, design: str | None = None) -> float:
    """One parameter's main index for one outcome (averaged over designs unless one is named)."""
    rows = a.indices[(a.indices["outcome"] == outcome) & (a.indices["parameter"] == parameter)]
    if design is not None:
        rows = rows[rows["design"] == design]
    return float(np.mean(rows[sensitivity.MAIN_INDEX[a.method]])) if len(rows) else float("nan")
