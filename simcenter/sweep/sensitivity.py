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
    return pd.DataFrame(rows, columns=["design", "outcome", "parameter", *columns]), notes


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
