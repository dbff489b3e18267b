"""Support in searching and applying for funding, for the centre's clients."""

from __future__ import annotations

import numpy as np

from simcenter.fast import services as kernels
from simcenter.model.services.base import EMPTY_IDX, Delivery, Service, Shared, fee_factor, first_of, per_person
from simcenter.stages import TREATED


class FundingSupport(Service):
    """Coordinators review clients' funding applications, as many as their hours allow; the aware
    past the idea stage seek this help (the fee puts some off), the lowest draws first. Those
    helped apply with better odds (``own_funding``)."""

    section = "funding_support"
    decisions = {"seek_funding_help": 1}
    tallies = ("funding_clients",)

    def capacity(self, hours) -> int:
        """Clients the service can take this month with the coordinators' hours left (0 when it
        does not run). The same at selection and at delivery: nothing between them uses
        coordinators' hours."""
        fs = self.spec
        if not self.on or fs.staff_hours_per_client <= 0:
            return 0
        return int(hours.coordinator / fs.staff_hours_per_client)

    def select(self, month: int, shared: Shared) -> None:
        """Seekers: alive, aware, past the idea stage and drawn
        (p = p_seek_mentoring * need_f * fee factor * access)."""
        self.seekers = EMPTY_IDX
        if self.capacity(shared.hours) <= 0:
            return
        pop, b = self.model.pop, self.model.behaviour
        fee_f = fee_factor(b.fee_elasticity, self.spec.fee_eur)

        def seek(s: slice) -> np.ndarray:
            p = pop.q_funding[s] * fee_f
            p *= pop.access_any[s]
            return p

        p_seek = per_person(pop, ("funding", fee_f), seek)
        out, u_out = pop.scratch.lists[4], pop.scratch.numbers[3]
        seek = self.draws["seek_funding_help"]
        k = kernels.funding_select(pop.n, month, pop.stage[TREATED], pop.aware, seek.k0, seek.k1, pop.scratch.draws,
                                   p_seek, out, u_out)
        self.seekers, self.seekers_u = out[:k], u_out[:k]

    def deliver(self, month: int, shared: Shared) -> Delivery:
        """Help as many seekers as the hours allow; they are ``shared.helped`` (sorted)."""
        model = self.model
        capacity = self.capacity(shared.hours)
        if capacity <= 0:
            return Delivery()
        fs = self.spec
        idx = first_of(self.seekers, self.seekers_u, capacity).copy()
        shared.hours.take_coordinator(len(idx) * fs.staff_hours_per_client)
        model.pop.touch(idx, month, served=True)
        model.tally["funding_clients"] += len(idx)
        shared.contacts.append(idx)
        shared.helped = np.sort(idx)
        return Delivery(model.institution.fees(fs.fee_eur * len(idx)))
