"""Ventures' own funding applications, with and without the centre: not a service, a process the
funding support feeds."""

from __future__ import annotations

import numpy as np

from simcenter.fast import services as kernels
from simcenter.model.services.base import Delivery, Service, Shared

_ELIGIBLE = np.array([False, True, True, True, False])
"""Stages that may apply for funding of their own: pilots and running ventures."""


class OwnFunding(Service):
    """Pilots and running ventures apply for funding of their own, in both worlds on the same
    numbers: in the world without the centre as in the world with it. People the centre helped
    this month apply too, with better odds; the centre may charge a success fee on their awards."""

    section = "funding_support"  # its success fee
    decisions = {"apply_own_funding": 1, "own_funding_award": 2}  # award: won, and how much

    def __init__(self, model):
        super().__init__(model)
        b = model.behaviour  # its numbers as the compiled loops take them, made once
        self._odds = (float(b.p_client_funding_base), float(min(1.0, b.p_client_funding_base * b.client_funding_uplift)))
        self._award = (np.float32(b.client_award_eur), np.float32(1.0 - b.client_award_spread))

    @property
    def on(self) -> bool:
        """Ventures apply whether or not there is a centre."""
        return True

    def select(self, month: int, shared: Shared) -> None:
        """Applicants drawn this month (u_apply < p_apply_own_funding * need_f), both worlds: people
        at an eligible stage in either."""
        pop = self.model.pop
        out = pop.scratch.lists[5]
        apply = self.draws["apply_own_funding"]
        self.u_apply = pop.scratch.apply  # everyone's, kept for the decisions
        self.drawn = out[:kernels.applicants(pop.n, pop.capacity, month, pop.flat["stage"], _ELIGIBLE, apply.k0, apply.k1,
                                             self.u_apply, pop.q_apply, out)]

    def deliver(self, month: int, shared: Shared) -> Delivery:
        """Decide the applications; return the success fees the centre earns on its clients' awards."""
        model = self.model
        pop = model.pop
        helped = shared.helped
        # Few people apply in a month: the rest is done on them only.
        cand, world, won = pop.scratch.idx[0], pop.scratch.idx[1], pop.scratch.idx[2]
        award, is_helped = pop.scratch.awards, pop.scratch.wins
        awards = self.draws["own_funding_award"]
        k = kernels.own_funding(pop.capacity, month, self.drawn, self.u_apply, awards.k0, awards.k1, pop.q_apply, helped,
                                pop.flat["stage"], *self._odds, *self._award, _ELIGIBLE, cand, world, won, award, is_helped)
        if k == 0:
            return Delivery()
        pop.award_funding(world[:k], won[:k], award[:k])
        if not model.institution.may_charge_fees or len(helped) == 0:
            return Delivery()
        return Delivery(self.spec.share_success_fee * float(award[:k][is_helped[:k]].sum()))
