"""The public API (simcenter/__init__.py): what the README shows works, and importing the package
loads nothing heavy (the command line and the worker pool start light)."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

import simcenter
from simcenter.config.levers import apply_levers

from support import BASE
from sweep_support import write_experiment


def test_import_simcenter_loads_nothing_heavy():
    code = ("import sys, simcenter; heavy = sorted({m.split('.')[0] for m in sys.modules} & "
            "{'numpy', 'pandas', 'mesa', 'numba', 'matplotlib', 'pydantic', 'duckdb'}); print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_every_public_name_resolves():
    for name in simcenter.__all__:
        assert getattr(simcenter, name) is not None, name
    assert sorted(dir(simcenter)) == sorted(simcenter.__all__)


def test_the_readme_example_runs(tmp_path):
    scenario = apply_levers(simcenter.load_scenario(BASE), {"n_potential": 200, "years": 1})
    model = simcenter.CenterModel(scenario, rng=1)
    model.run_for(3)
    assert model.steps == 3
    result = simcenter.simulate(scenario, seed=1)
    assert set(result.kpis) >= {"served", "closed", "cash_eur"} and len(result.timeseries) == 12
    assert len(result.ledger) > 0
    runs = simcenter.run_replicates(scenario, reps=2)
    assert [r.key for r in runs] == [(0,), (1,)]


def test_a_sweep_runs_from_its_file_and_loads_like_ema_load_results(tmp_path):
    path = write_experiment(tmp_path, "levers:\n  legal_form: [association, foundation]\nreplicates: 2\n"
                                      "outcomes: [served, closed]\n")
    summary = simcenter.run_sweep(path, out=tmp_path / "out", workers=1)
    assert summary.complete and summary.ok == 4
    experiments, outcomes = simcenter.load_sweep(tmp_path / "out")
    assert isinstance(experiments, pd.DataFrame) and list(outcomes.columns) == ["served", "closed"]
    assert len(experiments) == len(outcomes) == 4
    assert set(experiments["legal_form"]) == {"association", "foundation"}


def test_compare_stays_the_function_when_the_comparison_package_is_imported():
    """A public name must not be a subpackage's name: importing the subpackage would rebind it."""
    import simcenter.comparison.running  # noqa: F401

    assert callable(simcenter.compare) and simcenter.compare.__name__ == "compare"
    for name in simcenter.__all__:
        assert not (simcenter.__path__ and __import__("importlib").util.find_spec(f"simcenter.{name}")), name
