"""Networking (``simcenter/model/services/networking.py``).

What these tests protect: the month's introductions are as many as planned and the coordinators'
hours allow, and take their hours; only this month's contacts are introduced; every tie is counted
once in the network, in the people's ties (both people's, for a tie between two of them) and in the
tally; a tie with a partner raises its engagement; no tie comes of an introduction when ties never
form.
"""

from __future__ import annotations

import numpy as np
import pytest

from simcenter.model.services import Shared, StaffHours
from simcenter.model.services.networking import Networking

from rooms import behaviour, build, center, edited, instant, only, quiet, tiny


def _networking(base, *edits, **fields):
    """Networking only, open from month 0, three partners and the scenario's funders to meet."""
    def partners(data):
        data["partners"] = {p: {"type": "ngo", "engagement": 0.5} for p in ("p1", "p2", "p3")}

    return edited(tiny(base), quiet, partners, instant, only("networking"),
                  center(services={"networking": fields}), *edits)


def _deliver(model, coordinator_hours: float, contacts: np.ndarray, month: int = 1):
    """Deliver this month's networking with these hours and contacts; return the hours left."""
    hours = StaffHours(model, month)
    hours.coordinator = coordinator_hours
    service: Networking = model.services[4]
    service.deliver(month, Shared(hours, contacts=[contacts]))
    return hours.coordinator


@pytest.mark.parametrize("per_month, hours, used", [
    (10.0, 100.0, 15.0),   # as many as planned: 10 x 1.5 hours
    (10.0, 4.5, 4.5),      # as many as the hours allow: 3
    (10.0, 1.0, 0.0),      # not one introduction's worth of hours
    (0.0, 100.0, 0.0),     # none planned
])
def test_introductions_are_as_many_as_planned_and_the_hours_allow(base, per_month, hours, used):
    model = build(_networking(base, behaviour(p_tie_per_introduction=1.0), introductions_per_month=per_month,
                              staff_hours_per_introduction=1.5))
    model.step()
    edges = model.network.number_of_edges()
    left = _deliver(model, hours, np.arange(50))
    assert left == pytest.approx(hours - used)
    made = model.network.number_of_edges() - edges
    assert made <= used / 1.5
    assert made >= used / 1.5 - 1  # with every introduction a tie, few are lost to repeats


def test_without_contacts_nobody_is_introduced_and_no_hours_are_taken(base):
    model = build(_networking(base))
    model.step()
    assert _deliver(model, 100.0, np.arange(0)) == 100.0


def test_only_this_months_contacts_are_introduced(base):
    model = build(_networking(base, behaviour(p_tie_per_introduction=1.0)))
    model.step()
    contacts = np.array([5, 17, 42])
    _deliver(model, 100.0, contacts)
    people = {int(node[1:]) for edge in model.network.edges for node in edge if node.startswith("e")}
    assert people and people <= set(contacts.tolist())


def test_ties_are_counted_once_for_each_person_and_in_the_tally(base):
    """A year of every service: each person's ties are their ties in the network."""
    model = build(edited(tiny(base, starting_cash_eur=1_000_000.0), behaviour(p_tie_per_introduction=0.5)))
    model.run_to_end()
    graph, pop = model.network, model.pop
    assert model.tally["ties"] == graph.number_of_edges() > 20
    degree = np.array([graph.degree(f"e{i}") if graph.has_node(f"e{i}") else 0 for i in range(pop.n)])
    np.testing.assert_array_equal(pop.ties[:pop.n], degree)
    assert any(u.startswith("e") and v.startswith("e") for u, v in graph.edges)  # ties between people too


def test_a_tie_with_a_partner_raises_its_engagement(base):
    """100 introductions of 5 people among 3 partners and each other: many ties with partners."""
    model = build(_networking(base, behaviour(p_tie_per_introduction=1.0, engagement_per_tie=0.01),
                              introductions_per_month=100.0))
    model.step()
    before = {pid: p.engagement for pid, p in model.partners.items()}
    edges = set(model.network.edges)
    _deliver(model, 1_000.0, np.arange(5))
    new = [e for e in model.network.edges if e not in edges]
    for pid, partner in model.partners.items():
        ties = sum(f"p:{pid}" in e for e in new)
        assert partner.engagement == pytest.approx(before[pid] + 0.01 * ties), pid
    assert all(partner.engagement > before[pid] for pid, partner in model.partners.items())


def test_no_ties_when_introductions_never_stick(base):
    model = build(_networking(base, behaviour(p_tie_per_introduction=0.0)))
    model.step()
    _deliver(model, 100.0, np.arange(50))
    assert model.network.number_of_edges() == 0 and model.tally["ties"] == 0
