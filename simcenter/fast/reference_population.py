"""The population's month (``simcenter.fast.population``) in plain numpy: what each compiled loop
means, the specification it is tested against (tests/test_fast_population.py), to the last bit;
and the from-scratch formulation of the kept probabilities (``population_probabilities``) that
``Population.check`` holds the model to.

Each function below has the name and the arguments of the kernel it specifies, changes the same
arrays in place and returns the same numbers (conventions: ``reference``). Two-world arrays are
flat, entry (world w, person i) at ``w * cap + i``. Float32 arithmetic is the loops': the same
operations in the same order. Float32 amounts of money (not negative) are added up in float64,
one by one in the loops, by ``np.sum`` here: the sum is exact, so the same in any order, while the
total stays below 2**30 times the smallest amount (the model's awards are within a few times of
one another).
"""

from __future__ import annotations

import numpy as np

from simcenter.fast.population import (BOOST_MIN, C_CLIENT_LAUNCHED, C_COHORT_ALIVE, C_COHORT_N, C_LAUNCHED,
                                       C_OP_AFTER, C_OP_ALIVE, C_SCALED, C_STAGE, COHORT_ROWS, COHORT_YEARS,
                                       MONTHS_FIRST_YEAR)
from simcenter.fast.reference import as_numba, power32, put
from simcenter.stages import CLOSED, COMPARISON, OPERATING, PILOT, SCALING, TREATED

BEYOND_COUNT: dict[str, dict[str, int]] = {}
"""No loop of the population's month writes an output buffer beyond the count it returns."""
SCRATCH = {"advance": ("changes",), "month_end": ("changes",)}
"""Arrays a loop uses as scratch, by kernel: what they hold afterwards is not specified."""


# ---------------------------------------------------------------- the month
def month_end(do_advance, n, cap, any_served, u_prog, u_close, ends, dirty, cand, served_people,
              stage, op_age, p_prog, p_close, p_stage_of, p_close_base, prog_mult, hazard_mult, f_fund, funded,
              launched, scaled, op_after, served, boost, cap0, prog_mult0, hazard_mult0, in_boosted, ties, f_tie,
              f_funded, f_ties, p_close_later, p_stage_of_code, p_close_lut, boost_min, cap_mean, e_prog,
              e_hazard, counts, keep_out, launched_out, changes, month, first_served, cohort):
    """``month_end``: the population's month. The probabilities brought up to date, in this order:
    entries whose first year of operation ended (``ends``), entries first funded or newly tied
    (``dirty``), people whose boost may have changed (``cand``, treated world; those still boosted
    to ``keep_out``); then, with ``do_advance``, the month's progress and closure and, for the
    people first served since the last month (``served_people``), operating after being served.
    Returns (people kept boosted, launches treated, launches comparison)."""
    first_year_over(ends, stage, p_close_later, p_close_base, p_close, hazard_mult)
    refresh_dirty(dirty, cap, funded, f_funded, f_fund, prog_mult0, hazard_mult0, ties, f_ties, f_tie,
                  prog_mult, hazard_mult, p_prog, p_close, p_stage_of, p_close_base)
    kept = refresh_boosted(cand, stage[:cap], boost, cap0, prog_mult0, hazard_mult0, in_boosted, f_fund[:cap], f_tie,
                           prog_mult[:cap], hazard_mult[:cap], p_prog[:cap], p_close[:cap], p_stage_of[:cap],
                           p_close_base[:cap], boost_min, cap_mean, e_prog, e_hazard, keep_out)
    if not do_advance:
        return kept, 0, 0
    launches = advance(n, cap, any_served, u_prog, u_close, stage, op_age, p_prog, p_close, p_stage_of, p_close_base,
                       prog_mult, hazard_mult, launched, scaled, op_after, served, p_stage_of_code, p_close_lut,
                       counts, launched_out, changes, month, first_served, cohort)
    mark_op_after(served_people, cap, stage, op_after, launched, counts)
    return kept, *launches


