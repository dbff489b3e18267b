"""Compiled loops (Numba) for the monthly work on the population.

At the size of the shipped scenarios (2,000 to 3,000 people) a month of whole-array numpy
operations costs its call overheads, not its arithmetic: a few hundred calls of 1 to 3 µs.
The loops here do the same work in one pass each, element by element, with **the same
float32 operations in the same order** as the numpy formulation they replace, so results are
identical to the last bit (``benchmarks/golden.py`` and ``tests/test_golden.py`` prove it).

Rules that keep them exact:

- every float scalar that numpy would combine with a float32 array as a "weak" Python float
  is passed in as ``np.float32`` (Numba would otherwise compute in float64);
- no float reductions in a different order than numpy's: float32 sums stay in numpy, and the
  kernels add float32 amounts only in float64, where the sum is exact in any order;
- powers of float32 are float32 ``powf``, as numpy's (checked in tests/test_kernels.py).

Compiled once per machine and cached next to this file (``cache=True``); a process loads the
cache in a fraction of a second.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

IDEA, PILOT, OPERATING, SCALING, CLOSED = 0, 1, 2, 3, 4
MONTHS_FIRST_YEAR = 12

# Layout of the population's ``counts`` array (int64), kept up to date by the kernels.
C_STAGE = 0           # [0, 10): people by world and stage, w * 5 + stage
C_LAUNCHED = 10       # [10, 12): launched during the run (pilot -> operating), by world
C_SCALED = 12         # [12, 14): scaled during the run (operating -> scaling), by world
C_OP_AFTER = 14       # [14, 16): operating after first being served (op_after), by world
C_OP_ALIVE = 16       # [16, 18): op_after and not closed, by world
C_CLIENT_LAUNCHED = 18  # launched and op_after, treated world
C_SIZE = 19


@njit(cache=True, nogil=True)
def advance(n, cap, any_served, u_prog, u_close, stage, op_age, p_prog, p_close, p_stage_of,
            p_close_base, prog_mult, hazard_mult, launched, scaled, op_after, served,
            p_stage_of_code, p_close_lut, counts, launched_out, changes):
    """One month of progress and closure in both worlds (flat two-world arrays, entry w * cap + i).

    The same decisions as the numpy formulation: close if u_close < p_close; move one stage if
    u_prog < p_prog and not closing; running ventures (and closed ones) age a month; then each
    change of stage updates ``counts`` (layout C_*), the entry's probabilities, launched / scaled
    marks and op_after (operating after first being served). The flat indices of the launches,
    treated first, go to ``launched_out``; returns the launches in each world.

    Two passes per world: first, without branches (so that the compiler can vectorise it), every
    entry ages and ``changes`` (scratch, n entries) marks those whose stage changes; then the few
    marked are updated. The same result as one pass: an entry's update reads only the entry.
    """
    nl = 0
    launches_t = 0
    for w in range(2):
        base = w * cap
        st, age_w = stage[base:base + n], op_age[base:base + n]
        pc, pp = p_close[base:base + n], p_prog[base:base + n]
        for i in range(n):
            age_w[i] += st[i] >= OPERATING
            changes[i] = (u_close[i] < pc[i]) | (u_prog[i] < pp[i])
        for i in range(n):
            if not changes[i]:  # most entries: predicted
                continue
            f = base + i
            s = stage[f]
            closing = u_close[i] < p_close[f]
            code = w * 10 + 2 * s + (1 if closing else 0)
            new = CLOSED if closing else s + 1
            stage[f] = new
            counts[C_STAGE + w * 5 + s] -= 1
            counts[C_STAGE + w * 5 + new] += 1
            ps = p_stage_of_code[code]
            p_stage_of[f] = ps
            p_prog[f] = ps * prog_mult[f]
            age = op_age[f]
            if age > MONTHS_FIRST_YEAR:
                age = MONTHS_FIRST_YEAR
            pcb = p_close_lut[new * 13 + age]
            p_close_base[f] = pcb
            p_close[f] = pcb * hazard_mult[f]
            if not closing and s == PILOT:
                launched[f] = True
                launched_out[nl] = f
                nl += 1
                counts[C_LAUNCHED + w] += 1
                if w == 0:
                    launches_t += 1
                    if any_served and op_after[f]:
                        counts[C_CLIENT_LAUNCHED] += 1
            elif not closing and s == OPERATING:
                scaled[f] = True
                counts[C_SCALED + w] += 1
            if any_served:
                was = op_after[f]
                if was and closing:
                    counts[C_OP_ALIVE + w] -= 1
                if (new == OPERATING or new == SCALING) and not was and served[i]:
                    op_after[f] = True
                    counts[C_OP_AFTER + w] += 1
                    counts[C_OP_ALIVE + w] += 1
                    if w == 0 and launched[f]:
                        counts[C_CLIENT_LAUNCHED] += 1
    return launches_t, nl - launches_t


@njit(cache=True, nogil=True)
def refresh_boosted(j, stage_t, boost, cap0, prog_mult0, hazard_mult0, in_boosted, f_fund_t, f_tie,
                    prog_mult_t, hazard_mult_t, p_prog_t, p_close_t, p_stage_of_t, p_close_base_t,
                    boost_min, cap_mean, e_prog, e_hazard, keep_out):
    """Recompute the treated-world probabilities of people ``j`` whose boost may have changed;
    write those still boosted (boost > boost_min) to ``keep_out`` and return how many.

    Float32 throughout, as numpy: rel = min(cap0 + boost, 1) / mean; prog factor rel ** e_prog,
    hazard factor rel ** e_hazard (back to the person's own factors once the boost is gone);
    then the funding and ties factors. People whose venture has closed (treated world) leave
    the set: their probabilities are zero whatever their factors, and no service reaches them
    again."""
    one = np.float32(1.0)
    k = 0
    for t in range(j.size):
        p = j[t]
        if stage_t[p] == CLOSED:
            in_boosted[p] = False
            continue
        b = boost[p]
        if b > boost_min:
            c = cap0[p] + b
            if c > one:
                c = one
            rel = c / cap_mean
            pm = rel ** e_prog
            hm = rel ** e_hazard
            keep_out[k] = p
            k += 1
        else:
            pm = prog_mult0[p]
            hm = hazard_mult0[p]
            in_boosted[p] = False
        pm = pm * f_fund_t[p]
        pm = pm * f_tie[p]
        prog_mult_t[p] = pm
        hazard_mult_t[p] = hm
        p_prog_t[p] = p_stage_of_t[p] * pm
        p_close_t[p] = p_close_base_t[p] * hm
    return k


@njit(cache=True, nogil=True)
def refresh_dirty(f, cap, funded, f_funded, f_fund, prog_mult0, hazard_mult0, ties, f_ties, f_tie,
                  prog_mult, hazard_mult, p_prog, p_close, p_stage_of, p_close_base):
    """Recompute the factors and probabilities of the flat entries ``f`` (first funding, new ties)
    as if not boosted: funding factor, ties factor (treated world), capability factors."""
    for t in range(f.size):
        e = f[t]
        i = e % cap
        ff = f_funded[1 if funded[e] else 0]
        f_fund[e] = ff
        pm = prog_mult0[i] * ff
        if e < cap:
            k = ties[i]
            if k > 3:
                k = 3
            ft = f_ties[k]
            f_tie[i] = ft
            pm = pm * ft
        hm = hazard_mult0[i]
        prog_mult[e] = pm
        hazard_mult[e] = hm
        p_prog[e] = p_stage_of[e] * pm
        p_close[e] = p_close_base[e] * hm


@njit(cache=True, nogil=True)
def first_year_over(f, stage, p_close_later, p_close_base, p_close, hazard_mult):
    """Entries ``f`` finished their first year of operation: closure drops to the later rate."""
    for t in range(f.size):
        e = f[t]
        pcb = p_close_later[stage[e]]
        p_close_base[e] = pcb
        p_close[e] = pcb * hazard_mult[e]


@njit(cache=True, nogil=True)
def fade(idx, boost, prog_left, factor, everyone):
    """Multiply the boost of people ``idx`` not in a programme (all of them if ``everyone``) by ``factor``."""
    for t in range(idx.size):
        i = idx[t]
        if everyone or prog_left[i] <= 0:
            boost[i] *= factor


@njit(cache=True, nogil=True)
def touch(idx, month, served_flag, reached, city, aware, last_contact, contact_mo, first_served,
          served, funding_t, funding_c, new_reached, new_served, served_funding):
    """People ``idx`` (distinct) used a service this month (``served_flag``: mentoring or funding
    help). Writes the newly reached and the newly served to the two buffers; returns their numbers
    and the number of newly reached living outside the city; adds the funding of the newly served
    to ``served_funding`` (float64, per world: float32 amounts, exact in any order)."""
    nr = 0
    ns = 0
    towns = 0
    s0 = 0.0
    s1 = 0.0
    for t in range(idx.size):
        i = idx[t]
        if not reached[i]:
            reached[i] = True
            new_reached[nr] = i
            nr += 1
            if not city[i]:
                towns += 1
        aware[i] = True
        last_contact[i] = month
        contact_mo[i] = month + 1
        if served_flag:
            if first_served[i] < 0:
                first_served[i] = month
                new_served[ns] = i
                ns += 1
                s0 += np.float64(funding_t[i])
                s1 += np.float64(funding_c[i])
            served[i] = True
    if ns:
        served_funding[0] += s0
        served_funding[1] += s1
    return nr, ns, towns


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
def award_funding(world, idx, award, cap, funding, funded, served, any_served, dirty_out, served_funding):
    """People ``idx`` obtain ``award`` in ``world`` (entries distinct): funding grows; the first
    funded go to ``dirty_out`` (flat indices; returns how many); with ``any_served``, the funding
    gained by served people is added to ``served_funding`` (float64, per world)."""
    k = 0
    s0 = 0.0
    s1 = 0.0
    for t in range(idx.size):
        i = idx[t]
        w = world[t]
        e = i + w * cap
        old = funding[e]
        new = old + award[t]
        funding[e] = new
        if not funded[e]:
            funded[e] = True
            dirty_out[k] = e
            k += 1
        if any_served and served[i]:
            g = np.float64(new) - np.float64(old)
            if w == 0:
                s0 += g
            else:
                s1 += g
    if any_served:
        served_funding[0] += s0
        served_funding[1] += s1
    return k


# ---------------------------------------------------------------- random numbers: numpy's PCG64
_PCG_MULT = 0x2360ED051FC65DA44385DF649FCCF645
"""The 128-bit multiplier of numpy's PCG64 (PCG-XSL-RR 128/64, pcg64.h)."""
_MULT_HI = np.uint64(_PCG_MULT >> 64)
_MULT_LO = np.uint64(_PCG_MULT & 0xFFFFFFFFFFFFFFFF)
_MASK32 = np.uint64(0xFFFFFFFF)


@intrinsic
def _lcg128(typingctx, hi, lo, mhi, mlo, ihi, ilo):
    """(hi, lo) * (mhi, mlo) + (ihi, ilo) modulo 2**128, each 128-bit number as two uint64 halves."""
    sig = types.UniTuple(types.uint64, 2)(types.uint64, types.uint64, types.uint64, types.uint64,
                                          types.uint64, types.uint64)

    def codegen(context, builder, signature, args):
        i128, i64 = ir.IntType(128), ir.IntType(64)
        sixty_four = ir.Constant(i128, 64)

        def join(h, low):
            return builder.or_(builder.shl(builder.zext(h, i128), sixty_four), builder.zext(low, i128))

        r = builder.add(builder.mul(join(args[0], args[1]), join(args[2], args[3])), join(args[4], args[5]))
        h = builder.trunc(builder.lshr(r, sixty_four), i64)
        return context.make_tuple(builder, signature.return_type, [h, builder.trunc(r, i64)])

    return sig, codegen


def pcg64_jump4(increment: int) -> np.ndarray:
    """Constants that advance a PCG64 state by four steps at once: state * A + C with A = mult**4
    and C = increment * (mult**3 + mult**2 + mult + 1), modulo 2**128, as uint64 halves
    [A high, A low, C high, C low]."""
    mod = 1 << 128
    a4 = pow(_PCG_MULT, 4, mod)
    c4 = increment * (pow(_PCG_MULT, 3, mod) + pow(_PCG_MULT, 2, mod) + _PCG_MULT + 1) % mod
    mask = (1 << 64) - 1
    return np.array([a4 >> 64, a4 & mask, c4 >> 64, c4 & mask], dtype=np.uint64)


@njit(inline="always")
def _xsl_rr(hi, lo):
    """PCG64's output function of a 128-bit state: XSL-RR."""
    x = hi ^ lo
    rot = hi >> np.uint64(58)
    return (x >> rot) | (x << ((np.uint64(64) - rot) & np.uint64(63)))


@njit(cache=True, nogil=True)
def pcg64_float32(state, pending, jump, out):
    """Fill ``out`` with the float32 uniforms numpy's ``Generator(PCG64).random(dtype=float32)`` gives.

    ``state``: uint64 [state high, state low, increment high, increment low], advanced in place.
    ``pending``: int64 [has a spare 32-bit half, its value]: numpy makes each float32 from 32
    random bits, ``(bits >> 8) * 2**-24``, taking the low then the high half of each 64-bit
    output, and keeps an unused high half for the next call. ``jump``: ``pcg64_jump4`` of the
    increment. The generator is a chain (each state from the one before): four states, one to
    four steps ahead, advance together by four steps each, so that four outputs are made at
    once; the numbers and their order are the same as one step at a time.
    """
    scale = np.float32(2.0 ** -24)
    n = out.size
    k = 0
    if pending[0] and n > 0:
        out[0] = np.float32(pending[1] >> 8) * scale
        pending[0] = 0
        k = 1
    hi, lo, ihi, ilo = state[0], state[1], state[2], state[3]
    rounds = (n - k) // 8  # four whole 64-bit outputs (eight numbers) a round
    if rounds > 0:
        ahi, alo, chi, clo = jump[0], jump[1], jump[2], jump[3]
        h0, l0 = _lcg128(hi, lo, _MULT_HI, _MULT_LO, ihi, ilo)
        h1, l1 = _lcg128(h0, l0, _MULT_HI, _MULT_LO, ihi, ilo)
        h2, l2 = _lcg128(h1, l1, _MULT_HI, _MULT_LO, ihi, ilo)
        h3, l3 = _lcg128(h2, l2, _MULT_HI, _MULT_LO, ihi, ilo)
        for _ in range(rounds):
            r0 = _xsl_rr(h0, l0)
            r1 = _xsl_rr(h1, l1)
            r2 = _xsl_rr(h2, l2)
            r3 = _xsl_rr(h3, l3)
            out[k] = np.float32((r0 & _MASK32) >> np.uint64(8)) * scale
            out[k + 1] = np.float32(r0 >> np.uint64(40)) * scale
            out[k + 2] = np.float32((r1 & _MASK32) >> np.uint64(8)) * scale
            out[k + 3] = np.float32(r1 >> np.uint64(40)) * scale
            out[k + 4] = np.float32((r2 & _MASK32) >> np.uint64(8)) * scale
            out[k + 5] = np.float32(r2 >> np.uint64(40)) * scale
            out[k + 6] = np.float32((r3 & _MASK32) >> np.uint64(8)) * scale
            out[k + 7] = np.float32(r3 >> np.uint64(40)) * scale
            k += 8
            hi, lo = h3, l3  # the state after the last output made
            h0, l0 = _lcg128(h0, l0, ahi, alo, chi, clo)
            h1, l1 = _lcg128(h1, l1, ahi, alo, chi, clo)
            h2, l2 = _lcg128(h2, l2, ahi, alo, chi, clo)
            h3, l3 = _lcg128(h3, l3, ahi, alo, chi, clo)
    while k < n:
        hi, lo = _lcg128(hi, lo, _MULT_HI, _MULT_LO, ihi, ilo)
        r = _xsl_rr(hi, lo)
        out[k] = np.float32((r & _MASK32) >> np.uint64(8)) * scale
        k += 1
        if k < n:
            out[k] = np.float32(r >> np.uint64(40)) * scale
            k += 1
        else:
            pending[0] = 1
            pending[1] = np.int64(r >> np.uint64(32))
    state[0] = hi
    state[1] = lo


@njit(inline="always")
def _below(hi, lo, ihi, ilo, has_half, half, rng_excl, threshold):
    """The next integer in [0, rng_excl) as numpy's ``Generator(PCG64).integers`` makes it: Lemire's
    method on 32-bit outputs (numpy's random_bounded_uint64_fill, its 32-bit branch), each 64-bit
    output giving its low half, then its high half; returns it with the generator's new state."""
    while True:
        if has_half:
            bits = half
            has_half = False
        else:
            hi, lo = _lcg128(hi, lo, _MULT_HI, _MULT_LO, ihi, ilo)
            r = _xsl_rr(hi, lo)
            bits = r & _MASK32
            half = r >> np.uint64(32)
            has_half = True
        m = bits * rng_excl
        if (m & _MASK32) >= threshold:  # numpy compares with rng_excl first, then the threshold (smaller)
            return np.int64(m >> np.uint64(32)), hi, lo, has_half, half


@njit(cache=True, nogil=True)
def pcg64_below(state, pending, bound, out):
    """Fill ``out`` (int64) with the integers numpy's ``Generator(PCG64).integers(0, bound)`` gives,
    ``1 < bound <= 2**32``, with ``state`` and ``pending`` as in ``pcg64_float32`` (the spare 32-bit
    half numpy keeps between calls), advanced in place."""
    rng_excl = np.uint64(bound)
    threshold = (np.uint64(0xFFFFFFFF) - (rng_excl - np.uint64(1))) % rng_excl
    hi, lo, ihi, ilo = state[0], state[1], state[2], state[3]
    has_half, half = pending[0] != 0, np.uint64(pending[1])
    for i in range(out.size):
        out[i], hi, lo, has_half, half = _below(hi, lo, ihi, ilo, has_half, half, rng_excl, threshold)
    state[0], state[1] = hi, lo
    pending[0] = 1 if has_half else 0
    pending[1] = np.int64(half) if has_half else 0


@njit(cache=True, nogil=True)
def pcg64_double(state, out):
    """Fill ``out`` (float64) with the uniforms numpy's ``Generator(PCG64).random()`` gives: the top
    53 bits of each 64-bit output, times 2**-53 (a spare 32-bit half is left as it is: numpy's
    doubles do not use it); ``state`` as in ``pcg64_float32``, advanced in place."""
    hi, lo, ihi, ilo = state[0], state[1], state[2], state[3]
    scale = 1.0 / 9007199254740992.0
    for i in range(out.size):
        hi, lo = _lcg128(hi, lo, _MULT_HI, _MULT_LO, ihi, ilo)
        out[i] = np.float64(_xsl_rr(hi, lo) >> np.uint64(11)) * scale
    state[0], state[1] = hi, lo


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


@njit(cache=True, nogil=True)
def mark_op_after(people, cap, stage, op_after, launched, counts):
    """People just served whose venture is running (operating or scaling) operate after being
    served, in each world (``counts``: op_after, op_after and alive, client launches)."""
    for w in range(2):
        for t in range(people.size):
            e = w * cap + people[t]
            s = stage[e]
            if (s == OPERATING or s == SCALING) and not op_after[e]:
                op_after[e] = True
                counts[C_OP_AFTER + w] += 1
                counts[C_OP_ALIVE + w] += 1
                if w == 0 and launched[e]:
                    counts[C_CLIENT_LAUNCHED] += 1


@njit(cache=True, nogil=True)
def recent_values(n, contact_mo, after, values, out):
    """``values`` of the people whose ``contact_mo`` is above ``after`` (ascending order), written to
    ``out``; returns how many (their sum is then numpy's, in the same order)."""
    k = 0
    for i in range(n):
        if contact_mo[i] > after:
            out[k] = values[i]
            k += 1
    return k


@njit(cache=True, nogil=True)
def gain_boost(idx, cap0, boost, g, satisfaction, s, in_boosted, new_out, in_boost_all, all_buf, n_all):
    """People ``idx`` (distinct) gain capability, boost + g * max(0, 1 - (cap0 + boost)), and
    satisfaction, + s * (1 - satisfaction), float32; then they are marked boosted: those not yet in the set of
    the month's boosted go to ``new_out``, those never boosted before are appended to ``all_buf``
    (from ``n_all``). Returns (number written to new_out, new length of all_buf)."""
    one = np.float32(1.0)
    zero = np.float32(0.0)
    k = 0
    for t in range(idx.size):
        i = idx[t]
        d = one - (cap0[i] + boost[i])
        if d < zero:
            d = zero
        boost[i] += g * d
        satisfaction[i] += s * (one - satisfaction[i])
        if not in_boosted[i]:
            in_boosted[i] = True
            new_out[k] = i
            k += 1
        if not in_boost_all[i]:
            in_boost_all[i] = True
            all_buf[n_all] = i
            n_all += 1
    return k, n_all


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
def month_end(do_advance, n, cap, any_served, u_prog, u_close, ends, dirty, cand, served_people,
              stage, op_age, p_prog, p_close, p_stage_of, p_close_base, prog_mult, hazard_mult, f_fund, funded,
              launched, scaled, op_after, served, boost, cap0, prog_mult0, hazard_mult0, in_boosted, ties, f_tie,
              f_funded, f_ties, p_close_later, p_stage_of_code, p_close_lut, boost_min, cap_mean, e_prog,
              e_hazard, counts, keep_out, launched_out, changes):
    """The population's month in one call (flat two-world arrays, entry w * cap + i): bring the
    probabilities up to date (``first_year_over`` for ``ends``, ``refresh_dirty`` for ``dirty``,
    ``refresh_boosted`` for ``cand``: the boosted still above ``boost_min`` go to ``keep_out``); then,
    with ``do_advance``, ``advance`` and ``mark_op_after`` for the people first served this month.
    Returns (number kept boosted, launches treated, launches comparison)."""
    first_year_over(ends, stage, p_close_later, p_close_base, p_close, hazard_mult)
    refresh_dirty(dirty, cap, funded, f_funded, f_fund, prog_mult0, hazard_mult0, ties, f_ties, f_tie,
                  prog_mult, hazard_mult, p_prog, p_close, p_stage_of, p_close_base)
    kept = refresh_boosted(cand, stage[:cap], boost, cap0, prog_mult0, hazard_mult0, in_boosted, f_fund[:cap], f_tie,
                           prog_mult[:cap], hazard_mult[:cap], p_prog[:cap], p_close[:cap], p_stage_of[:cap],
                           p_close_base[:cap], boost_min, cap_mean, e_prog, e_hazard, keep_out)
    if not do_advance:
        return kept, 0, 0
    lt, lc = advance(n, cap, any_served, u_prog, u_close, stage, op_age, p_prog, p_close, p_stage_of,
                     p_close_base, prog_mult, hazard_mult, launched, scaled, op_after, served,
                     p_stage_of_code, p_close_lut, counts, launched_out, changes)
    mark_op_after(served_people, cap, stage, op_after, launched, counts)
    return kept, lt, lc


# ---------------------------------------------------------------- the report's bootstrap
@njit(cache=True, nogil=True)
def bootstrap_medians(state, pending, a, b, out_a, out_b):
    """Paired bootstrap medians: for each of ``len(out_a)`` resamples, ``len(a)`` replicates drawn
    with replacement (the indices numpy's ``Generator(PCG64).integers(0, len(a), (resamples,
    len(a)))`` gives, row by row: ``state`` and ``pending`` as in ``pcg64_below``), and the
    median of ``a`` and of ``b`` (same length, no NaN) over them: the number ``np.median`` gives,
    the middle value, or the mean of the two middle values ((lo + hi) / 2) for an even count.

    Each resample is a multiset of the same few replicates, so it is counted, not sorted: how
    often each was drawn (once for both ``a`` and ``b``: the pairs stay together), then a walk
    through the values in ascending order to the middle."""
    n = a.size
    rng_excl = np.uint64(n)
    threshold = (np.uint64(0xFFFFFFFF) - (rng_excl - np.uint64(1))) % rng_excl
    hi, lo, ihi, ilo = state[0], state[1], state[2], state[3]
    has_half, half = pending[0] != 0, np.uint64(pending[1])
    order_a = np.argsort(a)
    order_b = np.argsort(b)
    counts = np.zeros(n, dtype=np.int64)
    for r in range(out_a.size):
        counts[:] = 0
        for _ in range(n):
            j, hi, lo, has_half, half = _below(hi, lo, ihi, ilo, has_half, half, rng_excl, threshold)
            counts[j] += 1
        out_a[r] = _counted_median(a, order_a, counts)
        out_b[r] = _counted_median(b, order_b, counts)
    state[0], state[1] = hi, lo
    pending[0] = 1 if has_half else 0
    pending[1] = np.int64(half) if has_half else 0


@njit(inline="always")
def _counted_median(values, order, counts):
    """The median of a multiset of ``values`` (``counts[i]`` copies of ``values[i]``; ``order``:
    the values' ascending order); the total count is ``len(values)``."""
    m = values.size
    lo_rank = (m - 1) // 2
    hi_rank = m // 2
    c = 0
    lo = values[order[0]]
    hi = lo
    for k in range(m):
        v = order[k]
        nxt = c + counts[v]
        if c <= lo_rank < nxt:
            lo = values[v]
        if hi_rank < nxt:
            hi = values[v]
            break
        c = nxt
    return hi if m % 2 else (lo + hi) / 2.0


def compile_all() -> float:
    """Compile (or load from the cache) every kernel for the types the model uses, by running a
    small model of the shipped defaults and a bootstrap; return the seconds it took."""
    import time

    from simcenter.config.loader import scenario_from_dict
    from simcenter.runner import simulate

    start = time.perf_counter()
    scenario = scenario_from_dict({"name": "compile", "horizon": {"years": 2},
                                   "region": {"name": "compile", "n_potential": 300},
                                   "center": {"legal_form": "association", "management": "executive_director",
                                              "starting_cash_eur": 1_000_000}})
    simulate(scenario, 1)
    values = np.arange(5, dtype=np.float64)
    state = np.array([1, 2, 3, 5], dtype=np.uint64)
    bootstrap_medians(state, np.zeros(2, dtype=np.int64), values, values, np.empty(2), np.empty(2))
    pcg64_below(state, np.zeros(2, dtype=np.int64), 5, np.empty(3, dtype=np.int64))
    pcg64_double(state, np.empty(2))
    lowest(np.arange(3, dtype=np.intp), np.array([0.3, 0.1, 0.2], dtype=np.float32), 1, np.empty(1, dtype=np.intp))
    return time.perf_counter() - start


if __name__ == "__main__":
    print(f"simcenter: the model's compiled loops are ready ({compile_all():.1f} s)")
