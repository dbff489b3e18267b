"""Scenario discovery: under which conditions does a design fail? (PRIM, EMA Workbench)

Each stored run is one possible world. A failure condition on the final outcomes (by default
``closed == 1``) marks the worlds where the centre fails; PRIM (the patient rule induction
method) then looks for a box in the space of levers and uncertainties where failure is
concentrated, and the box is told in plain language: "in 87% of the runs where ... the centre
fails; these hold 64% of all failing runs".
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simcenter.extras import require
from simcenter.i18n import t
from simcenter.phrases import describe_limits

MAX_BOX_DIMENSIONS = 3
"""A box with more restricted parameters is too complex to read out as a sentence."""
MIN_CASES = 10
"""Runs needed on each side (failing, not failing) before PRIM is worth trying for one design."""
GOOD_DENSITY = 0.8
MIN_COVERAGE = 0.2
ALPHA = 0.05
"""A box is told only when a one-sided binomial test finds its density above the base rate at this level;
a restriction whose quasi-p-value is above it is flagged."""


@dataclass
class Box:
    """A PRIM box: where failure concentrates, and how much."""

    scope: str  # "all designs" or one design's label
    limits: list[tuple[str, str, object]]  # (parameter, kind, limit): kind "below"/"above"/"between"/"in"/"not_in"
    coverage: float  # share of all failing runs inside the box
    density: float  # share of the runs inside the box that fail
    mass: float  # share of all runs inside the box
    n_inside: int
    trajectory: pd.DataFrame  # the peeling trajectory (for the figure)
    chosen: int
    failing_inside: int = 0  # runs inside the box that meet the condition
    failing: int = 0  # runs that meet the condition, inside or not
    base_rate: float = 0.0  # share of all runs that meet the condition
    p_value: float = 1.0  # one-sided binomial test: is the density above the base rate?
    qp: dict = field(default_factory=dict)  # parameter -> quasi-p-value of its restriction (Bryant & Lempert)

    @property
    def significant(self) -> bool:
        """The box is denser than the runs as a whole, beyond what chance would give (``ALPHA``)."""
        return self.density > self.base_rate and self.p_value < ALPHA

    def density_interval(self) -> tuple[float, float]:
        from simcenter.sweep.randomness import wilson

        return wilson(self.failing_inside, self.n_inside)

    def coverage_interval(self) -> tuple[float, float]:
        from simcenter.sweep.randomness import wilson

        return wilson(self.failing_inside, self.failing)

    def conditions(self, labels: dict[str, str] | None = None) -> str:
        """The box as words: ``p_success is below 0.12 and legal_form is cooperative``; ``labels``:
        the parameters' names in words, by column (default: the column names)."""
        return describe_limits(self.limits, labels)


def find_box(x: pd.DataFrame, y: np.ndarray, scope: str) -> Box | None:
    """Run PRIM once and pick a readable box (None when failure has no clear region)."""
    x = x.loc[:, [c for c in x.columns if x[c].nunique(dropna=False) > 1]]
    if x.empty or y.sum() == 0 or y.all():
        return None
    with warnings.catch_warnings():  # "ipyparallel not installed": not needed here
        warnings.simplefilter("ignore")
        prim = require("ema_workbench.analysis.prim")

    logging.getLogger("EMA").setLevel(logging.ERROR)
    x = x.reset_index(drop=True).copy()
    whole = set()
    for col in x.columns:
        if not pd.api.types.is_numeric_dtype(x[col]) or pd.api.types.is_bool_dtype(x[col]):
            x[col] = x[col].astype(str).astype(object)
        elif pd.api.types.is_integer_dtype(x[col]):
            # EMA Workbench's pasting writes fractional limits into the box: with pandas 3 an
            # integer column refuses them, so PRIM sees whole numbers as floats.
            x[col] = x[col].astype("float64")
            whole.add(col)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        finder = prim.Prim(x, y.astype(bool), peel_alpha=0.05, paste_alpha=0.05, mass_min=0.05)
        box = finder.find_box()
    if box is None:
        return None
    traj = box.peeling_trajectory.reset_index(drop=True)
    base_rate = float(y.mean())
    readable = traj[(traj["res_dim"] >= 1) & (traj["res_dim"] <= MAX_BOX_DIMENSIONS)]
    # A box is worth telling when it concentrates failure well beyond the base rate: at least
    # GOOD_DENSITY, and halving the share of runs that do not fail.
    wanted = max(GOOD_DENSITY, base_rate + (1 - base_rate) / 2)
    good = readable[(readable["density"] >= wanted) & (readable["coverage"] >= MIN_COVERAGE)]
    if len(good):
        i = int(good["coverage"].idxmax())
    else:
        # Otherwise the best balance of density and coverage among boxes that at least double the
        # base rate (a rare outcome) or go a quarter of the way to certainty (a common one).
        better = readable[readable["density"] >= min(base_rate + (1 - base_rate) / 4, 2 * base_rate)]
        if better.empty:
            return None
        f1 = 2 * better["coverage"] * better["density"] / (better["coverage"] + better["density"])
        i = int(f1.idxmax())
    lims, init = box.box_lims[i], finder.box_init
    limits = []
    for col in x.columns:
        lo, hi = lims.loc[0, col], lims.loc[1, col]
        if isinstance(lo, (set, frozenset)):
            full = set(init.loc[0, col])
            if set(lo) != full:
                inside = sorted(map(str, lo))
                outside = sorted(map(str, full - set(lo)))
                limits.append((col, "in", inside) if len(inside) <= len(outside) else (col, "not_in", outside))
            continue
        lo_cut, hi_cut = lo > init.loc[0, col], hi < init.loc[1, col]
        if col in whole:
            lo, hi = int(np.ceil(lo)), int(np.floor(hi))
        if lo_cut and hi_cut:
            limits.append((col, "between", (lo, hi)))
        elif lo_cut:
            limits.append((col, "above", lo))
        elif hi_cut:
            limits.append((col, "below", hi))
    row = traj.iloc[i]
    from scipy.stats import binomtest

    k, n = int(row["k"]), int(row["n"])
    p_value = float(binomtest(k, n, base_rate, alternative="greater").pvalue) if 0 < base_rate < 1 else 1.0
    qp = {}
    for col, sides in box.p_values[i].items():
        measured = [float(v) for v in sides if v is not None and v >= 0]
        if measured:
            qp[col] = max(measured)  # a two-sided restriction is as doubtful as its weaker side
    return Box(scope=scope, limits=limits, coverage=float(row["coverage"]), density=float(row["density"]),
               mass=float(row["mass"]), n_inside=n, trajectory=traj, chosen=i, failing_inside=k,
               failing=int(y.sum()), base_rate=base_rate, p_value=p_value, qp=qp)


