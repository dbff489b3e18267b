"""How the centre decides: the decision queue, reviews, cuts, elections and capture.

The governing body reviews results every ``review_cycle_months``. What it decides takes
effect after the structure's decision latency, plus, for budget and staff changes, the
time the legal form's approving body needs, plus the notice a contract needs (30 days for an
employee, a month for a lease). The plan's dated actions pass through the same queue; a
planned hire waits until it is affordable. When the runway falls under the reserve, the body
cuts in a stated order (``CUTS``: promotion, on-site and hybrid events, space, then core staff),
as much as its cash forecast needs, and undoes its cuts, the last first, once the forecast covers
``restore_reserve_factor`` times that. Decision quality is the chance the body reads the results
right; when it does not, it does nothing (inertia), except when its money will not last until a
cut bites. A politically dependent form loses municipal money and
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
BUDGET_ACTIONS = {"hire", "release", "set", "cut", "restore"}
CUTS = ("promotion", "events", "space", "staff")
"""What a centre short of money gives up, in this order, one step a review: the promotion budget,
the on-site and hybrid events (online ones go on), part of its space (``share_rent_after_move``),
then core staff (project staff stay while their grants pay them)."""


class Governance:
    """The decision queue, reviews, elections and capture for one run."""

    def __init__(self, model):
        self.model = model
        self.pending: dict[int, list[dict]] = defaultdict(list)  # month -> actions due then
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
        self.cuts: list[str] = []  # cuts decided (in force or pending), in order
        self.saved: dict[str, object] = {}  # what each cut changed, to undo it
        self.staff_cuts_pending = 0  # staff cuts decided, not yet in effect (no second one meanwhile)

    # ------------------------------------------------------------------ queue
    def latency(self, action: dict | str, month: int) -> int:
        """Months between deciding ``action`` (an action, or its kind) and its effect: the body's, and the
        notice a contract needs."""
        if isinstance(action, str):
            action = {"action": action}
        kind = action["action"]
        months = self.model.institution.latency(kind in BUDGET_ACTIONS, month < self.political_delay_until)
        b = self.model.behaviour
        if kind == "release" or (kind == "cut" and action.get("step") == "staff"):
            months += b.staff_notice_months
        elif kind == "cut" and action.get("step") == "space":
            months += b.rent_notice_months
        return months

    def propose(self, month: int, action: dict) -> None:
        """Queue a plan action or a decision; it takes effect after the latency."""
        lag = self.latency(action, month)
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

    def _execute(self, a: dict, month: int) -> None:
        model = self.model
        center = model.center
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
            room = center.spec.staff.n_max - center.core_headcount
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
            self._release(a["role"], a.get("n", 1))
        elif kind == "cut":
            self._cut(a["step"], a.get("role"), a.get("n", 1))
        elif kind == "restore":
            self._restore(a["step"])
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
        """The governing body looks at cash and demand: it cuts when the runway is under the reserve,
        undoes its cuts when the runway is well above it, or hires a mentor for unmet demand."""
        model = self.model
        center = model.center
        institution = model.institution
        if not center.active or month == 0 or month % institution.review_cycle_months:
            return
        rng = model.streams["governance"]
        u_read, u_capture = rng.random(), rng.random()  # = rng.random(2), as Python floats (faster)
        self._capture(month, u_capture)
        free = model.funding.free_cash(month)
        demand = model.shared.stats.get("mentoring_demand", 0.0)
        slots = model.shared.stats.get("mentoring_slots", 0.0)
        utilisation = demand / slots if slots > 0 else (2.0 if demand > 0 else 0.0)
        # The body plans with a cash forecast: free cash must cover the next ``target`` months of costs
        # less what the running grants and subsidies bring (their end dates included): the reserve, plus
        # the months a cut takes to bite (its latency, a contract's notice), since a cut saves nothing before.
        lead = self.latency({"action": "cut", "step": "staff"}, month) + 1
        target = math.ceil(center.spec.reserve_months + lead)
        short = model.funding.net_costs(month, target) - free
        # Money that will not last until a cut bites: no body overlooks that, whatever its quality.
        urgent = short > 0 and free < model.funding.net_costs(month, lead)
        decisions = []
        if short > 0:
            decisions = self._next_cuts(utilisation, short / target)
        elif self.cuts and self._restorable(month, free, math.ceil(model.behaviour.restore_reserve_factor * target)):
            decisions = [{"action": "restore", "step": self.cuts[-1]}]
        elif (utilisation > model.behaviour.utilisation_hire and center.core_headcount < center.spec.staff.n_max
              and self._affordable(month, free)):
            decisions = [{"action": "hire", "role": "mentor", "n": 1}]
        if not decisions:
            return
        engaged_voice = sum(p.engagement * p.voice for p in model.partners.values()) / max(1, len(model.partners))
        quality = institution.decision_quality(engaged_voice)
        if u_read >= quality and not urgent:
            model.tally["missed_decisions"] += 1
            return
        for decision in decisions:  # decided at the end of this month
            if decision["action"] == "cut" and decision["step"] == "staff":
                self.staff_cuts_pending += 1
            elif decision["action"] == "cut":
                self.cuts.append(decision["step"])
            elif decision["action"] == "restore":
                self.cuts.pop()
            self.propose(month + 1, decision)

    def _savings(self) -> dict[str, float]:
        """What each cut saves a month, at the centre's spec now (a cut in force saves nothing more)."""
        center = self.model.center
        spec = center.spec
        ev = spec.services.events
        return {
            "promotion": spec.services.promotion.budget_monthly_eur if center.services["promotion"] else 0.0,
            "events": (ev.onsite_per_month * ev.cost_onsite_eur + ev.hybrid_per_month * ev.cost_hybrid_eur)
            if center.services["events"] else 0.0,
            "space": spec.rent_monthly_eur * (1.0 - self.model.behaviour.share_rent_after_move),
        }

    def _restorable(self, month: int, free: float, months: int) -> bool:
        """Would free cash still cover ``months`` months of the forecast with the last cut undone (its
        cost back)?"""
        step = self.cuts[-1]
        saved = self.saved.get(step)
        if saved is None:
            return False  # decided, not yet in effect
        center = self.model.center
        spec = center.spec
        if step == "promotion":
            back = spec.services.promotion.budget_monthly_eur if saved else 0.0
        elif step == "events":
            back = saved[0] * spec.services.events.cost_onsite_eur + saved[1] * spec.services.events.cost_hybrid_eur
        else:
            back = saved - spec.rent_monthly_eur
        return free >= self.model.funding.net_costs(month, months) + back * months

    def _next_cuts(self, utilisation: float, needed: float) -> list[dict]:
        """The cuts that save ``needed`` a month: the steps of ``CUTS`` not yet taken, in order, each
        saving what it saves a month, until the savings are enough; core staff last, as many as the
        rest of the saving needs (project staff stay while their grants pay them)."""
        center = self.model.center
        decisions = []
        saves = self._savings()
        for step in CUTS[:-1]:
            if needed <= 0:
                return decisions
            if step in self.cuts or saves[step] <= 0:
                continue
            decisions.append({"action": "cut", "step": step})
            needed -= saves[step]
        salary = center.salary_cost()
        if needed <= 0 or center.core_headcount == 0 or salary <= 0 or self.staff_cuts_pending:
            return decisions
        n = center.core_headcount if needed >= center.core_headcount * salary else math.ceil(needed / salary)
        busy = utilisation > self.model.behaviour.utilisation_keep_coordinators
        # Coordinators go first while mentoring demand is met, mentors first while it is not.
        order = ("coordinator", "mentor") if busy else ("mentor", "coordinator")
        for role in order:
            k = min(n, getattr(center, f"n_{role}s"))
            if k:
                decisions.append({"action": "cut", "step": "staff", "role": role, "n": k})
                n -= k
        return decisions

    def _cut(self, step: str, role: str | None, n: int) -> None:
        center = self.model.center
        self.model.tally[f"cuts_{step}"] += 1
        if step == "staff":
            self.staff_cuts_pending -= 1
            self._release(role, n)
        elif step == "promotion":
            self.saved["promotion"] = center.services["promotion"]
            center.services["promotion"] = False
        elif step == "events":
            ev = center.spec.services.events
            self.saved["events"] = (ev.onsite_per_month, ev.hybrid_per_month)
            center.spec = _set_fields(center.spec, {"services.events.onsite_per_month": 0.0,
                                                     "services.events.hybrid_per_month": 0.0})
        elif step == "space":
            self.saved["space"] = center.spec.rent_monthly_eur
            center.spec = _set_fields(center.spec, {"rent_monthly_eur": center.spec.rent_monthly_eur
                                                    * self.model.behaviour.share_rent_after_move})

    def _release(self, role: str, n: int) -> None:
        """Up to ``n`` of the core team's ``role`` go."""
        center = self.model.center
        if role == "mentor":
            center.n_mentors = max(0, center.n_mentors - n)
        else:
            center.n_coordinators = max(0, center.n_coordinators - n)

    def _restore(self, step: str) -> None:
        center = self.model.center
        saved = self.saved.pop(step, None)
        if saved is None:
            return
        self.model.tally["restores"] += 1
        if step == "promotion":
            center.services["promotion"] = saved
        elif step == "events":
            center.spec = _set_fields(center.spec, {"services.events.onsite_per_month": saved[0],
                                                     "services.events.hybrid_per_month": saved[1]})
        elif step == "space":
            center.spec = _set_fields(center.spec, {"rent_monthly_eur": saved})

    def _affordable(self, month: int, free: float | None = None) -> bool:
        """Can the centre take on one more core salary? Cash and money due (``free_cash``) must pay the cash
        forecast of the next ``hire_horizon_months`` with the new salary (``FundingFlows.net_costs``: the
        costs by budget line less what the running grants pay of each line, their co-financing and their end
        dates included, and the subsidies) and still leave ``reserve_months`` of the burn with it."""
        model = self.model
        center = model.center
        horizon = model.behaviour.hire_horizon_months
        burn = center.burn_rate() + center.salary_cost()  # the team as it is now, and the new salary
        if free is None:  # ``free``: free_cash(month), if already known
            free = model.funding.free_cash(month)
        ahead = free - model.funding.net_costs(month, horizon, extra_staff=1)
        return burn > 0 and ahead >= center.spec.reserve_months * burn

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
    return _set_fields(center, {dotted: value})


def _set_fields(center: schema.Center, values: dict) -> schema.Center:
    """``center`` with each dotted field of ``values`` set."""
    data = center.model_dump()
    for dotted, value in values.items():
        set_path(data, parse_path(dotted), value)
    return schema.Center.model_validate(data)
