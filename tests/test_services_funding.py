"""Funding support and the ventures' own funding (``simcenter/model/services/funding_support.py``,
``own_funding.py``).

What these tests protect: funding support helps as many as the coordinators' hours allow, the
lowest draws first, and only ventures past the idea stage; the people it helped apply with better
odds. Own funding runs in both worlds on the same numbers (so without a centre's help the two worlds
get the same awards), only for pilots and running ventures; the centre's success fee is taken only
on the awards of the clients it helped, and only by a form that may charge fees.
"""

from __future__ import annotations

import numpy as np
import pytest

from simcenter.model.services import StaffHours
from simcenter.model.services.funding_support import FundingSupport
from simcenter.stages import CLOSED, COMPARISON, IDEA, PILOT, TREATED

from rooms import add_form, behaviour, build, center, edited, flows, frozen_ventures, instant, only, quiet, tiny, use


def _many_ventures(data: dict) -> None:
    """Many pilots and running ventures among the few people of ``tiny`` (these tests count them; the
    base scenario's stage mix, scaled to the province, has 2% running ventures and 8% pilots)."""
    data["region"].update(share_idea=0.55, share_pilot=0.2, share_operating=0.2, share_scaling=0.05)


def _funding(base, *edits):
    """Funding support only, open from month 0, everyone aware and eager; ventures frozen."""
    return edited(tiny(base), _many_ventures, quiet, instant, frozen_ventures, only("funding_support"),
                  behaviour(p_aware_start=1.0, p_seek_mentoring=1.0), *edits)


def _support(model) -> FundingSupport:
    return model.services[3]


def _funding_now(model, world: int) -> np.ndarray:
    return model.pop.funding[world, :model.pop.n].copy()


def test_capacity_is_the_coordinators_hours_over_the_hours_per_client(base):
    model = build(_funding(base))
    support = _support(model)
    hours = StaffHours(model, 0)
    hours.coordinator = 20.0
    assert support.capacity(hours) == 0  # not open yet
    model.step()
    assert support.capacity(hours) == 3  # 20 / 6
    model.center.services["funding_support"] = False
    assert support.capacity(hours) == 0


def test_support_helps_the_lowest_draws_past_the_idea_stage_as_hours_allow(base):
    model = build(_funding(base))
    model.step()
    support, pop = _support(model), model.pop
    helped = model.shared.helped
    coordinators = 160.0 - model.institution.management_hours_monthly
    assert len(helped) == int(coordinators / 6.0) < len(support.seekers)
    assert model.tally["funding_clients"] == len(helped)
    assert model.shared.hours.coordinator == pytest.approx(coordinators - 6.0 * len(helped))
    assert (np.diff(helped) > 0).all()
    stage = pop.stage[TREATED, support.seekers]
    assert ((stage >= PILOT) & (stage < CLOSED)).all()
    u = dict(zip(support.seekers.tolist(), support.seekers_u.tolist()))
    rest = np.setdiff1d(support.seekers, helped)
    assert max(u[i] for i in helped) <= min(u[i] for i in rest)
    assert pop.served[helped].all()


def test_the_helped_apply_with_better_odds(base):
    """Base odds 0.2, helped 0.2 x 5 = 1: every helped client wins this month; nobody else applies."""
    model = build(_funding(base, behaviour(p_apply_own_funding=0.0, p_client_funding_base=0.2,
                                           client_funding_uplift=5.0)))
    model.step()
    helped = model.shared.helped
    np.testing.assert_array_equal(np.flatnonzero(_funding_now(model, TREATED)), helped)
    assert not _funding_now(model, COMPARISON).any()


# ---------------------------------------------------------------------------------------- own funding
def _applying(**more):
    """Every venture applies with its funding need as the chance; half of the applications win."""
    return behaviour(**{"p_apply_own_funding": 1.0, "p_client_funding_base": 0.5, **more})


def test_own_funding_runs_in_both_worlds_on_the_same_numbers(base):
    """Without the centre's help (funding support off) the two worlds' ventures are the same (frozen),
    so each must get exactly the same awards in both."""
    scenario = edited(tiny(base), _many_ventures, frozen_ventures, only("mentorship", "events", "networking", "promotion"),
                      _applying())
    model = build(scenario)
    model.run_for(4)
    treated, comparison = _funding_now(model, TREATED), _funding_now(model, COMPARISON)
    assert (treated > 0).sum() > 20
    np.testing.assert_array_equal(treated, comparison)


def test_own_funding_only_for_pilots_and_running_ventures(base):
    model = build(edited(tiny(base), _many_ventures, quiet, frozen_ventures, only(), _applying(p_client_funding_base=1.0)))
    model.run_for(4)
    stage, funded = model.pop.stage[COMPARISON, :model.pop.n], _funding_now(model, COMPARISON) > 0
    assert funded.sum() > 20
    assert (stage[funded] != IDEA).all() and (stage[funded] != CLOSED).all()
    assert (stage == IDEA).sum() > 50


def test_own_funding_runs_before_the_centre_opens_and_after_it_closes(base):
    model = build(edited(tiny(base), quiet, frozen_ventures, _applying(), center(starting_cash_eur=0.0)))
    totals = []
    while model.running:
        model.step()
        totals.append(model.pop.funding[:, :model.pop.n].sum(axis=1))
    closed = model.center.closure_month
    assert 2 < closed < 11
    for month in (1, closed, 11):  # closed before month 2, and from closure on
        assert (totals[month] > totals[month - 1]).all(), month


def _success_fee(share: float):
    return center(services={"funding_support": {"share_success_fee": share}})


def test_the_success_fee_is_only_on_the_helped_clients_awards(base):
    """Helped clients win for certain, others half the time: the fee is half the helped clients' awards."""
    model = build(_funding(base, _success_fee(0.5), _applying(client_funding_uplift=2.0)))
    model.step()
    awards = _funding_now(model, TREATED)
    helped = model.shared.helped
    others = np.setdiff1d(np.flatnonzero(awards), helped)
    assert len(helped) > 0 and len(others) > 0
    assert flows(model, "fees") == {0: pytest.approx(0.5 * float(awards[helped].sum()), abs=0.01)}


@pytest.mark.parametrize("support", [False, True])
def test_no_success_fee_without_help_or_without_revenue(base, support):
    def no_revenue(data):
        add_form(data, "no_revenue", like="instant", may_charge_fees=False)

    edits = [_success_fee(0.5), _applying(client_funding_uplift=2.0)]
    if support:
        edits += [no_revenue, use("no_revenue")]
    else:
        edits += [only()]
    model = build(_funding(base, *edits))
    model.step()
    assert _funding_now(model, TREATED).any()
    assert flows(model, "fees") == {}
