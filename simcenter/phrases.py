"""Phrases shared by the commands that describe results in words: the conditions of a PRIM box and a
board's threshold, in the language in force (the sweep's analysis, ``robust`` and the report's brief say
them the same way, from their data or from what ``robust.json`` saved)."""

from __future__ import annotations

import numpy as np

from simcenter import metrics
from simcenter.i18n import format_number, format_percent, t


def describe_limits(limits, labels: dict[str, str] | None = None) -> str:
    """A PRIM box's ``limits`` ((parameter, kind, limit): kind "below", "above", "between", "in" or
    "not_in") as words, each parameter named by ``labels`` when it has one there."""
    labels = labels or {}
    parts = []
    for name, kind, limit in limits:
        name = labels.get(name, name)
        if kind == "between" and limit[0] == limit[1]:
            parts.append(t("sweep.box_equal", name=name, value=_num(limit[0])))
        elif kind == "between":
            parts.append(t("sweep.box_between", name=name, low=_num(limit[0]), high=_num(limit[1])))
        elif kind in ("below", "above"):
            parts.append(t(f"sweep.box_{kind}", name=name, value=_num(limit)))
        else:
            parts.append(t(f"sweep.box_{kind}", name=name, values=t("sweep.or").join(map(str, limit))))
    return t("sweep.and").join(parts)


def _num(value) -> str:
    """A limit as the language in force writes numbers (3 significant digits)."""
    if isinstance(value, (int, np.integer)):
        return format_number(int(value))
    return format_number(float(value))


def uncertainty_labels(names) -> dict[str, str]:
    """The uncertain parameters of ``robust`` named in words (``robust.uncertainty.<name>``), by name."""
    return {name: t(f"robust.uncertainty.{name}") for name in names}


def describe_threshold(outcome: str, statistic: str, bound: str, value: float) -> str:
    """A board's threshold in words: "median months operating at least 96", and for a yes/no outcome's
    mean, a share of runs: "closed in at most 10% of runs"."""
    o = metrics.BY_NAME[outcome]
    if o.unit == "0/1" and statistic == "mean":
        return t(f"robust.threshold_runs_{bound}", outcome=o.label, value=format_percent(value))
    return t(f"robust.threshold_{bound}", statistic=t(f"robust.statistic_{statistic}"), outcome=o.label,
             value=format_number(value))
