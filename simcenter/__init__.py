"""simcenter: agent-based simulation of governance models for a competence centre for social innovation."""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

__all__ = ["InputError", "Problem", "Scenario", "__version__", "load_scenario", "scenario_from_dict"]

if TYPE_CHECKING:
    from simcenter.config.loader import load_scenario, scenario_from_dict
    from simcenter.config.schema import Scenario
    from simcenter.errors import InputError, Problem

_LAZY = {"load_scenario": "simcenter.config.loader", "scenario_from_dict": "simcenter.config.loader",
         "Scenario": "simcenter.config.schema", "InputError": "simcenter.errors", "Problem": "simcenter.errors"}


def __getattr__(name: str):
    """The package's names, imported when first used: ``import simcenter`` (and with it every
    light module of the package: the command's entry point, the worker pool) loads nothing else."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'simcenter' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
