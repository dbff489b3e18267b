"""The services' framework (``simcenter/model/services/__init__.py``, ``base.py``, ``staff.py``).

What these tests protect: a switched-off service does nothing (no clients, no hours, no money);
no service runs before the centre opens, except the ventures' own funding, which runs in both
worlds whatever the centre does; the services run in ``SERVICES`` order (promotion takes its staff
hours before events; funding support delivers before own funding reads whom it helped); every
random decision has a name of its own; the month's staff hours are what the centre and its
partners have, less governance, reporting and application writing, charged to coordinators first.
"""

from __future__ import annotations

import numpy as np
import pytest

from simcenter.config.schema import SERVICE_NAMES
from simcenter.model.model import VENTURES
from simcenter.model.services import SERVICES, StaffHours
from simcenter.model.services.events import Events
from simcenter.model.services.funding_support import FundingSupport
from simcenter.model.services.mentoring import Mentoring
from simcenter.model.services.networking import Networking
from simcenter.model.services.own_funding import OwnFunding
from simcenter.model.services.promotion import Promotion

from rooms import behaviour, build, center, edited, flows, instant, only, quiet, step_to, tiny

OFF = {  # what a service would leave behind if it ran: its tallies, its ledger movements
    "mentorship": (("mentoring_hours", "programme_starts_online", "programme_starts_onsite", "turned_away"), ()),
    "events": (("registrations_online", "registrations_onsite", "attendances"), ("events",)),
    "funding_support": (("funding_clients",), ()),
    "networking": (("ties",), ()),
    "promotion": ((), ("promotion",)),
}


@pytest.mark.parametrize("section", sorted(OFF))
def test_a_switched_off_service_does_nothing(base, section):
    scenario = edited(tiny(base, starting_cash_eur=1_000_000.0), only(*(s for s in SERVICE_NAMES if s != section)))
    model = build(scenario)
    model.run_to_end()
    tallies, kinds = OFF[section]
    assert {t: model.tally[t] for t in tallies} == {t: 0 for t in tallies}
    assert all(flows(model, kind) == {} for kind in kinds)
    service = next(s for s in model.services if s.section == section and not isinstance(s, OwnFunding))
    assert not service.on
    others = [t for name, (ts, _) in OFF.items() if name != section for t in ts]
    assert sum(model.tally[t] for t in others) > 0  # ... while the others did run


def test_a_switched_off_service_takes_no_staff_hours(base):
    """With everything off, the coordinators' hours left are those after governance alone."""
    model = build(edited(tiny(base, starting_cash_eur=1_000_000.0), quiet, instant, only()))
    model.step()
    hours = model.shared.hours
    assert hours.coordinator == 160.0 - model.institution.management_hours_monthly
    assert hours.mentor == 1 * 160.0 * 0.6  # the base's core team: one mentor, one coordinator
    assert model.shared.contacts == [] and len(model.shared.helped) == 0


def test_no_service_runs_before_the_centre_opens_but_own_funding_always_does(base):
    model = build(tiny(base))  # an association: open from month 2
    assert [s.on for s in model.services] == [False] * 5 + [True]
    step_to(model, 2)
    assert model.tally["attendances"] == model.tally["mentoring_hours"] == 0
    model.step()
    assert all(s.on for s in model.services)


def test_services_run_in_the_declared_order(base):
    assert SERVICES == (Promotion, Mentoring, Events, FundingSupport, Networking, OwnFunding)
    model = build(tiny(base))
    assert [type(s) for s in model.services] == list(SERVICES)


@pytest.mark.parametrize("promotion_hours, seats", [(0.0, 30), (1_000.0, 0)])
def test_promotion_takes_its_coordinator_hours_before_events(base, promotion_hours, seats):
    """A promotion that wants every coordinator hour leaves events none (and no volunteers here)."""
    scenario = edited(tiny(base), quiet, instant, only("promotion", "events"), center(services={
        "promotion": {"staff_hours_monthly": promotion_hours},
        "events": {"onsite_per_month": 1.0, "online_per_month": 0.0, "hybrid_per_month": 0.0}}))
    model = build(scenario)
    model.step()
    events = next(s for s in model.services if isinstance(s, Events))
    assert events.seats_onsite == seats