def advance(n, cap, any_served, u_prog, u_close, stage, op_age, p_prog, p_close, p_stage_of, p_close_base,
            prog_mult, hazard_mult, launched, scaled, op_after, served, p_stage_of_code, p_close_lut, counts,
            launched_out, changes, month, first_served, cohort):
    """``advance``: one month of progress and closure in both worlds, on the same numbers (person
    ``i``'s ``u_prog[i]`` and ``u_close[i]`` in both).

    Running and closed ventures (stage >= operating) age a month. A venture closes if u_close <
    p_close; else it moves one stage on if u_prog < p_prog (closed ventures' probabilities are 0:
    they never change; scaling ones' progress is 0). For each that changes stage: the
    counts by world and stage (``counts``, layout ``C_*``); its progress probability
    (``p_stage_of_code[code]``, code = 10 * world + 2 * old stage + closing, times ``prog_mult``)
    and closure probability (``p_close_lut[13 * new stage + min(age, 12)]``, times
    ``hazard_mult``); a pilot that moves on is launched (``launched``; its entry to
    ``launched_out``, treated world first, ascending), an operating venture that moves on scales
    (``scaled``). Once anybody has been served (``any_served``): a venture that closes while
    operating after its person was served (``op_after``) leaves those alive; one that
    becomes operating or scaling, not yet ``op_after``, whose person has been served
    (``served``), now is; a treated launch that is (before or now) ``op_after`` is a client
    launch.

    Cohorts (``cohort``, rows ``COHORT_ROWS`` per world, columns by month of launch): a launch in
    ``month`` by a person already served is a supported launch of that month; a launched venture of a
    served person that closes after ``op_age`` months of operation, launched in L = month - op_age
    with ``0 <= first_served <= L``, closed within k years of its launch for each k of
    ``COHORT_YEARS`` with op_age <= 12 k. Then, for each world and k, the supported ventures launched
    in month - 12 k, and how many of them had not closed within k years, are added to ``counts``
    (``C_COHORT_N``, ``C_COHORT_ALIVE``). Returns the launches in each world."""
    launches = []
    for w in (TREATED, COMPARISON):
        world = slice(w * cap, w * cap + n)
        op_age[world] += stage[world] >= OPERATING
        closing = u_close[:n] < p_close[world]
        i = np.flatnonzero(closing | (u_prog[:n] < p_prog[world]))  # whose venture changes stage
        e, c = w * cap + i, closing[i]
        old = stage[e].astype(np.intp)
        new = np.where(c, CLOSED, old + 1)
        stage[e] = new
        counts[C_STAGE + 5 * w: C_STAGE + 5 * w + 5] += np.bincount(new, minlength=5) - np.bincount(old, minlength=5)
        p_stage_of[e] = p_stage_of_code[10 * w + 2 * old + c]
        p_prog[e] = p_stage_of[e] * prog_mult[e]
        p_close_base[e] = p_close_lut[13 * new + np.minimum(op_age[e], MONTHS_FIRST_YEAR)]
        p_close[e] = p_close_base[e] * hazard_mult[e]
        launch, scale = e[~c & (old == PILOT)], e[~c & (old == OPERATING)]
        launched[launch] = True
        scaled[scale] = True
        counts[C_LAUNCHED + w] += len(launch)
        counts[C_SCALED + w] += len(scale)
        launches.append(launch)
        if any_served:
            sup = launch[served[launch - w * cap]]
            np.add.at(cohort[w * COHORT_ROWS], np.full(len(sup), month), 1)
            gone = e[c & launched[e] & served[i]]
            run = op_age[gone].astype(np.int64)
            start = month - run
            fs = first_served[gone - w * cap]
            keep = (start >= 0) & (fs <= start)
            for j, years in enumerate(COHORT_YEARS):
                within = keep & (run <= 12 * years)
                np.add.at(cohort[w * COHORT_ROWS + 1 + j], start[within], 1)
        if any_served:
            counts[C_OP_ALIVE + w] -= np.count_nonzero(op_after[e] & c)
            if w == TREATED:
                counts[C_CLIENT_LAUNCHED] += np.count_nonzero(op_after[launch])
            now = e[((new == OPERATING) | (new == SCALING)) & ~op_after[e] & served[i]]
            _operate_after(now, w, op_after, launched, counts)
    put(launched_out, np.concatenate(launches))
    for w in (TREATED, COMPARISON):
        for j, years in enumerate(COHORT_YEARS):
            start = month - 12 * years
            if start >= 0:
                k = cohort[w * COHORT_ROWS, start]
                counts[C_COHORT_N + 3 * w + j] += k
                counts[C_COHORT_ALIVE + 3 * w + j] += k - cohort[w * COHORT_ROWS + 1 + j, start]
    return len(launches[TREATED]), len(launches[COMPARISON])


def mark_op_after(people, cap, stage, op_after, launched, counts):
    """``mark_op_after``: people just served (distinct) whose venture is running (operating or
    scaling) and not yet ``op_after``, in each world, now operate after being served (``counts``:
    op_after, op_after and alive, client launches)."""
    for w in (TREATED, COMPARISON):
        e = w * cap + people
        running = (stage[e] == OPERATING) | (stage[e] == SCALING)
        _operate_after(e[running & ~op_after[e]], w, op_after, launched, counts)


