"""Compile (or load from the cache) every compiled loop, by running a small model and the
report's bootstrap: ``python -m simcenter.run.warm``, which ``make`` runs once per machine."""

from __future__ import annotations

import time

import numpy as np


def compile_all() -> float:
    """Compile (or load from the cache) every kernel for the types the model uses; return the
    seconds it took."""
    from simcenter.config.loader import scenario_from_dict
    from simcenter.fast import bootstrap, services
    from simcenter.run.task import run_model

    start = time.perf_counter()
    scenario = scenario_from_dict({"name": "compile", "horizon": {"years": 2},
                                   "region": {"name": "compile", "n_potential": 300},
                                   "center": {"legal_form": "association", "management": "executive_director",
                                              "starting_cash_eur": 1_000_000}})
    run_model(scenario, 1)
    values = np.arange(5, dtype=np.float64)
    resamples = np.random.default_rng(1).integers(0, 5, size=(2, 5))
    bootstrap.bootstrap_medians(resamples, values, values, np.empty(2), np.empty(2))
    services.lowest(np.arange(3, dtype=np.intp), np.array([0.3, 0.1, 0.2], dtype=np.float32), 1,
                    np.empty(1, dtype=np.intp))
    return time.perf_counter() - start


if __name__ == "__main__":
    print(f"simcenter: the model's compiled loops are ready ({compile_all():.1f} s)")
