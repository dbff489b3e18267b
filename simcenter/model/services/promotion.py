"""Constant promotion of social innovation, and how people hear of the centre: promotion
(budget, staff and volunteer hours), word of mouth from satisfied clients, and forgetting."""

from __future__ import annotations

import numpy as np

from simcenter.fast import services as kernels
from simcenter.model.services.base import Service, Shared, weak
from simcenter.model.services.events import volunteer_need
from simcenter.stages import CLOSED, TREATED


class Promotion(Service):
    """Promotion reaches people; word of mouth spreads from satisfied clients; those out of
    contact forget. Awareness is what the other services' seekers are drawn from."""

    section = "promotion"
    decisions = {"hear_or_forget": 1}

    def __init__(self, model):
        super().__init__(model)
        b = model.behaviour  # its numbers as the compiled loops take them, made once
        self._satisfied = np.float32(b.satisfaction_word_of_mouth)
        self._p_forget = weak(b.p_forget_monthly)

    def prepare(self, month: int, shared: Shared) -> None:
        """This month's chance that a person alive and unaware of the centre hears of it (0 while
        the centre is not active), from the promotion's reach (its budget, the coordinators' hours
        it takes, the volunteers events do not need) and word of mouth."""
        model = self.model
        pop, b, center = model.pop, model.behaviour, model.center
        self.p_new = 0.0
        if not center.active:
            return
        n = pop.n
        reach = 0.0
        if center.services["promotion"]:
            promo = self.spec
            hours = shared.hours
            used = hours.take_coordinator(promo.staff_hours_monthly)
            reach = promo.budget_monthly_eur / 1000.0 * b.promotion_reach_per_1000_eur
            # Volunteers help at events first (up to half of their staffing); the rest promote.
            volunteers = hours.take_volunteer(hours.volunteer - volunteer_need(center, b))
            reach += (used + volunteers) * b.promotion_reach_per_hour
        n_alive = max(1, n - pop.by_stage[TREATED][CLOSED])
        # Satisfied: reached, alive, satisfied enough to speak well of the centre; unaware: alive and not aware.
        satisfied, n_unaware = kernels.promotion_counts(n, pop.stage[TREATED], pop.aware, pop.reached,
                                                        pop.satisfaction, self._satisfied)
        p_promo = min(1.0, reach / max(1, n_unaware))
        p_wom = 1.0 - (1.0 - b.p_word_of_mouth) ** (b.contacts_per_person * satisfied / n_alive)
        self.p_new = 1.0 - (1.0 - p_promo) * (1.0 - p_wom)

    def select(self, month: int, shared: Shared) -> None:
        """Who hears of the centre this month, and who forgets it (every month, open or not)."""
        model = self.model
        pop, b = model.pop, model.behaviour
        draws = self.draws["hear_or_forget"]
        kernels.awareness(pop.n, month, model.center.active, weak(self.p_new), self._p_forget,
                          month - b.forget_after_months, draws.k0, draws.k1, pop.scratch.draws, pop.stage[TREATED],
                          pop.aware, pop.last_contact, pop.prog_left)
