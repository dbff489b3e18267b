"""The centre's services: staff time, promotion and awareness, mentoring, events, networking,
funding-search support, and ventures' own funding applications. Each service acts on the
treated world only and returns the fees it earned and the direct costs behind them; own
funding (``own_funding``) runs in both worlds on the same draws.
"""

from __future__ import annotations

import numpy as np

from simcenter.fast import services as kernels
from simcenter.stages import CLOSED, TREATED

STUDENT_HOURS_SHARE = 1.0
VOLUNTEER_REACH_PER_HOUR = 2.0
"""People a volunteer hour of promotion reaches (assumption)."""
FORGET_AFTER_MONTHS = 6

_F32_01, _F32_005 = np.float32(0.1), np.float32(0.05)
"""Satisfaction gained from a month of mentoring and from an event: s * (1 - satisfaction)."""
_F32_08, _F32_09 = np.float32(0.8), np.float32(0.9)
"""Satisfaction kept by a mentoring drop-out and by a seeker turned away."""
_F32_06 = np.float32(0.6)
"""Satisfaction above which a client speaks well of the centre (word of mouth)."""
_F32_05 = np.float32(0.5)
_EMPTY_F32, _EMPTY_BOOL, _EMPTY_IDX = np.empty(0, np.float32), np.empty(0, np.bool_), np.empty(0, np.intp)


class StaffHours:
    """The team's hours this month, after governance, reporting and application writing."""

    def __init__(self, model, month: int):
        center = model.center
        staff = center.spec.staff
        h = staff.hours_per_month
        # The partners' hours, summed in one pass (each sum in the order sum() would add them).
        students = volunteers = mentors = 0
        for p in model.partners.values():
            students += p.student_hours()
            volunteers += p.volunteer_hours()
            mentors += p.mentor_hours()
        self.coordinator = center.n_coordinators * h + students * STUDENT_HOURS_SHARE
        self.volunteer = volunteers
        self.mentor = center.n_mentors * h * center.spec.services.mentorship.share_time_delivering
        self.mentor += mentors
        overhead = model.institution.management_hours_monthly
        reporting = 0
        for g in center.grants:
            if g.start <= month < g.start + g.duration:  # g.running(month)
                reporting += g.reporting_hours
        overhead += reporting
        overhead += model.funding.application_hours_due.get(month, 0.0)
        self.overhead = overhead
        self.charge(overhead)
        if model.captor is not None:
            self.captured = self.mentor * model.behaviour.capture_share
            self.mentor -= self.captured
        else:
            self.captured = 0.0

    def charge(self, hours: float) -> None:
        """Take hours for non-service work: coordinators first, then mentors."""
        take = min(self.coordinator, hours)
        self.coordinator -= take
        self.mentor = max(0.0, self.mentor - (hours - take))

    def free_for_applications(self) -> float:
        """Hours the team could put into an application this month."""
        return self.coordinator + 0.5 * self.mentor

    def take_volunteer(self, wanted: float) -> float:
        """Use up to ``wanted`` volunteer hours; return how many were available."""
        got = min(self.volunteer, max(0.0, wanted))
        self.volunteer -= got
        return got

    def take_coordinator(self, wanted: float) -> float:
        """Use up to ``wanted`` coordinator hours; return how many were available."""
        got = min(self.coordinator, max(0.0, wanted))
        self.coordinator -= got
        return got


def _event_volunteer_need(center) -> float:
    """Volunteer hours the month's events can use: up to half of their staffing."""
    if not (center.active and center.services["events"]):
        return 0.0
    es = center.spec.services.events
    return 0.5 * (es.onsite_per_month + es.online_per_month + es.hybrid_per_month) * es.staff_hours_per_event


def _weak(x):
    """A Python number as numpy combines it with a float32 array (NEP 50: as float32); numpy
    scalars keep their own type (a float64 one makes the comparison float64, as in numpy)."""
    return np.float32(x) if isinstance(x, (int, float)) and not isinstance(x, np.generic) else x


def _fee_factor(elasticity: float, fee: float) -> float:
    return max(0.0, 1.0 - elasticity * fee)


