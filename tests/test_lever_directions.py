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
(2,000 people), over 5 years and over its own 10. The population is kept because fees scale with
clients: at 300 people a EUR 5/hour mentoring fee lowers uptake as it should, at 2,000 it raises it
(measured over these 100 worlds at 5 years: people served -31 a world at 300 people, +102 at
2,000), and the test must see the model a planner uses; the 10 years because the first project
grant ends at month 24 and what money does to closure shows after it. ``WORLDS`` (100)
replicates of each of 6 arms at each horizon, run once for the module on 2 worker processes
(about 60 s on the shared 2-core machine).

Properties that today's model breaks are marked ``xfail(strict=True)`` with the measured failure:
they turn into errors when a change makes them hold, and the mark must then be removed. The staff
and finance rewrite of issue 17 made the funded mentor's closure property hold (its closure share at
10 years was +17 points, now within noise); a mentoring fee still raises the people served and the
hours over 5 and 10 years, through the team its income keeps.
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
OUTCOMES = ("closed", "served", "mentoring_hours", "spending_eur")


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
FEE_SERVED = {5: "+42 a world (SE 6.4; higher in 76 of 100 worlds, lower in 24)",
              10: "+35 a world (SE 8.1; higher in 61 of 100 worlds, lower in 39)"}
FEE_HOURS = {5: "+536 a world (SE 135; higher in 62 of 100 worlds, lower in 38)",
             10: "+758 a world (SE 270; higher in 62 of 100 worlds, lower in 38)"}
FEE_TEAM = {5: "+5.7 months with a paid team (SE 0.8)", 10: "+13.7 months with a paid team (SE 1.5)"}
# Measured after issue 17's staff and finance rewrite, the recalibration to the province's scale and the grants'
# budget lines (the closure share does not differ: 0 in both arms): the fee's income keeps the team longer, and
# the team, more than the price (demand falls by fee_elasticity, 2% a euro of the hourly fee), decides how many
# are served. (Until issue 18 the hours over 10 years rose within noise, +225, SE 215.) Whether this is wrong is a
# calibration question (how much a EUR 5/hour fee puts off Plovdiv's social entrepreneurs: no source in
# domain.md), left open on issue 17. Issue 18 (calls' own applicant lists and terms, the cash forecast that counts
# co-financing, yearly taxes) made the hours rise beyond noise over 10 years too (figures above).


def _fee_broken(years: int, what: str):
    return pytest.mark.xfail(strict=True, reason=(
        f"issue 17: at {years} years a EUR 5/hour mentoring fee raises {what}: the fee income keeps the team "
        f"({FEE_TEAM[years]}), and the team, not the price, decides uptake"))


@pytest.mark.parametrize("years", [pytest.param(y, marks=_fee_broken(y, f"people served by {FEE_SERVED[y]}"))
                                   for y in HORIZONS])
def test_a_higher_mentoring_fee_never_raises_the_people_served(worlds, years):
    """A mentoring fee of EUR 5 an hour (0 in the base): people served may not rise by more than 2 SE of the paired
    difference (tolerance 0), over 100 worlds of the base at 5 and at 10 years. Demand falls with the fee."""
    w = worlds[years]
    ok, figures = no_more_than(w["fee"]["served"], w["base"]["served"])
    assert ok, f"a mentoring fee raised the people served: {figures}"


@pytest.mark.parametrize("years", [pytest.param(y, marks=_fee_broken(y, f"mentoring hours by {FEE_HOURS[y]}"))
                                   for y in HORIZONS])
def test_a_higher_mentoring_fee_never_raises_mentoring_hours(worlds, years):
    """A mentoring fee of EUR 5 an hour: mentoring hours delivered may not rise by more than 2 SE of the paired
    difference (tolerance 0), over 100 worlds of the base at 5 and at 10 years."""
    w = worlds[years]
    ok, figures = no_more_than(w["fee"]["mentoring_hours"], w["base"]["mentoring_hours"])
    assert ok, f"a mentoring fee raised the mentoring hours: {figures}"


# --------------------------------------------------------------------------------------------- staff
@pytest.mark.parametrize("years", HORIZONS)
def test_one_more_funded_mentor_never_lowers_mentoring_hours(worlds, years):
    """A third mentor with the money for his or her whole cost over the horizon: mentoring hours delivered may not
    fall by more than 2 SE of the paired difference (tolerance 0), over 100 worlds of the base at 5 and 10 years."""
    w = worlds[years]
    ok, figures = no_more_than(w["base"]["mentoring_hours"], w["mentor"]["mentoring_hours"])
    assert ok, f"one more funded mentor lowered the mentoring hours: {figures}"
