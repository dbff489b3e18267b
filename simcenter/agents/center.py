"""The competence centre itself."""

from __future__ import annotations

from dataclasses import dataclass

import mesa

from simcenter.config import schema


@dataclass
class Grant:
    """Money awarded to the centre and how it is paid out."""

    funder: str
    kind: str
    amount_eur: float
    start: int
    duration: int
    share_cofinancing: float
    lag: int
    reporting_hours: float
    paid_eur: float = 0.0
    earned_eur: float = 0.0

    def running(self, month: int) -> bool:
        return self.start <= month < self.start + self.duration

    @property
    def end(self) -> int:
        return self.start + self.duration


@dataclass
class Application:
    """An application waiting for the funder's decision."""

    funder: str
    submitted: int
    decision: int
    effort: float


class Center(mesa.Agent):
    """The centre: legal form, management structure, staff, services, money and reputation.

    Cash lives in the ledger (account ``center``); the agent holds what it decides with.
    """

    def __init__(self, model, spec: schema.Center):
        super().__init__(model)
        self.spec = spec  # replaced when a plan or a decision changes a lever
        self.n_mentors = spec.staff.n_mentors
        self.n_coordinators = spec.staff.n_coordinators
        self.services = {name: getattr(spec.services, name).enabled for name in schema.SERVICE_NAMES}
        self.reputation = model.behaviour.reputation_start
        self.active = False  # becomes True when the legal entity is set up
        self.insolvent = False
        self.insolvency_month = -1
        self.arrears_months = 0
        self.grants: list[Grant] = []
        self.applications: list[Application] = []
        self.grants_won = 0
        self.projects_won = 0  # project grants (kind "grant"), starting ones included
        self.grants_applied = 0
        self.competitive_applied = 0  # applications to project-grant calls (kind "grant")
        self.competitive_decided = 0
        self.competitive_won = 0
        self.first_grant_end: int | None = None
        self.costs_history: list[float] = []

    @property
    def headcount(self) -> int:
        return self.n_mentors + self.n_coordinators

    def monthly_staff_cost(self) -> float:
        s = self.spec.staff
        return self.headcount * s.salary_monthly_eur * (1.0 + s.share_employer_contributions)

    def burn_rate(self) -> float:
        """Average monthly cost of the last three months (staff cost before the first month)."""
        recent = self.costs_history[-3:]
        return sum(recent) / len(recent) if recent else self.monthly_staff_cost()

    def runway_months(self, cash: float) -> float:
        """Months ``cash`` lasts at the recent burn rate (capped at 120; 0 once insolvent)."""
        if self.insolvent:
            return 0.0
        burn = self.burn_rate()
        if burn <= 0:
            return 120.0
        return max(0.0, min(120.0, cash / burn))
