"""Researcher sweeps: experiment files, a resumable results store, Dask scale-out, analysis.

``load_experiment`` reads and validates an experiment file; ``run_sweep`` computes what its
results folder lacks (local processes by default, or a Dask cluster) and stores every run in
DuckDB as it arrives; ``analyze`` computes sensitivity indices and finds, with PRIM, the
conditions under which a design fails; ``export`` writes Parquet or CSV; ``ema_model``
(``simcenter.sweep.ema``) hands the same experiment to EMA Workbench. These need the
``analysis`` extra (and ``cluster`` for Dask): ``pip install 'simcenter[analysis,cluster]'``.

Names are imported on first use: a worker process that only builds a point's scenario
(``simcenter.sweep.targets``) does not pay for the store, the analysis or their libraries.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "Experiment": "simcenter.sweep.experiment",
    "SweepSummary": "simcenter.sweep.engine",
    "analyze": "simcenter.sweep.analysis",
    "export": "simcenter.sweep.exports",
    "load_experiment": "simcenter.sweep.loader",
    "load_results": "simcenter.sweep.results",
    "load_sweep": "simcenter.sweep.results",
    "run_sweep": "simcenter.sweep.engine",
    "design": "simcenter.sweep.design",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        module = importlib.import_module(_EXPORTS[name])
        return module if name == "design" else getattr(module, name)
    raise AttributeError(f"module 'simcenter.sweep' has no attribute {name!r}")