def _operate_after(e, w, op_after, launched, counts):
    """Entries ``e`` of world ``w`` become ``op_after``, counted; a treated one launched is a client launch."""
    op_after[e] = True
    counts[C_OP_AFTER + w] += len(e)
    counts[C_OP_ALIVE + w] += len(e)
    if w == TREATED:
        counts[C_CLIENT_LAUNCHED] += np.count_nonzero(launched[e])


# ---------------------------------------------------------------- the kept probabilities
def first_year_over(f, stage, p_close_later, p_close_base, p_close, hazard_mult):
    """``first_year_over``: entries ``f`` finished their first year of operation; their closure
    probability drops to the later rate of their stage, ``p_close_later[stage] * hazard_mult``."""
    p_close_base[f] = p_close_later[stage[f]]
    p_close[f] = p_close_base[f] * hazard_mult[f]


def refresh_dirty(f, cap, funded, f_funded, f_fund, prog_mult0, hazard_mult0, ties, f_ties, f_tie,
                  prog_mult, hazard_mult, p_prog, p_close, p_stage_of, p_close_base):
    """``refresh_dirty``: the factors and probabilities of the entries ``f`` (first funded, newly
    tied) made again as if not boosted (``refresh_boosted`` follows for the boosted): progress
    factor = the person's own capability factor (``prog_mult0``) * the funding factor
    (``f_funded[funded]``, kept in ``f_fund``) [* in the treated world, the ties factor
    ``f_ties[min(ties, its last)]``, kept in ``f_tie``]; closure factor = ``hazard_mult0``;
    progress = ``p_stage_of * prog_mult``, closure = ``p_close_base * hazard_mult``."""
    i = f % cap
    f_fund[f] = f_funded[funded[f].astype(np.intp)]
    prog = prog_mult0[i] * f_fund[f]
    treated = f < cap
    t = i[treated]
    f_tie[t] = f_ties[np.minimum(ties[t], len(f_ties) - 1)]
    prog[treated] = prog[treated] * f_tie[t]
    prog_mult[f] = prog
    hazard_mult[f] = hazard_mult0[i]
    p_prog[f] = p_stage_of[f] * prog_mult[f]
    p_close[f] = p_close_base[f] * hazard_mult[f]


def refresh_boosted(j, stage_t, boost, cap0, prog_mult0, hazard_mult0, in_boosted, f_fund_t, f_tie,
                    prog_mult_t, hazard_mult_t, p_prog_t, p_close_t, p_stage_of_t, p_close_base_t,
                    boost_min, cap_mean, e_prog, e_hazard, keep_out):
    """``refresh_boosted``: the treated-world factors and probabilities of people ``j`` (distinct)
    whose boost may have changed. Those whose venture closed leave the set of the boosted
    (``in_boosted``), unchanged (their probabilities are zero whatever their factors). For the
    others: while boosted (boost > ``boost_min``), rel = min(cap0 + boost, 1) / ``cap_mean`` and
    the capability factors are ``power32(rel, e_prog)`` and ``power32(rel, e_hazard)``; else
    they leave the set and their own factors (``prog_mult0``, ``hazard_mult0``) are back. The
    progress factor then times the funding factor, times the ties factor; progress =
    ``p_stage_of * prog_mult``, closure = ``p_close_base * hazard_mult``. Those still boosted go
    to ``keep_out``; returns how many. (``boost_min``, ``cap_mean``: float32 numbers.)"""
    in_boosted[j[stage_t[j] == CLOSED]] = False
    j = j[stage_t[j] != CLOSED]
    up = boost[j] > as_numba(boost_min)
    rel = np.minimum(cap0[j] + boost[j], np.float32(1.0)) / cap_mean
    prog = np.where(up, power32(rel, e_prog), prog_mult0[j]) * f_fund_t[j] * f_tie[j]
    hazard = np.where(up, power32(rel, e_hazard), hazard_mult0[j])
    in_boosted[j[~up]] = False
    prog_mult_t[j] = prog
    hazard_mult_t[j] = hazard
    p_prog_t[j] = p_stage_of_t[j] * prog
    p_close_t[j] = p_close_base_t[j] * hazard
    return put(keep_out, j[up])


