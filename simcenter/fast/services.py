"""Compiled loops (Numba) for the services' month: who seeks, registers, shows up, drops out or
applies, chosen from the month's draws; each with the numpy formulation it replaces in
``reference.py`` (the same decisions, tested equal)."""

from __future__ import annotations

import numpy as np
from numba import njit

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


# Layout of the ``found`` array ``scan`` fills (int64).


# Layout of the ``found`` array ``scan`` fills (int64).
F_CURRENT, F_SEEK_M, F_DROP_ONLINE, F_DROP_ONSITE, F_WANT_ONLINE, F_WANT_ONSITE, F_SEEK_F, F_DRAWN = range(8)


@njit(cache=True, nogil=True)
def scan(n, month, active, p_new, p_forget, forget_before, u_aware, stage_t, aware, last_contact, prog_left,
         do_mentoring, prog_online, u_drop, p_drop_online, p_drop_onsite, satisfaction, drop_factor, u_seek_m,
         p_seek_m, current_out, seekers_m_out,
         do_events, u_attend, p_attend, prefers_online, want_online_out, want_onsite_out,
         do_funding, u_seek_f, p_seek_f, seekers_f_out,
         u_apply, q_apply, drawn_out, found):
    """One pass over the people for the month's awareness and the services' draws, person by person
    in the order the services would take them one after the other (nothing one of them changes is
    read by those after it). ``found`` (int64, F_*) gets the lengths of the lists written.

    - Awareness: with ``active``, the alive and unaware become aware if u_aware < p_new (heard this
      month); then forgetting: aware, u_aware < p_forget, not in a programme, last contact before
      ``forget_before``. The services below take only people alive and aware.
    - Mentoring (``do_mentoring``): people in a programme drop out (alive and u_drop < p_drop, float64
      compare; satisfaction * drop_factor) or leave if their venture closed, else continue
      (``current_out``); the others alive, aware and drawn (u_seek_m < p_seek_m) seek a place.
    - Events (``do_events``): alive, aware and drawn (u_attend < p_attend), split by who prefers online.
    - Funding help (``do_funding``): alive, aware, past the idea stage and drawn (u_seek_f < p_seek_f).
    - Own funding: drawn to apply (u_apply < q_apply), both worlds (``drawn_out``).
    """
    for k in range(8):
        found[k] = 0
    nc = 0
    ns = 0
    d_on = 0
    d_off = 0
    w_on = 0
    w_off = 0
    nf = 0
    nd = 0
    for i in range(n):
        # awareness (without branches: random data)
        a = aware[i]
        alive = stage_t[i] < CLOSED
        ua = u_aware[i]
        heard = active & alive & ~a & (ua < p_new)
        last = month if heard else last_contact[i]
        last_contact[i] = last
        a = a | heard
        a = a & ~((ua < p_forget) & (prog_left[i] <= 0) & (last < forget_before))
        aware[i] = a
        aa = alive & a
        if do_mentoring:
            if prog_left[i] != 0:
                on = prog_online[i]
                pd = p_drop_online if on else p_drop_onsite
                drop = alive and u_drop[i] < pd
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
            elif u_seek_m[i] < p_seek_m[i] and aa:
                seekers_m_out[ns] = i
                ns += 1
        if do_events and u_attend[i] < p_attend[i] and aa:
            if prefers_online[i]:
                want_online_out[w_on] = i
                w_on += 1
            else:
                want_onsite_out[w_off] = i
                w_off += 1
        if do_funding and u_seek_f[i] < p_seek_f[i] and aa and stage_t[i] >= PILOT:
            seekers_f_out[nf] = i
            nf += 1
        if u_apply[i] < q_apply[i]:
            drawn_out[nd] = i
            nd += 1
    found[F_CURRENT] = nc
    found[F_SEEK_M] = ns
    found[F_DROP_ONLINE] = d_on
    found[F_DROP_ONSITE] = d_off
    found[F_WANT_ONLINE] = w_on
    found[F_WANT_ONSITE] = w_off
    found[F_SEEK_F] = nf
    found[F_DRAWN] = nd


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
def show_up(reg_online, reg_onsite, u_show, p_no_show_online, p_no_show_onsite, out):
    """Registered people who show up (u_show >= the no-show share), online ones first, written to
    ``out``; returns (online, all) who came."""
    k = 0
    for t in range(reg_online.size):
        i = reg_online[t]
        if u_show[i] >= p_no_show_online:
            out[k] = i
            k += 1
    k_online = k
    for t in range(reg_onsite.size):
        i = reg_onsite[t]
        if u_show[i] >= p_no_show_onsite:
            out[k] = i
            k += 1
    return k_online, k


@njit(cache=True, nogil=True)
def own_funding(cap, drawn, u_apply, q_apply, helped, stage, u_win, u_amount, p_base, p_helped,
                award_eur, half, eligible, cand_out, world_out, won_out, award_out, helped_out):
    """Own funding applications in both worlds, the same draws: applicants are pilots and running
    ventures ``drawn`` (u_apply < q_apply; ascending), and (treated world) everyone ``helped``
    (ascending), whose odds are ``p_helped`` instead of ``p_base`` (float64 comparisons, as
    numpy's). Writes the wins, treated world first, in ascending order: world, person, award
    (float32: award_eur * (half + u_amount)) and whether the centre helped; returns their number."""
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
            if np.float64(u_win[i]) < p:
                world_out[k] = w
                won_out[k] = i
                award_out[k] = award_eur * (half + u_amount[i])
                helped_out[k] = w == 0 and is_helped
                k += 1
    return k


@njit(cache=True, nogil=True)
def lowest(idx, u, k, out):
    """The ``k`` people of ``idx`` (0 < k < len(idx)) with the lowest draws ``u``, ascending, written
    to ``out``; returns k, or -1 when the k-th and the (k+1)-th lowest draws are equal (which of
    the tied is chosen is then numpy's argpartition's business: the caller asks it).

    Without such a tie the k lowest are one set whatever the algorithm, and no caller depends on
    their order, so the results are numpy's."""
    m = idx.size
    vals = np.empty(m, dtype=u.dtype)
    for t in range(m):
        vals[t] = u[idx[t]]
    part = np.partition(vals, k)
    kth = part[0]
    for t in range(1, k):
        if part[t] > kth:
            kth = part[t]
    if part[k] == kth:
        return -1
    c = 0
    for t in range(m):
        i = idx[t]
        if u[i] <= kth:
            out[c] = i
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
