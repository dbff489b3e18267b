"""The report's content as rows and cells, the same for report.md and report.html: the designs at a glance,
the differences to the baseline, the trade-offs and the robustness results, each table at most
``MAX_COLUMNS`` designs wide (``chunks``), and the figures' captions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from simcenter import metrics
from simcenter.config.catalogue import builtin_catalogue
from simcenter.i18n import format_value as fmt
from simcenter.i18n import language, t
from simcenter.report import brief
from simcenter.report.captions import caption as words

OVERVIEW = ("served", "mentoring_hours", "ventures_launched_added", "jobs_added", "client_funding_added_eur",
            "months_operating", "closed", "survived_grant_cliff", "own_revenue_share", "partner_engagement",
            "regional_reach", "decision_latency_months")
"""The outcomes of the table "designs at a glance" (and of the differences to the baseline)."""


def rows_by(summary: pd.DataFrame) -> dict[tuple[str, str], dict]:
    """The summary's rows by (design, outcome)."""
    return {(r["scenario"], r["outcome"]): r for r in summary.to_dict(orient="records")}


def cell(rows: dict, design: str, outcome: str) -> str:
    row = rows[(design, outcome)]
    unit = row["unit"]
    if row["statistic"] == "mean":
        return fmt(row["mean"], unit)
    return f"{fmt(row['median'], unit)} [{fmt(row['p05'], unit, bare=True)}–{fmt(row['p95'], unit, bare=True)}]"


def diff_cell(rows: dict, design: str, outcome: str, quiet: set = frozenset()) -> tuple[str, str]:
    """The difference from the baseline as text, and "better", "worse" or "" (not robust, or no verdict:
    ``analysis.no_verdict``)."""
    row = rows[(design, outcome)]
    if row["direction"] == "info" or pd.isna(row["diff_median"]):
        return "–", ""
    unit = "share" if row["unit"] == "0/1" else row["unit"]
    sign = "+" if row["diff_median"] > 0 else ""
    text = f"{sign}{fmt(row['diff_median'], unit)} [{fmt(row['diff_ci_low'], unit)}, {fmt(row['diff_ci_high'], unit)}]"
    if not row["robust"] or (design, outcome) in quiet:
        return text, ""
    good = (row["direction"] == "max") == (row["diff_median"] > 0)
    return text, "better" if good else "worse"


def design_label(res, design: str) -> tuple[str, str]:
    meta = next(d for d in res.meta["designs"] if d["name"] == design)
    cat = builtin_catalogue()
    form = cat.legal_forms.get(meta["legal_form"])
    structure = cat.management_structures.get(meta["management"])
    bg = language() == "bg"
    return ((form.label_bg if bg else form.label) if form else meta["legal_form"]), (
        (structure.label_bg if bg else structure.label) if structure else meta["management"])


def intro(res) -> list[str]:
    m = res.meta
    return [
        t("report.intro", n=len(res.designs), reps=m["replicates"], years=m["months"] // 12,
          baseline=res.title(res.baseline)),
        t("report.method"),
        *m.get("notes", []),
    ]


MAX_COLUMNS = 6
"""Designs side by side in one appendix table: more are split into several tables, so that every table
fits a 1,280 px screen and an A4 page."""


def chunks(items: list[str], size: int = MAX_COLUMNS) -> list[list[str]]:
    """``items`` in consecutive groups of at most ``size``, as even as possible (12 -> 6 + 6, 7 -> 4 + 3)."""
    if not items:
        return []
    n = -(-len(items) // size)
    per = -(-len(items) // n)
    return [items[i:i + per] for i in range(0, len(items), per)]


def overview_rows(res, rows) -> list[tuple[str, dict[str, str]]]:
    """The rows of "designs at a glance": legal form, management, then the overview outcomes (by design)."""
    labels = {d: design_label(res, d) for d in res.designs}
    out = [(t("report.legal_form"), {d: labels[d][0] for d in res.designs}),
           (t("report.management"), {d: labels[d][1] for d in res.designs})]
    out += [(metrics.BY_NAME[o].label, {d: cell(rows, d, o) for d in res.designs}) for o in OVERVIEW]
    return out


def difference_rows(res, rows, quiet) -> list[tuple[str, dict[str, tuple[str, str]]]]:
    others = [d for d in res.designs if d != res.baseline]
    return [(metrics.BY_NAME[o].label, {d: diff_cell(rows, d, o, quiet) for d in others}) for o in OVERVIEW]


def tradeoff_rows(res, trade) -> list[tuple[str, str, dict[str, str]]]:
    return [(metrics.BY_NAME[row["outcome"]].label, res.title(row["best"]) if row["best"] else "",
             {d: fmt(row[f"share_best:{d}"], "share") for d in res.designs}) for _, row in trade.iterrows()]


def robust_rows(res) -> list[list[str]]:
    """The appendix's table of the robustness results (none when the folder has none for these designs)."""
    found, _ = brief.read_robust(res)
    if found is None:
        return []
    boxes = {b["design"]: b for b in found.meta.get("boxes") or [] if b.get("limits")}
    out = []
    for d in res.designs:
        row = found.row(d)
        where = brief._box_words(boxes[d]) if d in boxes else str(row.get("fails_where") or "")
        cells = [res.title(d), fmt(float(row["satisficing_share"]), "share")]
        for o in found.meta.get("outcomes") or []:
            if f"regret_p90_{o}" in row.index and o in metrics.BY_NAME:
                cells.append(fmt(float(row[f"regret_p90_{o}"]), metrics.BY_NAME[o].unit))
        out.append(cells + [where or "–"])
    return out


def robust_heads(res) -> list[str]:
    found, _ = brief.read_robust(res)
    outcomes = [o for o in (found.meta.get("outcomes") or []) if o in metrics.BY_NAME] if found else []
    return ([t("report.design"), t("brief.robust_col_satisficing")]
            + [t("robust.col_regret", outcome=metrics.BY_NAME[o].label).split(":")[0] for o in outcomes]
            + [t("brief.robust_col_fails")])


def caption(path: Path, res) -> str:
    """A figure's caption in words (its file name when no caption is known)."""
    return words(path, res) or path.stem


def appendix_letter(k: int) -> str:
    """"Appendix A", "Приложение А": the letters of the language in force."""
    letters = t("brief.letters")
    return f"{t('brief.appendix')} {letters[k] if k < len(letters) else k + 1}"
