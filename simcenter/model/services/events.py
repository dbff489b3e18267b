"""On-site, online and hybrid activities: workshops, trainings, meet-ups."""

from __future__ import annotations

import numpy as np

from simcenter.fast import services as kernels
from simcenter.model.services.base import Delivery, Service, Shared, fee_factor, first_of, per_person, weak
from simcenter.stages import TREATED

def volunteer_need(center, behaviour) -> float:
    """Volunteer hours the month's events can use: their share of the events' staffing."""
    if not (center.active and center.services["events"]):
        return 0.0
    es = center.spec.services.events
    return behaviour.share_event_work_volunteers * (es.onsite_per_month + es.online_per_month + es.hybrid_per_month) * \
        es.staff_hours_per_event


class Events(Service):
    """Events need staff hours (volunteers first, up to their share, then coordinators) and cost money;
    seats follow the hours they got. The aware who want a seat register, online or on site, up to
    the seats (the lowest draws first); some do not show up; those who come gain a little
    capability and satisfaction and count as reached."""

    section = "events"
    decisions = {"attend_event": 1, "no_show": 1}
    def __init__(self, model):
        super().__init__(model)
        b = model.behaviour  # its numbers as the compiled loops take them, made once
        self._no_show = (weak(b.share_no_show_online), weak(b.share_no_show_onsite))
        self._gains = (np.float32(b.event_capability_gain), np.float32(b.satisfaction_gain_event))

    tallies = ("registrations_online", "registrations_onsite", "no_shows_online", "no_shows_onsite", "attendances",
               "contacts_online", "contacts_onsite")

    def prepare(self, month: int, shared: Shared) -> None:
        """This month's plan: seats (after the staff hours they got), cost, and who would come
        online; no plan when no event is held."""
        self.held = False
        center = self.model.center
        es = self.spec
        if not self.on or es.onsite_per_month + es.online_per_month + es.hybrid_per_month <= 0:
            return
        self.held = True
        pop, b = self.model.pop, self.model.behaviour
        hours = shared.hours
        n_events = es.onsite_per_month + es.online_per_month + es.hybrid_per_month
        needed = n_events * es.staff_hours_per_event
        volunteers = hours.take_volunteer(volunteer_need(center, b))
        got = hours.take_coordinator(needed - volunteers)
        scale = 1.0 if needed <= 0 else min(1.0, (got + volunteers) / needed)
        self.seats_onsite = seats_onsite = int((es.onsite_per_month + es.hybrid_per_month) * es.capacity_onsite * scale)
        self.seats_online = seats_online = int((es.online_per_month + es.hybrid_per_month) * es.capacity_online * scale)
        self.cost = scale * (es.onsite_per_month * es.cost_onsite_eur + es.online_per_month * es.cost_online_eur
                             + es.hybrid_per_month * es.cost_hybrid_eur)
        seat_kind = (seats_onsite == 0, seats_online > 0)
        factor = fee_factor(b.fee_elasticity, es.fee_eur)

        def online(s: slice) -> np.ndarray:
            return pop.digital[s] & (~pop.city[s] | seat_kind[0]) & seat_kind[1]

        def attend(s: slice) -> np.ndarray:
            # p = p_attend_event * need_n * access * fee factor
            prefers_online = online(s)
            access = np.where(prefers_online, 1.0, pop.access_onsite[s])
            if seats_onsite == 0:
                access = np.where(prefers_online, access, 0.0)
            p = pop.q_event[s] * access
            p *= factor
            return p

        self.prefers_online = per_person(pop, ("online", *seat_kind), online)
        self.p_attend = per_person(pop, ("events", factor, *seat_kind), attend)

    def select(self, month: int, shared: Shared) -> None:
        """The alive and aware who want a seat this month, by whether they prefer online."""
        if not self.held:
            return
        pop = self.model.pop
        online, onsite = pop.scratch.lists[2], pop.scratch.lists[3]
        online_u, onsite_u = pop.scratch.numbers[1], pop.scratch.numbers[2]
        attend = self.draws["attend_event"]  # everyone's number is drawn; the no-shows' at the event
        k_on, k_off = kernels.events_select(pop.n, month, pop.stage[TREATED], pop.aware, attend.k0, attend.k1,
                                            pop.scratch.draws, self.p_attend, self.prefers_online, online, onsite,
                                            online_u, onsite_u)
        self.want_online, self.want_onsite = online[:k_on], onsite[:k_off]
        self.online_u, self.onsite_u = online_u[:k_on], onsite_u[:k_off]

    def deliver(self, month: int, shared: Shared) -> Delivery:
        """Registration up to the seats, no-shows, attendance."""
        if not self.held:
            return Delivery()
        model = self.model
        pop, tally = model.pop, model.tally
        reg_online = first_of(self.want_online, self.online_u, self.seats_online)
        reg_onsite = first_of(self.want_onsite, self.onsite_u, self.seats_onsite)
        attended = pop.scratch.idx[2]
        no_show = self.draws["no_show"]
        n_show_online, n_attended = kernels.show_up(month, reg_online, reg_onsite, no_show.k0, no_show.k1,
                                                    *self._no_show,
                                                    attended)
        attended = attended[:n_attended].copy()
        n_show_onsite = n_attended - n_show_online
        tally["registrations_online"] += len(reg_online)
        tally["registrations_onsite"] += len(reg_onsite)
        tally["no_shows_online"] += len(reg_online) - n_show_online
        tally["no_shows_onsite"] += len(reg_onsite) - n_show_onsite
        tally["attendances"] += n_attended
        tally["contacts_online"] += n_show_online
        tally["contacts_onsite"] += n_show_onsite
        pop.touch(attended, month, served=False)
        pop.gain(attended, *self._gains)
        shared.contacts.append(attended)
        cost = self.cost
        fees = model.institution.fees(self.spec.fee_eur * n_attended)
        return Delivery(fees, cost if fees > 0 else 0.0, cost)
