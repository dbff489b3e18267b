"""Sensitivity indices per outcome from a stored sweep (SALib).

Sobol (Saltelli) designs give first-order and total indices, Morris designs elementary
effects (mu*, sigma), Latin hypercubes first-order indices by RBD-FAST. A stochastic model is
analysed on each point's mean over its replicates. With ``levers: full_factorial`` the
indices are computed for each combination of the levers (each design) separately, over the
same sample of uncertainties.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from simcenter.extras import require
from simcenter.i18n import t
from simcenter.rng import stream
from simcenter.sweep.design import problem, sampled_parameters
from simcenter.sweep.experiment import Experiment

METHOD_OF_DESIGN = {"sobol": "sobol", "morris": "morris", "latin_hypercube": "rbd_fast"}
INDEX_COLUMNS = {
    "sobol": ("S1", "S1_conf", "ST", "ST_conf"),
    "morris": ("mu_star", "mu_star_conf", "mu", "sigma"),
    "rbd_fast": ("S1", "S1_conf"),
}
MIN_RBD_SAMPLES = 40
"""RBD-FAST (M = 10 harmonics) needs at least this many points per design."""
MAIN_INDEX = {"sobol": "ST", "morris": "mu_star", "rbd_fast": "S1"}
"""The index by which parameters are ranked."""
CHECKED = {"sobol": ("S1", "ST"), "morris": ("mu_star",), "rbd_fast": ("S1",)}
"""The indices whose 95% interval is checked against zero (``<index>_clear`` columns)."""
SHOWN = 0.005
"""An index that rounds to 0.00 is not listed as 'not distinguishable from 0': it claims nothing."""
MIN_CONVERGENCE_SAMPLES = 4
"""The smallest nested Sobol subset (base samples) drawn in the convergence plot."""


def method_for(exp: Experiment) -> str | None:
    """The index method the experiment's design supports (None for a full factorial)."""
    if not sampled_parameters(exp.design, exp.parameters):
        return None
    return METHOD_OF_DESIGN.get(exp.design.method)


def indices(exp: Experiment, points: pd.DataFrame, means: pd.DataFrame,
            labels: dict[int, str]) -> tuple[pd.DataFrame, list[str]]:
    """Indices of every kept outcome for every design (combination of crossed levers).

    Args:
        points: the store's points table (point, combo, u_<parameter>...).
        means: outcome means over ok replicates, indexed by point.
        labels: combo -> a readable name of the design.

    Returns:
        A long table (design, outcome, parameter, <index columns>) and notes on what was skipped.
    """
    method = method_for(exp)
    if method is None:
        return pd.DataFrame(), []
    if method == "rbd_fast" and (exp.design.samples or 0) < MIN_RBD_SAMPLES:
        return pd.DataFrame(), [t("sweep.too_few_for_rbd", n=MIN_RBD_SAMPLES)]
    params = sampled_parameters(exp.design, exp.parameters)
    prob = problem(params)
    columns = INDEX_COLUMNS[method]
    rows, notes = [], []
    seed = int(stream(exp.seed, "sweep.analysis").integers(2**31 - 1))
    for combo, group in points.groupby("combo", sort=True):
        group = group.sort_values("point")
        x = group[[f"u_{p.name}" for p in params]].to_numpy(dtype=float)
        label = labels.get(int(combo), str(combo))
        for outcome in exp.outcomes:
            y = means.reindex(group["point"])[outcome].to_numpy(dtype=float)
            if np.isnan(y).any():
                notes.append(f"{label}: {outcome}")
                continue
            if np.nanstd(y) == 0:
                si = {c: np.zeros(len(params)) for c in columns}
            else:
                try:
                    si = _analyze(method, prob, x, y, exp, seed)
                except (ValueError, ZeroDivisionError, FloatingPointError, IndexError):
                    notes.append(f"{label}: {outcome}")
                    continue
            for j, p in enumerate(params):
                rows.append({"design": label, "outcome": outcome, "parameter": p.name,
                             **{c: float(si[c][j]) for c in columns}})
    table = pd.DataFrame(rows, columns=["design", "outcome", "parameter", *columns])
    return with_clarity(table, method), notes


