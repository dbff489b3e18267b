"""The services' selections (``simcenter.fast.services``) in plain numpy: what each compiled loop
means, the specification it is tested against (tests/test_fast_services.py), to the last bit.

Each function below has the name and the arguments of the kernel it specifies, changes the same
arrays in place and returns the same numbers (conventions: ``reference``). A decision's numbers
are the person's numbers of its stream (``reference.uniforms``, ``uniforms_of``), whether the loop
draws them for everyone or for the few it needs; numbers are compared as the loops type them
(``reference.as_numba``). Lists of people come in the order of their source, ascending unless
said otherwise.
"""

from __future__ import annotations

import numpy as np

from simcenter.fast.reference import as_numba, put, uniforms, uniforms_of
from simcenter.stages import CLOSED, COMPARISON, PILOT, TREATED

BEYOND_COUNT = {
    "mentoring_select": {"seekers_out": 1, "seekers_u_out": 1},
    "events_select": {"online_out": 0, "online_u_out": 0, "onsite_out": 1, "onsite_u_out": 1},
    "funding_select": {"out": None, "u_out": None},
    "applicants": {"out": None},
}
"""Output buffers a loop writes beyond the count it returns (it gathers without branches, writing
every candidate and counting those selected), by kernel: buffer -> which returned number is its
count (None: the only one). What they hold beyond it is not specified."""
SCRATCH: dict[str, tuple[str, ...]] = {}
"""No services' loop leaves a scratch array in an unspecified state: ``mark`` is left all False."""


# ---------------------------------------------------------------- hearing of the centre (promotion)
def promotion_counts(n, stage_t, aware, reached, satisfaction, threshold):
    """``promotion_counts``: among people alive in the treated world, those reached by a service
    and satisfied (satisfaction > ``threshold``), and those unaware of the centre."""
    alive = stage_t[:n] < CLOSED
    satisfied = alive & reached[:n] & (satisfaction[:n] > as_numba(threshold))
    return np.count_nonzero(satisfied), np.count_nonzero(alive & ~aware[:n])


def awareness(n, month, active, p_new, p_forget, forget_before, k0, k1, u_aware, stage_t, aware, last_contact,
              prog_left):
    """``awareness``: the month's awareness, on one number per person (the stream keyed (k0, k1),
    everyone's written to ``u_aware``). While the centre is ``active``, people alive and unaware
    hear of it if their number is below ``p_new``: their last contact is now. Then the aware
    forget it if their number is below ``p_forget``, they are not in a mentoring programme
    (``prog_left`` <= 0) and their last contact was before ``forget_before``."""
    u = uniforms((k0, k1), month, n)[0]
    u_aware[:n] = u
    hears = active & (stage_t[:n] < CLOSED) & ~aware[:n] & (u < as_numba(p_new))
    last_contact[:n][hears] = month
    forgets = (u < as_numba(p_forget)) & (prog_left[:n] <= 0) & (last_contact[:n] < forget_before)
    aware[:n] = (aware[:n] | hears) & ~forgets


# ---------------------------------------------------------------- who seeks what (the services' select)
def mentoring_select(n, month, stage_t, aware, prog_left, prog_online, k0, k1, p_drop_online, p_drop_onsite,
                     satisfaction, drop_factor, ks0, ks1, u_seek, p_seek, current_out, seekers_out, seekers_u_out):
    """``mentoring_select``: who continues a mentoring programme, and who seeks a place in one.

    People in a programme (``prog_left`` not 0) whose venture is alive drop out if their number of
    the drop-out stream (keyed (k0, k1)) is below the drop-out share of their way of taking part
    (``p_drop_online`` if ``prog_online``, else ``p_drop_onsite``); a drop-out's satisfaction is
    multiplied by ``drop_factor``. Drop-outs and those whose venture closed leave the programme
    (``prog_left`` = 0); the others continue (``current_out``). People not in a programme, alive,
    aware, whose number of the seeking stream (keyed (ks0, ks1); everyone's written to ``u_seek``)
    is below their ``p_seek``, seek a place (``seekers_out``, their numbers ``seekers_u_out``).
    Returns (continuing, seekers, drop-outs online, drop-outs on site)."""
    alive, in_programme, online = stage_t[:n] < CLOSED, prog_left[:n] != 0, prog_online[:n]
    u_drop = uniforms((k0, k1), month, n)[0]
    drops = in_programme & alive & (u_drop < np.where(online, as_numba(p_drop_online), as_numba(p_drop_onsite)))
    satisfaction[:n][drops] *= as_numba(drop_factor)
    prog_left[:n][in_programme & (drops | ~alive)] = 0
    u_seek[:n] = uniforms((ks0, ks1), month, n)[0]
    seekers = np.flatnonzero(~in_programme & alive & aware[:n] & (u_seek[:n] < p_seek[:n]))
    put(seekers_u_out, u_seek[seekers])
    return (put(current_out, np.flatnonzero(in_programme & alive & ~drops)), put(seekers_out, seekers),
            np.count_nonzero(drops & online), np.count_nonzero(drops & ~online))


