"""Statistics of a comparison: summaries, paired differences with bootstrap intervals,
pros and cons in plain sentences, and trade-offs. Pure functions of saved results.

The effect statistic is the median for continuous outcomes and the mean (a share of runs)
for 0/1 outcomes, whose medians would hide everything. A difference is *robust* when its
bootstrap 90% interval excludes zero.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simcenter import metrics
from simcenter.i18n import format_value as fmt
from simcenter.i18n import join_words, language, t

BOOTSTRAP_RESAMPLES = 2000
CONFIDENCE = 0.90


@dataclass
class Results:
    """A saved comparison, as read back from its folder."""

    folder: Path
    meta: dict
    kpis: pd.DataFrame
    bands: pd.DataFrame
    income: pd.DataFrame

    @property
    def designs(self) -> list[str]:
        return [d["name"] for d in self.meta["designs"]]

    @property
    def baseline(self) -> str:
        return self.meta["baseline"]

    def title(self, design: str) -> str:
        """``design``'s display name in the language in force: its ``title_bg`` in Bulgarian, else its
        ``title``, else its name (a comparison saved before titles, a scenario without one)."""
        meta = next((d for d in self.meta["designs"] if d["name"] == design), {})
        shown = meta.get("title_bg") if language() == "bg" else None
        shown = shown or meta.get("title") or design
        return shown if isinstance(shown, str) else design

    def titles(self) -> dict[str, str]:
        """Every design's display name, by name."""
        return {d: self.title(d) for d in self.designs}

    def values(self, design: str, outcome: str) -> np.ndarray:
        """Outcome values of ``design`` by replicate (aligned across designs)."""
        by_design = self.__dict__.setdefault("_rows_by_design", {})  # the same rows for every outcome
        rows = by_design.get(design)
        if rows is None:
            rows = by_design[design] = self.kpis[self.kpis["scenario"] == design].sort_values("replicate")
        return rows[outcome].to_numpy(dtype=float)


def load_results(folder: str | Path) -> Results:
    """Read a comparison folder written by ``simcenter.comparison.save``, every file checked.

    Raises:
        InputError: what is wrong with the folder's files, each problem located (``report.saved``).
    """
    from simcenter.report.saved import read_saved

    folder = Path(folder)
    meta, kpis, bands, income = read_saved(folder)
    return Results(folder, meta, kpis, bands, income)


def statistic(outcome: str) -> str:
    """'mean' for 0/1 outcomes, 'median' otherwise."""
    return "mean" if metrics.BY_NAME[outcome].unit == "0/1" else "median"


