"""Mentorship for social entrepreneurs and innovators: programmes of a few months, one-to-one."""

from __future__ import annotations

import numpy as np

from simcenter.fast import services as kernels
from simcenter.model.services.base import Delivery, Service, Shared, fee_factor, first_of, per_person
from simcenter.stages import TREATED


class Mentoring(Service):
    """Mentors' hours make places (slots); the aware with a need seek one (the fee and, on site,
    the travel put some off), the lowest draws first while places last; the others are turned
    away. Clients gain capability with every hour; some drop out (more online)."""

    section = "mentorship"
    decisions = {"seek_mentoring": 1, "drop_out": 1}
    tallies = ("dropouts_online", "dropouts_onsite", "turned_away", "programme_starts_online", "programme_starts_onsite",
               "mentoring_hours", "contacts_online", "contacts_onsite")

    def __init__(self, model):
        super().__init__(model)
        b = model.behaviour  # its numbers as the compiled loops take them, made once
        self._p_dropout = (float(b.p_dropout_online_monthly), float(b.p_dropout_onsite_monthly))
        self._kept = (np.float32(b.satisfaction_kept_dropout), np.float32(b.satisfaction_kept_turned_away))
        self._satisfaction_gain = np.float32(b.satisfaction_gain_mentoring)

    def select(self, month: int, shared: Shared) -> None:
        """People in a programme who continue (those whose venture closed leave it, some drop out,
        losing satisfaction), and seekers: alive, aware, not in a programme and drawn
        (p = p_seek_mentoring * need_m * access * fee factor)."""
        if not self.on:
            return
        model = self.model
        pop, b = model.pop, model.behaviour
        ms = self.spec
        factor = fee_factor(b.fee_elasticity, ms.fee_per_hour_eur * ms.hours_per_client_month)
        p_seek = per_person(pop, ("mentoring", factor), lambda s: pop.q_mentoring[s] * factor)
        current, seekers, seekers_u = pop.scratch.lists[0], pop.scratch.lists[1], pop.scratch.numbers[0]
        drop, seek = self.draws["drop_out"], self.draws["seek_mentoring"]
        nc, ns, self.dropouts_online, self.dropouts_onsite = kernels.mentoring_select(
            pop.n, month, pop.stage[TREATED], pop.aware, pop.prog_left, pop.prog_online, drop.k0, drop.k1,
            *self._p_dropout, pop.satisfaction, self._kept[0], seek.k0, seek.k1, pop.scratch.draws, p_seek, current, seekers,
            seekers_u)
        self.current, self.seekers, self.seekers_u = current[:nc], seekers[:ns], seekers_u[:ns]

    def deliver(self, month: int, shared: Shared) -> Delivery:
        """Intake up to the places, hours delivered, capability gained."""
        model = self.model
        pop, b, center, tally = model.pop, model.behaviour, model.center, model.tally
        if not self.on:
            pop.prog_left[:pop.n] = 0  # nobody is in a programme
            return Delivery()
        ms = self.spec
        hours = shared.hours
        slots = hours.mentor / ms.hours_per_client_month if ms.hours_per_client_month > 0 else 0.0
        current, sidx = self.current, self.seekers
        n_current, n_seek = len(current), len(sidx)
        tally["dropouts_online"] += self.dropouts_online
        tally["dropouts_onsite"] += self.dropouts_onsite
        free = max(0, int(slots) - n_current)
        accepted = first_of(sidx, self.seekers_u, free)
        turned_away = n_seek - len(accepted)
        tally["turned_away"] += turned_away
        shared.stats["mentoring_demand"] = float(n_seek + n_current)
        shared.stats["mentoring_slots"] = slots
        if turned_away:
            kernels.turn_away(sidx, accepted, pop.scratch.mark, pop.satisfaction, self._kept[1])
        starts_online = kernels.mentoring_start(accepted, ms.programme_months, pop.prog_left, pop.prog_online,
                                                pop.digital, pop.city)
        tally["programme_starts_online"] += starts_online
        tally["programme_starts_onsite"] += int(len(accepted) - starts_online)
        pop.touch(accepted, month, served=True)
        clients = np.concatenate([current, accepted])  # distinct, any order
        n_clients = len(clients)
        if n_clients == 0:
            return Delivery()
        per_client = min(ms.hours_per_client_month, hours.mentor / n_clients)
        pop.gain(clients, np.float32(b.capability_gain_per_hour * per_client), self._satisfaction_gain)
        contacts_online = kernels.mentoring_month(clients, month, pop.prog_left, pop.prog_online,
                                                  pop.last_contact, pop.contact_month)
        pop.any_contact = True
        shared.contacts.append(clients)  # networking introduces mentoring clients too
        delivered = per_client * n_clients
        tally["mentoring_hours"] += delivered
        tally["contacts_online"] += contacts_online
        tally["contacts_onsite"] += int(n_clients - contacts_online)
        fees = model.institution.fees(ms.fee_per_hour_eur * delivered)
        hourly = center.spec.staff.salary_monthly_eur / center.spec.staff.hours_per_month
        return Delivery(fees, hourly * delivered if fees > 0 else 0.0)
