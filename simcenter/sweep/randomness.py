"""How much of a sweep's variance is the seed's: replicates at the same point against the points.

Every point of a sweep is run with the same ``replicates`` seeds. For each outcome a random-effects
ANOVA over the points splits the variance of a single run into the part between points (the
parameters, sigma_p^2) and the part within a point (the seed); the intraclass correlation is the
parameters' share and ``seed_share`` the rest. As the seeds are common to all points, the seed's
part is split again (``variance_split``) into what every point shares and what differs by point
(sigma_s^2, the point-by-seed interaction).

The indices are computed on each point's mean over its r replicates, whose variance across points
is sigma_p^2 + sigma_s^2 / r: the seed's share of it is ``seed_share_of_means``. The rule: replicates
are enough when that share is at most ``ENOUGH`` (10%), i.e. sigma_s^2 / r <= 0.1 x (the variance
of the point means), which holds from r >= 9 sigma_s^2 / sigma_p^2 replicates (``replicates_needed``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

ENOUGH = 0.10
"""The seed's largest acceptable share of the variance of the point means."""
Z95 = 1.959963984540054


def wilson(k: int | np.ndarray, n: int | np.ndarray, z: float = Z95) -> tuple:
    """Wilson score interval (95%) of a binomial proportion ``k / n`` (NaN when ``n`` is 0)."""
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low = np.where(k == 0, 0.0, np.clip(centre - half, 0, 1))  # exact at the ends, not 1e-18 away
    high = np.where(k == n, 1.0, np.clip(centre + half, 0, 1))
    return (float(low), float(high)) if low.ndim == 0 else (low, high)


def point_means(ok: pd.DataFrame, outcomes) -> pd.DataFrame:
    """Each point's mean of each outcome over its ok replicates, with a 95% t-interval.

    Returns a long table: point, outcome, replicates, mean, sd, low, high (low and high are
    empty for a point with one replicate).
    """
    from scipy import stats

    frames = []
    grouped = ok.groupby("point")
    for outcome in outcomes:
        agg = grouped[outcome].agg(["count", "mean", "std"]).reset_index()
        n = agg["count"].to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            tq = np.where(n > 1, stats.t.ppf(0.975, np.maximum(n - 1, 1)), np.nan)
            half = tq * agg["std"].to_numpy(dtype=float) / np.sqrt(n)
        frames.append(pd.DataFrame({"point": agg["point"], "outcome": outcome, "replicates": agg["count"],
                                    "mean": agg["mean"], "sd": agg["std"],
                                    "low": agg["mean"] - half, "high": agg["mean"] + half}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["point", "outcome", "replicates", "mean", "sd", "low", "high"])


SPLIT_COLUMNS = ["outcome", "points", "replicates", "var_parameters", "var_seed_common", "var_seed_point",
                 "seed_share", "seed_share_common", "seed_share_of_means", "replicates_needed", "p_value"]


def variance_split(ok: pd.DataFrame, outcomes, replicates: int) -> pd.DataFrame:
    """The seed's and the parameters' shares of each outcome's variance.

    Only points with every replicate ok count (at least two points, two replicates). Returns one
    row per outcome (``SPLIT_COLUMNS``):

    - every point is run with the same seeds (common random numbers), so the one-way random-effects
      ANOVA over the points becomes a two-way one (points x replicates, one run per cell, random
      effects), which splits the seed's variance into a part common to all points (``var_seed_common``:
      a lucky or unlucky world, which shifts every point mean alike and so leaves the indices
      untouched) and a part that differs by point (``var_seed_point``), beside the parameters'
      (``var_parameters``);
    - ``seed_share``: the seed's share of a single run's variance (1 - the intraclass correlation of
      the points), ``seed_share_common`` the part of it all points share;
    - ``seed_share_of_means``: the seed's share of the variance of the point means the indices are
      computed on, (var_seed_point / r) / (var_parameters + var_seed_point / r);
    - ``replicates_needed``: the replicates that bring that share to ``ENOUGH`` or less,
      ceil(9 x var_seed_point / var_parameters) (inf when no effect of the parameters is measured);
    - ``p_value``: the F test of the points' effect against the seed's (small: the parameters matter).
    """
    from scipy import stats

    rows = []
    for outcome in outcomes:
        table = ok.pivot_table(index="point", columns="replicate", values=outcome, aggfunc="first")
        table = table.dropna(axis=1, how="all").dropna(axis=0, how="any")
        k, r = table.shape
        row = dict.fromkeys(SPLIT_COLUMNS, math.nan) | {"outcome": outcome, "points": k, "replicates": replicates}
        if k >= 2 and r >= 2:
            y = table.to_numpy(dtype=float)
            grand, by_point, by_rep = y.mean(), y.mean(axis=1), y.mean(axis=0)
            ms_points = r * ((by_point - grand) ** 2).sum() / (k - 1)
            ms_reps = k * ((by_rep - grand) ** 2).sum() / (r - 1)
            resid = y - by_point[:, None] - by_rep[None, :] + grand
            ms_int = (resid ** 2).sum() / ((k - 1) * (r - 1))
            params = max(0.0, (ms_points - ms_int) / r)
            common = max(0.0, (ms_reps - ms_int) / k)
            row.update(var_parameters=params, var_seed_common=common, var_seed_point=ms_int)
            total = params + common + ms_int
            if total > 0:
                row["seed_share"] = (common + ms_int) / total
                row["seed_share_common"] = common / total
                noise = ms_int / replicates
                row["seed_share_of_means"] = noise / (params + noise) if params + noise > 0 else 0.0
                row["replicates_needed"] = (math.inf if params == 0 else
                                            max(1, math.ceil((1 - ENOUGH) / ENOUGH * ms_int / params - 1e-9)))
                row["p_value"] = (float(stats.f.sf(ms_points / ms_int, k - 1, (k - 1) * (r - 1)))
                                  if ms_int > 0 else 0.0)
            else:
                row.update(seed_share=0.0, seed_share_common=0.0, seed_share_of_means=0.0, replicates_needed=1)
        rows.append(row)
    return pd.DataFrame(rows, columns=SPLIT_COLUMNS)


def too_few(split: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``variance_split`` whose replicates are not enough by the rule (``ENOUGH``)."""
    if split.empty:
        return split
    return split[split["seed_share_of_means"] > ENOUGH]


def feature_scores(x: pd.DataFrame, y: np.ndarray, classify: bool, seed: int) -> pd.Series:
    """EMA Workbench's extra-trees feature scores of ``x``'s columns for ``y`` (descending)."""
    import logging
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import feature_scoring
        from ema_workbench.analysis.scenario_discovery_util import RuleInductionType

    logging.getLogger("EMA").setLevel(logging.ERROR)
    y = np.asarray(y)
    known = ~pd.isna(y)  # an outcome a run could not give (NaN) says nothing about its parameters
    x, y = x.loc[known], y[known]
    if len(y) < 2:
        return pd.Series(dtype=float)
    x = x.loc[:, [c for c in x.columns if x[c].nunique(dropna=False) > 1]].reset_index(drop=True)
    x = x.apply(lambda c: c.astype(str) if not pd.api.types.is_numeric_dtype(c) or pd.api.types.is_bool_dtype(c)
                else c.astype("float64"))
    if x.empty or np.std(y) == 0:
        return pd.Series(dtype=float)
    mode = RuleInductionType.CLASSIFICATION if classify else RuleInductionType.REGRESSION
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores, _ = feature_scoring.get_ex_feature_scores(x, y, mode=mode, random_state=seed)
    return scores.iloc[:, 0].sort_values(ascending=False)
