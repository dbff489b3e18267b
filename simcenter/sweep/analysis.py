"""``simcenter analyze DIR``: sensitivity indices and scenario discovery from a stored sweep.

Reads only the sweep folder (the experiment travels inside the store), and writes
``DIR/analysis/`` (``simcenter.sweep.writing``): ``analysis.md`` (the findings in plain
language), ``sensitivity.csv`` (one row per design, outcome and parameter, with 95% intervals),
``convergence.csv`` (Sobol indices on nested subsets), ``randomness.csv`` (the seed's share of each
outcome's variance), ``point_means.csv`` (each point's mean with a t-interval over replicates),
``feature_scores.csv``, ``failure_by_design.csv`` (with Wilson intervals), ``boxes.csv`` (the
PRIM boxes, with their significance) and ``figures/*.png``.
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
from simcenter.files import writable_folder
from simcenter.rng import stream
from simcenter.sweep import design as designs
from simcenter.sweep import discovery, randomness, sensitivity
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
    by_design: pd.DataFrame  # design, runs, failing, share, low, high (Wilson 95%)
    design_sentences: list[str] = field(default_factory=list)
    design_boxes: list[discovery.Box] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # restrictions that may be chance

    @property
    def interval(self) -> tuple[float, float]:
        """The Wilson 95% interval of the failure rate."""
        return randomness.wilson(self.failing, self.runs)


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
    randomness: pd.DataFrame = field(default_factory=pd.DataFrame)  # randomness.variance_split per outcome
    point_means: pd.DataFrame = field(default_factory=pd.DataFrame)  # randomness.point_means
    convergence: pd.DataFrame = field(default_factory=pd.DataFrame)  # sensitivity.convergence
    scores: pd.DataFrame = field(default_factory=pd.DataFrame)  # target, parameter, score (replicate included)


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
    split = randomness.variance_split(ok, exp.outcomes, exp.replicates)
    notes += _seed_notes(exp, split)
    findings = [_discover(exp, ok, labels, c, table) for c in exp.failure]
    out = Analysis(exp, folder, total, len(ok), int((results["status"] == "failed").sum()), total - len(results),
                   method, table, notes, findings, randomness=split,
                   point_means=randomness.point_means(ok, exp.outcomes),
                   convergence=sensitivity.convergence(exp, points, means, labels, exp.focus),
                   scores=_scores(exp, ok, findings))
    if write:
        from simcenter.sweep import writing

        writing.write(out)
    return out


def _seed_notes(exp: Experiment, split: pd.DataFrame) -> list[str]:
    """Warnings in words where the replicates are too few for the seed's variance (``randomness.ENOUGH``)."""
    if exp.replicates < 2:
        return [t("sweep.one_replicate")]
    notes = []
    for _, r in randomness.too_few(split[split["outcome"].isin(exp.focus)]).iterrows():
        label = metrics.BY_NAME[r["outcome"]].label
        if np.isinf(r["replicates_needed"]):
            notes.append(t("sweep.seed_only", label=label, replicates=exp.replicates, p=discovery.p_text(r['p_value'])))
        else:
            notes.append(t("sweep.too_few_replicates", label=label, replicates=exp.replicates,
                           share=f"{r['seed_share_of_means']:.0%}", needed=int(r["replicates_needed"])))
    return notes


def _scores(exp: Experiment, ok: pd.DataFrame, findings: list[Finding]) -> pd.DataFrame:
    """Extra-trees feature scores (EMA Workbench) of the parameters and ``replicate`` for every failure
    condition and every focus outcome, over single runs: where the seed scores above a parameter, the
    random world explains more of the outcome than that parameter."""
    x = ok[[p.name for p in exp.parameters] + ["replicate"]].copy()
    x["replicate"] = x["replicate"].astype(str)  # a label, not a quantity
    seed = int(stream(exp.seed, "sweep.feature_scores").integers(2**31 - 1))
    targets = [(str(f.condition), f.condition.holds(ok[f.condition.outcome].to_numpy()), True) for f in findings]
    targets += [(o, ok[o].to_numpy(dtype=float), False) for o in exp.focus]
    rows = []
    for name, y, classify in targets:
        if len(y) < 2 * discovery.MIN_CASES:
            continue
        scores = randomness.feature_scores(x, y, classify, seed)
        rows += [{"target": name, "parameter": p, "score": float(v)} for p, v in scores.items()]
    return pd.DataFrame(rows, columns=["target", "parameter", "score"])


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


