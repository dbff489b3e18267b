"""Events (``simcenter/model/services/events.py``).

What these tests protect: the seats and the cost follow the share of the events' staffing they got
(volunteers first, up to their share, then coordinators); registrations never exceed the seats;
registrants who do not show up gain nothing; fees are charged per attendee only by forms that may
charge them; the events' cost is paid.
"""

from __future__ import annotations

import pytest

from simcenter.model.services import Shared, StaffHours
from simcenter.model.services.events import Events

from rooms import (add_form, behaviour, build, center, edited, flows, frozen_ventures, instant, only, quiet, tiny,
                   use)

ONE_OF_EACH = {"onsite_per_month": 1.0, "online_per_month": 1.0, "hybrid_per_month": 0.0}
"""Two events a month of 16 staff hours each: 32 hours; volunteers may do half, 16."""


def _events(base, *edits, **fields):
    return edited(tiny(base), quiet, instant, frozen_ventures, only("events"),
                  center(services={"events": {**ONE_OF_EACH, **fields}}), *edits)


def _service(model) -> Events:
    return model.services[2]


@pytest.mark.parametrize("coordinators, volunteers, scale, left", [
    (1000.0, 1000.0, 1.0, (984.0, 984.0)),  # volunteers take their half (16), coordinators the rest
    (1000.0, 4.0, 1.0, (972.0, 0.0)),       # few volunteers: coordinators fill in
    (0.0, 1000.0, 0.5, (0.0, 984.0)),       # volunteers alone: half the staffing
    (8.0, 0.0, 0.25, (0.0, 0.0)),           # a quarter of the staffing: a quarter of the seats
    (0.0, 0.0, 0.0, (0.0, 0.0)),
])
def test_seats_and_cost_follow_the_staff_hours_they_got(base, coordinators, volunteers, scale, left):
    model = build(_events(base))
    model.step()  # open
    hours = StaffHours(model, 1)
    hours.coordinator, hours.volunteer = coordinators, volunteers
    events = _service(model)
    events.prepare(1, Shared(hours))
    assert (events.seats_onsite, events.seats_online) == (int(30 * scale), int(100 * scale))
    assert events.cost == pytest.approx(scale * (400.0 + 80.0))
    assert (hours.coordinator, hours.volunteer) == left


def test_hybrid_events_give_seats_in_both_rooms(base):
    model = build(_events(base, onsite_per_month=0.0, online_per_month=0.0, hybrid_per_month=1.0))
    model.step()
    events = _service(model)
    assert (events.seats_onsite, events.seats_online) == (30, 100)
    assert events.cost == 550.0


def _crowd(*more):
    """Everyone aware and eager to come."""
    return behaviour(p_aware_start=1.0, p_attend_event=1.0, **dict(more))


def test_registrations_never_exceed_the_seats(base):
    model = build(_events(base, _crowd(), capacity_onsite=5, capacity_online=7))
    model.run_for(3)
    events = _service(model)
    assert len(events.want_onsite) > 5 and len(events.want_online) > 7
    assert model.tally["registrations_onsite"] == 3 * 5
    assert model.tally["registrations_online"] == 3 * 7


@pytest.mark.parametrize("no_show", [0.0, 1.0])
def test_no_shows_gain_nothing(base, no_show):
    model = build(_events(base, _crowd(("share_no_show_online", no_show), ("share_no_show_onsite", no_show))))
    model.step()
    registered = model.tally["registrations_online"] + model.tally["registrations_onsite"]
    assert registered > 0
    shows = 0 if no_show else registered
    assert model.tally["attendances"] == shows
    assert model.pop.reached[:model.pop.n].sum() == shows
    assert (model.pop.satisfaction[:model.pop.n] > 0.5).sum() == shows


def test_fees_per_attendee_and_the_cost_of_the_events(base):
    model = build(_events(base, _crowd(), fee_eur=2.0))
    model.step()
    attended = model.tally["attendances"]
    assert attended > 0
    assert flows(model, "fees") == {0: 2.0 * attended}
    assert flows(model, "events") == {0: 480.0}


def test_a_form_without_revenue_holds_free_events(base):
    def no_revenue(data):
        add_form(data, "no_revenue", like="instant", may_charge_fees=False)

    model = build(_events(base, _crowd(), no_revenue, use("no_revenue"), fee_eur=2.0))
    model.step()
    assert model.tally["attendances"] > 0
    assert flows(model, "fees") == {} and flows(model, "events") == {0: 480.0}
