"""EMA Workbench adapter: an experiment file as an ``ema_workbench.Model``.

>>> from ema_workbench import MultiprocessingEvaluator, perform_experiments
>>> from simcenter.sweep.ema import ema_model
>>> model = ema_model("experiments/forms-by-structures.yaml")
>>> with MultiprocessingEvaluator(model, n_processes=2) as evaluator:
...     experiments, outcomes = perform_experiments(model, scenarios=50, policies=4, evaluator=evaluator)

The experiment's levers become the model's levers, its uncertainties the uncertainties
(distributions as frozen scipy distributions), its kept outcomes ``ScalarOutcome``s whose
kind follows the outcome's direction (max, min, info), and its kept time series
``ArrayOutcome``s named ``<outcome>_series`` (one value a month, as ``simcenter.load_results``
names them). With one replicate the model is a ``Model`` run with the experiment's first seed;
with several it is a ``ReplicatorModel`` over the experiment's replicate seeds whose outcomes
are the mean over replicates (month by month for a time series). Sampling, and
so the points, are then EMA Workbench's: the adapter shares simcenter's model, seeds and
validation, not the sweep's design or store.
"""

from __future__ import annotations

import logging
import math
import os
import re
import warnings

import numpy as np

from simcenter import metrics
from simcenter.extras import require
from simcenter.rng import replicate_seeds
from simcenter.sweep.experiment import BASE_PARAMETER, Experiment, Parameter
from simcenter.sweep.loader import load_experiment
from simcenter.sweep.results import SERIES_SUFFIX
from simcenter.sweep.targets import build_scenario

_log = logging.getLogger(__name__)


class SimcenterFunction:
    """The model function EMA Workbench calls: keyword arguments in, final outcomes out (picklable)."""

    def __init__(self, experiment: Experiment):
        self.experiment = experiment
        self.by_name = {p.name: p for p in experiment.parameters}

    def __call__(self, seed: int, **values) -> dict[str, float]:
        from simcenter.run.runner import simulate
        from simcenter.run.task import Keep

        exp = self.experiment
        given = {name: _native(self.by_name[name], v) for name, v in values.items() if name in self.by_name}
        base = exp.base_for(given) if BASE_PARAMETER in given or len(exp.bases) == 1 else exp.bases[0]
        # A parameter EMA did not sample (levers when only scenarios are drawn) keeps the base's value.
        ops = tuple(op for p in exp.parameters if p.name in given and (op := p.op(given[p.name])) is not None)
        try:
            scenario = build_scenario(base.scenario, ops)
            result = simulate(scenario, int(seed), keep=Keep(series=tuple(exp.timeseries)))
        except Exception as exc:  # noqa: BLE001 - one failed run must not end the whole experiment
            _log.warning("simcenter run failed (%s): %s", given, exc)
            months = 12 * base.scenario.horizon.years
            return {o: math.nan for o in exp.outcomes} | {
                n + SERIES_SUFFIX: np.full(months, np.nan) for n in exp.timeseries}
        out: dict = {o: float(result.kpis[o]) for o in exp.outcomes}
        for j, name in enumerate(exp.timeseries):
            out[name + SERIES_SUFFIX] = np.asarray(result.series, dtype=float)[:, j]
        return out


def _native(p: Parameter, value):
    """A sampled value as the plain Python type the scenario schema expects."""
    if isinstance(value, np.generic):
        value = value.item()
    if p.kind == "integer":
        return int(round(value))
    if p.kind == "real":
        return float(value)
    return value


def mean_of(*values) -> float:
    """Mean over replicates, ignoring empty (NaN) values; NaN when all are empty."""
    arr = np.asarray(values[0] if len(values) == 1 else values, dtype=float)
    arr = arr[~np.isnan(arr)]
    return float(arr.mean()) if arr.size else math.nan


def mean_series(*values) -> np.ndarray:
    """Month-by-month mean over replicates, ignoring empty (NaN) values (runs of different lengths
    are padded with NaN)."""
    arrays = [np.asarray(v, dtype=float) for v in (values[0] if len(values) == 1 else values)]
    width = max(len(a) for a in arrays)
    grid = np.full((len(arrays), width), np.nan)
    for i, a in enumerate(arrays):
        grid[i, :len(a)] = a
    with warnings.catch_warnings():  # a month empty in every replicate stays empty
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(grid, axis=0)


def ema_parameter(p: Parameter):
    """The EMA Workbench parameter for one lever or uncertainty."""
    ema = require("ema_workbench")
    CategoricalParameter, IntegerParameter, RealParameter = (ema.CategoricalParameter, ema.IntegerParameter,
                                                             ema.RealParameter)
    from scipy import stats

    if p.kind == "categorical":
        return CategoricalParameter(p.name, list(p.values))
    if p.distribution == "uniform":
        if p.kind == "integer":
            return IntegerParameter(p.name, int(p.low), int(p.high))
        return RealParameter(p.name, p.low, p.high)
    lo, hi = p.low, p.high
    if p.distribution == "loguniform":
        dist = stats.loguniform(lo, hi)
    elif p.distribution == "triangular":
        dist = stats.triang((p.mode - lo) / (hi - lo), loc=lo, scale=hi - lo)
    else:
        dist = stats.truncnorm((lo - p.mean) / p.sd, (hi - p.mean) / p.sd, loc=p.mean, scale=p.sd)
    return RealParameter.from_dist(p.name, dist)


def model_name(name: str) -> str:
    """An experiment's name as the Python identifier EMA Workbench 3 requires."""
    ident = re.sub(r"\W", "_", name).strip("_") or "simcenter"
    return ident if ident[0].isalpha() else f"m_{ident}"


def ema_model(path: str | os.PathLike | Experiment):
    """Build an EMA Workbench model from an experiment file (or a loaded ``Experiment``).

    Raises:
        InputError: if the experiment file is not valid.
    """
    with warnings.catch_warnings():  # "ipyparallel not installed": not needed here
        warnings.simplefilter("ignore")
        ema = require("ema_workbench")
        ArrayOutcome, Constant, Model, ReplicatorModel, ScalarOutcome = (
            ema.ArrayOutcome, ema.Constant, ema.Model, ema.ReplicatorModel, ema.ScalarOutcome)

    exp = path if isinstance(path, Experiment) else load_experiment(path)
    seeds = replicate_seeds(exp.seed, exp.replicates)
    function = SimcenterFunction(exp)
    kinds = {"max": ScalarOutcome.MAXIMIZE, "min": ScalarOutcome.MINIMIZE, "info": ScalarOutcome.INFO}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        if exp.replicates == 1:
            model = Model(model_name(exp.name), function=function)
            model.constants = [Constant("seed", seeds[0])]
            outcome = lambda name: ScalarOutcome(name, kind=kinds[metrics.BY_NAME[name].direction])  # noqa: E731
        else:
            model = ReplicatorModel(model_name(exp.name), function=function)
            model.replications = [{"seed": s} for s in seeds]
            outcome = lambda name: ScalarOutcome(name, kind=kinds[metrics.BY_NAME[name].direction],  # noqa: E731
                                                 function=mean_of)
        model.levers = [ema_parameter(p) for p in exp.levers]
        model.uncertainties = [ema_parameter(p) for p in exp.uncertainties]
        series = (lambda name: ArrayOutcome(name + SERIES_SUFFIX)) if exp.replicates == 1 else \
            (lambda name: ArrayOutcome(name + SERIES_SUFFIX, function=mean_series))
        model.outcomes = [outcome(o) for o in exp.outcomes] + [series(n) for n in exp.timeseries]
    return model
