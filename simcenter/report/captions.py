"""A caption in words for each figure of a comparison report (its ``<figcaption>``), in the language
in force: one sentence that says what the figure shows and how to read its marks, never its file's
name. Light: no plotting library and no tables, only the figure's file name and the comparison's
design titles.
"""

from __future__ import annotations

from pathlib import Path

from simcenter import metrics
from simcenter.i18n import t

FIXED = {
    "funding_mix.png": "report.caption_funding_mix",
    "forest.png": "report.caption_forest",
    "pros_cons.png": "report.caption_pros_cons",
    "regional_reach.png": "report.caption_reach",
}
"""The figures of ``compare_figures`` with a fixed file name, and their captions' keys."""
TIMESERIES = ("timeseries_", ".png")
DECOMPOSITION = ("decomposition_", ".png")


def decomposition_name(design: str) -> str:
    """The file name ``report.decomposition.figure_name`` gives ``design``'s figure (the same rule:
    letters, digits, ``-`` and ``_`` kept; tested to agree), without loading that module's tables."""
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in design) or "_"
    return f"{DECOMPOSITION[0]}{stem}{DECOMPOSITION[1]}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def caption(path: str | Path, res) -> str:
    """The caption of the figure written to ``path`` for the comparison ``res``
    (``simcenter.report.analysis.Results``: its ``title(design)`` and ``baseline``), "" for a file
    that is no figure of a comparison."""
    name = Path(path).name
    baseline = res.title(res.baseline)
    if name in FIXED:
        return _sentence(t(FIXED[name], baseline=baseline))
    if name.startswith(TIMESERIES[0]) and name.endswith(TIMESERIES[1]):
        outcome = metrics.BY_NAME.get(name[len(TIMESERIES[0]):-len(TIMESERIES[1])])
        return _sentence(t("report.caption_timeseries", label=outcome.label, baseline=baseline)) if outcome else ""
    if name.startswith(DECOMPOSITION[0]) and name.endswith(DECOMPOSITION[1]):
        for design in res.designs:
            if design != res.baseline and decomposition_name(design) == name:
                return _sentence(t("report.caption_decomposition", design=res.title(design), baseline=baseline))
    return ""
