"""Every person's random numbers by name (simcenter/model/draws.py): a pure function of (seed,
decision, person, month), so that designs share one random world and adding a decision changes
no other decision's numbers (Starsim's common random numbers)."""

from __future__ import annotations

import numpy as np
import pytest

from simcenter.config.levers import apply_levers
from simcenter.fast import reference
from simcenter.model import CenterModel
from simcenter.model import model as model_module
from simcenter.model.draws import PersonDraws
from simcenter.rng import key


def test_a_decisions_numbers_are_philox_of_person_and_month():
    draws = PersonDraws(7, "own_funding_award", 2)
    got = draws.month(12, 500).copy()
    assert got.shape == (2, 500) and got.dtype == np.float32
    assert np.array_equal(got, reference.uniforms(key(7, "own_funding_award"), 12, 500, 2))
    one = PersonDraws(7, "seek_mentoring").month(12, 501)
    assert np.array_equal(one, reference.uniforms(key(7, "seek_mentoring"), 12, 501, 1))


def test_a_persons_numbers_do_not_depend_on_how_many_people_there_are_or_what_came_before():
    a = PersonDraws(3, "own_funding_award", 2)
    b = PersonDraws(3, "own_funding_award", 2)
    a.month(0, 10)
    a.month(1, 4000)  # other months drawn first, a buffer grown
    many = a.month(5, 3000).copy()
    few = b.month(5, 1200).copy()
    assert np.array_equal(many[:, :1200], few)


def test_names_seeds_and_months_give_independent_numbers():
    base = PersonDraws(1, "hear_or_forget").month(4, 2000).copy()
    for other in (PersonDraws(1, "attend_event").month(4, 2000), PersonDraws(2, "hear_or_forget").month(4, 2000),
                  PersonDraws(1, "hear_or_forget").month(5, 2000)):
        assert not np.array_equal(base, other)
        assert abs(np.corrcoef(base[0], other[0])[0, 1]) < 0.1


def test_lanes_must_be_one_to_four():
    with pytest.raises(ValueError):
        PersonDraws(1, "x", 0)
    with pytest.raises(ValueError):
        PersonDraws(1, "x", 5)


def _run(scenario, seed=5):
    model = CenterModel(scenario, rng=seed, collect=False)
    model.run_for(model.months)
    return model


def test_adding_a_decision_changes_no_other_number(small, monkeypatch):
    """A new decision (a new service's draws) leaves every existing decision's numbers alone: the run
    is the same to the last bit. (With the month's numbers as positional rows of one block, a new
    row shifted every later one.)"""
    scenario = apply_levers(small, {"years": 2})
    before = _run(scenario)
    decisions = {"a_new_service": 1, **model_module.person_decisions()}
    monkeypatch.setattr(model_module, "person_decisions", lambda: decisions)
    after = _run(scenario)
    assert "a_new_service" in after.draws
    np.testing.assert_array_equal(before.timeseries, after.timeseries)


def test_a_centre_opening_later_sees_the_same_numbers_in_the_same_months(small):
    """Numbers are by month, not by use: a design whose centre opens months later (a slower legal
    form) draws nothing while it is being set up, and still reads the same numbers afterwards."""
    fast = CenterModel(apply_levers(small, {"years": 2}), rng=9, collect=False)
    slow = CenterModel(apply_levers(small, {"years": 2, "legal_form": "cooperative"}), rng=9, collect=False)
    assert fast.institution.setup_months != slow.institution.setup_months
    fast.run_for(12)
    slow.run_for(12)
    for name in ("seek_mentoring", "attend_event", "hear_or_forget"):
        assert np.array_equal(fast.draws[name].month(11, 300), slow.draws[name].month(11, 300))