def test_own_funding_reads_whom_funding_support_helped_this_month(base):
    """Helped clients win for certain (their odds 0.5 x 2), nobody else applies: the treated world's
    winners this month are exactly the helped."""
    scenario = edited(tiny(base), quiet, instant, only("funding_support"),
                      behaviour(p_aware_start=1.0, p_seek_mentoring=1.0, p_apply_own_funding=0.0,
                                p_client_funding_base=0.5, client_funding_uplift=2.0))
    model = build(scenario)
    model.step()
    helped = model.shared.helped
    assert len(helped) > 0
    funded = np.flatnonzero(model.pop.funding[0, :model.pop.n] > 0)
    np.testing.assert_array_equal(funded, helped)


def test_every_random_decision_has_its_own_name():
    """Two services sharing a decision's name would share its stream (habit 4)."""
    names = [name for cls in SERVICES for name in cls.decisions] + list(VENTURES)
    assert len(names) == len(set(names))


# ---------------------------------------------------------------------------------------- staff hours
def _team(students: int = 6):
    """A partner with students, pro-bono mentors and volunteers; a running grant to report on."""
    def edit(data):
        data["partners"] = {"uni": {"type": "university", "engagement": 0.5, "students_per_year": students,
                                    "mentor_hours_month": 10.0, "volunteer_hours_month": 20.0}}
        data["funding"]["funders"] = {"g": {"type": "national", "reporting_hours_month": 12.0, "duration_months": 24}}
        data["funding"]["starting_grants"] = [{"funder": "g", "amount_eur": 10_000.0}]
    return edit


def test_staff_hours_are_the_teams_and_partners_less_the_overhead(base):
    """Coordinators 160 + students 6 x 0.5 x 20 / 2 = 190; mentors 1 x 160 x 0.6 + 10 x 0.5 = 101;
    volunteers 20 x 0.5; overhead: management 8 + reporting 12 + application writing due 30 = 50,
    all taken from the coordinators."""
    model = build(edited(tiny(base), quiet, _team()))
    model.funding.application_hours_due[0] = 30.0
    hours = StaffHours(model, 0)
    assert hours.overhead == 50.0
    assert (hours.coordinator, hours.mentor, hours.volunteer) == (140.0, 101.0, 10.0)
    assert hours.free_for_applications() == 140.0 + 0.5 * 101.0


def test_overhead_beyond_the_coordinators_comes_off_the_mentors(base):
    model = build(edited(tiny(base), quiet, _team(students=0), center(staff={"n_coordinators": 0})))
    hours = StaffHours(model, 0)
    assert hours.coordinator == 0.0
    assert hours.mentor == 101.0 - (8.0 + 12.0)


def test_charge_takes_coordinators_first_then_mentors_and_never_below_zero(base):
    hours = StaffHours(build(edited(tiny(base), quiet)), 0)
    hours.coordinator, hours.mentor = 10.0, 20.0
    hours.charge(15.0)
    assert (hours.coordinator, hours.mentor) == (0.0, 15.0)
    hours.charge(100.0)
    assert (hours.coordinator, hours.mentor) == (0.0, 0.0)


def test_services_take_at_most_what_is_left(base):
    hours = StaffHours(build(edited(tiny(base), quiet)), 0)
    hours.coordinator, hours.volunteer = 10.0, 4.0
    assert hours.take_coordinator(25.0) == 10.0 and hours.coordinator == 0.0
    assert hours.take_volunteer(-3.0) == 0.0 and hours.volunteer == 4.0
    assert hours.take_volunteer(3.0) == 3.0 and hours.volunteer == 1.0
