"""How the centre decides: the decision queue, reviews, elections and capture.

The governing body reviews results every ``review_cycle_months``. What it decides takes
effect after the structure's decision latency, plus, for budget and staff changes, the
time the legal form's approving body needs. The plan's dated actions pass through the
same queue. Decision quality is the chance the body reads the results right; when it does
not, it does nothing (inertia). A politically dependent form loses municipal money and
speed after municipal elections; a lead-partner structure may be captured by its lead. How
long, how well and how much: the legal form's and the structure's effects (``institution.py``).
"""

from __future__ import annotations

import math
from collections import defaultdict

from pydantic import ValidationError

from simcenter.config import schema
from simcenter.config.loader import set_path
from simcenter.errors import parse_path

ELECTION_YEAR_MOD = (2023 % 4)  # Bulgarian municipal elections: 2023, 2027, 2031, ... (domain.md)
ELECTION_MONTH = 11             # results take effect from November of an election year
BUDGET_ACTIONS = {"hire", "release", "set"}


class Governance:
    """The decision queue, reviews, elections and capture for one run."""

    def __init__(self, model):
        self.model = model
        self.pending: dict[int, list[schema.PlanAction | dict]] = defaultdict(list)
        self.plan: dict[int, list[dict]] = defaultdict(list)
        # What became of each of the plan's dated actions: carried out (when), or why not.
        self.plan_log: list[dict] = []
        for i, action in enumerate(model.config.plan):
            a = action.model_dump(exclude_defaults=True)
            a.update(action=action.action, month=action.month)
            self.plan_log.append({"planned": action.month, "action": _describe(a), "done": None, "status": "waiting"})
            a["_plan"] = i
            self.plan[action.month].append(a)
        self.latencies: list[int] = []
        self.political_cut_until = -1
        self.political_delay_until = -1
        self.captor_until = -1

    # ------------------------------------------------------------------ queue
    def latency(self, action_kind: str, month: int) -> int:
        """Months between deciding ``action_kind`` and its effect."""
        return self.model.institution.latency(action_kind in BUDGET_ACTIONS, month < self.political_delay_until)

    def propose(self, month: int, action) -> None:
        """Queue a plan action or a decision; it takes effect after the latency."""
        kind = action.action if not isinstance(action, dict) else action["action"]
        lag = self.latency(kind, month)
        self.latencies.append(lag)
        self.pending[month + lag].append(action)

    def mean_latency(self) -> float:
        """Mean months from decision to effect so far (NaN before the first decision)."""
        return sum(self.latencies) / len(self.latencies) if self.latencies else float("nan")

    def start_of_month(self, month: int) -> None:
        """Plan actions dated this month enter the queue; decisions whose time has come take effect."""
        for action in self.plan.pop(month, []):
            self.propose(month, action)
        self.effects(month)

    def effects(self, month: int) -> None:
        """Carry out every decision whose time has come, in the order decided."""
        for action in self.pending.pop(month, []):
            self._execute(action, month)

    def _execute(self, action, month: int) -> None:
        model = self.model
        center = model.center
        a = action if isinstance(action, dict) else action.model_dump()
        kind = a["action"]
        if center.closed:
            self._plan_status(a, month, "not done: the centre had closed")
            return
        if kind == "hire":
            if not self._affordable(month):
                # Not affordable now: the body postpones the hire to its next review.
                self.pending[month + model.institution.review_cycle_months].append(a)
                model.tally["postponed"] += 1
                self._plan_status(a, None, "postponed: not affordable yet")
                return
            room = center.spec.staff.n_max - center.headcount
            n = max(0, min(a.get("n", 1), room))
            if n == 0:
                self._plan_status(a, month, "not done: the team is at its cap (n_max)")
                model.tally["decisions_refused"] += 1
                return
            if a["role"] == "mentor":
                center.n_mentors += n
            else:
                center.n_coordinators += n
        elif kind == "release":
            n = a.get("n", 1)
            if a["role"] == "mentor":
                center.n_mentors = max(0, center.n_mentors - n)
            else:
                center.n_coordinators = max(0, center.n_coordinators - n)
        elif kind in ("start_service", "stop_service"):
            center.services[a["service"]] = kind == "start_service"
        elif kind == "apply":
            model.funding.requested.add(a["funder"])
        elif kind == "engage_partner":
            partner = model.partners[a["partner"]]
            partner.engagement = min(1.0, partner.engagement + model.behaviour.engagement_courting)
            seats_taken = sum(p.board_seat for p in model.partners.values())
            if not partner.board_seat and seats_taken < model.institution.partner_seats:
                partner.board_seat = True
        elif kind == "set":
            try:
                center.spec = _set_field(center.spec, a["field"], a["value"])
            except ValidationError:
                # The loader checks the plan's sets in the order of their months; one the political delay
                # put after a later one may no longer fit with it (the headcount cap): it cannot be done.
                model.tally["decisions_refused"] += 1
                self._plan_status(a, month, "not done: no longer fits the centre as it is then")
                return
            parts = a["field"].split(".")
            if len(parts) == 3 and parts[0] == "services" and parts[2] == "enabled":
                center.services[parts[1]] = bool(a["value"])
            if parts[0] == "staff" and parts[1] in ("n_mentors", "n_coordinators"):
                setattr(center, parts[1], int(a["value"]))
        model.tally["decisions"] += 1
        self._plan_status(a, month, "done")

    def _plan_status(self, a: dict, month: int | None, status: str) -> None:
        """Record what became of a plan action (``a`` from the plan; decisions of reviews are not logged)."""
        i = a.get("_plan")
        if i is None:
            return
        entry = self.plan_log[i]
        entry["status"] = status
        if status == "done":
            entry["done"] = month

    def plan_done_share(self, month: int) -> float:
        """Share of the plan's actions dated up to ``month`` that have been carried out (NaN: none dated)."""
        due = done = 0
        for entry in self.plan_log:
            if entry["planned"] <= month:
                due += 1
                done += entry["done"] is not None
        return done / due if due else float("nan")

    # ------------------------------------------------------------------ reviews
    def review(self, month: int) -> None:
        """The governing body looks at cash and demand and decides on staff."""
        model = self.model
        center = model.center
        institution = model.institution
        if not center.active or month == 0 or month % institution.review_cycle_months:
            return
        rng = model.streams["governance"]
        u_read, u_capture = rng.random(), rng.random()  # = rng.random(2), as Python floats (faster)
        self._capture(month, u_capture)
        free = model.funding.free_cash(month)
        runway = center.runway_months(free)
        demand = model.shared.stats.get("mentoring_demand", 0.0)
        slots = model.shared.stats.get("mentoring_slots", 0.0)
        utilisation = demand / slots if slots > 0 else (2.0 if demand > 0 else 0.0)
        reserve = center.spec.reserve_months
        decision = None
        if runway < reserve and center.headcount > 0:
            busy = utilisation > model.behaviour.utilisation_keep_coordinators
            role = "coordinator" if (busy and center.n_coordinators > 0) or center.n_mentors == 0 else "mentor"
            # Enough people to bring the runway back towards the reserve, at least one.
            n = max(1, math.ceil(center.headcount * (1.0 - runway / reserve) / 2))
            decision = {"action": "release", "role": role, "n": min(n, getattr(center, f"n_{role}s"))}
        elif utilisation > model.behaviour.utilisation_hire and center.headcount < center.spec.staff.n_max and self._affordable(month, free):
            decision = {"action": "hire", "role": "mentor", "n": 1}
        if decision is None:
            return
        engaged_voice = sum(p.engagement * p.voice for p in model.partners.values()) / max(1, len(model.partners))
        quality = institution.decision_quality(engaged_voice)
        if u_read < quality:
            self.propose(month + 1, decision)  # decided at the end of this month
        else:
            model.tally["missed_decisions"] += 1

    def _affordable(self, month: int, free: float | None = None) -> bool:
        """Would the runway, counting only money not already owed, stay a year above the reserve
        with one more salary?"""
        center = self.model.center
        staff = center.spec.staff
        burn = center.burn_rate() + staff.salary_monthly_eur * (1.0 + staff.share_employer_contributions)
        if free is None:  # ``free``: free_cash(month), if already known
            free = self.model.funding.free_cash(month)
        return burn > 0 and free / burn >= center.spec.reserve_months + self.model.behaviour.hire_margin_months

    def _capture(self, month: int, u: float) -> None:
        model = self.model
        institution = model.institution
        if month >= self.captor_until or not model.center.active:
            model.captor = None
        if institution.capture_risk > 0 and model.partners and u < institution.capture_chance_per_review:
            model.captor = max(model.partners.values(), key=lambda p: (p.engagement, p.pid))
            self.captor_until = month + institution.review_cycle_months
            model.tally["capture_months"] += institution.review_cycle_months

    # ------------------------------------------------------------------ elections
    def elections(self, month: int) -> None:
        """After municipal elections a politically dependent centre may lose money and speed."""
        model = self.model
        year, calendar_month = model.calendar(month)
        if calendar_month != ELECTION_MONTH or year % 4 != ELECTION_YEAR_MOD:
            pass
        else:
            u = model.streams["elections"].random()
            if u < model.behaviour.p_budget_cut_election:
                self.political_cut_until = month + model.behaviour.political_cut_months
                self.political_delay_until = month + model.behaviour.political_delay_months
                model.tally["political_turnovers"] += 1
        model.political_cut = model.institution.political_cut if month < self.political_cut_until else 0.0


def _describe(a: dict) -> str:
    """A plan action in one line, as the scenario writes it: ``hire mentor n=1``."""
    rest = " ".join(f"{k}={v}" for k, v in a.items() if k not in ("action", "month", "note"))
    return f"{a['action']} {rest}".strip()


def _set_field(center: schema.Center, dotted: str, value) -> schema.Center:
    """``center`` with the field at ``dotted`` set to ``value`` (the loader checked the field and value;
    ValidationError if it no longer fits with the rest of the centre)."""
    data = center.model_dump()
    set_path(data, parse_path(dotted), value)
    return schema.Center.model_validate(data)
