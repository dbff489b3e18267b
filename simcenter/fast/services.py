"""Compiled loops (Numba) for the services' month: who hears of the centre, seeks, registers,
shows up, drops out or applies, chosen from the month's draws; each specified by the numpy
function of the same name in ``reference_services.py`` (the same decisions, tested equal to the
bit in tests/test_fast_services.py)."""

from __future__ import annotations

import numpy as np
from numba import njit

from simcenter.fast.rng import _unit, fill, person_uniform, philox4x32
from simcenter.stages import CLOSED, PILOT


@njit(cache=True, nogil=True)
def promotion_counts(n, stage_t, aware, reached, satisfaction, threshold):
    """People alive (treated world) who were reached and are satisfied (> threshold); alive and unaware."""
    satisfied = 0
    unaware = 0
    for i in range(n):  # without branches (random data)
        alive = stage_t[i] < CLOSED
        satisfied += alive & reached[i] & (satisfaction[i] > threshold)
        unaware += alive & ~aware[i]
    return satisfied, unaware


@njit(cache=True, nogil=True)
def awareness(n, month, active, p_new, p_forget, forget_before, k0, k1, u_aware, stage_t, aware, last_contact,
              prog_left):
    """The month's awareness: everyone's number drawn first (the stream keyed (k0, k1), into the
    scratch ``u_aware``); with ``active``, the alive and unaware hear of the centre if u_aware < p_new
    (their last contact is now); then the aware forget it if u_aware < p_forget, not in a
    programme, last contact before ``forget_before``. Without branches (random data)."""
    fill(k0, k1, month, n, u_aware)
    for i in range(n):
        a = aware[i]
        alive = stage_t[i] < CLOSED
        ua = u_aware[i]
        heard = active & alive & ~a & (ua < p_new)
        last = month if heard else last_contact[i]
        last_contact[i] = last
        a = a | heard
        a = a & ~((ua < p_forget) & (prog_left[i] <= 0) & (last < forget_before))
        aware[i] = a


@njit(cache=True, nogil=True)
def mentoring_select(n, month, stage_t, aware, prog_left, prog_online, k0, k1, p_drop_online, p_drop_onsite,
                     satisfaction, drop_factor, ks0, ks1, u_seek, p_seek, current_out, seekers_out, seekers_u_out):
    """People in a mentoring programme drop out (alive and u_dropout < p_drop, float64 compare;
    satisfaction * drop_factor; the drop-out stream keyed (k0, k1), drawn here for them) or
    leave if their venture closed, else continue (``current_out``); the others alive, aware and
    drawn (u_seek < p_seek; everyone's number drawn first, from the stream keyed (ks0, ks1), into
    the scratch ``u_seek``) seek a place (``seekers_out``,
    their u_seek in ``seekers_u_out``). Returns (continuing, seekers, drop-outs online, drop-outs
    on site). The seekers are gathered without branches (their conditions are random)."""
    fill(ks0, ks1, month, n, u_seek)
    nc = 0
    ns = 0
    d_on = 0
    d_off = 0
    for i in range(n):
        alive = stage_t[i] < CLOSED
        if prog_left[i] != 0:  # few people: a predictable branch
            on = prog_online[i]
            pd = p_drop_online if on else p_drop_onsite
            drop = alive and person_uniform(k0, k1, month, i, 0, 1) < pd
            if drop:
                if on:
                    d_on += 1
                else:
                    d_off += 1
                satisfaction[i] *= drop_factor
            if drop or not alive:
                prog_left[i] = 0
            else:
                current_out[nc] = i
                nc += 1
        else:
            u = u_seek[i]
            seekers_out[ns] = i
            seekers_u_out[ns] = u
            ns += alive & aware[i] & (u < p_seek[i])
    return nc, ns, d_on, d_off


@njit(cache=True, nogil=True)
def events_select(n, month, stage_t, aware, k0, k1, u_attend, p_attend, prefers_online, online_out, onsite_out,
                  online_u_out, onsite_u_out):
    """People alive, aware and drawn (u_attend < p_attend; everyone's number drawn first, from the
    stream keyed (k0, k1), into the scratch ``u_attend``) who want a seat, split by who prefers
    online, with their numbers; returns (online, on site). Gathered without branches (the
    conditions are random)."""
    fill(k0, k1, month, n, u_attend)
    k_on = 0
    k_off = 0
    for i in range(n):
        u = u_attend[i]
        want = (stage_t[i] < CLOSED) & aware[i] & (u < p_attend[i])
        online = prefers_online[i]
        online_out[k_on] = i
        online_u_out[k_on] = u
        onsite_out[k_off] = i
        onsite_u_out[k_off] = u
        k_on += want & online
        k_off += want & ~online
    return k_on, k_off


