"""Compiled loops (Numba) for the population's month: progress and closure, the probabilities
kept up to date, and the counts the outcomes read.

At the size of the shipped scenarios (2,000 to 3,000 people) a month of whole-array numpy
operations costs its call overheads, not its arithmetic: a few hundred calls of 1 to 3 µs.
The loops here do the same work in one pass each, element by element, with **the same
float32 operations in the same order** as the numpy formulation they replace (the function of
the same name in ``reference_population.py``, tested equal in tests/test_fast_population.py),
so results are identical to the last bit. Rules that keep them exact:

- every float scalar that numpy would combine with a float32 array as a "weak" Python float
  is passed in as ``np.float32`` (Numba would otherwise compute in float64);
- no float reductions in a different order than numpy's: float32 sums stay in numpy, and the
  kernels add float32 amounts only in float64, where the sum is exact in any order;
- powers and exponentials are computed in float64 and rounded to float32 (``power32``): numpy's
  float32 ones use SIMD code on some processors (AVX-512) that differs from the C library's by an
  ulp, so only this makes the same numbers on every machine.

Compiled once per machine and cached next to this file (``cache=True``); a process loads the
cache in a fraction of a second.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from simcenter.stages import CLOSED, OPERATING, PILOT, SCALING

MONTHS_FIRST_YEAR = 12
"""Months of operation after which a venture's closure risk drops to the 'later' rate."""
BOOST_MIN = 1e-6
"""A capability boost at or below this no longer changes progress or closure (numerical)."""

# Layout of the population's ``counts`` array (int64), kept up to date by the kernels.
C_STAGE = 0           # [0, 10): people by world and stage, w * 5 + stage
C_LAUNCHED = 10       # [10, 12): launched during the run (pilot -> operating), by world
C_SCALED = 12         # [12, 14): scaled during the run (operating -> scaling), by world
C_OP_AFTER = 14       # [14, 16): operating after first being served (op_after), by world
C_OP_ALIVE = 16       # [16, 18): op_after and not closed, by world
C_CLIENT_LAUNCHED = 18  # launched and op_after, treated world
C_COHORT_N = 19       # [19, 25): supported ventures launched at least k years before, w * 3 + index of k
C_COHORT_ALIVE = 25   # [25, 31): of those, still running k years after their launch, w * 3 + index of k
C_SIZE = 31

COHORT_YEARS = (1, 3, 5)
"""Cohort survival is measured k years after launch, for these k."""
COHORT_ROWS = 4
"""Rows of the population's ``cohort`` table per world (w * 4 + row, by month of launch L): row 0 the
supported ventures launched in month L; row 1 + j those of them that closed at most COHORT_YEARS[j] years
after L. A venture is *supported* when its person had been served (mentoring or funding help) in or
before the month of its launch (``0 <= first_served <= L``), in either world: in the comparison world,
the same people's launches on or after the month the centre first served them in the treated one."""


@njit(cache=True, nogil=True)
def advance(n, cap, any_served, u_prog, u_close, stage, op_age, p_prog, p_close, p_stage_of,
            p_close_base, prog_mult, hazard_mult, launched, scaled, op_after, served,
            p_stage_of_code, p_close_lut, counts, launched_out, changes, month, first_served, cohort):
    """One month of progress and closure in both worlds (flat two-world arrays, entry w * cap + i).

    The same decisions as the numpy formulation: close if u_close < p_close; move one stage if
    u_prog < p_prog and not closing; running ventures (and closed ones) age a month; then each
    change of stage updates ``counts`` (layout C_*), the entry's probabilities, launched / scaled
    marks and op_after (operating after first being served). The flat indices of the launches,
    treated first, go to ``launched_out``; returns the launches in each world. Supported launches
    and their closures go to the ``cohort`` table (``COHORT_ROWS``) by month of launch; at the end, the
    cohorts launched k years before ``month`` are counted into ``counts`` (C_COHORT_*).

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
                if any_served and served[i]:
                    cohort[w * COHORT_ROWS, month] += 1
                if w == 0:
                    launches_t += 1
                    if any_served and op_after[f]:
                        counts[C_CLIENT_LAUNCHED] += 1
            elif not closing and s == OPERATING:
                scaled[f] = True
                counts[C_SCALED + w] += 1
            if closing and any_served and launched[f] and served[i]:
                months_run = np.int64(op_age[f])
                start = month - months_run
                if start >= 0 and first_served[i] <= start:
                    for j in range(len(COHORT_YEARS)):
                        if months_run <= 12 * COHORT_YEARS[j]:
                            cohort[w * COHORT_ROWS + 1 + j, start] += 1
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
    for w in range(2):
        for j in range(len(COHORT_YEARS)):
            start = month - 12 * COHORT_YEARS[j]
            if start >= 0:
                k = cohort[w * COHORT_ROWS, start]
                counts[C_COHORT_N + 3 * w + j] += k
                counts[C_COHORT_ALIVE + 3 * w + j] += k - cohort[w * COHORT_ROWS + 1 + j, start]
    return launches_t, nl - launches_t


@njit(inline="always")
def power32(x, exponent):
    """float32(x ** exponent), computed in float64 (``reference.power32``); x itself for an exponent
    of 1 (the default capability effect), which is what the power gives, without its cost."""
    if exponent == 1.0:
        return x
    return np.float32(math.pow(np.float64(x), exponent))


@njit(cache=True, nogil=True)
def refresh_boosted(j, stage_t, boost, cap0, prog_mult0, hazard_mult0, in_boosted, f_fund_t, f_tie,
                    prog_mult_t, hazard_mult_t, p_prog_t, p_close_t, p_stage_of_t, p_close_base_t,
                    boost_min, cap_mean, e_prog, e_hazard, keep_out):
    """Recompute the treated-world probabilities of people ``j`` whose boost may have changed;
    write those still boosted (boost > boost_min) to ``keep_out`` and return how many.

    Float32 as numpy: rel = min(cap0 + boost, 1) / mean; prog factor rel ** e_prog, hazard factor
    rel ** e_hazard (``power32``; back to the person's own factors once the boost is gone);
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
            pm = power32(rel, e_prog)
            hm = power32(rel, e_hazard)
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
            if k > f_ties.size - 1:  # no more progress beyond the cap on ties
                k = f_ties.size - 1
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
def month_end(do_advance, n, cap, any_served, u_prog, u_close, ends, dirty, cand, served_people,
              stage, op_age, p_prog, p_close, p_stage_of, p_close_base, prog_mult, hazard_mult, f_fund, funded,
              launched, scaled, op_after, served, boost, cap0, prog_mult0, hazard_mult0, in_boosted, ties, f_tie,
              f_funded, f_ties, p_close_later, p_stage_of_code, p_close_lut, boost_min, cap_mean, e_prog,
              e_hazard, counts, keep_out, launched_out, changes, month, first_served, cohort):
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
                     p_stage_of_code, p_close_lut, counts, launched_out, changes, month, first_served, cohort)
    mark_op_after(served_people, cap, stage, op_after, launched, counts)
    return kept, lt, lc
