"""The centre's services: staff time, promotion and awareness, mentoring, events, networking,
funding-search support, and ventures' own funding applications. Each service acts on the
treated world only and returns the fees it earned and the direct costs behind them; own
funding (``own_funding``) runs in both worlds on the same draws.
"""

from __future__ import annotations

import numpy as np

from simcenter import kernels
from simcenter.population import CLOSED, COMPARISON, PILOT, TREATED

STUDENT_HOURS_SHARE = 1.0
VOLUNTEER_REACH_PER_HOUR = 2.0
"""People a volunteer hour of promotion reaches (assumption)."""
FORGET_AFTER_MONTHS = 6

_F32_01, _F32_005 = np.float32(0.1), np.float32(0.05)
"""Satisfaction gained from a month of mentoring and from an event: s * (1 - satisfaction)."""


class StaffHours:
    """The team's hours this month, after governance, reporting and application writing."""

    def __init__(self, model, month: int):
        center = model.center
        staff = center.spec.staff
        h = staff.hours_per_month
        partners = model.partners.values()
        self.coordinator = center.n_coordinators * h + sum(p.student_hours() for p in partners) * STUDENT_HOURS_SHARE
        self.volunteer = sum(p.volunteer_hours() for p in partners)
        self.mentor = center.n_mentors * h * center.spec.services.mentorship.share_time_delivering
        self.mentor += sum(p.mentor_hours() for p in partners)
        overhead = model.structure.management_hours_monthly
        overhead += sum(g.reporting_hours for g in center.grants if g.running(month))
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
    """The ``k`` of the people ``idx`` (sorted) with the lowest draws; all of them if ``k`` is enough."""
    if len(idx) <= k:
        return idx
    return idx[np.argpartition(u[idx], k)[:k]] if k > 0 else idx[:0]


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


def promotion(model, month: int, u: np.ndarray, hours: StaffHours) -> None:
    """Promotion and word of mouth make people aware of the centre; unused awareness lapses."""
    pop, b, center = model.pop, model.behaviour, model.center
    n = pop.n
    if center.active:
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
                                                        pop.satisfaction, np.float32(0.6))
        p_promo = min(1.0, reach / max(1, n_unaware))
        p_wom = 1.0 - (1.0 - b.p_word_of_mouth) ** (b.contacts_per_person * satisfied / n_alive)
        p_new = 1.0 - (1.0 - p_promo) * (1.0 - p_wom)
    else:
        p_new = 0.0
    # The newly aware heard of it this month (not forgotten at once). Forgetting: aware, not in a
    # programme, no contact for FORGET_AFTER_MONTHS.
    kernels.awareness(n, month, u, center.active, _weak(p_new), _weak(b.p_forget_monthly),
                      month - FORGET_AFTER_MONTHS, pop.stage[TREATED], pop.aware, pop.last_contact,
                      pop.prog_left, pop._alive_aware_buf)
    if center.active:  # the mask of this month's services (nothing else changes it this month)
        pop._alive_aware_month, pop._alive_aware_n = month, n


def _touch(model, idx: np.ndarray, month: int, served: bool) -> None:
    model.pop.touch(idx, month, served)


def mentoring(model, month: int, u_seek: np.ndarray, u_drop: np.ndarray, hours: StaffHours) -> tuple[float, float]:
    """Mentoring programmes: drop-outs, intake up to capacity, hours delivered, capability gained."""
    pop, b, center, tally = model.pop, model.behaviour, model.center, model.tally
    n = pop.n
    ms = center.spec.services.mentorship
    prog = pop.prog_left[:n]
    if not (center.active and center.services["mentorship"]):
        prog[:] = 0
        return 0.0, 0.0
    # People in a programme: those whose venture closed leave it, some drop out (satisfaction
    # * 0.8). Seekers: alive, aware, not in a programme this month (dropped ones included), and
    # drawn (p = p_seek * need_m * access * fee factor).
    slots = hours.mentor / ms.hours_per_client_month if ms.hours_per_client_month > 0 else 0.0
    fee_factor = _fee_factor(b.fee_elasticity, ms.fee_per_hour_eur * ms.hours_per_client_month)
    p = _per_person(pop, ("mentoring", fee_factor), lambda s: pop._q_mentoring[s] * fee_factor)
    current, sidx = pop._ibuf[0], pop._ibuf[1]
    n_current, n_seek, drop_online, drop_onsite = kernels.mentoring_scan(
        n, pop.prog_left, pop.prog_online, pop.stage[TREATED], u_drop, float(b.p_dropout_online_monthly),
        float(b.p_dropout_onsite_monthly), pop.satisfaction, np.float32(0.8), u_seek, p,
        pop.alive_aware(month), current, sidx)
    current, sidx = current[:n_current], sidx[:n_seek]
    tally["dropouts_online"] += drop_online
    tally["dropouts_onsite"] += drop_onsite
    free = max(0, int(slots) - n_current)
    accepted = _first_of(sidx, u_seek, free)
    turned_away = n_seek - len(accepted)
    tally["turned_away"] += turned_away
    model.month_stats["mentoring_demand"] = float(n_seek + n_current)
    model.month_stats["mentoring_slots"] = slots
    if turned_away:
        kernels.turn_away(sidx, accepted, pop._mark, pop.satisfaction, np.float32(0.9))
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
    fees = ms.fee_per_hour_eur * delivered if model.form.revenue != "none" else 0.0
    hourly = center.spec.staff.salary_monthly_eur / center.spec.staff.hours_per_month
    return fees, (hourly * delivered if fees > 0 else 0.0)