@njit(cache=True, nogil=True)
def funding_select(n, month, stage_t, aware, k0, k1, u_seek, p_seek, out, u_out):
    """People alive, aware, past the idea stage and drawn (u < p_seek; everyone's number drawn first,
    from the stream keyed (k0, k1), into the scratch ``u_seek``) who seek help with a funding
    application, with their numbers; returns how many. Gathered without branches."""
    fill(k0, k1, month, n, u_seek)
    k = 0
    for i in range(n):
        s = stage_t[i]
        u = u_seek[i]
        out[k] = i
        u_out[k] = u
        k += (s < CLOSED) & (s >= PILOT) & aware[i] & (u < p_seek[i])
    return k


@njit(cache=True, nogil=True)
def applicants(n, cap, month, stage, eligible, k0, k1, u_apply, q_apply, out):
    """People who apply for funding of their own this month: drawn (u_apply < q_apply; everyone's
    number drawn first, from the stream keyed (k0, k1), into ``u_apply``) and at an eligible stage
    in either world, ascending; returns how many. Gathered without branches."""
    fill(k0, k1, month, n, u_apply)
    k = 0
    for i in range(n):
        out[k] = i
        k += (u_apply[i] < q_apply[i]) & (eligible[stage[i]] | eligible[stage[cap + i]])
    return k


@njit(cache=True, nogil=True)
def introductions(k0, k1, month, k, n_contacts, n_choices, p_tie, who_out, pick_out, made_out):
    """The month's ``k`` introductions, introduction ``j`` from the words of its slot (of four) in the
    stream keyed (k0, k1): who is introduced (``floor(u * n_contacts)``, a contact), to whom
    (``floor(u * n_choices)``, a partner, a funder or another contact), and whether a lasting tie
    comes of it (``u < p_tie``, float64 compare)."""
    zero = np.uint32(0)
    for j in range(k):
        r_who, r_whom, r_tie, _ = philox4x32(np.uint32(j), np.uint32(month), zero, zero, k0, k1)
        who_out[j] = int(np.float64(_unit(r_who)) * n_contacts)
        pick_out[j] = int(np.float64(_unit(r_whom)) * n_choices)
        made_out[j] = np.float64(_unit(r_tie)) < p_tie


@njit(cache=True, nogil=True)
def turn_away(sidx, accepted, mark, satisfaction, factor):
    """Seekers ``sidx`` not among ``accepted``: satisfaction * factor (``mark`` is all False, and left so)."""
    for t in range(accepted.size):
        mark[accepted[t]] = True
    for t in range(sidx.size):
        i = sidx[t]
        if not mark[i]:
            satisfaction[i] *= factor
    for t in range(accepted.size):
        mark[accepted[t]] = False


@njit(cache=True, nogil=True)
def mentoring_start(accepted, months, prog, online, digital, city):
    """Start programmes of ``months`` for ``accepted``, online for digital people outside the city;
    return how many start online."""
    k = 0
    for t in range(accepted.size):
        i = accepted[t]
        prog[i] = months
        on = digital[i] and not city[i]
        online[i] = on
        if on:
            k += 1
    return k


@njit(cache=True, nogil=True)
def mentoring_month(clients, month, prog, online, last_contact, contact_mo):
    """Clients in contact this month, a month of their programme done; return how many are online."""
    k = 0
    for t in range(clients.size):
        i = clients[t]
        last_contact[i] = month
        contact_mo[i] = month + 1
        prog[i] -= 1
        if online[i]:
            k += 1
    return k


@njit(cache=True, nogil=True)
def show_up(month, reg_online, reg_onsite, k0, k1, p_no_show_online, p_no_show_onsite, out):
    """Registered people who show up (u_no_show >= the no-show share; the no-show stream keyed
    (k0, k1)), online ones first, written to ``out``; returns (online, all) who came."""
    k = 0
    for t in range(reg_online.size):
        i = reg_online[t]
        if person_uniform(k0, k1, month, i, 0, 1) >= p_no_show_online:
            out[k] = i
            k += 1
    k_online = k
    for t in range(reg_onsite.size):
        i = reg_onsite[t]
        if person_uniform(k0, k1, month, i, 0, 1) >= p_no_show_onsite:
            out[k] = i
            k += 1
    return k_online, k