def events_select(n, month, stage_t, aware, k0, k1, u_attend, p_attend, prefers_online, online_out, onsite_out,
                  online_u_out, onsite_u_out):
    """``events_select``: people alive, aware, whose number (the stream keyed (k0, k1); everyone's
    written to ``u_attend``) is below their ``p_attend``, want a seat at an event: online if they
    prefer it (``online_out``), else on site (``onsite_out``), each with their numbers. Returns
    (online, on site)."""
    u_attend[:n] = uniforms((k0, k1), month, n)[0]
    want = (stage_t[:n] < CLOSED) & aware[:n] & (u_attend[:n] < p_attend[:n])
    online = np.flatnonzero(want & prefers_online[:n])
    onsite = np.flatnonzero(want & ~prefers_online[:n])
    put(online_u_out, u_attend[online])
    put(onsite_u_out, u_attend[onsite])
    return put(online_out, online), put(onsite_out, onsite)


def funding_select(n, month, stage_t, aware, k0, k1, u_seek, p_seek, out, u_out):
    """``funding_select``: people alive, aware, past the idea stage, whose number (the stream keyed
    (k0, k1); everyone's written to ``u_seek``) is below their ``p_seek``, seek help with a funding
    application (``out``, their numbers ``u_out``). Returns how many."""
    u_seek[:n] = uniforms((k0, k1), month, n)[0]
    stage = stage_t[:n]
    seekers = np.flatnonzero((stage < CLOSED) & (stage >= PILOT) & aware[:n] & (u_seek[:n] < p_seek[:n]))
    put(u_out, u_seek[seekers])
    return put(out, seekers)


def applicants(n, cap, month, stage, eligible, k0, k1, u_apply, q_apply, out):
    """``applicants``: people who apply for funding of their own this month, in either world: their
    number (the stream keyed (k0, k1); everyone's written to ``u_apply``) is below their
    ``q_apply``, and their venture is at an ``eligible`` stage in the treated or in the comparison
    world (``stage``: both worlds, flat). Written to ``out``; returns how many."""
    u_apply[:n] = uniforms((k0, k1), month, n)[0]
    at_eligible = eligible[stage[:n]] | eligible[stage[cap:cap + n]]
    return put(out, np.flatnonzero((u_apply[:n] < q_apply[:n]) & at_eligible))


# ---------------------------------------------------------------- choosing among them
def lowest(idx, vals, k, out):
    """``lowest``: the ``k`` people of ``idx`` (0 < k < len(idx)) with the lowest draws ``vals``
    (aligned with ``idx``), in the order of ``idx``, written to ``out``; returns k. When the k-th
    and the (k+1)-th lowest draws are equal, which of the tied are chosen is not the loop's to
    say: it writes nothing and returns -1 (the caller asks numpy's argpartition)."""
    ordered = np.sort(vals)
    if ordered[k] == ordered[k - 1]:
        return -1
    return put(out, idx[vals <= ordered[k - 1]])


def distinct_sorted(idx, n, mark, out):
    """``distinct_sorted``: the distinct people of ``idx`` (each < n), ascending, written to
    ``out``; returns how many. (``mark``: the loop's scratch, all False before and after.)"""
    return put(out, np.unique(idx))


# ---------------------------------------------------------------- mentoring
def turn_away(sidx, accepted, mark, satisfaction, factor):
    """``turn_away``: seekers ``sidx`` (distinct) not among the ``accepted`` lose satisfaction: it
    is multiplied by ``factor``. (``mark``: the loop's scratch, all False before and after.)"""
    turned_away = sidx[~np.isin(sidx, accepted)]
    satisfaction[turned_away] *= as_numba(factor)


def mentoring_start(accepted, months, prog, online, digital, city):
    """``mentoring_start``: the ``accepted`` start a programme of ``months`` months (``prog``),
    online for people who can take part online and live outside the city; returns how many start
    online."""
    starts_online = digital[accepted] & ~city[accepted]
    prog[accepted] = months
    online[accepted] = starts_online
    return np.count_nonzero(starts_online)


