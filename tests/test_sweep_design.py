"""Designs: the points of a sweep are a pure function of the experiment, of the promised size and spread."""

from __future__ import annotations

import numpy as np
import pytest

from simcenter.sweep import design, load_experiment
from simcenter.sweep.experiment import Parameter
from simcenter.sweep.targets import build_scenario
from sweep_support import write_experiment

UNCERTAIN = """\
uncertainties:
  funding.funders.hrdp_social_economy.p_success: {range: [0.08, 0.3]}
  grant_success_factor: {distribution: triangular, range: [0.5, 1.5], mode: 1.0}
  behaviour.p_seek_mentoring: {distribution: normal, mean: 0.08, sd: 0.02, range: [0.03, 0.15]}
  center.rent_monthly_eur: {distribution: loguniform, range: [100, 1000]}
"""


def _exp(tmp_path, body: str):
    return load_experiment(write_experiment(tmp_path, body))


def test_full_factorial_crosses_every_value_and_level(tmp_path):
    exp = _exp(tmp_path, """\
levers:
  legal_form: [association, foundation, cooperative]
  n_mentors: {range: [1, 4]}
  center.starting_cash_eur: {range: [10000, 50000], levels: 5}
""")
    pts = design.points(exp)
    assert len(pts) == design.count(exp) == 3 * 3 * 5
    assert {p.values["n_mentors"] for p in pts} == {1, 3, 4}
    assert sorted({p.values["starting_cash_eur"] for p in pts}) == [10000, 20000, 30000, 40000, 50000]
    assert len({tuple(p.values.values()) for p in pts}) == len(pts)
    assert all(isinstance(p.values["n_mentors"], int) for p in pts)


def test_latin_hypercube_fills_each_stratum_once_and_respects_distributions(tmp_path):
    exp = _exp(tmp_path, UNCERTAIN + "design: {method: latin_hypercube, samples: 20}\n")
    pts = design.points(exp)
    assert len(pts) == 20
    unit = np.array([p.unit for p in pts])
    for j in range(unit.shape[1]):
        assert sorted(np.floor(unit[:, j] * 20).astype(int)) == list(range(20))
    p = {q.name: q for q in exp.parameters}
    for pt in pts:
        for name, value in pt.values.items():
            assert p[name].low <= value <= p[name].high
    mean = np.mean([pt.values["p_seek_mentoring"] for pt in pts])
    assert mean == pytest.approx(0.08, abs=0.01)


def test_sobol_and_morris_sizes(tmp_path):
    sobol = _exp(tmp_path, UNCERTAIN + "design: {method: sobol, samples: 8}\n")
    assert len(design.points(sobol)) == 8 * (4 + 2)
    second = _exp(tmp_path, UNCERTAIN + "design: {method: sobol, samples: 8, second_order: true}\n")
    assert len(design.points(second)) == 8 * (2 * 4 + 2)
    morris = _exp(tmp_path, UNCERTAIN + "design: {method: morris, samples: 5}\n")
    pts = design.points(morris)
    assert len(pts) == 5 * (4 + 1)
    # A Morris trajectory moves one parameter at a time.
    unit = np.array([p.unit for p in pts]).reshape(5, 5, 4)
    assert (np.count_nonzero(np.diff(unit, axis=1), axis=2) == 1).all()


def test_levers_crossed_with_the_same_sample_of_uncertainties(tmp_path):
    exp = _exp(tmp_path, "levers:\n  legal_form: [association, cooperative]\n" + UNCERTAIN
               + "design: {method: latin_hypercube, samples: 6, levers: full_factorial}\n")
    pts = design.points(exp)
    assert len(pts) == 12 and [p.combo for p in pts] == [0] * 6 + [1] * 6
    first, second = pts[:6], pts[6:]
    assert [p.unit for p in first] == [p.unit for p in second]
    assert {p.values["legal_form"] for p in first} == {"association"}


def test_points_are_a_pure_function_of_the_experiment_and_its_seed(tmp_path):
    body = "levers:\n  legal_form: [association, cooperative, foundation]\n" + UNCERTAIN \
        + "design: {method: latin_hypercube, samples: 9}\n"
    a = design.points(_exp(tmp_path, body))
    b = design.points(_exp(tmp_path, body))
    c = design.points(_exp(tmp_path, body + "seed: 2\n"))
    assert a == b and a != c
    assert {p.values["legal_form"] for p in a} == {"association", "cooperative", "foundation"}


def test_a_point_changes_the_scenario_through_levers_paths_and_files(tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text("plan:\n  - {month: 0, action: hire, role: coordinator, n: 1}\n", encoding="utf-8")
    exp = _exp(tmp_path, f"""\
levers:
  legal_form: [cooperative]
  plan: {{files: [{plan}]}}
  n_mentors: [4]
uncertainties:
  funding.funders.hrdp_social_economy.p_success: [0.25]
  horizon.years: [1]
""")
    (pt,) = design.points(exp)
    sc = build_scenario(exp.base_for(pt.values).scenario, exp.ops_for(pt.values))
    assert sc.center.legal_form == "cooperative" and sc.center.staff.n_mentors == 4
    assert sc.funding.funders["hrdp_social_economy"].p_success == 0.25
    assert [a.action for a in sc.plan] == ["hire"]
    assert sc.region.n_potential == 300, "the experiment's set: values stay"


def test_integer_uniform_values_are_equally_likely():
    p = Parameter(name="n", role="lever", how="lever", target="n_mentors", kind="integer", low=1, high=4)
    values = [p.value_at(u) for u in np.linspace(0, 1, 4000, endpoint=False)]
    assert np.bincount(values)[1:].tolist() == [1000] * 4
    assert p.value_at(1.0) == 4
