"""simcenter: agent-based simulation of governance models for a competence centre for social innovation."""

from simcenter.config.loader import load_scenario, scenario_from_dict
from simcenter.config.schema import Scenario
from simcenter.errors import InputError, Problem

__version__ = "0.1.0"

__all__ = ["InputError", "Problem", "Scenario", "__version__", "load_scenario", "scenario_from_dict"]