def _discover(exp: Experiment, ok: pd.DataFrame, labels: dict[int, str], cond: Condition,
              indices: pd.DataFrame) -> Finding:
    y = cond.holds(ok[cond.outcome].to_numpy())
    params = [p.name for p in exp.parameters]
    label = metrics.BY_NAME[cond.outcome].label
    # The replicate (which of the seeds) is offered to PRIM as a category: a box that restricts it
    # says the random world, not the parameters, concentrates the failures.
    x = ok[params].assign(replicate=ok["replicate"].astype(str).to_numpy())
    box = discovery.find_box(x, y, t("sweep.all_designs"))
    text = discovery.sentence(box, str(cond), label, int(y.sum()), len(y))
    if y.mean() > 0.5 and (~y).sum() >= MIN_FAIL_CASES:  # failure is the rule: where is it avoided?
        avoided = discovery.avoided_sentence(discovery.find_box(x, ~y, t("sweep.all_designs")))
        text = f"{text} {avoided}" if avoided else text
    frame = pd.DataFrame({"combo": ok["combo"].to_numpy(), "fail": y})
    by = frame.groupby("combo")["fail"].agg(["size", "sum"]).reset_index()
    low, high = randomness.wilson(by["sum"].to_numpy(), by["size"].to_numpy())
    by_design = pd.DataFrame({"design": [labels.get(int(c), str(c)) for c in by["combo"]], "runs": by["size"],
                              "failing": by["sum"].astype(int), "share": by["sum"] / by["size"],
                              "low": low, "high": high})
    finding = Finding(cond, len(y), int(y.sum()), box, text, by_design)
    if box is not None and box.limits and box.significant:
        finding.warnings = _box_warnings(box, cond, indices, exp)
        finding.sentence = " ".join([text, *finding.warnings])
    crossed = designs.crossed_parameters(exp.design, exp.parameters)
    uncertain = [p.name for p in exp.parameters if p.role == "uncertainty"]
    if crossed and uncertain and len(labels) > 1:
        rejected = []  # designs whose best box chance explains
        for combo in sorted(labels)[:MAX_DESIGN_BOXES]:
            mask = (ok["combo"] == combo).to_numpy()
            yc = y[mask]
            if yc.sum() < MIN_FAIL_CASES or (~yc).sum() < MIN_FAIL_CASES:
                continue
            b = discovery.find_box(x.loc[mask, uncertain + ["replicate"]], yc, labels[combo])
            if b is not None and b.limits and not b.significant:
                rejected.append(labels[combo])
            elif b is not None and b.limits:
                text = discovery.sentence(b, str(cond), label, int(yc.sum()), len(yc))
                text = " ".join([text, *_box_warnings(b, cond, indices, exp)])
                finding.design_boxes.append(b)
                finding.design_sentences.append(t("sweep.design_box", design=labels[combo], sentence=text))
        if rejected:
            finding.design_sentences.append(t("sweep.design_boxes_rejected", n=len(rejected), designs="; ".join(rejected)))
    return finding


MIN_FAIL_CASES = discovery.MIN_CASES


def _box_warnings(box: discovery.Box, cond: Condition, indices: pd.DataFrame, exp: Experiment) -> list[str]:
    """Restrictions of a box that may be chance: the replicate (the seed), and parameters whose total
    Sobol index for the condition's outcome is not distinguishable from 0."""
    out = []
    names = [name for name, _, _ in box.limits]
    if "replicate" in names:
        out.append(t("sweep.box_replicate"))
    if sensitivity.method_for(exp) == "sobol" and not indices.empty:
        rows = indices[indices["outcome"] == cond.outcome].groupby("parameter")["ST_clear"].any()
        zero = [n for n in names if n in rows.index and not rows[n]]
        if zero:
            out.append(t("sweep.box_zero_index", names=", ".join(zero), outcome=cond.outcome))
    return out


# --------------------------------------------------------------------------- terminal and lookups
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
                conf = _conf(a, outcome, design)
                rows.append({"outcome": outcome, "design": design,
                             "top": "; ".join(f"{n} {v:.2f} ± {conf.get(n, float('nan')):.2f}" for n, v in ranked)})
    return rows


def _conf(a: Analysis, outcome: str, design: str) -> dict[str, float]:
    """The 95% half-widths of the main index of one outcome and design, by parameter."""
    main = sensitivity.MAIN_INDEX[a.method]
    rows = a.indices[(a.indices["outcome"] == outcome) & (a.indices["design"] == design)]
    return {r["parameter"]: abs(float(r[f"{main}_conf"])) for _, r in rows.iterrows()}


def index_value(a: Analysis, outcome: str, parameter: str, design: str | None = None) -> float:
    """One parameter's main index for one outcome (averaged over designs unless one is named)."""
    rows = a.indices[(a.indices["outcome"] == outcome) & (a.indices["parameter"] == parameter)]
    if design is not None:
        rows = rows[rows["design"] == design]
    return float(np.mean(rows[sensitivity.MAIN_INDEX[a.method]])) if len(rows) else float("nan")