# ---------------------------------------------------------------- what the services change
def touch(idx, month, served_flag, reached, city, aware, last_contact, contact_mo, first_served,
          served, funding_t, funding_c, new_reached, new_served, served_funding):
    """``touch``: people ``idx`` (distinct) used a service this month; ``served_flag``: one that
    serves them (mentoring, funding help), not only reaches them (events). Those not reached
    before are newly reached (``new_reached``, in the order of ``idx``); all are reached, aware
    of the centre and in contact this month (``last_contact``; ``contact_mo`` = month + 1).
    With ``served_flag`` all are served; those never served before are first served this month
    (``first_served``, ``new_served``) and their funding, per world, is added to
    ``served_funding`` (float64). Returns (newly reached, newly served, newly reached living
    outside the city)."""
    fresh = idx[~reached[idx]]
    reached[idx] = True
    aware[idx] = True
    last_contact[idx] = month
    contact_mo[idx] = month + 1
    n_served = 0
    if served_flag:
        first = idx[first_served[idx] < 0]
        first_served[first] = month
        served[idx] = True
        n_served = put(new_served, first)
        if n_served:
            served_funding[TREATED] += np.sum(funding_t[first], dtype=np.float64)
            served_funding[COMPARISON] += np.sum(funding_c[first], dtype=np.float64)
    return put(new_reached, fresh), n_served, np.count_nonzero(~city[fresh])


def award_funding(world, idx, award, cap, funding, funded, served, any_served, dirty_out, served_funding):
    """``award_funding``: people ``idx`` obtain ``award`` in ``world`` (the entries distinct):
    their funding grows (float32); those funded for the first time go to ``dirty_out`` (entries,
    in the given order; returns how many). With ``any_served``, what the funding of served people
    grew by (the float32 values' difference, in float64) is added to ``served_funding``, by world."""
    e = world * cap + idx
    before = funding[e]
    funding[e] = before + award
    k = put(dirty_out, e[~funded[e]])
    funded[e] = True
    if any_served:
        gain = funding[e].astype(np.float64) - before.astype(np.float64)
        for w in (TREATED, COMPARISON):
            served_funding[w] += np.sum(gain[(world == w) & served[idx]])
    return k


def gain_boost(idx, cap0, boost, g, satisfaction, s, in_boosted, new_out, in_boost_all, all_buf, n_all):
    """``gain_boost``: people ``idx`` (distinct) gain capability, ``boost += g * max(0, 1 - (cap0 +
    boost))``, and satisfaction, ``satisfaction += s * (1 - satisfaction)`` (float32). Those not
    yet in the set of the month's boosted (``in_boosted``) join it and go to ``new_out``; those
    never boosted before (``in_boost_all``) are appended to ``all_buf`` from ``n_all``. Returns
    (number written to new_out, new length of all_buf)."""
    one = np.float32(1.0)
    room = np.maximum(one - (cap0[idx] + boost[idx]), np.float32(0.0))
    boost[idx] += as_numba(g) * room
    satisfaction[idx] += as_numba(s) * (one - satisfaction[idx])
    new, first = idx[~in_boosted[idx]], idx[~in_boost_all[idx]]
    in_boosted[new] = True
    in_boost_all[first] = True
    all_buf[n_all:n_all + len(first)] = first
    return put(new_out, new), n_all + len(first)


def fade(idx, boost, prog_left, factor, everyone):
    """``fade``: the boost of people ``idx`` (distinct) not in a mentoring programme
    (``prog_left`` <= 0; all of them if ``everyone``) is multiplied by ``factor``."""
    fading = idx if everyone else idx[prog_left[idx] <= 0]
    boost[fading] *= as_numba(factor)


def recent_values(n, contact_mo, after, values, out):
    """``recent_values``: the ``values`` of the people whose ``contact_mo`` is above ``after``, in
    ascending order of people, written to ``out``; returns how many."""
    return put(out, values[:n][contact_mo[:n] > after])

