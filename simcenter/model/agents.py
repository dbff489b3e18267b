"""The institutional actors as Mesa agents: the centre, its partners and its funders, and the
grants and applications that pass between them."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    staff_mentors: int = 0  # the project's own staff, on contracts for its duration
    staff_coordinators: int = 0
    # Its budget lines, shares of the amount: staff (the project's own and the centre's staff working on it),
    # overheads (rent, running costs, the form's overhead, meetings), and activities (the rest: events,
    # promotion, the platform). Set, a project grant pays each line up to its share; by default one line.
    share_staff: float = 1.0
    share_overheads: float = 0.0
    earned_lines: dict = field(default_factory=lambda: {"staff": 0.0, "activities": 0.0, "overheads": 0.0})

    def line_share(self, line: str) -> float:
        if line == "staff":
            return self.share_staff
        if line == "overheads":
            return self.share_overheads
        return max(0.0, 1.0 - self.share_staff - self.share_overheads)

    def running(self, month: int) -> bool:
        return self.start <= month < self.start + self.duration

    def staff_line_monthly(self) -> float:
        """Its staff line a month, EUR: the staff share of the amount over its months."""
        return self.share_staff * self.amount_eur / self.duration if self.duration > 0 else 0.0

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
    amount_max_eur: float = float("inf")  # the most asked for: what the centre can co-finance


class Center(mesa.Agent):
    """The centre: legal form, management structure, staff, services, money and reputation.

    Cash lives in the ledger (account ``center``); the agent holds what it decides with.
    """

    def __init__(self, model, spec: schema.Center):
        super().__init__(model)
        self.spec = spec  # replaced when a plan or a decision changes a lever
        # The core team (employed by the centre, decided by its board) and the project staff its running
        # grants pay (hired when a grant is signed, released when it ends).
        self.n_mentors = spec.staff.n_mentors
        self.n_coordinators = spec.staff.n_coordinators
        self.project_mentors = 0
        self.project_coordinators = 0
        self.services = {name: getattr(spec.services, name).enabled for name in schema.SERVICE_NAMES}
        self.reputation = model.behaviour.reputation_start
        self.active = False  # becomes True when the legal entity is set up
        self.closed = False
        self.closure_month = -1  # the first month closed (1-based month count), -1 while open
        self.closure_reason = ""  # why it closed: one of institution.CLOSURE_REASONS
        self.months_operating = 0  # months active with a paid team in place
        self.arrears_months = 0
        self.grants: list[Grant] = []
        self.applications: list[Application] = []
        self.grants_won = 0
        self.projects_won = 0  # project grants (kind "grant"), starting ones included
        self.grants_applied = 0
        self.competitive_decided = 0
        self.competitive_won = 0
        self.first_grant_end: int | None = None
        self.costs_history: list[float] = []
        self.cost_lines: list[dict[str, float]] = []  # the same months' costs by grant budget line (staff, ...)

    @property
    def core_headcount(self) -> int:
        """The core team: what the board hires and releases (``staff.n_max`` caps it)."""
        return self.n_mentors + self.n_coordinators

    @property
    def headcount(self) -> int:
        """Everyone paid: the core team and the running projects' staff."""
        return self.n_mentors + self.n_coordinators + self.project_mentors + self.project_coordinators

    @property
    def mentors(self) -> int:
        return self.n_mentors + self.project_mentors

    @property
    def coordinators(self) -> int:
        return self.n_coordinators + self.project_coordinators

    def salary_cost(self) -> float:
        """What one employee costs a month: gross salary and the employer's contributions."""
        s = self.spec.staff
        return s.salary_monthly_eur * (1.0 + s.share_employer_contributions)

    def monthly_staff_cost(self) -> float:
        return self.headcount * self.salary_cost()

    def update_project_team(self, month: int) -> None:
        """The project staff of the grants running this month (none once closed)."""
        mentors = coordinators = 0
        if not self.closed:
            for g in self.grants:
                if g.staff_mentors + g.staff_coordinators and g.running(month):
                    mentors += g.staff_mentors
                    coordinators += g.staff_coordinators
        self.project_mentors, self.project_coordinators = mentors, coordinators

    def burn_rate(self) -> float:
        """Monthly costs ahead: the team as it is now (core and project staff), plus the average of the
        other costs of the last three months (the team alone before the first month)."""
        recent = self.costs_history[-3:]
        if not recent:
            return self.monthly_staff_cost()
        other = (sum(recent) - sum(line["staff"] for line in self.cost_lines[-3:])) / len(recent)
        return self.monthly_staff_cost() + max(0.0, other)

    def runway_months(self, cash: float) -> float:
        """Months ``cash`` lasts at the recent burn rate (capped at 120; 0 once closed)."""
        if self.closed:
            return 0.0
        burn = self.burn_rate()
        if burn <= 0:
            return 120.0
        return max(0.0, min(120.0, cash / burn))


