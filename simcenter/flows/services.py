"""The centre's services: staff time, promotion and awareness, mentoring, events, networking,
funding-search support. Each function acts on the treated world only and returns the fees
it earned and the direct costs behind them.
"""

from __future__ import annotations

import numpy as np

from simcenter.population import CLOSED, PILOT, TREATED

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

    def take_coordinator(self, wanted: float) -> float:
        """Use up to ``wanted`` coordinator hours; return how many were available."""
        got = min(self.coordinator, max(0.0, wanted))
        self.coordinator -= got
        return got


def _fee_factor(elasticity: float, fee: float) -> float:
    return max(0.0, 1.0 - elasticity * fee)


def _access(pop, decay: float, online_ok: bool) -> np.ndarray:
    """How easily each person reaches a service: travel cost matters unless it can be online."""
    n = pop.n
    onsite = np.exp(-decay * pop.travel_eur[:n])
    if not online_ok:
        return onsite
    return np.where(pop.digital[:n], np.maximum(onsite, 1.0), onsite)


def _first(mask: np.ndarray, u: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` people in ``mask`` with the lowest draws (random, reproducible order)."""
    idx = np.flatnonzero(mask)
    if len(idx) <= k:
        return idx
    return idx[np.argpartition(u[idx], k)[:k]] if k > 0 else idx[:0]


def promotion(model, month: int, u: np.ndarray, hours: StaffHours) -> None:
    """Promotion and word of mouth make people aware of the centre; unused awareness lapses."""
    pop, b, center = model.pop, model.behaviour, model.center
    n = pop.n
    alive = pop.stage[TREATED, :n] < CLOSED
    aware = pop.aware[:n]
    reach = 0.0
    if center.active and center.services["promotion"]:
        promo = center.spec.services.promotion
        used = hours.take_coordinator(promo.staff_hours_monthly)
        reach = promo.budget_monthly_eur / 1000.0 * b.promotion_reach_per_1000_eur
        reach += used * VOLUNTEER_REACH_PER_HOUR + hours.volunteer * VOLUNTEER_REACH_PER_HOUR
    unaware = alive & ~aware
    n_unaware = int(np.count_nonzero(unaware))
    n_alive = max(1, int(np.count_nonzero(alive)))
    satisfied = int(np.count_nonzero(pop.reached[:n] & alive & (pop.satisfaction[:n] > 0.6)))
    p_promo = min(1.0, reach / max(1, n_unaware))
    p_wom = 1.0 - (1.0 - b.p_word_of_mouth) ** (b.contacts_per_person * satisfied / n_alive)
    p_new = 1.0 - (1.0 - p_promo) * (1.0 - p_wom) if center.active else 0.0
    aware[unaware & (u < p_new)] = True
    stale = aware & (pop.prog_left[:n] == 0) & (month - pop.last_contact[:n] > FORGET_AFTER_MONTHS)
    aware[stale & (u < b.p_forget_monthly)] = False


def _touch(model, idx: np.ndarray, month: int, served: bool) -> None:
    pop = model.pop
    pop.reached[idx] = True
    pop.aware[idx] = True
    pop.last_contact[idx] = month
    if served and len(idx):
        new = idx[pop.first_served[idx] < 0]
        pop.first_served[new] = month
        pop.served[idx] = True
        pop._any_served = True


def mentoring(model, month: int, u_seek: np.ndarray, u_drop: np.ndarray, hours: StaffHours) -> tuple[float, float]:
    """Mentoring programmes: drop-outs, intake up to capacity, hours delivered, capability gained."""
    pop, b, center, tally = model.pop, model.behaviour, model.center, model.tally
    n = pop.n
    ms = center.spec.services.mentorship
    prog = pop.prog_left[:n]
    alive = pop.stage[TREATED, :n] < CLOSED
    if not (center.active and center.services["mentorship"]):
        prog[:] = 0
        return 0.0, 0.0
    online = pop.prog_online[:n]
    in_prog = (prog > 0) & alive
    p_drop = np.where(online, b.p_dropout_online_monthly, b.p_dropout_onsite_monthly)
    drop = in_prog & (u_drop < p_drop)
    tally["dropouts_online"] += int(np.count_nonzero(drop & online))
    tally["dropouts_onsite"] += int(np.count_nonzero(drop & ~online))
    prog[drop | ~alive] = 0
    pop.satisfaction[:n][drop] *= 0.8
    current = prog > 0
    slots = hours.mentor / ms.hours_per_client_month if ms.hours_per_client_month > 0 else 0.0
    free = max(0, int(slots) - int(np.count_nonzero(current)))
    fee_factor = _fee_factor(b.fee_elasticity, ms.fee_per_hour_eur * ms.hours_per_client_month)
    p = b.p_seek_mentoring * pop.need_m[:n] * _access(pop, b.distance_decay, True) * fee_factor
    seekers = alive & pop.aware[:n] & ~current & (u_seek < p)
    accepted = _first(seekers, u_seek, free)
    turned_away = int(np.count_nonzero(seekers)) - len(accepted)
    tally["turned_away"] += turned_away
    model.month_stats["mentoring_demand"] = float(np.count_nonzero(seekers) + np.count_nonzero(current))
    model.month_stats["mentoring_slots"] = slots
    if turned_away:
        rejected = seekers.copy()
        rejected[accepted] = False
        pop.satisfaction[:n][rejected] *= 0.9
    prog[accepted] = ms.programme_months
    online[accepted] = pop.digital[accepted] & ~pop.city[accepted]
    tally["programme_starts_online"] += int(np.count_nonzero(online[accepted]))
    tally["programme_starts_onsite"] += int(len(accepted) - np.count_nonzero(online[accepted]))
    _touch(model, accepted, month, served=True)
    clients = prog > 0
    n_clients = int(np.count_nonzero(clients))
    if n_clients == 0:
        return 0.0, 0.0
    per_client = min(ms.hours_per_client_month, slots / n_clients)
    cap = pop.cap0[:n][clients] + pop.boost[:n][clients]
    pop.boost[:n][clients] += np.float32(b.capability_gain_per_hour * per_client) * np.maximum(0.0, 1.0 - cap)
    pop.satisfaction[:n][clients] += np.float32(0.1) * (1.0 - pop.satisfaction[:n][clients])
    pop.last_contact[:n][clients] = month
    prog[clients] -= 1
    delivered = per_client * n_clients
    tally["mentoring_hours"] += delivered
    tally["contacts_online"] += int(np.count_nonzero(online & clients))
    tally["contacts_onsite"] += int(n_clients - np.count_nonzero(online & clients))
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
    got = hours.take_coordinator(needed - min(needed * 0.5, hours.volunteer))
    scale = 1.0 if needed <= 0 else min(1.0, (got + min(needed * 0.5, hours.volunteer)) / needed)
    seats_onsite = int((es.onsite_per_month + es.hybrid_per_month) * es.capacity_onsite * scale)
    seats_online = int((es.online_per_month + es.hybrid_per_month) * es.capacity_online * scale)
    cost = scale * (es.onsite_per_month * es.cost_onsite_eur + es.online_per_month * es.cost_online_eur
                    + es.hybrid_per_month * es.cost_hybrid_eur)
    n = pop.n
    alive = pop.stage[TREATED, :n] < CLOSED
    digital, city = pop.digital[:n], pop.city[:n]
    prefers_online = digital & (~city | (seats_onsite == 0)) & (seats_online > 0)
    access = np.where(prefers_online, 1.0, np.exp(-b.distance_decay * pop.travel_eur[:n]))
    if seats_onsite == 0:
        access = np.where(prefers_online, access, 0.0)
    p = b.p_attend_event * pop.need_n[:n] * access * _fee_factor(b.fee_elasticity, es.fee_eur)
    want = alive & pop.aware[:n] & (u_want < p)
    reg_online = _first(want & prefers_online, u_want, seats_online)
    reg_onsite = _first(want & ~prefers_online, u_want, seats_onsite)
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
    contacts = np.unique(np.concatenate(model.month_contacts)) if model.month_contacts else np.empty(0, np.int64)
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
    for person, j, ok in zip(who.tolist(), pick.tolist(), made.tolist()):
        if not ok:
            continue
        other = counterparts[j] if j < len(counterparts) else f"e{int(contacts[j - len(counterparts)])}"
        me = f"e{person}"
        if other == me or graph.has_edge(me, other):
            continue
        graph.add_edge(me, other, month=month)
        pop.ties[person] += 1
        if other.startswith("e"):
            pop.ties[int(other[1:])] += 1
        elif other.startswith("p:"):
            partner = model.partners[other[2:]]
            partner.engagement = min(1.0, partner.engagement + 0.01)
        tally["ties"] += 1


def funding_support(model, month: int, u_seek: np.ndarray, hours: StaffHours) -> tuple[np.ndarray, float]:
    """Help with clients' own funding applications; return who was helped this month, and fees."""
    pop, b, center, tally = model.pop, model.behaviour, model.center, model.tally
    n = pop.n
    helped = np.zeros(n, dtype=bool)
    fs = center.spec.services.funding_support
    if not (center.active and center.services["funding_support"]) or fs.staff_hours_per_client <= 0:
        return helped, 0.0
    capacity = int(hours.coordinator / fs.staff_hours_per_client)
    if capacity <= 0:
        return helped, 0.0
    stage = pop.stage[TREATED, :n]
    p = b.p_seek_mentoring * pop.need_f[:n] * _fee_factor(b.fee_elasticity, fs.fee_eur) * _access(pop, b.distance_decay, True)
    seekers = pop.aware[:n] & (stage >= PILOT) & (stage < CLOSED) & (u_seek < p)
    idx = _first(seekers, u_seek, capacity)
    hours.take_coordinator(len(idx) * fs.staff_hours_per_client)
    helped[idx] = True
    _touch(model, idx, month, served=True)
    tally["funding_clients"] += len(idx)
    model.month_contacts.append(idx)
    fees = fs.fee_eur * len(idx) if model.form.revenue != "none" else 0.0
    return helped, fees


def own_funding(model, helped: np.ndarray, u_apply: np.ndarray, u_win: np.ndarray, u_amount: np.ndarray) -> float:
    """Ventures apply for funding of their own in both worlds (same draws); support raises success.

    Returns the success fees the centre earns on its clients' awards.
    """
    pop, b = model.pop, model.behaviour
    n = pop.n
    award = (b.client_award_eur * (0.5 + u_amount)).astype(np.float32)
    stage = pop.stage[:, :n]
    eligible = (stage >= PILOT) & (stage < CLOSED)
    applies = eligible & (u_apply < b.p_apply_own_funding * pop.need_f[:n])
    applies[TREATED] |= helped & eligible[TREATED]
    p = np.full((2, n), b.p_client_funding_base)
    p[TREATED, helped] = min(1.0, b.p_client_funding_base * b.client_funding_uplift)
    wins = applies & (u_win < p)
    if not wins.any():
        return 0.0
    pop.funding[:, :n] += np.where(wins, award, np.float32(0))
    pop.funded[:, :n] |= wins
    if model.form.revenue == "none":
        return 0.0
    fs = model.center.spec.services.funding_support
    return fs.share_success_fee * float(award[wins[TREATED] & helped].sum())
