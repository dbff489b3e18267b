"""Mentoring (``simcenter/model/services/mentoring.py``).

What these tests protect: places come from the mentors' hours (``hours / hours_per_client_month``);
free places go to the seekers with the lowest draws and the others are turned away, losing some
satisfaction; clients gain satisfaction; programmes run online for digital people outside the city;
clients drop out (losing satisfaction) and do not start again the same month; fees are charged per
hour delivered only by forms that may charge them, taxed on what they earn above the mentors' cost.
"""

from __future__ import annotations

import numpy as np
import pytest

from simcenter.model.services.mentoring import Mentoring

from rooms import add_form, behaviour, build, center, edited, flows, frozen_ventures, instant, only, quiet, tiny, use

SATISFACTION_START = np.float32(0.5)


def _mentoring(base, mentors=1, *edits):
    """Only mentoring, open from month 0, everyone aware and keen; two coordinators absorb the
    governance hours, so the mentors' hours are all for clients; ventures frozen."""
    return edited(tiny(base), quiet, instant, frozen_ventures, only("mentorship"),
                  behaviour(p_aware_start=1.0, p_seek_mentoring=1.0),
                  center(staff={"n_mentors": mentors, "n_coordinators": 2, "n_max": 8}), *edits)


def _service(model) -> Mentoring:
    return model.services[1]


def _started(model) -> np.ndarray:
    """This month's new clients (a month of their programme done)."""
    m = _service(model)
    months = model.center.spec.services.mentorship.programme_months
    return m.seekers[model.pop.prog_left[m.seekers] == months - 1]


@pytest.mark.parametrize("mentors", [0, 1, 3])
def test_places_come_from_the_mentors_hours(base, mentors):
    """160 hours x 0.6 delivering / 4 hours per client = 24 places per mentor."""
    model = build(_mentoring(base, mentors))
    model.step()
    places = 24 * mentors
    assert model.shared.stats["mentoring_slots"] == places
    seekers = len(_service(model).seekers)
    assert seekers > 72
    assert len(_started(model)) == places
    assert model.tally["turned_away"] == seekers - places
    assert model.tally["mentoring_hours"] == 4 * places


def test_free_places_go_to_the_lowest_draws_and_the_others_are_turned_away(base):
    model = build(_mentoring(base))
    model.step()
    m, pop = _service(model), model.pop
    started = _started(model)
    turned = np.setdiff1d(m.seekers, started)
    u = dict(zip(m.seekers.tolist(), m.seekers_u.tolist()))
    assert max(u[i] for i in started) <= min(u[i] for i in turned)
    kept = np.float32(model.behaviour.satisfaction_kept_turned_away)
    np.testing.assert_array_equal(pop.satisfaction[turned], SATISFACTION_START * kept)
    gain = np.float32(model.behaviour.satisfaction_gain_mentoring)
    np.testing.assert_allclose(pop.satisfaction[started], SATISFACTION_START + gain * (1 - SATISFACTION_START))
    others = np.setdiff1d(np.arange(pop.n), m.seekers)
    assert (pop.satisfaction[others] == SATISFACTION_START).all()


def test_programmes_are_online_for_digital_people_outside_the_city(base):
    model = build(_mentoring(base, 3))
    model.step()
    pop, started = model.pop, _started(model)
    online = pop.digital[started] & ~pop.city[started]
    np.testing.assert_array_equal(pop.prog_online[started], online)
    assert model.tally["programme_starts_online"] == online.sum() > 0
    assert model.tally["programme_starts_onsite"] == (~online).sum() > 0


@pytest.mark.parametrize("p_dropout", [0.0, 1.0])
def test_clients_drop_out_lose_satisfaction_and_do_not_restart_the_same_month(base, p_dropout):
    scenario = _mentoring(base, 1, behaviour(p_dropout_online_monthly=p_dropout, p_dropout_onsite_monthly=p_dropout))
    model = build(scenario)
    model.step()
    clients = _started(model)
    satisfaction = model.pop.satisfaction[clients].copy()
    model.step()  # a programme's first month has no drop-out risk; its second does
    m = _service(model)
    dropped = model.tally["dropouts_online"] + model.tally["dropouts_onsite"]
    if p_dropout:
        assert dropped == len(clients) and len(m.current) == 0
        assert not np.isin(clients, m.seekers).any()  # no new programme in the month they left
        kept = np.float32(model.behaviour.satisfaction_kept_dropout)
        np.testing.assert_array_equal(model.pop.satisfaction[clients], satisfaction * kept)
        assert (model.pop.prog_left[clients] == 0).all()
    else:
        assert dropped == 0 and sorted(m.current) == sorted(clients)


def test_hours_are_shared_when_clients_outnumber_the_places(base):
    """Fewer mentor hours than the clients in programmes need: each client gets an equal share."""
    model = build(_mentoring(base, 2, behaviour(p_dropout_online_monthly=0.0, p_dropout_onsite_monthly=0.0)))
    model.step()
    clients = len(_started(model))
    model.center.n_mentors = 1  # half the hours for the clients already in programmes
    model.step()
    m = _service(model)
    assert len(m.current) == clients  # nobody left (and nobody could join)
    assert model.tally["mentoring_hours"] == pytest.approx(4 * clients + 160 * 0.6)


def _fees(fee_per_hour: float):
    return center(services={"mentorship": {"fee_per_hour_eur": fee_per_hour}})


@pytest.mark.parametrize("fee", [5.0, 20.0])
def test_fees_per_hour_delivered_taxed_above_the_mentors_cost(base, fee):
    """An association charges every hour; the yearly profit tax (10%) is on what the fees earn above the
    mentors' pay for those hours (1,300 / 160 = 8.125 EUR an hour): nothing at 5 EUR, some at 20. The
    month's fees and their direct costs go into the year's accounts, taxed in December."""
    model = build(_mentoring(base, 1, _fees(fee), behaviour(fee_elasticity=0.001)))
    model.step()
    hours = model.tally["mentoring_hours"]
    assert hours > 0
    assert flows(model, "fees") == {0: pytest.approx(fee * hours)}
    tax = 0.10 * max(0.0, (fee - 1300.0 / 160.0) * hours)
    funding = model.funding
    assert (funding.year_fees, funding.year_fee_costs) == (pytest.approx(fee * hours), pytest.approx(1300.0 / 160.0 * hours))
    assert model.institution.yearly_tax(funding.year_fees, funding.year_fee_costs, -1e6) == pytest.approx(tax, abs=0.01)
    assert flows(model, "tax") == {}  # paid in December


def test_a_form_without_revenue_mentors_for_free(base):
    def no_revenue(data):
        add_form(data, "no_revenue", like="instant", may_charge_fees=False)

    model = build(_mentoring(base, 1, _fees(5.0), no_revenue, use("no_revenue")))
    model.step()
    assert model.tally["mentoring_hours"] > 0
    assert flows(model, "fees") == {}


def test_a_fee_puts_seekers_off(base):
    free = build(_mentoring(base, 1))
    paid = build(_mentoring(base, 1, _fees(5.0)))  # 1 - 0.02 x 5 EUR x 4 hours: 60% of the demand
    free.step()
    paid.step()
    assert len(_service(paid).seekers) < 0.8 * len(_service(free).seekers)
