"""Networking between all stakeholders: introductions the centre brokers."""

from __future__ import annotations

import numpy as np

from simcenter.fast import services as kernels
from simcenter.model.services.base import Delivery, Service, Shared, distinct_sorted


class Networking(Service):
    """Coordinators introduce this month's contacts (clients, attendees) to partners, funders or
    each other, as many introductions as planned and their hours allow; some become lasting ties,
    which help ventures progress. Each introduction draws who, to whom and whether a tie comes of
    it from the stream "introduction" (three numbers per introduction)."""

    section = "networking"
    decisions = {"introduction": 3}  # who, to whom, and whether a tie comes of it
    tallies = ("ties",)

    def deliver(self, month: int, shared: Shared) -> Delivery:
        """Brokered introductions between this month's contacts and partners, funders or peers."""
        model = self.model
        pop, b, tally = model.pop, model.behaviour, model.tally
        ns = self.spec
        if not self.on or ns.introductions_per_month <= 0:
            return Delivery()
        hours = shared.hours
        affordable = hours.coordinator / ns.staff_hours_per_introduction if ns.staff_hours_per_introduction > 0 else np.inf
        k = int(min(ns.introductions_per_month, affordable))
        if k <= 0:
            return Delivery()
        contacts = distinct_sorted(pop, shared.contacts)
        if len(contacts) == 0:
            return Delivery()
        hours.take_coordinator(k * ns.staff_hours_per_introduction)
        counterparts = model.network_counterparts
        who, pick, made = np.empty(k, dtype=np.intp), np.empty(k, dtype=np.intp), np.empty(k, dtype=np.bool_)
        draws = self.draws["introduction"]
        kernels.introductions(draws.k0, draws.k1, month, k, len(contacts), len(counterparts) + len(contacts),
                              float(b.p_tie_per_introduction), who, pick, made)
        who = contacts[who]
        graph = model.network
        tied = []
        for person, j, ok in zip(who.tolist(), pick.tolist(), made.tolist()):
            if not ok:
                continue
            other = counterparts[j] if j < len(counterparts) else f"e{int(contacts[j - len(counterparts)])}"
            me = f"e{person}"
            if other == me or graph.has_edge(me, other):
                continue
            graph.add_edge(me, other, month=month)
            pop.ties[person] += 1
            tied.append(person)
            if other.startswith("e"):
                pop.ties[int(other[1:])] += 1
                tied.append(int(other[1:]))
            elif other.startswith("p:"):
                partner = model.partners[other[2:]]
                partner.engagement = min(1.0, partner.engagement + b.engagement_per_tie)
            tally["ties"] += 1
        if tied:
            pop.tied(np.array(tied, dtype=np.intp))
        return Delivery()
