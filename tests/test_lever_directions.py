"""Levers move the right way, over paired worlds (issue 17).

Each property compares two arms of the same scenario in the same random worlds: replicate *i* of
both arms runs with the same seed, so the people, their needs and every exogenous event are the
same, and the difference of an outcome between the arms is measured world by world. A property
is broken when the mean paired difference goes the wrong way by more than its tolerance plus
**two standard errors** of that mean (the sample standard deviation of the paired differences over
the square root of the number of worlds): a difference within two standard errors is sampling
noise, not a lever working backwards. For a yes/no outcome such as ``closed`` the paired
difference is -1, 0 or 1 in each world, so "beyond noise" means that clearly more worlds moved the
wrong way than the right way (with 100 worlds and every discordant world going the wrong way,
4 such worlds break a property whose tolerance is 0).

The scenario: the base design (``scenarios/plovdiv/base.yaml``) with its own potential population
(2,000 people), over 5 years and over its own 10: the 10 years because the first project grant
ends at month 24 and what money does to closure shows after it. ``WORLDS`` (100) replicates of
each of 8 arms at each horizon, run once for the module on 2 worker processes (about 90 s on the
shared 2-core machine).

The staff and finance rewrite of issue 17 made the funded mentor's closure property hold (its
closure share at 10 years was +17 points, now within noise). A mentoring fee lowers demand (the
people who ask) but, where the centre turns people away, its income pays for places: the fee's
properties are stated in their section below.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import simcenter
from simcenter.config.levers import apply_levers
from simcenter.config.loader import scenario_from_dict

WORLDS = 100
"""Paired worlds per arm and horizon (replicate seeds derived from ``SEED``)."""
SEED = 1
HORIZONS = (5, 10)
"""Years."""
Z = 2.0
"""Standard errors of the mean paired difference allowed as sampling noise."""
RICH = 3_000_000.0
"""EUR more starting cash for the arms whose team is paid either way: the full headcount (8) at EUR 1,300 a month
with employer contributions over 10 years is about EUR 1.5 million; twice that with the running costs' margin."""
OUTCOMES = ("closed", "served", "mentoring_hours", "spending_eur", "months_operating")


def _with_center(scenario, **fields):
    data = scenario.model_dump()
    data["center"].update(fields)
    return scenario_from_dict(data, name="<test>")


def _arms(base) -> dict:
    staff = base.center.staff
    mentor_cost = staff.salary_monthly_eur * (1 + staff.share_employer_contributions) * base.horizon.months
    return {
        "base": base,
        "cash": apply_levers(base, {"starting_cash_eur": base.center.starting_cash_eur + 50_000}),
        "municipal": apply_levers(base, {"municipal_support_eur": 50_000.0}),
        "fee": apply_levers(base, {"mentoring_fee_eur": 5.0}),
        # one more mentor whose whole cost (salary and employer contributions over the horizon) comes with it
        "mentor": apply_levers(base, {"n_mentors": staff.n_mentors + 1,
                                      "starting_cash_eur": base.center.starting_cash_eur + mentor_cost}),
        "cost": _with_center(base, other_costs_monthly_eur=base.center.other_costs_monthly_eur + 50),
        # a centre whose team is paid either way, with and without the fee: the price alone
        "rich": apply_levers(base, {"starting_cash_eur": base.center.starting_cash_eur + RICH}),
        "rich_fee": apply_levers(base, {"starting_cash_eur": base.center.starting_cash_eur + RICH,
                                        "mentoring_fee_eur": 5.0}),
    }


@pytest.fixture(scope="module")
def worlds(base) -> dict[int, dict[str, dict[str, np.ndarray]]]:
    """Every arm's final outcomes at each horizon, world by world (arrays of ``WORLDS`` values, the same seeds)."""
    keep = simcenter.Keep(outcomes=OUTCOMES, series=())
    engine = simcenter.open_engine(2)
    out = {}
    try:
        for years in HORIZONS:
            runs = {name: simcenter.run_replicates(arm, WORLDS, seed=SEED, engine=engine, keep=keep)
                    for name, arm in _arms(apply_levers(base, {"years": years})).items()}
            for results in runs.values():
                assert [r.seed for r in results] == [r.seed for r in runs["base"]]  # paired: the same worlds
            out[years] = {name: {k: np.array([r.kpis[k] for r in results], dtype=float) for k in OUTCOMES}
                          for name, results in runs.items()}
    finally:
        engine.close()
    return out