@njit(cache=True, nogil=True)
def own_funding(cap, month, drawn, u_apply, ka0, ka1, q_apply, helped, stage, p_base, p_helped,
                award_eur, half, eligible, cand_out, world_out, won_out, award_out, helped_out):
    """Own funding applications in both worlds, the same draws (everyone's ``u_apply``; u_win and
    u_amount, the two lanes of the award stream keyed (ka0, ka1), drawn here for the applicants):
    applicants are pilots and running ventures ``drawn`` (u_apply < q_apply; ascending), and
    (treated world) everyone ``helped`` (ascending), whose odds are ``p_helped`` instead of
    ``p_base`` (float64 comparisons, as numpy's). Writes the wins, treated world first, in
    ascending order: world, person, award (float32: award_eur * (half + u_amount)) and whether the
    centre helped; returns their number."""
    nh = helped.size
    nd = drawn.size
    nc = 0
    a = 0
    h = 0
    while a < nd or h < nh:  # the union of two ascending lists
        if h >= nh or (a < nd and drawn[a] < helped[h]):
            cand_out[nc] = drawn[a]
            a += 1
        elif a >= nd or helped[h] < drawn[a]:
            cand_out[nc] = helped[h]
            h += 1
        else:
            cand_out[nc] = drawn[a]
            a += 1
            h += 1
        nc += 1
    u_win = np.empty(nc, dtype=np.float32)
    u_amount = np.empty(nc, dtype=np.float32)
    for t in range(nc):  # an applicant's award numbers, drawn once for both worlds
        u_win[t] = person_uniform(ka0, ka1, month, cand_out[t], 0, 2)
        u_amount[t] = person_uniform(ka0, ka1, month, cand_out[t], 1, 2)
    k = 0
    for w in range(2):
        h = 0
        for t in range(nc):
            i = cand_out[t]
            while h < nh and helped[h] < i:
                h += 1
            is_helped = h < nh and helped[h] == i
            by_draw = u_apply[i] < q_apply[i]
            if not eligible[stage[w * cap + i]]:
                continue
            if w == 0:
                if not (by_draw or is_helped):
                    continue
                p = p_helped if is_helped else p_base
            else:
                if not by_draw:
                    continue
                p = p_base
            if np.float64(u_win[t]) < p:
                world_out[k] = w
                won_out[k] = i
                award_out[k] = award_eur * (half + u_amount[t])
                helped_out[k] = w == 0 and is_helped
                k += 1
    return k


@njit(cache=True, nogil=True)
def lowest(idx, vals, k, out):
    """The ``k`` people of ``idx`` (0 < k < len(idx)) with the lowest draws ``vals`` (aligned with
    ``idx``), ascending, written to ``out``; returns k, or -1 when the k-th and the (k+1)-th lowest
    draws are equal (which of the tied is chosen is then numpy's argpartition's business: the
    caller asks it).

    Without such a tie the k lowest are one set whatever the algorithm, and no caller depends on
    their order, so the results are numpy's."""
    m = idx.size
    part = np.partition(vals, k)
    kth = part[0]
    for t in range(1, k):
        if part[t] > kth:
            kth = part[t]
    if part[k] == kth:
        return -1
    c = 0
    for t in range(m):
        if vals[t] <= kth:
            out[c] = idx[t]
            c += 1
    return c


@njit(cache=True, nogil=True)
def distinct_sorted(idx, n, mark, out):
    """The distinct values of ``idx`` (people, < n), ascending, written to ``out``; returns how many.
    ``mark`` (bool, all False) is left all False."""
    for t in range(idx.size):
        mark[idx[t]] = True
    k = 0
    if 8 * idx.size < n:
        for t in range(idx.size):
            i = idx[t]
            if mark[i]:
                mark[i] = False
                out[k] = i
                k += 1
        out[:k].sort()
    else:
        for i in range(n):
            if mark[i]:
                mark[i] = False
                out[k] = i
                k += 1
    return k
