"""Every shipped experiment is valid, every one of its points is a valid scenario, and it runs briefly."""

from __future__ import annotations

from dataclasses import replace

import pytest

from simcenter.config.levers import apply_levers
from simcenter.sweep import analyze, design, load_experiment, run_sweep
from simcenter.sweep.experiment import Base
from simcenter.sweep.targets import build_scenario
from support import REPO, english

EXPERIMENTS = sorted((REPO / "experiments").glob("*.yaml"))


def test_the_promised_experiments_are_shipped():
    names = {p.stem for p in EXPERIMENTS}
    assert {"forms-by-structures", "sensitivity-survival-ventures"} <= names


@pytest.mark.parametrize("path", EXPERIMENTS, ids=lambda p: p.stem)
def test_every_point_of_a_shipped_experiment_is_a_valid_scenario(path):
    exp = load_experiment(path)
    points = design.points(exp)
    assert len(points) == design.count(exp)
    for point in points:
        build_scenario(exp.base_for(point.values).scenario, exp.ops_for(point.values))


@pytest.mark.parametrize("path", EXPERIMENTS, ids=lambda p: p.stem)
def test_a_shipped_experiment_runs_briefly_and_analyses(path, tmp_path):
    exp = load_experiment(path)
    small = tuple(Base(b.name, b.file, apply_levers(b.scenario, {"n_potential": 300, "years": 3})) for b in exp.bases)
    exp = replace(exp, bases=small)
    summary = run_sweep(exp, tmp_path / "out", workers=1, limit=3)
    assert summary.ok == 3 and summary.failed == 0
    with english():
        result = analyze(tmp_path / "out")
    assert any("incomplete" in note for note in result.notes)


def test_the_forms_experiment_crosses_every_form_and_structure():
    from simcenter.config.catalogue import builtin_catalogue

    exp = load_experiment(REPO / "experiments" / "forms-by-structures.yaml")
    levers = {p.name: set(p.values) for p in exp.levers}
    catalogue = builtin_catalogue()
    assert levers["legal_form"] == set(catalogue.legal_forms)
    assert levers["management"] == set(catalogue.management_structures)
    assert exp.design.levers == "full_factorial"
    assert {p.target.split(".")[0] for p in exp.uncertainties} >= {"funding"}
