"""A sweep's results in one call, as EMA Workbench's ``load_results`` gives them.

``load_sweep(DIR)`` returns ``(experiments, outcomes)``, two pandas DataFrames with a row per
run: the experiments (point, replicate, seed, status, error, seconds, every lever and
uncertainty, categories as pandas categoricals like EMA's, the design's combination ``combo``) and the kept final outcomes (0/1 outcomes as
pandas booleans, empty for a failed run). ``load_results(DIR)`` returns EMA Workbench's own
shape: the same experiments and a dict of NumPy arrays, one value per run for each final
outcome and, for each kept time series, a 2-D array (runs x months) under ``<name>_series``,
with ``TIME`` (the months) beside them, so that EMA's ``prim``, ``feature_scoring`` and
``plotting.lines`` take them as they are. Both work while a sweep is writing the store.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from simcenter.sweep.store import EXPERIMENTS, Store, _q

SERIES_SUFFIX = "_series"
"""A kept time series is ``<outcome>_series`` in ``load_results`` and in EMA models (``sweep.ema``)."""
TIME = "TIME"
"""The months, as EMA Workbench names the time axis of its time series."""


def _experiments(store: Store) -> pd.DataFrame:
    views = {r[0] for r in store.con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'VIEW'").fetchall()}
    query = "SELECT * FROM experiments" if "experiments" in views else EXPERIMENTS  # a store of an older simcenter
    frame = store.con.execute(query).df()
    for p in store.experiment.parameters:  # categories as EMA Workbench gives them (its plots group by them)
        if p.kind == "categorical":
            frame[p.name] = pd.Categorical(frame[p.name], categories=list(dict.fromkeys(map(p.stored, p.values))))
    return frame


def load_sweep(folder: str | os.PathLike) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A sweep's stored runs as two DataFrames, ``(experiments, outcomes)``, the same rows in the same
    order (by point, then replicate): the experiments (point, replicate, seed, status, error, seconds,
    every parameter, the design's combination) and their kept final outcomes (empty for failed runs).

    Raises:
        InputError: if the folder holds no sweep (or a damaged one).
    """
    with Store.open(Path(folder)) as store:
        frame = _experiments(store)
        outcomes = list(store.experiment.outcomes)
    for name in outcomes:  # one type whether or not a value is empty: pandas' nullable booleans
        if frame[name].dtype == bool or frame[name].dtype == object:
            frame[name] = frame[name].astype("boolean")
    return frame.drop(columns=outcomes), frame[outcomes]


def load_results(folder: str | os.PathLike) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """A sweep's stored runs as EMA Workbench's ``load_results`` returns them: ``(experiments, outcomes)``,
    the experiments a DataFrame (as ``load_sweep``) and the outcomes a dict of arrays in the same row
    order: each kept final outcome (floats, NaN when empty), each kept time series as a 2-D array
    (runs x months, NaN for a failed run and past a shorter run's horizon) under ``<name>_series``, and
    ``TIME`` (the months, 0 first, as the store's ``timeseries.month``) when there are time series.

    Raises:
        InputError: if the folder holds no sweep (or a damaged one).
    """
    with Store.open(Path(folder)) as store:
        frame = _experiments(store)
        exp = store.experiment
        outcomes = {o: frame[o].astype("Float64").to_numpy(dtype=float, na_value=np.nan) for o in exp.outcomes}
        if exp.timeseries and "timeseries" in store.tables():
            cols = ", ".join(f"CAST({_q(n)} AS DOUBLE) AS {_q(n)}" for n in exp.timeseries)
            series = store.con.execute(f"SELECT point, replicate, month, {cols} FROM timeseries").fetchnumpy()
            outcomes.update(_arrays(frame, series, exp.timeseries))
    return frame.drop(columns=list(exp.outcomes)), outcomes


def _arrays(frame: pd.DataFrame, series: dict, names) -> dict[str, np.ndarray]:
    """The long ``timeseries`` rows as one (runs x months) array per outcome, rows as in ``frame``."""
    row = pd.Series(np.arange(len(frame)), index=pd.MultiIndex.from_arrays([frame["point"], frame["replicate"]]))
    months = np.asarray(series["month"], dtype=np.int64)
    width = int(months.max()) + 1 if len(months) else 0
    at = row.reindex(pd.MultiIndex.from_arrays([series["point"], series["replicate"]])).to_numpy()
    keep = ~np.isnan(at.astype(float))  # rows of runs the experiments list (all of them, in a whole store)
    rows, months = at[keep].astype(np.int64), months[keep]
    out = {}
    for name in names:
        grid = np.full((len(frame), width), np.nan)
        grid[rows, months] = np.ma.filled(series[name], np.nan)[keep]
        out[name + SERIES_SUFFIX] = grid
    out[TIME] = np.broadcast_to(np.arange(width, dtype=float), (len(frame), width)).copy()
    return out
