"""Shared fixtures: the shipped scenarios and small, fast variants of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from simcenter import load_scenario
from simcenter.config.levers import apply_levers

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
BASE = SCENARIOS / "plovdiv" / "base.yaml"


def shipped_scenarios() -> list[Path]:
    """Every scenario file shipped in scenarios/ (partial bases starting with '_' excluded)."""
    return sorted(p for p in SCENARIOS.rglob("*.yaml") if not p.name.startswith("_"))


@pytest.fixture(scope="session")
def base():
    """The default Plovdiv scenario."""
    return load_scenario(BASE)


@pytest.fixture(scope="session")
def small(base):
    """The default scenario shrunk for speed: 400 people, 4 years."""
    return apply_levers(base, {"n_potential": 400, "years": 4})
