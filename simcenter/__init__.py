"""simcenter: agent-based simulation of governance models for a competence centre for social innovation.

The public API, imported when first used (``import simcenter`` loads nothing else, so the
command line and the worker pool start light)::

    import simcenter

    scenario = simcenter.load_scenario("scenarios/plovdiv/base.yaml")
    model = simcenter.CenterModel(scenario, rng=1)          # a Mesa model: model.step(), model.run_for(12)
    result = simcenter.simulate(scenario, seed=1)           # one run: result.kpis, result.timeseries, result.ledger
    runs = simcenter.run_replicates(scenario, reps=20)      # replicates over derived seeds
    simcenter.run_scenario(scenario, reps=20, out="results/base")   # ... written to a run folder as they come
    simcenter.compare(["scenarios/plovdiv"], out="results/plovdiv", reps=30)     # paired comparison + report
    simcenter.build_report("results/plovdiv")               # the report again, from the saved results
    simcenter.robustness(["scenarios/plovdiv"], out="results/robust")               # designs across futures
    summary = simcenter.run_sweep("experiments/forms-by-structures.yaml", out="results/sweep")
    experiments, outcomes = simcenter.load_sweep("results/sweep")              # two DataFrames, a row per run
    experiments, outcomes = simcenter.load_results("results/sweep")   # EMA Workbench's load_results shape

The command line (``simcenter.cli``) and the workshop app (``simcenter.ui``) use this API and
nothing deeper (an import-linter contract in pyproject.toml holds them to it).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from simcenter.version import __version__

_LAZY = {
    # scenarios and the catalogue
    "load_scenario": "simcenter.config.loader",
    "scenario_from_dict": "simcenter.config.loader",
    "find_scenario_files": "simcenter.config.loader",
    "Scenario": "simcenter.config.schema",
    "apply_levers": "simcenter.config.levers",
    "LEVERS": "simcenter.config.levers",
    "builtin_catalogue": "simcenter.config.catalogue",
    "catalogue_rows": "simcenter.config.catalogue",
    "catalogue_markdown": "simcenter.config.catalogue_doc",
    "schema_reference": "simcenter.config.reference",
    "calibration_table": "simcenter.config.calibration",
    "read_input": "simcenter.config.yamlsource",
    "InputError": "simcenter.errors",
    "Problem": "simcenter.errors",
    # the model and its runs
    "CenterModel": "simcenter.model",
    "simulate": "simcenter.run.runner",
    "run_replicates": "simcenter.run.runner",
    "kpi_summary": "simcenter.run.runner",
    "replicate_seeds": "simcenter.rng",
    "open_engine": "simcenter.run.engines",
    "Keep": "simcenter.run.task",
    "Run": "simcenter.run.task",
    "RunResult": "simcenter.run.task",
    "run_many": "simcenter.run.many",
    "iter_replicates": "simcenter.run.runner",
    "MAX_REPLICATES": "simcenter.run.runner",
    "run_scenario": "simcenter.report.run_folder",
    # comparisons and reports
    "compare": "simcenter.comparison",
    "load_designs": "simcenter.comparison",
    "check_compare_output": "simcenter.comparison",
    "COMPARE_WORKER_MODULES": "simcenter.comparison",
    "build_report": "simcenter.report.build",
    "SUMMARY_COLUMNS": "simcenter.report.build",
    "REPORT_OVERVIEW": "simcenter.report.build",
    "write_run": "simcenter.report.run_folder",
    # sweeps
    "load_experiment": "simcenter.sweep.loader",
    "experiment_reference": "simcenter.sweep.schema",
    "count_points": "simcenter.sweep.design",
    "sweep_summary_rows": "simcenter.sweep.analysis",
    "sweep_randomness_rows": "simcenter.sweep.writing",
    "sweep_randomness_headings": "simcenter.sweep.writing",
    "run_sweep": "simcenter.sweep.engine",
    "load_sweep": "simcenter.sweep.results",
    "load_results": "simcenter.sweep.results",
    "analyze_sweep": "simcenter.sweep.analysis",
    "export_sweep": "simcenter.sweep.exports",
    # robust decision making: designs across futures
    "robustness": "simcenter.robust",
    "load_thresholds": "simcenter.robust",
    # validation against stylised facts
    "check_facts": "simcenter.facts",
    "failed_facts": "simcenter.facts",
    # calibration as code: history matching of the calibration targets
    "fit_calibration": "simcenter.calibrate.fit",
    "write_calibration": "simcenter.calibrate.record",
    "check_calibration": "simcenter.calibrate.record",
    "check_calibration_output": "simcenter.calibrate.record",
}
_RENAMED = {"robustness": "robust", "read_input": "read_text", "REPORT_OVERVIEW": "OVERVIEW", "experiment_reference": "markdown",
            "count_points": "count", "sweep_summary_rows": "summary_rows", "sweep_randomness_rows": "randomness_rows",
            "sweep_randomness_headings": "randomness_headings", "schema_reference": "markdown", "calibration_table": "markdown", "COMPARE_WORKER_MODULES": "WORKER_MODULES",
            "check_compare_output": "check_output",
            "analyze_sweep": "analyze", "export_sweep": "export", "check_facts": "write_report", "failed_facts": "failed",
            "fit_calibration": "calibrate", "write_calibration": "write", "check_calibration": "check",
            "check_calibration_output": "check_output"}
"""Public names whose definition has another name in its module."""

__all__ = ["__version__", *sorted(_LAZY)]

if TYPE_CHECKING:
    from simcenter.calibrate.fit import calibrate as fit_calibration
    from simcenter.calibrate.record import check as check_calibration
    from simcenter.calibrate.record import check_output as check_calibration_output
    from simcenter.calibrate.record import write as write_calibration
    from simcenter.comparison import check_output as check_compare_output
    from simcenter.comparison import compare, load_designs
    from simcenter.config.calibration import markdown as calibration_table
    from simcenter.config.catalogue import builtin_catalogue, catalogue_rows
    from simcenter.config.levers import LEVERS, apply_levers
    from simcenter.config.loader import find_scenario_files, load_scenario, scenario_from_dict
    from simcenter.config.reference import markdown as schema_reference
    from simcenter.config.schema import Scenario
    from simcenter.config.yamlsource import read_text as read_input
    from simcenter.errors import InputError, Problem
    from simcenter.facts import failed as failed_facts
    from simcenter.facts import write_report as check_facts
    from simcenter.model import CenterModel
    from simcenter.report.build import OVERVIEW as REPORT_OVERVIEW
    from simcenter.report.build import SUMMARY_COLUMNS, build_report
    from simcenter.report.run_folder import run_scenario, write_run
    from simcenter.rng import replicate_seeds
    from simcenter.robust import load_thresholds
    from simcenter.robust import robust as robustness
    from simcenter.run.engines import open_engine
    from simcenter.run.many import run_many
    from simcenter.run.runner import MAX_REPLICATES, iter_replicates, kpi_summary, run_replicates, simulate
    from simcenter.run.task import Keep, Run, RunResult
    from simcenter.sweep.analysis import analyze as analyze_sweep
    from simcenter.sweep.analysis import summary_rows as sweep_summary_rows
    from simcenter.sweep.writing import randomness_headings as sweep_randomness_headings
    from simcenter.sweep.writing import randomness_rows as sweep_randomness_rows
    from simcenter.sweep.design import count as count_points
    from simcenter.sweep.engine import run_sweep
    from simcenter.sweep.exports import export as export_sweep
    from simcenter.sweep.loader import load_experiment
    from simcenter.sweep.schema import markdown as experiment_reference
    from simcenter.sweep.results import load_results, load_sweep


def __getattr__(name: str):
    """The package's public names, imported when first used."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'simcenter' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), _RENAMED.get(name, name))
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