def mentoring_month(clients, month, prog, online, last_contact, contact_mo):
    """``mentoring_month``: ``clients`` (distinct) are in contact this month (``last_contact``;
    ``contact_mo`` = month + 1) and a month of their programme is done (``prog`` - 1); returns how
    many take part online."""
    last_contact[clients] = month
    contact_mo[clients] = month + 1
    prog[clients] -= 1
    return np.count_nonzero(online[clients])


# ---------------------------------------------------------------- events
def show_up(month, reg_online, reg_onsite, k0, k1, p_no_show_online, p_no_show_onsite, out):
    """``show_up``: registered people come unless their number of the no-show stream (keyed
    (k0, k1)) is below the no-show share (online or on site): those registered online, then those
    on site, each in the order registered, written to ``out``. Returns (came online, came)."""
    came_online = reg_online[uniforms_of((k0, k1), month, reg_online)[0] >= as_numba(p_no_show_online)]
    came_onsite = reg_onsite[uniforms_of((k0, k1), month, reg_onsite)[0] >= as_numba(p_no_show_onsite)]
    return len(came_online), put(out, np.concatenate([came_online, came_onsite]))


# ---------------------------------------------------------------- networking
def introductions(k0, k1, month, k, n_contacts, n_choices, p_tie, who_out, pick_out, made_out):
    """``introductions``: the month's ``k`` introductions, introduction ``j`` on the three numbers
    of slot ``j`` of the stream keyed (k0, k1) (u0, u1, u2, in float64): who is introduced,
    ``floor(u0 * n_contacts)`` (a contact), to whom, ``floor(u1 * n_choices)`` (a partner, a
    funder or another contact), and whether a lasting tie comes of it, ``u2 < p_tie``."""
    u = uniforms((k0, k1), month, k, lanes=3).astype(np.float64)
    who_out[:k] = np.floor(u[0] * n_contacts).astype(np.intp)
    pick_out[:k] = np.floor(u[1] * n_choices).astype(np.intp)
    made_out[:k] = u[2] < p_tie


# ---------------------------------------------------------------- own funding, in both worlds
def own_funding(cap, month, drawn, u_apply, ka0, ka1, q_apply, helped, stage, p_base, p_helped,
                award_eur, half, eligible, cand_out, world_out, won_out, award_out, helped_out):
    """``own_funding``: own funding applications and their awards in both worlds, on the same numbers.

    The candidates are the people ``drawn`` to apply and those ``helped`` by the centre this month
    (both ascending): their union, ascending (``cand_out``). Each has two numbers of the award
    stream (keyed (ka0, ka1)): u_win and u_amount, the same in both worlds. In the treated world a
    candidate at an ``eligible`` stage applies if drawn (u_apply < q_apply) or helped, with the
    odds ``p_helped`` if helped, else ``p_base``; in the comparison world, at an eligible stage
    there, if drawn, with the odds ``p_base``. An applicant wins if u_win < the odds (in float64)
    and is awarded ``award_eur * (half + u_amount)`` (float32). The wins, treated world first,
    ascending: world (``world_out``), person (``won_out``), award (``award_out``) and whether the
    centre helped (``helped_out``; never in the comparison world). Returns their number."""
    cand = np.union1d(drawn, helped)
    put(cand_out, cand)
    u_win, u_amount = uniforms_of((ka0, ka1), month, cand, lanes=2)
    is_helped = np.isin(cand, helped)
    by_draw = u_apply[cand] < q_apply[cand]
    worlds, people, awards, by_centre = [], [], [], []
    for w in (TREATED, COMPARISON):
        at_eligible = eligible[stage[w * cap + cand]]
        if w == TREATED:
            applies, odds = at_eligible & (by_draw | is_helped), np.where(is_helped, p_helped, p_base)
        else:
            applies, odds = at_eligible & by_draw, np.full(len(cand), p_base)
        won = np.flatnonzero(applies & (u_win.astype(np.float64) < odds))
        worlds.append(np.full(len(won), w))
        people.append(cand[won])
        awards.append(as_numba(award_eur) * (as_numba(half) + u_amount[won]))
        by_centre.append(is_helped[won] & (w == TREATED))
    put(world_out, np.concatenate(worlds))
    put(award_out, np.concatenate(awards))
    put(helped_out, np.concatenate(by_centre))
    return put(won_out, np.concatenate(people))
