"""The board's thresholds: what a design must achieve in a future to count as satisficing.

A small YAML file (``experiments/robust/plovdiv-thresholds.yaml``)::

    thresholds:
      closed: {statistic: mean, at_most: 0.1}              # the centre closed in at most 10% of the replicates
      months_operating: {statistic: median, at_least: 96}
      served: {statistic: median, at_least: 400}

Each outcome (``simcenter.metrics``) takes a statistic over the future's replicates (``mean`` or
``median``, ``p10``, ``p90``) and exactly one bound, ``at_least`` or ``at_most``, a finite number.
Every problem is reported at once, one line each: ``FILE:LINE: path: message`` (exit 2).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np

from simcenter import metrics
from simcenter.config.problems import did_you_mean, locate
from simcenter.config.yamlsource import load_mapping_text, read_text
from simcenter.errors import InputError, Problem, format_path
from simcenter.i18n import t
from simcenter.phrases import describe_threshold

STATISTICS = {"mean": np.mean, "median": np.median, "p10": lambda a, axis: np.percentile(a, 10, axis=axis),
              "p90": lambda a, axis: np.percentile(a, 90, axis=axis)}
BOUNDS = ("at_least", "at_most")


@dataclass(frozen=True)
class Threshold:
    """``statistic`` of ``outcome`` over a future's replicates must be ``at_least``/``at_most`` ``value``."""

    outcome: str
    statistic: str
    bound: str
    value: float

    def met(self, values: np.ndarray) -> np.ndarray:
        """Whether each future meets it (``values``: ... x replicates)."""
        stat = STATISTICS[self.statistic](values, axis=-1)
        return stat >= self.value if self.bound == "at_least" else stat <= self.value

    def describe(self) -> str:
        return describe_threshold(self.outcome, self.statistic, self.bound, self.value)


DEFAULT = (Threshold("closed", "mean", "at_most", 0.1), Threshold("months_operating", "median", "at_least", 96),
           Threshold("served", "median", "at_least", 400))
"""The thresholds used without ``--thresholds`` (the same as the shipped Plovdiv file)."""


def load_thresholds(path: str | os.PathLike) -> tuple[Threshold, ...]:
    """Read and check a thresholds file.

    Raises:
        InputError: every problem of the file, each at its line.
    """
    name = str(path)
    data, locs = load_mapping_text(read_text(path), name)
    problems: list[Problem] = []

    def add(where: tuple, message: str) -> None:
        problems.append(Problem(name, locate(where, locs)[1], format_path(where), message))

    for key in data:
        if key != "thresholds":
            add((key,), t("robust.unknown_key", key=key, known="thresholds") + did_you_mean(str(key), ["thresholds"]))
    items = data.get("thresholds")
    if not isinstance(items, dict) or not items:
        add(("thresholds",), t("robust.thresholds_mapping"))
        raise InputError(problems)
    out = []
    for outcome, spec in items.items():
        where = ("thresholds", outcome)
        if outcome not in metrics.NAMES:
            add(where, t("robust.unknown_outcome", name=outcome) + did_you_mean(str(outcome), metrics.NAMES))
            continue
        if not isinstance(spec, dict):
            add(where, t("robust.threshold_shape"))
            continue
        for key in spec:
            if key not in ("statistic", *BOUNDS):
                add(where + (key,), t("robust.unknown_key", key=key, known="statistic, at_least, at_most")
                    + did_you_mean(str(key), ["statistic", *BOUNDS]))
        statistic = spec.get("statistic", "median")
        if statistic not in STATISTICS:
            add(where + ("statistic",), t("robust.bad_statistic", value=statistic, known=", ".join(STATISTICS))
                + did_you_mean(str(statistic), STATISTICS))
        bounds = [b for b in BOUNDS if b in spec]
        if len(bounds) != 1:
            add(where, t("robust.one_bound"))
            continue
        value = spec[bounds[0]]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            add(where + (bounds[0],), t("robust.bad_number", value=repr(value)))
            continue
        if statistic in STATISTICS:
            out.append(Threshold(outcome, statistic, bounds[0], float(value)))
    if problems:
        raise InputError(problems)
    return tuple(out)


def satisficing(values: dict[str, np.ndarray], thresholds) -> np.ndarray:
    """Whether each (design, future) meets every threshold; ``values``: outcome -> designs x
    futures x replicates."""
    ok = None
    for th in thresholds:
        met = th.met(values[th.outcome])
        ok = met if ok is None else ok & met
    return ok
