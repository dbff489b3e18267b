"""The centre's services: staff time, promotion and awareness, mentoring, events, networking,
funding-search support, and ventures' own funding applications. Each service acts on the
treated world only and returns the fees it earned and the direct costs behind them; own
funding (``own_funding``) runs in both worlds on the same draws.
"""

from __future__ import annotations

import numpy as np

from simcenter.population import CLOSED, COMPARISON, PILOT, TREATED

STUDENT_HOURS_SHARE = 1.0
VOLUNTEER_REACH_PER_HOUR = 2.0
"""People a volunteer hour of promotion reaches (assumption)."""
FORGET_AFTER_MONTHS = 6


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


def _fee_factor(elasticity: float, fee: float) -> float:
    return max(0.0, 1.0 - elasticity * fee)


def _first(mask: np.ndarray, u: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` people in ``mask`` with the lowest draws (random, reproducible order)."""
    return _first_of(mask.nonzero()[0], u, k)


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
    aware = pop.aware[:n]
    scratch = pop.work(0)
    if center.active:
        reach = 0.0
        if center.services["promotion"]:
            promo = center.spec.services.promotion
            used = hours.take_coordinator(promo.staff_hours_monthly)
            reach = promo.budget_monthly_eur / 1000.0 * b.promotion_reach_per_1000_eur
            # Volunteers help at events first (up to half of their staffing); the rest promote.
            volunteers = hours.take_volunteer(hours.volunteer - _event_volunteer_need(center))
            reach += (used + volunteers) * VOLUNTEER_REACH_PER_HOUR
        alive = pop.work(1)
        np.less(pop.stage[TREATED, :n], CLOSED, out=alive)
        n_alive = max(1, n - pop.by_stage[TREATED][CLOSED])
        # Satisfied: reached, alive, satisfaction > 0.6 (counted over the people reached if they are few).
        if 4 * pop.n_reached < n:
            r = pop.reached_idx()
            satisfied = int(np.count_nonzero(alive[r] & (pop.satisfaction[r] > 0.6)))
        else:
            np.greater(pop.satisfaction[:n], 0.6, out=scratch)
            scratch &= pop.reached[:n]
            scratch &= alive
            satisfied = int(np.count_nonzero(scratch))
        unaware = np.greater(alive, aware, out=alive)  # alive and not aware
        n_unaware = int(np.count_nonzero(unaware))
        p_promo = min(1.0, reach / max(1, n_unaware))
        p_wom = 1.0 - (1.0 - b.p_word_of_mouth) ** (b.contacts_per_person * satisfied / n_alive)
        p_new = 1.0 - (1.0 - p_promo) * (1.0 - p_wom)
        np.less(u, p_new, out=scratch)
        scratch &= unaware
        aware |= scratch
        pop.last_contact[scratch.nonzero()[0]] = month  # heard of it this month: not forgotten at once
    # Forgetting: aware, not in a programme, no contact for FORGET_AFTER_MONTHS.
    stale = pop.work(1)
    np.less(u, b.p_forget_monthly, out=scratch)
    scratch &= aware
    np.less_equal(pop.prog_left[:n], 0, out=stale)
    scratch &= stale
    np.less(pop.last_contact[:n], month - FORGET_AFTER_MONTHS, out=stale)
    scratch &= stale
    np.greater(aware, scratch, out=aware)  # aware and not forgetting
    if center.active:
        pop.alive_aware(month)  # for this month's services (nothing else changes it this month)


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
    online = pop.prog_online[:n]
    stage = pop.stage[TREATED, :n]
    # People in a programme: those whose venture closed leave it, some drop out.
    inp = prog.nonzero()[0]
    alive_in = stage[inp] < CLOSED
    online_in = online[inp]
    p_drop = np.where(online_in, b.p_dropout_online_monthly, b.p_dropout_onsite_monthly)
    drop = alive_in & (u_drop[inp] < p_drop)
    n_drop_online = int(np.count_nonzero(drop & online_in))
    tally["dropouts_online"] += n_drop_online
    tally["dropouts_onsite"] += int(np.count_nonzero(drop)) - n_drop_online
    leave = drop | ~alive_in
    prog[inp[leave]] = 0
    pop.satisfaction[inp[drop]] *= 0.8
    current = inp[~leave]
    slots = hours.mentor / ms.hours_per_client_month if ms.hours_per_client_month > 0 else 0.0
    free = max(0, int(slots) - len(current))
    fee_factor = _fee_factor(b.fee_elasticity, ms.fee_per_hour_eur * ms.hours_per_client_month)
    # Seekers: alive, aware, not in a programme, and drawn (p = p_seek * need_m * access * fee factor).
    seekers = pop.work(0)
    p = _per_person(pop, ("mentoring", fee_factor), lambda s: pop._q_mentoring[s] * fee_factor)
    np.less(u_seek, p[:n], out=seekers)
    seekers &= pop.alive_aware(month)
    seekers[inp] = False  # nobody who was in a programme this month (dropped ones included) starts one
    sidx = seekers.nonzero()[0]
    accepted = _first_of(sidx, u_seek, free)
    turned_away = len(sidx) - len(accepted)
    tally["turned_away"] += turned_away
    model.month_stats["mentoring_demand"] = float(len(sidx) + len(current))
    model.month_stats["mentoring_slots"] = slots
    if turned_away:
        seekers[accepted] = False
        pop.satisfaction[sidx[seekers[sidx]]] *= 0.9
    prog[accepted] = ms.programme_months
    online[accepted] = pop.digital[accepted] & ~pop.city[accepted]
    starts_online = int(np.count_nonzero(online[accepted]))
    tally["programme_starts_online"] += starts_online
    tally["programme_starts_onsite"] += int(len(accepted) - starts_online)
    _touch(model, accepted, month, served=True)
    clients = np.concatenate([current, accepted]) if len(accepted) else current  # distinct, any order
    n_clients = len(clients)
    if n_clients == 0:
        return 0.0, 0.0
    per_client = min(ms.hours_per_client_month, hours.mentor / n_clients)
    cap = pop.cap0[clients] + pop.boost[clients]
    pop.boost[clients] += np.float32(b.capability_gain_per_hour * per_client) * np.maximum(0.0, 1.0 - cap)
    pop.boosted(clients)
    pop.satisfaction[clients] += np.float32(0.1) * (1.0 - pop.satisfaction[clients])
    pop.contact(clients, month)
    model.month_contacts.append(clients)  # networking introduces mentoring clients too
    prog[clients] -= 1
    delivered = per_client * n_clients
    tally["mentoring_hours"] += delivered
    contacts_online = int(np.count_nonzero(online[clients]))
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
    want = pop.work(0)
    np.less(u_want, _per_person(pop, ("events", fee_factor, *seat_kind), attend)[:n], out=want)
    want &= pop.alive_aware(month)
    widx = want.nonzero()[0]
    online_w = prefers_online[widx]
    reg_online = _first_of(widx[online_w], u_want, seats_online)
    reg_onsite = _first_of(widx[~online_w], u_want, seats_onsite)
    show_online = reg_online[u_show[reg_online] >= b.share_no_show_online]
    show_onsite = reg_onsite[u_show[reg_onsite] >= b.share_no_show_onsite]
    tally["registrations_online"] += len(reg_online)
    tally["registrations_onsite"] += len(reg_onsite)
    tally["no_shows_online"] += len(reg_online) - len(show_online)
    tally["no_shows_onsite"] += len(reg_onsite) - len(show_onsite)
    attended = np.concatenate([show_online, show_onsite])
    tally["attendances"] += len(attended)
    tally["contacts_online"] += len(show_online)
    tally["contacts_onsite"] += len(show_onsite)
    _touch(model, attended, month, served=False)
    cap = pop.cap0[attended] + pop.boost[attended]
    pop.boost[attended] += np.float32(b.event_capability_gain) * np.maximum(0.0, 1.0 - cap)
    pop.boosted(attended)
    pop.satisfaction[attended] += np.float32(0.05) * (1.0 - pop.satisfaction[attended])
    model.month_contacts.append(attended)
    fees = es.fee_eur * len(attended) if model.form.revenue != "none" else 0.0
    return fees, (cost if fees > 0 else 0.0), cost


def networking(model, month: int, hours: StaffHours) -> None:
    """Brokered introductions between this month's contacts and partners, funders or peers."""
    pop, b, center, tally = model.pop, model.behaviour, model.center, model.tally
    ns = center.spec.services.networking
    if not (center.active and center.services["networking"]) or ns.introductions_per_month <= 0:
        return
    contacts = _distinct_sorted(model.month_contacts)
    if len(contacts) == 0:
        return
    affordable = hours.coordinator / ns.staff_hours_per_introduction if ns.staff_hours_per_introduction > 0 else np.inf
    k = int(min(ns.introductions_per_month, affordable))
    if k <= 0:
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

    seekers = pop.work(0)
    scratch = pop.work(1)
    np.less(u_seek, _per_person(pop, ("funding", fee_factor), seek)[:n], out=seekers)
    seekers &= pop.alive_aware(month)
    np.greater_equal(pop.stage[TREATED, :n], PILOT, out=scratch)
    seekers &= scratch
    idx = _first(seekers, u_seek, capacity)
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
    drawn = pop.work(0)
    np.less(u_apply, pop._q_apply[:n], out=drawn)
    if len(helped):
        drawn[helped] = True
    cand = drawn.nonzero()[0]
    if len(cand) == 0:
        return 0.0
    applies = _ELIGIBLE[pop.stage[:, cand]]
    u = u_win[cand]
    if len(helped):
        # The helped apply in the treated world even without their own draw, with better odds.
        by_draw = u_apply[cand] < pop._q_apply[cand]
        is_helped = _member(cand, helped)
        applies[COMPARISON] &= by_draw
        applies[TREATED] &= by_draw | is_helped
        p = np.full((2, len(cand)), b.p_client_funding_base)
        p[TREATED, is_helped] = min(1.0, b.p_client_funding_base * b.client_funding_uplift)
        applies &= u < p
    else:
        applies &= u < np.float64(b.p_client_funding_base)  # compared in float64, as against the array above
    world, which = applies.nonzero()
    if len(world) == 0:
        return 0.0
    won = cand[which]
    pop.award_funding(world, won, (b.client_award_eur * (0.5 + u_amount[won])).astype(np.float32))
    if model.form.revenue == "none":
        return 0.0
    fs = model.center.spec.services.funding_support
    helped_wins = won[(world == TREATED) & is_helped[which]] if len(helped) else won[:0]
    award = (b.client_award_eur * (0.5 + u_amount[helped_wins])).astype(np.float32)
    return fs.share_success_fee * float(award.sum())


_ELIGIBLE = np.array([False, True, True, True, False])
"""Stages that may apply for funding of their own: pilots and running ventures."""


def _member(idx: np.ndarray, of: np.ndarray) -> np.ndarray:
    """Which of the sorted indices ``idx`` are in the sorted indices ``of``."""
    pos = np.searchsorted(of, idx)
    pos[pos == len(of)] = 0
    return of[pos] == idx


def _distinct_sorted(parts: list[np.ndarray]) -> np.ndarray:
    """The distinct indices in ``parts``, sorted (``np.unique`` of their concatenation)."""
    if not parts:
        return np.empty(0, np.int64)
    idx = np.concatenate(parts)
    idx.sort()
    if len(idx) > 1:
        idx = idx[np.concatenate(([True], idx[1:] != idx[:-1]))]
    return idx