def _stat(values: np.ndarray, how: str, axis=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if how == "mean":
            return np.nanmean(values, axis=axis)
        if not np.isnan(values).any():
            # The same numbers as nanmedian, which for fewer than 600 values along the axis takes a
            # masked-array path about 100 times slower (most of a report's time, with bootstraps).
            return np.median(values, axis=axis)
        return np.nanmedian(values, axis=axis)


def paired_interval(a: np.ndarray, b: np.ndarray, how: str, rng: np.random.Generator) -> tuple[float, float, float]:
    """Difference of the statistic of ``a`` and of ``b`` (medians, or means for 0/1 outcomes), with a
    bootstrap percentile interval that resamples replicates jointly, keeping the pairs together."""
    keep = ~(np.isnan(a) | np.isnan(b))
    a, b = a[keep], b[keep]
    if a.size == 0:
        return math.nan, math.nan, math.nan
    point = float(_stat(a, how) - _stat(b, how))
    if a.size == 1 or np.array_equal(a, b):
        return point, point, point
    # Resamples: rows of numpy's index matrix; medians are counted in compiled code (numpy's
    # np.median(a[idx], axis=1), 5 times sooner), means by numpy.
    idx = rng.integers(0, a.size, size=(BOOTSTRAP_RESAMPLES, a.size))
    if how == "median":
        from simcenter.fast.bootstrap import bootstrap_medians  # (here: a comparison's own process never loads it)

        med_a, med_b = np.empty(BOOTSTRAP_RESAMPLES), np.empty(BOOTSTRAP_RESAMPLES)
        bootstrap_medians(idx, np.ascontiguousarray(a, dtype=np.float64), np.ascontiguousarray(b, dtype=np.float64),
                          med_a, med_b)
        boot = med_a - med_b
    else:
        boot = _stat(a[idx], how, axis=1) - _stat(b[idx], how, axis=1)
    alpha = (1 - CONFIDENCE) / 2
    lo, hi = np.quantile(boot, [alpha, 1 - alpha])
    return point, float(lo), float(hi)


def _robust(lo: float, hi: float, n: int) -> bool:
    return n >= 2 and not math.isnan(lo) and (lo > 0 or hi < 0)


def summary_table(res: Results) -> pd.DataFrame:
    """Long table: scenario, outcome, unit, direction, median, mean, p05, p95, diff_median,
    diff_ci_low, diff_ci_high, robust — plus the same against the field (the other designs)."""
    rng = np.random.default_rng(int(res.meta.get("seed", 0)))
    rows = []
    designs = res.designs
    for outcome in metrics.OUTCOMES:
        name = outcome.name
        how = statistic(name)
        matrix = np.stack([res.values(d, name) for d in designs])  # designs x replicates
        base = matrix[designs.index(res.baseline)]
        for i, design in enumerate(designs):
            v = matrix[i]
            ok = v[~np.isnan(v)]
            point, lo, hi = paired_interval(v, base, how, rng)
            others = np.delete(matrix, i, axis=0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                field = np.nanmean(others, axis=0) if len(others) else np.full_like(v, np.nan)
            f_point, f_lo, f_hi = paired_interval(v, field, how, rng)
            n_pairs = int(np.count_nonzero(~np.isnan(v - base)))
            n_field = int(np.count_nonzero(~np.isnan(v - field)))
            rows.append({
                "scenario": design, "outcome": name, "unit": outcome.unit, "direction": outcome.direction,
                "statistic": how,
                "median": float(np.median(ok)) if ok.size else math.nan,
                "mean": float(ok.mean()) if ok.size else math.nan,
                "p05": float(np.percentile(ok, 5)) if ok.size else math.nan,
                "p95": float(np.percentile(ok, 95)) if ok.size else math.nan,
                "diff_median": point, "diff_ci_low": lo, "diff_ci_high": hi,
                "robust": design != res.baseline and _robust(lo, hi, n_pairs),
                "field_value": float(_stat(field, how)) if np.any(~np.isnan(field)) else math.nan,
                "field_diff": f_point, "field_ci_low": f_lo, "field_ci_high": f_hi,
                "field_robust": len(designs) > 1 and _robust(f_lo, f_hi, n_field),
            })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- sentences
def _better(direction: str, diff: float) -> bool:
    return (direction == "max" and diff > 0) or (direction == "min" and diff < 0)


def material(outcome: str, diff: float, level: float) -> bool:
    """Big enough to mention (``metrics.is_material``): ``level`` is the design's value of ``outcome`` and
    ``diff`` its difference from the other's."""
    return metrics.is_material(metrics.BY_NAME[outcome], level - diff, level)


def base_median(res: Results, design: str, outcome: str) -> float:
    """The median over ``design``'s runs of what a share ``outcome`` rests on (its ``base`` outcome:
    people reached, supported ventures, registrations); infinite for an outcome without one."""
    base = metrics.BY_NAME[outcome].base
    if base is None:
        return math.inf
    v = res.values(design, base)
    v = v[~np.isnan(v)]
    return float(np.median(v)) if v.size else 0.0


def too_few(res: Results, design: str, outcome: str) -> bool:
    """True when a share rests on fewer than ``metrics.MIN_BASE`` people or ventures in the design's median run."""
    return base_median(res, design, outcome) < metrics.MIN_BASE


def _count_worse(summary_by: dict, design: str, outcome: str, against_field: bool) -> bool:
    """For a share whose numerator is a good (``count``): the count itself is robustly and materially worse."""
    count = metrics.BY_NAME[outcome].count
    if count is None:
        return False
    row = summary_by[design].loc[count]
    diff = row["field_diff"] if against_field else row["diff_median"]
    robust = row["field_robust"] if against_field else row["robust"]
    return bool(robust) and material(count, diff, row["median"]) and not _better(row["direction"], diff)


def no_verdict(res: Results, summary: pd.DataFrame) -> set[tuple[str, str]]:
    """The (design, outcome) pairs whose difference from the baseline is no verdict, better or worse, even
    when robust: a share resting on fewer than ``metrics.MIN_BASE`` in the design's or the baseline's median
    run, or a higher share (``count``) of fewer people than the baseline's (the pros and cons, and the
    report's table of differences)."""
    by_design = {d: summary[summary["scenario"] == d].set_index("outcome") for d in res.designs}
    out = set()
    for design in res.designs:
        for o in metrics.OUTCOMES:
            if o.base is None and o.count is None:
                continue
            row = by_design[design].loc[o.name]
            if (too_few(res, design, o.name) or too_few(res, res.baseline, o.name)
                    or (_better(row["direction"], row["diff_median"]) and _count_worse(by_design, design, o.name, False))):
                out.add((design, o.name))
    return out


def pros_and_cons(res: Results, summary: pd.DataFrame) -> dict[str, dict[str, list[str]]]:
    """For each design: plain sentences for the outcomes on which it is robustly (and materially)
    better or worse than the baseline and than the field (the other designs on average).

    A share of people or ventures is no pro or con of a design whose median run has fewer than
    ``metrics.MIN_BASE`` of them (its ``base`` outcome), nor against a baseline that has fewer; a higher
    share whose numerator is a good (regional reach: people outside the city) is no pro when that count
    is worse (a smaller centre, a larger share of fewer people)."""
    out: dict[str, dict[str, list[str]]] = {}
    baseline = summary[summary["scenario"] == res.baseline].set_index("outcome")
    by_design = {d: summary[summary["scenario"] == d].set_index("outcome") for d in res.designs}
    quiet = no_verdict(res, summary)
    for design in res.designs:
        pros: list[str] = []
        cons: list[str] = []
        for _, row in summary[summary["scenario"] == design].iterrows():
            if row["direction"] == "info" or too_few(res, design, row["outcome"]):
                continue
            col = "mean" if row["statistic"] == "mean" else "median"
            level, unit = row[col], row["unit"]
            against = []
            verdicts = set()
            if row["robust"] and material(row["outcome"], row["diff_median"], level) and (design, row["outcome"]) not in quiet:
                against.append(t("report.against", value=fmt(baseline.loc[row["outcome"], col], unit), who=res.title(res.baseline)))
                verdicts.add(_better(row["direction"], row["diff_median"]))
            if (row["field_robust"] and material(row["outcome"], row["field_diff"], level)
                    and not (_better(row["direction"], row["field_diff"])
                             and _count_worse(by_design, design, row["outcome"], True))):
                against.append(t("report.against", value=fmt(row["field_value"], unit), who=t("report.the_field")))
                verdicts.add(_better(row["direction"], row["field_diff"]))
            if not against or len(verdicts) != 1:
                continue  # nothing robust, or better than one and worse than the other: no plain verdict
            label = metrics.BY_NAME[row["outcome"]].label
            key = "report.sentence_runs" if unit == "0/1" else "report.sentence_value"
            text = t(key, label=label, value=fmt(level, unit), against=t("report.and").join(against))
            (pros if verdicts.pop() else cons).append((row["outcome"], text))
        out[design] = {"pros": [text for _, text in pros], "cons": [text for _, text in cons],
                       "grouped_pros": grouped(pros, "report.also_better"),
                       "grouped_cons": grouped(cons, "report.also_worse")}
    return out


def grouped(items: list[tuple[str, str]], also: str) -> list[str]:
    """Sentences (outcome, text) one per group of outcomes (``metrics.GROUPS``), in the groups' order: the
    headline's sentence (else the first member's), then the other outcomes of the group that say the same,
    named once (``also``: "also better on ..."). A board reads one signal once, not six times."""
    by_outcome = dict(items)
    out = []
    for group in metrics.GROUPS:
        named = [o for o in (group.headline, *group.members) if o in by_outcome]
        if not named:
            continue
        text = by_outcome[named[0]]
        if len(named) > 1:
            text += t(also, outcomes=join_words(metrics.BY_NAME[o].label for o in named[1:]))
        out.append(text)
    return out


def tradeoffs(res: Results) -> pd.DataFrame:
    """Per directional outcome: the best design, and the share of replicates each design is best.
    A design whose share rests on fewer than ``metrics.MIN_BASE`` people or ventures (median run) is
    left out of that outcome's row (its share of replicates empty): it cannot be the best on it; so is,
    for a share whose numerator is a good (``count``), a design whose median count is materially (2%) below
    the baseline's."""
    designs = res.designs
    rows = []
    for outcome in metrics.OUTCOMES:
        if outcome.direction == "info":
            continue
        matrix = np.stack([res.values(d, outcome.name) for d in designs])
        few = np.array([too_few(res, d, outcome.name) for d in designs])
        if outcome.count:  # a larger share of fewer people than the baseline's (reach outside the city) is not the best
            base_count = np.nanmedian(res.values(res.baseline, outcome.count))
            few |= np.array([np.nanmedian(res.values(d, outcome.count)) < (1 - metrics.MATERIAL_RELATIVE) * base_count
                             for d in designs])
        matrix[few] = np.nan
        signed = matrix if outcome.direction == "max" else -matrix
        share = np.zeros(len(designs))
        counted = 0
        for r in range(signed.shape[1]):
            col = signed[:, r]
            if np.all(np.isnan(col)):
                continue
            best = np.flatnonzero(col == np.nanmax(col))
            share[best] += 1.0 / len(best)
            counted += 1
        share = share / counted if counted else np.full(len(designs), np.nan)
        share[few] = np.nan
        how = statistic(outcome.name)
        centre = np.array([_stat(row, how) for row in signed])
        best_design = designs[int(np.nanargmax(centre))] if not np.all(np.isnan(centre)) else ""
        rows.append({"outcome": outcome.name, "best": best_design,
                     **{f"share_best:{d}": float(s) for d, s in zip(designs, share)}})
    return pd.DataFrame(rows)
