"""The files ``simcenter analyze`` writes in ``DIR/analysis/``: tables, figures and ``analysis.md``."""

from __future__ import annotations

import pandas as pd

from simcenter import metrics
from simcenter.files import FLOAT_FORMAT, atomic_write
from simcenter.i18n import t
from simcenter.sweep import discovery, randomness, sensitivity

BOX_COLUMNS = ["condition", "scope", "conditions", "density", "density_low", "density_high", "coverage",
               "coverage_low", "coverage_high", "mass", "runs_inside", "base_rate", "p_value", "significant",
               "quasi_p"]
TOP_SCORES = 6
"""Feature scores shown per target in analysis.md."""


def _csv(path, frame: pd.DataFrame) -> None:
    atomic_write(path, frame.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n"))


def write(a) -> None:
    """Write every table, figure and ``analysis.md`` of an analysis to ``a.folder / "analysis"``."""
    from simcenter.sweep import bands, figures

    folder = a.folder / "analysis"
    (folder / "figures").mkdir(parents=True, exist_ok=True)
    if not a.indices.empty:
        _csv(folder / "sensitivity.csv", a.indices)
    if not a.convergence.empty:
        _csv(folder / "convergence.csv", a.convergence)
    _csv(folder / "randomness.csv", a.randomness)
    _csv(folder / "point_means.csv", a.point_means)
    _csv(folder / "feature_scores.csv", a.scores)
    frames, boxes = [], []
    for f in a.findings:
        frames.append(f.by_design.assign(condition=str(f.condition)))
        for b in ([f.overall] if f.overall else []) + f.design_boxes:
            (dl, dh), (cl, ch) = b.density_interval(), b.coverage_interval()
            boxes.append({"condition": str(f.condition), "scope": b.scope, "conditions": b.conditions(),
                          "density": b.density, "density_low": dl, "density_high": dh, "coverage": b.coverage,
                          "coverage_low": cl, "coverage_high": ch, "mass": b.mass, "runs_inside": b.n_inside,
                          "base_rate": b.base_rate, "p_value": b.p_value, "significant": b.significant,
                          "quasi_p": "; ".join(f"{k}={v:.4g}" for k, v in b.qp.items())})
    if frames:
        table = pd.concat(frames, ignore_index=True)[["condition", "design", "runs", "failing", "share", "low", "high"]]
        _csv(folder / "failure_by_design.csv", table)
    _csv(folder / "boxes.csv", pd.DataFrame(boxes, columns=BOX_COLUMNS))
    a.figures = figures.write_all(a, folder / "figures")
    a.figures += bands.write(a.folder, folder / "figures")  # kept time series, per lever value (sweep.bands)
    atomic_write(folder / "analysis.md", markdown(a))


def _pm(value: float, conf: float) -> str:
    return f"{value:.2f} ± {abs(conf):.2f}"


def _indices(a) -> list[str]:
    lines = [t(f"sweep.method_{a.method}"), "", t("sweep.intervals_note"), ""]
    main = sensitivity.MAIN_INDEX[a.method]
    shown = [c for c in sensitivity.INDEX_COLUMNS[a.method] if not c.endswith("_conf") and f"{c}_conf" in
             sensitivity.INDEX_COLUMNS[a.method]]
    samples = a.experiment.design.samples
    for outcome in a.experiment.focus:
        lines += [f"### {metrics.BY_NAME[outcome].label} (`{outcome}`)", ""]
        for design in a.indices["design"].unique():
            rows = a.indices[(a.indices["outcome"] == outcome) & (a.indices["design"] == design)]
            if rows.empty:
                continue
            if a.indices["design"].nunique() > 1:
                lines += [f"**{design}**", ""]
            lines += ["| " + " | ".join([t("sweep.col_parameter"), *[f"{c} ± 95%" for c in shown]]) + " |",
                      "|---|" + "---:|" * len(shown)]
            for _, r in rows.sort_values(main, ascending=False).iterrows():
                cells = [_pm(r[c], r[f"{c}_conf"]) + ("" if r.get(f"{c}_clear", True) else " ≈0") for c in shown]
                lines.append(f"| {r['parameter']} | " + " | ".join(cells) + " |")
            lines.append("")
            unclear = sensitivity.unclear(a.indices, a.method, outcome, design)
            if unclear:
                lines += [t("sweep.unclear_indices", samples=samples, items=", ".join(unclear)), ""]
    return lines


RANDOMNESS_COLUMNS = ("outcome", "col_seed_share", "col_seed_common", "col_seed_means", "col_needed", "col_f_test")
"""The randomness table's columns (``sweep.<column>`` names its heading, ``cli.col_outcome`` the first)."""


def randomness_rows(a) -> list[dict]:
    """The seed against the parameters, one row per outcome, as the terminal and analysis.md show it:
    the seed's share of a run's variance, the part every point shares, its share of the point means'
    variance, the replicates that would be enough, the F test. Empty with one replicate."""
    split = a.randomness
    if a.experiment.replicates < 2 or split.empty:
        return []

    def pct(value) -> str:
        return "–" if pd.isna(value) else f"{value:.0%}"

    rows = []
    for _, r in split.iterrows():
        needed = r["replicates_needed"]
        shown = "–" if pd.isna(needed) else ("∞" if needed == float("inf") else str(int(needed)))
        p = "–" if pd.isna(r["p_value"]) else discovery.p_value_text(r["p_value"])
        rows.append(dict(zip(RANDOMNESS_COLUMNS, (metrics.BY_NAME[r["outcome"]].label, pct(r["seed_share"]),
                                                  pct(r["seed_share_common"]), pct(r["seed_share_of_means"]),
                                                  shown, p))))
    return rows


def randomness_headings() -> dict[str, str]:
    """The randomness table's column headings in the current language."""
    return {c: t("cli.col_outcome") if c == "outcome" else t(f"sweep.{c}") for c in RANDOMNESS_COLUMNS}


def _randomness(a) -> list[str]:
    lines = [f"## {t('sweep.randomness_heading')}", ""]
    rows = randomness_rows(a)
    if not rows:
        return lines + [t("sweep.one_replicate"), ""]
    lines += [t("sweep.randomness_intro", replicates=a.experiment.replicates, enough=f"{randomness.ENOUGH:.0%}"), ""]
    lines += ["| " + " | ".join(randomness_headings().values()) + " |", "|---|---:|---:|---:|---:|---:|"]
    lines += ["| " + " | ".join(r.values()) + " |" for r in rows]
    return lines + [""]


def _scores(a) -> list[str]:
    if a.scores.empty:
        return []
    lines = [f"## {t('sweep.scores_heading')}", "", t("sweep.scores_intro"), ""]
    for target, rows in a.scores.groupby("target", sort=False):
        ranked = rows.sort_values("score", ascending=False)
        top = ", ".join(f"{r['parameter']} ({r['score']:.2f})" for _, r in ranked.head(TOP_SCORES).iterrows())
        lines.append(f"- `{target}`: {top}")
        seed = ranked[ranked["parameter"] == "replicate"]
        if len(seed):
            below = list(ranked[ranked["score"] < float(seed["score"].iloc[0])]["parameter"])
            if below:
                lines.append("  " + t("sweep.seed_ahead", score=f"{float(seed['score'].iloc[0]):.2f}",
                                      names=", ".join(below[:5]) + (" …" if len(below) > 5 else "")))
    return lines + [""]


def markdown(a) -> str:
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
    lines += _randomness(a)
    lines += [f"## {t('sweep.sensitivity_heading')}", ""]
    if a.method is None:
        lines += [t("sweep.no_indices"), ""]
    elif a.indices.empty:
        lines += [t("sweep.indices_none"), ""]
    else:
        lines += _indices(a)
    lines += [f"## {t('sweep.discovery_heading')}", ""]
    if not a.findings:
        lines += [t("sweep.no_failure_condition"), ""]
    for f in a.findings:
        lines += [f.sentence, ""]
        if len(f.by_design) > 1:
            lines += [f"| {t('sweep.col_design')} | {t('sweep.col_runs')} | {t('sweep.col_failing')} | "
                      f"{t('sweep.col_share')} | {t('sweep.col_interval')} |", "|---|---:|---:|---:|---:|"]
            for _, r in f.by_design.sort_values("share", ascending=False).iterrows():
                lines.append(f"| {r['design']} | {r['runs']} | {r['failing']} | {r['share']:.0%} | "
                             f"{r['low']:.0%}–{r['high']:.0%} |")
            lines.append("")
        lines += [f"- {s}" for s in f.design_sentences] + ([""] if f.design_sentences else [])
    lines += _scores(a)
    if a.figures:
        lines += [f"## {t('sweep.figures_heading')}", ""]
        lines += [f"![{p.stem}](figures/{p.name})" for p in a.figures] + [""]
    return "\n".join(lines).rstrip("\n") + "\n"