def events(model, month: int, u_want: np.ndarray, u_show: np.ndarray, hours: StaffHours) -> tuple[float, float, float]:
    """On-site, online and hybrid events: registration up to the seats, no-shows, attendance.

    Returns (fees, direct costs of fee-earning events, cost of the events held).
    """
    pop, b, center, tally = model.pop, model.behaviour, model.center, model.tally
    es = center.spec.services.events
    if not (center.active and center.services["events"]):
        return 0.0, 0.0, 0.0
    n_events = es.onsite_per_month + es.online_per_month + es.hybrid_per_month
    if n_events <= 0:
        return 0.0, 0.0, 0.0
    needed = n_events * es.staff_hours_per_event
    volunteers = hours.take_volunteer(_event_volunteer_need(center))
    got = hours.take_coordinator(needed - volunteers)
    scale = 1.0 if needed <= 0 else min(1.0, (got + volunteers) / needed)
    seats_onsite = int((es.onsite_per_month + es.hybrid_per_month) * es.capacity_onsite * scale)
    seats_online = int((es.online_per_month + es.hybrid_per_month) * es.capacity_online * scale)
    cost = scale * (es.onsite_per_month * es.cost_onsite_eur + es.online_per_month * es.cost_online_eur
                    + es.hybrid_per_month * es.cost_hybrid_eur)
    n = pop.n
    seat_kind = (seats_onsite == 0, seats_online > 0)

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

    fee_factor = _fee_factor(b.fee_elasticity, es.fee_eur)
    prefers_online = _per_person(pop, ("online", *seat_kind), online)
    p = _per_person(pop, ("events", fee_factor, *seat_kind), attend)
    w_online, w_onsite = pop._ibuf[0], pop._ibuf[1]
    k_online, k_onsite = kernels.want_scan(n, u_want, p, pop.alive_aware(month), prefers_online,
                                           w_online, w_onsite)
    reg_online = _first_of(w_online[:k_online], u_want, seats_online)
    reg_onsite = _first_of(w_onsite[:k_onsite], u_want, seats_onsite)
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
    fees = es.fee_eur * n_attended if model.form.revenue != "none" else 0.0
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
    who = contacts[rng.integers(0, len(contacts), size=k)]
    counterparts = model.network_counterparts
    pick = rng.integers(0, len(counterparts) + len(contacts), size=k)
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


def funding_support(model, month: int, u_seek: np.ndarray, hours: StaffHours) -> tuple[np.ndarray, float]:
    """Help with clients' own funding applications; return who was helped this month (sorted indices), and fees."""
    pop, b, center, tally = model.pop, model.behaviour, model.center, model.tally
    n = pop.n
    helped = np.empty(0, dtype=np.intp)
    fs = center.spec.services.funding_support
    if not (center.active and center.services["funding_support"]) or fs.staff_hours_per_client <= 0:
        return helped, 0.0
    capacity = int(hours.coordinator / fs.staff_hours_per_client)
    if capacity <= 0:
        return helped, 0.0
    fee_factor = _fee_factor(b.fee_elasticity, fs.fee_eur)

    def seek(s: slice) -> np.ndarray:
        # p = p_seek_mentoring * need_f * fee factor * access
        p = pop._q_funding[s] * fee_factor
        p *= pop._access_any[s]
        return p

    seekers = pop._ibuf[0]
    k = kernels.seek_funding_scan(n, u_seek, _per_person(pop, ("funding", fee_factor), seek), pop.alive_aware(month),
                                  pop.stage[TREATED], seekers)
    idx = _first_of(seekers[:k], u_seek, capacity).copy()
    hours.take_coordinator(len(idx) * fs.staff_hours_per_client)
    _touch(model, idx, month, served=True)
    tally["funding_clients"] += len(idx)
    model.month_contacts.append(idx)
    fees = fs.fee_eur * len(idx) if model.form.revenue != "none" else 0.0
    return np.sort(idx), fees


def own_funding(model, helped: np.ndarray, u_apply: np.ndarray, u_win: np.ndarray, u_amount: np.ndarray) -> float:
    """Ventures apply for funding of their own in both worlds (same draws); support raises success.

    ``helped``: sorted indices of the people the centre helped this month. Returns the success
    fees the centre earns on its clients' awards.
    """
    pop, b = model.pop, model.behaviour
    n = pop.n
    # Applicants: pilots and running ventures drawn with p_apply_own_funding * need_f, in both
    # worlds with the same draws; with the centre, also everyone it helped. Few people apply
    # in a month: the rest is done on them only.
    cap = pop.capacity
    cand, world, won = pop._ibuf[0], pop._ibuf[1], pop._ibuf[2]
    award, is_helped = pop._award_buf, pop._mark_wins
    k = kernels.own_funding(n, cap, u_apply, pop._q_apply, helped, pop._v["stage"], u_win, u_amount,
                            float(b.p_client_funding_base), float(min(1.0, b.p_client_funding_base * b.client_funding_uplift)),
                            np.float32(b.client_award_eur), np.float32(0.5), _ELIGIBLE, cand, world, won, award, is_helped)
    if k == 0:
        return 0.0
    pop.award_funding(world[:k], won[:k], award[:k])
    if model.form.revenue == "none" or len(helped) == 0:
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