def with_clarity(table: pd.DataFrame, method: str) -> pd.DataFrame:
    """``table`` with a ``<index>_clear`` column per checked index: true when the estimate is above zero
    and its 95% interval (estimate +- conf) stays above zero; false when the estimate is below zero or
    the interval is wider than the estimate (not distinguishable from 0 with this many samples)."""
    out = table.copy()
    for index in CHECKED[method]:
        est, conf = out[index].astype(float), out[f"{index}_conf"].astype(float)
        out[f"{index}_clear"] = (est > 0) & (conf.abs() < est)
    return out


def unclear(table: pd.DataFrame, method: str, outcome: str, design: str) -> list[str]:
    """The parameters of one outcome and design whose main index is not distinguishable from 0, as
    ``name (ST 0.41 +- 0.50)``; estimates that round to 0.00 (``SHOWN``), which claim nothing, are left out."""
    main = MAIN_INDEX[method]
    rows = table[(table["outcome"] == outcome) & (table["design"] == design)]
    out = []
    for _, r in rows.sort_values(main, ascending=False).iterrows():
        if not r[f"{main}_clear"] and abs(r[main]) >= SHOWN:
            out.append(f"{r['parameter']} ({main} {r[main]:.2f} ± {abs(r[main + '_conf']):.2f})")
    return out


def convergence(exp: Experiment, points: pd.DataFrame, means: pd.DataFrame, labels: dict[int, str],
                outcomes) -> pd.DataFrame:
    """Sobol indices on nested subsets of the sample: the first n x (D + 2) points (n x (2D + 2) with
    second-order indices) of a Saltelli sample of N base samples are the Saltelli sample of n base
    samples drawn with the same seed (checked in tests/test_sweep_honesty.py), so n = N, N/2, N/4, ...
    show whether the indices have settled. Empty unless the design is Sobol.

    Returns a long table: design, outcome, parameter, samples, S1, S1_conf, ST, ST_conf.
    """
    if method_for(exp) != "sobol":
        return pd.DataFrame()
    params = sampled_parameters(exp.design, exp.parameters)
    prob = problem(params)
    width = 2 * len(params) + 2 if exp.design.second_order else len(params) + 2
    seed = int(stream(exp.seed, "sweep.analysis").integers(2**31 - 1))
    sizes, n = [], int(exp.design.samples)
    while n >= MIN_CONVERGENCE_SAMPLES:
        sizes.append(n)
        n //= 2
    rows = []
    for combo, group in points.groupby("combo", sort=True):
        order = group.sort_values("point")["point"]
        label = labels.get(int(combo), str(combo))
        for outcome in outcomes:
            y_all = means.reindex(order)[outcome].to_numpy(dtype=float)
            for n in sorted(sizes):
                y = y_all[: n * width]
                if np.isnan(y).any() or np.std(y) == 0:
                    continue
                try:
                    si = _analyze("sobol", prob, None, y, exp, seed)
                except (ValueError, ZeroDivisionError, FloatingPointError, IndexError):
                    continue
                rows += [{"design": label, "outcome": outcome, "parameter": p.name, "samples": n,
                          **{c: float(si[c][j]) for c in ("S1", "S1_conf", "ST", "ST_conf")}}
                         for j, p in enumerate(params)]
    return pd.DataFrame(rows, columns=["design", "outcome", "parameter", "samples", "S1", "S1_conf", "ST", "ST_conf"])


def _analyze(method: str, prob: dict, x: np.ndarray, y: np.ndarray, exp: Experiment, seed: int) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "sobol":
            sobol = require("SALib.analyze.sobol")
            return sobol.analyze(prob, y, calc_second_order=exp.design.second_order, num_resamples=100,
                                 conf_level=0.95, seed=seed)
        if method == "morris":
            morris = require("SALib.analyze.morris")
            return morris.analyze(prob, x, y, num_resamples=100, conf_level=0.95, num_levels=exp.design.morris_levels,
                                  seed=seed)
        rbd_fast = require("SALib.analyze.rbd_fast")
        return rbd_fast.analyze(prob, x, y, M=10, num_resamples=100, conf_level=0.95,
                                seed=seed)


def ranking(table: pd.DataFrame, method: str, outcome: str, design: str | None = None,
            top: int = 3) -> list[tuple[str, float]]:
    """The ``top`` parameters by the method's main index for one outcome (and design)."""
    if table.empty:
        return []
    rows = table[table["outcome"] == outcome]
    if design is not None:
        rows = rows[rows["design"] == design]
    main = MAIN_INDEX[method]
    ranked = rows.groupby("parameter")[main].mean().sort_values(ascending=False)
    return [(name, float(v)) for name, v in ranked.head(top).items()]