def paired(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Mean paired difference a - b and its standard error."""
    d = a - b
    return float(d.mean()), float(d.std(ddof=1) / math.sqrt(len(d)))


def no_more_than(a, b, tolerance: float = 0.0) -> tuple[bool, str]:
    """Whether a exceeds b by no more than ``tolerance`` plus ``Z`` standard errors; and the figures."""
    diff, se = paired(a, b)
    return diff <= tolerance + Z * se, f"mean paired difference {diff:+.4g} (SE {se:.3g}, {len(a)} worlds)"


# --------------------------------------------------------------------------------------------- the criterion
def test_the_criterion_tells_noise_from_a_lever_working_backwards():
    """A criterion that cannot fail tests nothing: 3 of 100 worlds closing against the lever is noise, 4 is not;
    a shift of 3 SE is caught, 1 SE is not."""
    none = np.zeros(100)
    for k, ok in ((3, True), (4, False)):
        worse = none.copy()
        worse[:k] = 1
        assert no_more_than(worse, none)[0] is ok
    spread = np.resize([1.0, -1.0], 100)  # paired differences of mean 0 and SE 0.1
    assert no_more_than(spread + 0.3, np.zeros(100))[0] is False
    assert no_more_than(spread + 0.1, np.zeros(100))[0] is True
    assert no_more_than(spread + 0.1, np.zeros(100), tolerance=-0.2)[0] is False  # a tolerance counts


# --------------------------------------------------------------------------------------------- money
@pytest.mark.parametrize("years", HORIZONS)
def test_more_starting_cash_never_raises_closure(worlds, years):
    """EUR 50,000 more starting cash: the closure share may not rise by more than 2 SE of the paired difference
    (tolerance 0), over 100 worlds of the base at 5 and at 10 years."""
    w = worlds[years]
    ok, figures = no_more_than(w["cash"]["closed"], w["base"]["closed"])
    assert ok, f"more starting cash raised the closure share: {figures}"


@pytest.mark.parametrize("years", HORIZONS)
def test_more_municipal_support_never_raises_closure(worlds, years):
    """Municipal support up to EUR 50,000 a year (the base's call: 5,000-25,000): the closure share may not rise
    by more than 2 SE of the paired difference (tolerance 0), over 100 worlds of the base at 5 and at 10 years."""
    w = worlds[years]
    ok, figures = no_more_than(w["municipal"]["closed"], w["base"]["closed"])
    assert ok, f"more municipal support raised the closure share: {figures}"


@pytest.mark.parametrize("years", HORIZONS)
def test_one_more_funded_mentor_never_raises_closure(worlds, years):
    """A third mentor with the money for his or her whole cost over the horizon (salary and employer contributions,
    added to the starting cash): the closure share may not rise by more than 2 SE of the paired difference
    (tolerance 0), over 100 worlds of the base at 5 and at 10 years. The money covers the mentor to the end."""
    w = worlds[years]
    ok, figures = no_more_than(w["mentor"]["closed"], w["base"]["closed"])
    assert ok, f"one more funded mentor raised the closure share: {figures}"


@pytest.mark.parametrize("years", HORIZONS)
def test_fifty_euros_a_month_more_cost_moves_closure_by_a_few_points_at_most(worlds, years):
    """EUR 50 a month more running cost (``other_costs_monthly_eur``; about 1% of the base's monthly spending): the
    closure share may move, either way, by at most 3 percentage points plus 2 SE of the paired difference, over 100
    worlds of the base at 5 and at 10 years. More would be a knife edge: survival decided by pocket money."""
    w = worlds[years]
    assert w["base"]["spending_eur"].mean() / (years * 12) > 2_500  # EUR 50 is at most 2% of a month's spending
    up, figures = no_more_than(w["cost"]["closed"], w["base"]["closed"], tolerance=0.03)
    down, _ = no_more_than(w["base"]["closed"], w["cost"]["closed"], tolerance=0.03)
    assert up and down, f"EUR 50 a month moved the closure share: {figures}"


# --------------------------------------------------------------------------------------------- fees
# A price rations demand; its income can buy capacity. In the base the centre turns people away (about 200 requests
# a year over 5 years: its places, not the people who ask, decide how many are served), so a EUR 5/hour fee (demand x 0.6:
# fee_elasticity, sourced on the Jamaica pricing experiment, config/behaviour.py) still fills the places, and its
# income (about EUR 8,800 a year over 30 worlds) keeps the paid team longer: people served rise (measured over these
# 100 worlds: +36 a world at 5 years, +27 at 10; months with a paid team +5.2 and +11.8). That is the user-charge
# trade-off the pricing literature describes ("charging ... may enable governments to train more firms with a given
# budget", Maffioli, McKenzie and Ubfal 2020), not a lever working backwards: the fee never raises *uptake*. So the
# price is tested where capacity cannot move (a centre whose team is paid either way), and the rise in the plain arms
# is tested to come with the team the fee's income pays, never without it.


@pytest.mark.parametrize("years", HORIZONS)
def test_a_higher_mentoring_fee_never_raises_the_people_served_at_the_same_capacity(worlds, years):
    """A mentoring fee of EUR 5 an hour (0 in the base) in a centre whose team is paid either way (``RICH`` more
    starting cash: the premise, that the team operated the same months in both arms, is checked): people served may
    not rise by more than 2 SE of the paired difference (tolerance 0), over 100 worlds at 5 and at 10 years."""
    w = worlds[years]
    assert np.array_equal(w["rich_fee"]["months_operating"], w["rich"]["months_operating"])  # the same capacity
    assert w["rich"]["closed"].sum() == 0
    ok, figures = no_more_than(w["rich_fee"]["served"], w["rich"]["served"])
    assert ok, f"a mentoring fee raised the people served at the same capacity: {figures}"


@pytest.mark.parametrize("years", HORIZONS)
def test_a_higher_mentoring_fee_never_raises_mentoring_hours_at_the_same_capacity(worlds, years):
    """The same for the mentoring hours delivered: a fee in a centre whose team is paid either way may not raise
    them by more than 2 SE of the paired difference (tolerance 0), over 100 worlds at 5 and at 10 years."""
    w = worlds[years]
    ok, figures = no_more_than(w["rich_fee"]["mentoring_hours"], w["rich"]["mentoring_hours"])
    assert ok, f"a mentoring fee raised the mentoring hours at the same capacity: {figures}"


@pytest.mark.parametrize("years", HORIZONS)
def test_a_fee_raises_the_people_served_only_with_the_team_its_income_pays(worlds, years):
    """In the plain base, where people are turned away, a EUR 5/hour fee may raise the people served only if the
    months with a paid team rise too, each beyond 2 SE of its paired difference over 100 worlds: more people served
    with no more team would be a price that creates demand."""
    w = worlds[years]
    served_up = not no_more_than(w["fee"]["served"], w["base"]["served"])[0]
    team_up = not no_more_than(w["fee"]["months_operating"], w["base"]["months_operating"])[0]
    _, served = no_more_than(w["fee"]["served"], w["base"]["served"])
    _, team = no_more_than(w["fee"]["months_operating"], w["base"]["months_operating"])
    assert team_up or not served_up, f"a fee raised the people served ({served}) with no more team ({team})"


# --------------------------------------------------------------------------------------------- staff
@pytest.mark.parametrize("years", HORIZONS)
def test_one_more_funded_mentor_never_lowers_mentoring_hours(worlds, years):
    """A third mentor with the money for his or her whole cost over the horizon: mentoring hours delivered may not
    fall by more than 2 SE of the paired difference (tolerance 0), over 100 worlds of the base at 5 and 10 years."""
    w = worlds[years]
    ok, figures = no_more_than(w["base"]["mentoring_hours"], w["mentor"]["mentoring_hours"])
    assert ok, f"one more funded mentor lowered the mentoring hours: {figures}"