class Partner(mesa.Agent):
    """An organisation that lends the centre mentors, volunteers, space, students or money.

    What it gives scales with its engagement (0..1), which rises when it has a voice in the
    centre's governance and when the centre does well, and decays when its goals diverge.
    """

    def __init__(self, model, pid: str, spec: schema.Partner):
        super().__init__(model)
        self.pid = pid
        self.spec = spec
        self.engagement = spec.engagement
        self.board_seat = spec.board_seat
        self.captured = False  # this partner steers the centre towards its own agenda

    @property
    def voice(self) -> float:
        """How much say this partner has in the centre, 0..1."""
        return self.model.institution.partner_voice(self.board_seat, self.model.social_enterprise.held)

    def mentor_hours(self) -> float:
        """Pro-bono mentoring hours offered this month."""
        return self.spec.mentor_hours_month * self.engagement

    def volunteer_hours(self) -> float:
        """Volunteer hours offered this month."""
        return self.spec.volunteer_hours_month * self.engagement

    def student_hours(self) -> float:
        """Hours of student interns this month (20 h a month each, a semester at a time)."""
        return self.spec.students_per_year * self.engagement * self.model.behaviour.student_hours_month / 2.0

    def space_offset_eur(self, eur_per_m2: float) -> float:
        """Rent saved through space offered in kind this month."""
        return self.spec.space_m2 * self.engagement * eur_per_m2

    def step(self) -> None:
        """Update engagement from voice, the centre's reputation and alignment; pay sponsorship."""
        model = self.model
        b = model.behaviour
        e = self.engagement
        e += b.engagement_gain_voice * self.voice * (1.0 - e)
        e += b.engagement_gain_results * (model.center.reputation - 0.5) * self.spec.alignment
        e -= b.engagement_decay * (1.0 - self.spec.alignment) * e
        if model.captor is not None and model.captor is not self:
            e -= b.engagement_decay * e  # others lose interest in a centre run for one partner
        if not model.center.active:
            e -= b.engagement_decay * e
        self.engagement = min(1.0, max(0.0, e))
        if model.center.active and self.spec.sponsorship_yearly_eur > 0:
            model.ledger.transfer(
                self.pid, "center", "sponsorship", self.spec.sponsorship_yearly_eur * self.engagement / 12.0
            )


class Funder(mesa.Agent):
    """Opens calls on its calendar and decides on the centre's applications."""

    def __init__(self, model, fid: str, spec: schema.Funder):
        super().__init__(model)
        self.fid = fid
        self.spec = spec

    def call_open(self, month: int) -> bool:
        """Is a call of this funder open in simulation month ``month``?"""
        s = self.spec
        year, calendar_month = self.model.calendar(month)
        rel_year = month // 12
        if calendar_month not in s.call_months:
            return False
        if rel_year < s.first_year or (s.last_year is not None and rel_year > s.last_year):
            return False
        return (rel_year - s.first_year) % s.every_years == 0

    def open_months(self, months: int) -> list[int]:
        """The simulation months in [0, months) with a call of this funder open (``call_open``)."""
        s = self.spec
        month0 = self.model._month0
        last = months if s.last_year is None else min(months, 12 * (s.last_year + 1))
        return [m for m in range(12 * s.first_year, last)
                if (month0 + m) % 12 + 1 in s.call_months and (m // 12 - s.first_year) % s.every_years == 0]

    def eligible(self) -> bool:
        """May the centre apply here now: does the call admit one of the organisations that apply for it (or
        a social enterprise, while the centre holds the status)?"""
        return self.model.institution.eligibility(self.spec, self.model.social_enterprise.held)

    def p_success(self, effort: float) -> float:
        """Chance that an application succeeds, given the share of the needed hours the team could give.

        p = p_success * (1 + track_record_effect * (min(projects won, 3) - 1)) * (1 - effort_effect * (1 - effort))
        * (0.75 + 0.5 * reputation) [* (1 + donor_deduction_effect) for corporate donors of a
        form whose gifts are deductible] [* (1 + social_enterprise_bonus) while the centre holds the status] [* (1 - political cut) for municipal funders], capped at 1.
        """
        model = self.model
        b = model.behaviour
        p = self.spec.p_success
        # A first project makes an applicant average: p_success is the rate over all applicants.
        p *= 1.0 + b.track_record_effect * (min(model.center.projects_won, b.track_record_cap) - 1)
        p *= 1.0 - b.effort_effect * (1.0 - effort)
        p *= (1.0 - b.reputation_success_effect / 2) + b.reputation_success_effect * model.center.reputation
        p *= model.institution.donor_factor(self.spec)
        if model.social_enterprise.held:
            p *= 1.0 + self.spec.social_enterprise_bonus
        if self.spec.type == "municipal":
            p *= 1.0 - model.political_cut
        return min(1.0, max(0.0, p))