def _pct(value: float) -> str:
    return f"{value:.0%}"


def _interval(bounds: tuple[float, float]) -> str:
    return f"{bounds[0]:.0%}–{bounds[1]:.0%}"


def p_value_text(value: float) -> str:
    """A p-value as ``< 0.001`` or ``0.012``."""
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def p_text(value: float) -> str:
    """A p-value as ``p < 0.001`` or ``p = 0.012``."""
    shown = p_value_text(value)
    return f"p {shown}" if shown.startswith("<") else f"p = {shown}"


def qp_text(box: Box) -> str:
    """The quasi-p-value of each restricted parameter: ``starting_cash_eur < 0.001, rent 0.210``."""
    return ", ".join(f"{name} {p_value_text(box.qp[name])}" for name, _, _ in box.limits if name in box.qp)


def doubtful(box: Box) -> list[str]:
    """The restricted parameters whose quasi-p-value is not below ``ALPHA``."""
    return [name for name, _, _ in box.limits if box.qp.get(name, 0.0) >= ALPHA]


def avoided_sentence(box: Box | None) -> str:
    """Where the condition is avoided, when it is the rule (a box found for the runs that avoid it)."""
    if box is None or not box.limits or not box.significant:
        return ""
    return t("sweep.avoided_sentence", conditions=box.conditions(), density=f"{box.density:.0%}",
             coverage=f"{box.coverage:.0%}", mass=f"{box.mass:.0%}")


def sentence(box: Box | None, condition: str, label: str, failing: int, runs: int) -> str:
    """Plain-language account of where ``condition`` holds."""
    share = failing / runs if runs else 0.0
    from simcenter.sweep.randomness import wilson

    head = t("sweep.failure_rate", label=label, condition=condition, failing=failing, runs=runs, share=f"{share:.0%}",
             ci=_interval(wilson(failing, runs)) if runs else "–")
    if failing == 0:
        return head + " " + t("sweep.never_fails")
    if failing == runs:
        return head + " " + t("sweep.always_fails")
    if box is None or not box.limits:
        return head + " " + t("sweep.no_box")
    if not box.significant:
        return head + " " + t("sweep.box_not_significant", conditions=box.conditions(), density=_pct(box.density),
                               base=_pct(box.base_rate), p=p_text(box.p_value))
    text = t("sweep.box_sentence", conditions=box.conditions(), density=_pct(box.density),
             coverage=_pct(box.coverage), mass=_pct(box.mass), density_ci=_interval(box.density_interval()),
             coverage_ci=_interval(box.coverage_interval()), base=_pct(box.base_rate), p=p_text(box.p_value))
    if box.qp:
        text += " " + t("sweep.box_qp", values=qp_text(box))
    weak = doubtful(box)
    if weak:
        text += " " + t("sweep.box_doubtful", names=", ".join(weak), alpha=ALPHA)
    return head + " " + text