def _first_of(idx: np.ndarray, u: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` of the people ``idx`` (sorted) with the lowest draws (in no particular order); all
    of them if ``k`` is enough."""
    if len(idx) <= k:
        return idx
    if k <= 0:
        return idx[:0]
    out = np.empty(k, dtype=np.intp)
    if kernels.lowest(idx, u, k, out) == k:
        return out
    return idx[np.argpartition(u[idx], k)[:k]]  # a tie at the boundary: numpy's choice


def _per_person(pop, key: tuple, make) -> np.ndarray:
    """A per-person array that depends only on people's fixed traits and on ``key`` (a fee, the
    seats): ``make(slice)`` computes it, once, for everyone drawn (the same numbers as on [:n])."""
    key = (*key, pop.filled)
    cache = pop._service_cache
    arr = cache.get(key)
    if arr is None:
        if len(cache) > 32:
            cache.clear()
        arr = cache[key] = make(slice(0, pop.filled))
    return arr


def promotion(model, month: int, hours: StaffHours) -> float:
    """Promotion and word of mouth: this month's chance that a person alive and unaware of the
    centre hears of it (0 while the centre is not active). ``scan`` applies it, and forgetting."""
    pop, b, center = model.pop, model.behaviour, model.center
    if not center.active:
        return 0.0
    n = pop.n
    reach = 0.0
    if center.services["promotion"]:
        promo = center.spec.services.promotion
        used = hours.take_coordinator(promo.staff_hours_monthly)
        reach = promo.budget_monthly_eur / 1000.0 * b.promotion_reach_per_1000_eur
        # Volunteers help at events first (up to half of their staffing); the rest promote.
        volunteers = hours.take_volunteer(hours.volunteer - _event_volunteer_need(center))
        reach += (used + volunteers) * VOLUNTEER_REACH_PER_HOUR
    n_alive = max(1, n - pop.by_stage[TREATED][CLOSED])
    # Satisfied: reached, alive, satisfaction > 0.6; unaware: alive and not aware.
    satisfied, n_unaware = kernels.promotion_counts(n, pop.stage[TREATED], pop.aware, pop.reached,
                                                    pop.satisfaction, _F32_06)
    p_promo = min(1.0, reach / max(1, n_unaware))
    p_wom = 1.0 - (1.0 - b.p_word_of_mouth) ** (b.contacts_per_person * satisfied / n_alive)
    return 1.0 - (1.0 - p_promo) * (1.0 - p_wom)


class EventPlan:
    """This month's events: seats (after the staff hours they got), cost, and who prefers online."""

    def __init__(self, model, hours: StaffHours):
        pop, b, center = model.pop, model.behaviour, model.center
        es = self.spec = center.spec.services.events
        n_events = es.onsite_per_month + es.online_per_month + es.hybrid_per_month
        needed = n_events * es.staff_hours_per_event
        volunteers = hours.take_volunteer(_event_volunteer_need(center))
        got = hours.take_coordinator(needed - volunteers)
        scale = 1.0 if needed <= 0 else min(1.0, (got + volunteers) / needed)
        self.seats_onsite = seats_onsite = int((es.onsite_per_month + es.hybrid_per_month) * es.capacity_onsite * scale)
        self.seats_online = seats_online = int((es.online_per_month + es.hybrid_per_month) * es.capacity_online * scale)
        self.cost = scale * (es.onsite_per_month * es.cost_onsite_eur + es.online_per_month * es.cost_online_eur
                             + es.hybrid_per_month * es.cost_hybrid_eur)
        seat_kind = (seats_onsite == 0, seats_online > 0)
        fee_factor = _fee_factor(b.fee_elasticity, es.fee_eur)

        def online(s: slice) -> np.ndarray:
            return pop.digital[s] & (~pop.city[s] | seat_kind[0]) & seat_kind[1]

        def attend(s: slice) -> np.ndarray:
            # p = p_attend_event * need_n * access * fee factor
            prefers_online = online(s)
            access = np.where(prefers_online, 1.0, pop._onsite[s])
            if seats_onsite == 0:
                access = np.where(prefers_online, access, 0.0)
            p = pop._q_event[s] * access
            p *= fee_factor
            return p

        self.prefers_online = _per_person(pop, ("online", *seat_kind), online)
        self.p_attend = _per_person(pop, ("events", fee_factor, *seat_kind), attend)

    @staticmethod
    def make(model, hours: StaffHours) -> EventPlan | None:
        """The month's plan, or None when no event is held."""
        center = model.center
        es = center.spec.services.events
        if not (center.active and center.services["events"]):
            return None
        if es.onsite_per_month + es.online_per_month + es.hybrid_per_month <= 0:
            return None
        return EventPlan(model, hours)


class Scan:
    """What ``scan`` found this month: the lists the services select from (views, valid this month)."""

    def __init__(self, found: list[int], bufs: list[np.ndarray]):
        self.current = bufs[0][: found[kernels.F_CURRENT]]
        self.seekers_m = bufs[1][: found[kernels.F_SEEK_M]]
        self.dropouts_online = found[kernels.F_DROP_ONLINE]
        self.dropouts_onsite = found[kernels.F_DROP_ONSITE]
        self.want_online = bufs[2][: found[kernels.F_WANT_ONLINE]]
        self.want_onsite = bufs[3][: found[kernels.F_WANT_ONSITE]]
        self.seekers_f = bufs[4][: found[kernels.F_SEEK_F]]
        self.drawn = bufs[5][: found[kernels.F_DRAWN]]


def scan(model, month: int, p_new: float, plan: EventPlan | None, hours: StaffHours, u_aware: np.ndarray,
         u_seek_m: np.ndarray, u_drop: np.ndarray, u_attend: np.ndarray, u_seek_f: np.ndarray,
         u_apply: np.ndarray) -> Scan:
    """Awareness (promotion's ``p_new``, forgetting) and every service's draws in one pass over the
    people (``kernels.scan``): people in mentoring programmes who continue, mentoring seekers, event
    registrations wanted, funding-help seekers, own-funding applicants drawn."""
    pop, b, center = model.pop, model.behaviour, model.center
    n = pop.n
    empty_f, empty_b = _EMPTY_F32, _EMPTY_BOOL
    do_m = center.active and center.services["mentorship"]
    p_m = empty_f
    if do_m:
        ms = center.spec.services.mentorship
        fee_factor = _fee_factor(b.fee_elasticity, ms.fee_per_hour_eur * ms.hours_per_client_month)
        p_m = _per_person(pop, ("mentoring", fee_factor), lambda s: pop._q_mentoring[s] * fee_factor)
    do_f = _funding_capacity(center, hours) > 0
    p_f = empty_f
    if do_f:
        fee_f = _fee_factor(b.fee_elasticity, center.spec.services.funding_support.fee_eur)

        def seek(s: slice) -> np.ndarray:
            # p = p_seek_mentoring * need_f * fee factor * access
            p = pop._q_funding[s] * fee_f
            p *= pop._access_any[s]
            return p

        p_f = _per_person(pop, ("funding", fee_f), seek)
    bufs = pop._scan_bufs
    found = pop._found
    kernels.scan(n, month, center.active, _weak(p_new), _weak(b.p_forget_monthly), month - FORGET_AFTER_MONTHS,
                 u_aware, pop.stage[TREATED], pop.aware, pop.last_contact, pop.prog_left,
                 do_m, pop.prog_online, u_drop, float(b.p_dropout_online_monthly), float(b.p_dropout_onsite_monthly),
                 pop.satisfaction, _F32_08, u_seek_m, p_m, bufs[0], bufs[1],
                 plan is not None, u_attend, plan.p_attend if plan else empty_f,
                 plan.prefers_online if plan else empty_b, bufs[2], bufs[3],
                 do_f, u_seek_f, p_f, bufs[4],
                 u_apply, pop._q_apply, bufs[5], found)
    return Scan(found.tolist(), bufs)


def _funding_capacity(center, hours: StaffHours) -> int:
    """Clients the funding-search service can take this month with the coordinators' hours left
    (0 when it does not run). The same number for ``scan`` and for ``funding_support``: nothing
    between them uses coordinators' hours."""
    fs = center.spec.services.funding_support
    if not (center.active and center.services["funding_support"]) or fs.staff_hours_per_client <= 0:
        return 0
    return int(hours.coordinator / fs.staff_hours_per_client)


def _touch(model, idx: np.ndarray, month: int, served: bool) -> None:
    model.pop.touch(idx, month, served)


def mentoring(model, month: int, found: Scan, u_seek: np.ndarray, hours: StaffHours) -> tuple[float, float]:
    """Mentoring programmes: drop-outs (``scan``), intake up to capacity, hours delivered, capability gained."""
    pop, b, center, tally = model.pop, model.behaviour, model.center, model.tally
    n = pop.n
    ms = center.spec.services.mentorship
    if not (center.active and center.services["mentorship"]):
        pop.prog_left[:n] = 0
        return 0.0, 0.0
    # People in a programme: those whose venture closed left it, some dropped out (satisfaction
    # * 0.8). Seekers: alive, aware, not in a programme this month (dropped ones included), and
    # drawn (p = p_seek * need_m * access * fee factor).
    slots = hours.mentor / ms.hours_per_client_month if ms.hours_per_client_month > 0 else 0.0
    current, sidx = found.current, found.seekers_m
    n_current, n_seek = len(current), len(sidx)
    tally["dropouts_online"] += found.dropouts_online
    tally["dropouts_onsite"] += found.dropouts_onsite
    free = max(0, int(slots) - n_current)
    accepted = _first_of(sidx, u_seek, free)
    turned_away = n_seek - len(accepted)
    tally["turned_away"] += turned_away
    model.month_stats["mentoring_demand"] = float(n_seek + n_current)
    model.month_stats["mentoring_slots"] = slots
    if turned_away:
        kernels.turn_away(sidx, accepted, pop._mark, pop.satisfaction, _F32_09)
    starts_online = kernels.mentoring_start(accepted, ms.programme_months, pop.prog_left, pop.prog_online,
                                            pop.digital, pop.city)
    tally["programme_starts_online"] += starts_online
    tally["programme_starts_onsite"] += int(len(accepted) - starts_online)
    _touch(model, accepted, month, served=True)
    clients = np.concatenate([current, accepted])  # distinct, any order
    n_clients = len(clients)
    if n_clients == 0:
        return 0.0, 0.0
    per_client = min(ms.hours_per_client_month, hours.mentor / n_clients)
    pop.gain(clients, np.float32(b.capability_gain_per_hour * per_client), _F32_01)
    contacts_online = kernels.mentoring_month(clients, month, pop.prog_left, pop.prog_online,
                                              pop.last_contact, pop._contact_mo)
    pop._any_contact = True
    model.month_contacts.append(clients)  # networking introduces mentoring clients too
    delivered = per_client * n_clients
    tally["mentoring_hours"] += delivered
    tally["contacts_online"] += contacts_online
    tally["contacts_onsite"] += int(n_clients - contacts_online)
    fees = model.institution.fees(ms.fee_per_hour_eur * delivered)
    hourly = center.spec.staff.salary_monthly_eur / center.spec.staff.hours_per_month
    return fees, (hourly * delivered if fees > 0 else 0.0)


def events(model, month: int, plan: EventPlan | None, found: Scan, u_want: np.ndarray,
           u_show: np.ndarray) -> tuple[float, float, float]:
    """On-site, online and hybrid events: registration up to the seats, no-shows, attendance.

    Returns (fees, direct costs of fee-earning events, cost of the events held).
    """
    if plan is None:
        return 0.0, 0.0, 0.0
    pop, b, tally = model.pop, model.behaviour, model.tally
    reg_online = _first_of(found.want_online, u_want, plan.seats_online)
    reg_onsite = _first_of(found.want_onsite, u_want, plan.seats_onsite)
    attended = pop._ibuf[2]
    n_show_online, n_attended = kernels.show_up(reg_online, reg_onsite, u_show, _weak(b.share_no_show_online),
                                                _weak(b.share_no_show_onsite), attended)
    attended = attended[:n_attended].copy()
    n_show_onsite = n_attended - n_show_online
    tally["registrations_online"] += len(reg_online)
    tally["registrations_onsite"] += len(reg_onsite)
    tally["no_shows_online"] += len(reg_online) - n_show_online
    tally["no_shows_onsite"] += len(reg_onsite) - n_show_onsite
    tally["attendances"] += n_attended
    tally["contacts_online"] += n_show_online
    tally["contacts_onsite"] += n_show_onsite
    _touch(model, attended, month, served=False)
    pop.gain(attended, np.float32(b.event_capability_gain), _F32_005)
    model.month_contacts.append(attended)
    cost = plan.cost
    fees = model.institution.fees(plan.spec.fee_eur * n_attended)
    return fees, (cost if fees > 0 else 0.0), cost


def networking(model, month: int, hours: StaffHours) -> None:
    """Brokered introductions between this month's contacts and partners, funders or peers."""
    pop, b, center, tally = model.pop, model.behaviour, model.center, model.tally
    ns = center.spec.services.networking
    if not (center.active and center.services["networking"]) or ns.introductions_per_month <= 0:
        return
    affordable = hours.coordinator / ns.staff_hours_per_introduction if ns.staff_hours_per_introduction > 0 else np.inf
    k = int(min(ns.introductions_per_month, affordable))
    if k <= 0:
        return
    contacts = _distinct_sorted(pop, model.month_contacts)
    if len(contacts) == 0:
        return
    hours.take_coordinator(k * ns.staff_hours_per_introduction)
    rng = model.streams["networking"]
    who = contacts[rng.integers(0, len(contacts), k)]
    counterparts = model.network_counterparts
    pick = rng.integers(0, len(counterparts) + len(contacts), k)
    made = rng.random(k) < b.p_tie_per_introduction
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
            partner.engagement = min(1.0, partner.engagement + 0.01)
        tally["ties"] += 1
    if tied:
        pop.tied(np.array(tied, dtype=np.intp))


def funding_support(model, month: int, found: Scan, u_seek: np.ndarray, hours: StaffHours) -> tuple[np.ndarray, float]:
    """Help with clients' own funding applications (seekers found by ``scan``); return who was helped
    this month (sorted indices), and fees."""
    center, tally = model.center, model.tally
    capacity = _funding_capacity(center, hours)
    if capacity <= 0:
        return _EMPTY_IDX, 0.0
    fs = center.spec.services.funding_support
    idx = _first_of(found.seekers_f, u_seek, capacity).copy()
    hours.take_coordinator(len(idx) * fs.staff_hours_per_client)
    _touch(model, idx, month, served=True)
    tally["funding_clients"] += len(idx)
    model.month_contacts.append(idx)
    fees = model.institution.fees(fs.fee_eur * len(idx))
    return np.sort(idx), fees


def own_funding(model, found: Scan, helped: np.ndarray, u_apply: np.ndarray, u_win: np.ndarray,
                u_amount: np.ndarray) -> float:
    """Ventures apply for funding of their own in both worlds (same draws); support raises success.

    ``helped``: sorted indices of the people the centre helped this month. Returns the success
    fees the centre earns on its clients' awards.
    """
    pop, b = model.pop, model.behaviour
    # Applicants: pilots and running ventures drawn with p_apply_own_funding * need_f (``scan``), in
    # both worlds with the same draws; with the centre, also everyone it helped. Few people apply
    # in a month: the rest is done on them only.
    cand, world, won = pop._ibuf[0], pop._ibuf[1], pop._ibuf[2]
    award, is_helped = pop._award_buf, pop._mark_wins
    k = kernels.own_funding(pop.capacity, found.drawn, u_apply, pop._q_apply, helped, pop._v["stage"], u_win,
                            u_amount, float(b.p_client_funding_base),
                            float(min(1.0, b.p_client_funding_base * b.client_funding_uplift)),
                            np.float32(b.client_award_eur), _F32_05, _ELIGIBLE, cand, world, won, award, is_helped)
    if k == 0:
        return 0.0
    pop.award_funding(world[:k], won[:k], award[:k])
    if not model.institution.may_charge_fees or len(helped) == 0:
        return 0.0
    fs = model.center.spec.services.funding_support
    return fs.share_success_fee * float(award[:k][is_helped[:k]].sum())


_ELIGIBLE = np.array([False, True, True, True, False])
"""Stages that may apply for funding of their own: pilots and running ventures."""


def _distinct_sorted(pop, parts: list[np.ndarray]) -> np.ndarray:
    """The distinct people in ``parts``, sorted (``np.unique`` of their concatenation)."""
    if not parts:
        return np.empty(0, np.intp)
    idx = np.concatenate(parts) if len(parts) > 1 else parts[0]
    out = pop._ibuf[3]
    k = kernels.distinct_sorted(idx, pop.n, pop._mark, out)
    return out[:k].copy()