# ---------------------------------------------------------------- the kept numbers from scratch (Population.check)
def population_probabilities(pop) -> tuple[np.ndarray, np.ndarray]:
    """This month's progress and closure probabilities of ``pop`` (a ``Population``) computed from
    scratch over the whole population (the direct formulation): what the kept probabilities the
    compiled month (``population.month_end``) updates must equal, to the last bit."""
    b = pop.behaviour
    n = pop.n
    stage = pop.stage[:, :n]
    op_age = pop.op_age[:, :n]
    prog_mult = np.broadcast_to(pop.prog_mult0[:n], (2, n)).copy()
    hazard_mult = np.broadcast_to(pop.hazard_mult0[:n], (2, n)).copy()
    boosted = np.flatnonzero(pop.boost[:n] > BOOST_MIN)
    if len(boosted):
        rel = np.minimum(pop.cap0[boosted] + pop.boost[boosted], 1.0) / b.capability_mean
        prog_mult[TREATED, boosted] = power32(rel, b.capability_effect)
        hazard_mult[TREATED, boosted] = power32(rel, -b.capability_effect_survival)
    prog_mult = prog_mult * (np.float32(1.0) + np.float32(b.funding_progress_effect) * pop.funded[:, :n])
    prog_mult[TREATED] *= np.float32(1.0) + np.float32(b.tie_progress_effect) * np.minimum(pop.ties[:n], b.ties_cap)
    p_prog = pop._p_stage[stage] * prog_mult
    key = stage.astype(np.int16) * 13 + np.minimum(op_age, 12)
    p_close = pop._p_close_lut[key] * hazard_mult
    return p_prog, p_close

def check_population(pop) -> list[str]:
    """Every kept probability and count of ``pop`` (its pending changes applied) against a
    from-scratch computation; the mismatches."""
    n = pop.n
    problems = []
    p_prog, p_close = population_probabilities(pop)
    for name, ref in (("p_prog", p_prog), ("p_close", p_close)):
        kept = getattr(pop, "_" + name)[:, :n]
        if not np.array_equal(ref, kept):
            problems.append(f"{name} differs for {np.count_nonzero(ref != kept)} entries")
    served = pop.served[:n]
    for w in (TREATED, COMPARISON):
        stage = pop.stage[w, :n]
        op_after = pop.op_after[w, :n]
        expected = {
            "by_stage": (np.bincount(stage, minlength=5), pop.by_stage[w]),
            "n_launched": (np.count_nonzero(pop.launched[w, :n]), pop.n_launched[w]),
            "n_scaled": (np.count_nonzero(pop.scaled[w, :n]), pop.n_scaled[w]),
            "n_op_after": (np.count_nonzero(op_after), pop.n_op_after[w]),
            "n_op_after_alive": (np.count_nonzero(op_after & (stage < CLOSED)), pop.n_op_after_alive[w]),
            "served_funding": (np.sum(pop.funding[w, :n], where=served, dtype=np.float64), pop.served_funding[w]),
        }
        for name, (ref, kept) in expected.items():
            if not np.array_equal(ref, kept):
                problems.append(f"{name}[{w}] differs: {ref} != {kept}")
    problems += _check_cohorts(pop)
    if np.count_nonzero(pop.launched[TREATED, :n] & pop.op_after[TREATED, :n]) != pop.n_client_launched:
        problems.append("n_client_launched differs")
    if np.count_nonzero(pop.reached[:n]) != pop.n_reached or not np.array_equal(
            np.flatnonzero(pop.reached[:n]), pop.reached_idx()):
        problems.append("reached differs")
    if np.count_nonzero(served) != pop.n_served:
        problems.append("n_served differs")
    if np.count_nonzero(pop.reached[:n] & ~pop.city[:n]) != pop.n_reached_towns:
        problems.append("n_reached_towns differs")
    if np.count_nonzero(pop.boost[:n]) > len(pop._boost_all):
        problems.append("_boost_all misses someone with a boost")
    return problems


def _check_cohorts(pop) -> list[str]:
    """The cohort counts from the people's state: a launched venture began operating ``op_age`` months
    before the last month advanced (ages keep counting after closure), so the supported ventures
    launched at least k years before are known exactly; of them, those running now were running k years
    after their launch, and no more than all of them."""
    problems = []
    n, last = pop.n, pop._month - 1
    if last < 0:
        return problems
    fs = pop.first_served[:n].astype(np.int64)
    for w in (TREATED, COMPARISON):
        start = last - pop.op_age[w, :n].astype(np.int64)
        supported = pop.launched[w, :n] & (fs >= 0) & (fs <= start)
        running = pop.stage[w, :n] < CLOSED
        for j, years in enumerate(COHORT_YEARS):
            old = supported & (start <= last - 12 * years)
            if np.count_nonzero(old) != pop.cohort_n[w][j]:
                problems.append(f"cohort_n[{w}][{j}] differs: {np.count_nonzero(old)} != {pop.cohort_n[w][j]}")
            if not np.count_nonzero(old & running) <= pop.cohort_alive[w][j] <= pop.cohort_n[w][j]:
                problems.append(f"cohort_alive[{w}][{j}] out of its bounds")
    return problems
