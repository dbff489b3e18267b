"""The services' compiled loops (simcenter/fast/services.py) compute what their numpy reference
(simcenter/fast/reference_services.py) computes, to the bit: every returned number and every array
they are given, on random people of several sizes (none, one, a few, many) and seeds, at every
stage in both worlds, with nobody, some or everybody drawn, and with ties.

The model's runs hold every call to the same (tests/test_fast_population.py: a recorded run).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from fast_support import agree
from simcenter.fast import reference, services
from simcenter.stages import CLOSED, COMPARISON, TREATED

SIZES = [0, 1, 5, 37, 1001]
SEEDS = [1, 2, 3]
ODDS = ["none", "some", "all", "edge"]
"""Probabilities of 0 (nobody drawn), random ones, 1 (a number in [0, 1) is always below it), and
each person's own number of the stream keyed ``key`` (a tie: not below), for every other one a
float32 step above it (below, just)."""
EDGE = 2.0 ** -40
"""Added to a float32 number, a float64 above it that rounds to it in float32: a comparison with it
in float64 (a Python float in the loops) says below, in float32 it would say equal."""
cases = pytest.mark.parametrize("seed, n", [(seed, n) for seed in SEEDS for n in SIZES])


def people(seed: int, n: int, odds: str = "some") -> SimpleNamespace:
    """``n`` random people in arrays of a larger capacity: every stage in both worlds (the same
    venture in most), some aware, reached, in a programme (online or not), in the city, digital;
    per-person probabilities as ``odds`` says; a month and a stream's key."""
    rng = np.random.default_rng(seed)
    cap = n + 3
    stage_t = np.zeros(cap, dtype=np.int8)
    stage_t[:n] = rng.integers(0, 5, n)
    stage = np.concatenate([stage_t, stage_t])
    stage[cap:cap + n] = np.where(rng.random(n) < 0.7, stage_t[:n], rng.integers(0, 5, n))

    def flags(p):
        return np.pad(rng.random(n) < p, (0, cap - n))

    month, key = int(rng.integers(0, 360)), tuple(np.uint32(k) for k in rng.integers(0, 2**32, 2))

    def probabilities(scale=1.0):
        if odds == "edge":
            u = reference.uniforms(key, month, cap)[0]
            return np.where(np.arange(cap) % 2 == 0, u, np.nextafter(u, np.float32(1)))
        p = {"none": np.zeros(cap), "some": rng.random(cap) * scale, "all": np.ones(cap)}[odds]
        return p.astype(np.float32)

    prog_left = np.where(flags(0.3), rng.integers(1, 7, cap), 0).astype(np.int16)
    return SimpleNamespace(
        n=n, cap=cap, month=month, key=key,
        key2=tuple(np.uint32(k) for k in rng.integers(0, 2**32, 2)), stage=stage, stage_t=stage_t,
        aware=flags(0.6), reached=flags(0.3), city=flags(0.5), digital=flags(0.6), online=flags(0.4),
        prog_left=prog_left, prog_online=flags(0.3) & (prog_left > 0),
        last_contact=rng.integers(-1, 360, cap).astype(np.int16), contact_mo=rng.integers(0, 361, cap).astype(np.int16),
        satisfaction=rng.random(cap, dtype=np.float32), p=probabilities(), q=probabilities(0.5),
        u=np.full(cap, -1.0, dtype=np.float32), out=np.full(2 * cap, -1, dtype=np.intp),
        out2=np.full(2 * cap, -1, dtype=np.intp), u_out=np.full(cap, -1.0, dtype=np.float32),
        u_out2=np.full(cap, -1.0, dtype=np.float32), mark=np.zeros(cap, dtype=np.bool_), rng=rng)


def some(rng, n: int, share: float) -> np.ndarray:
    """A random ascending subset of people 0 .. n-1 (intp)."""
    return np.flatnonzero(rng.random(n) < share).astype(np.intp)


# ---------------------------------------------------------------- hearing of the centre
@cases
def test_promotion_counts(seed, n):
    w = people(seed, n)
    w.satisfaction[: n // 2] = np.float32(0.6)  # ties with the threshold are not above it
    agree(services.promotion_counts, n, w.stage_t, w.aware, w.reached, w.satisfaction, np.float32(0.6))


@cases
@pytest.mark.parametrize("active", [True, False])
@pytest.mark.parametrize("p_new, p_forget", [(0.0, 0.0), (0.3, 0.2), (1.0, 1.0), ("tie", "tie")])
def test_awareness(seed, n, active, p_new, p_forget):
    w = people(seed, n)
    if p_new == "tie":  # someone's own number: not below it
        p_new = p_forget = reference.uniforms(w.key, w.month, n)[0][n // 2] if n else 0.5
    agree(services.awareness, n, w.month, active, np.float32(p_new), np.float32(p_forget), w.month - 6, *w.key, w.u,
          w.stage_t, w.aware, w.last_contact, w.prog_left)


# ---------------------------------------------------------------- who seeks what
@cases
@pytest.mark.parametrize("odds", ODDS)
def test_mentoring_select(seed, n, odds):
    w = people(seed, n, odds)
    p_drop = {"none": (0.0, 0.0), "some": (0.3, 0.1), "all": (1.0, 1.0), "edge": (0.5, 0.5)}[odds]
    if odds == "edge" and n:  # Python floats, compared in float64: just above someone's number, or equal to it
        u_drop = reference.uniforms(w.key, w.month, n)[0]
        p_drop = (float(u_drop[0]) + EDGE, float(u_drop[n - 1]))
        w.prog_left[[0, n - 1]], w.prog_online[[0, n - 1]], w.stage_t[[0, n - 1]] = 3, [True, False], 1
    agree(services.mentoring_select, n, w.month, w.stage_t, w.aware, w.prog_left, w.prog_online, *w.key, *p_drop,
          w.satisfaction, np.float32(0.7), *w.key2, w.u, w.p, w.out, w.out2, w.u_out)


@cases
@pytest.mark.parametrize("odds", ODDS)
def test_events_select(seed, n, odds):
    w = people(seed, n, odds)
    agree(services.events_select, n, w.month, w.stage_t, w.aware, *w.key, w.u, w.p, w.online, w.out, w.out2,
          w.u_out, w.u_out2)


@cases
@pytest.mark.parametrize("odds", ODDS)
def test_funding_select(seed, n, odds):
    w = people(seed, n, odds)
    agree(services.funding_select, n, w.month, w.stage_t, w.aware, *w.key, w.u, w.p, w.out, w.u_out)


ELIGIBLE = np.array([False, True, True, True, False])


@cases
@pytest.mark.parametrize("odds", ODDS)
def test_applicants_in_either_world(seed, n, odds):
    w = people(seed, n, odds)
    k, _ = agree(services.applicants, n, w.cap, w.month, w.stage, ELIGIBLE, *w.key, w.u, w.p, w.out)
    if odds == "all":  # everyone at an eligible stage in one world or the other
        assert k == np.count_nonzero(ELIGIBLE[w.stage[:n]] | ELIGIBLE[w.stage[w.cap:w.cap + n]])


# ---------------------------------------------------------------- choosing among them
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("m, k", [(2, 1), (10, 3), (500, 120), (500, 499)])
def test_lowest(seed, m, k):
    """Without a tie at the boundary the k lowest are one set: the one numpy's argpartition chooses
    (compared as sets: argpartition's order is not specified), which the services' ``first_of``
    returns; with one, the loop says so (-1) and ``first_of`` asks argpartition."""
    from simcenter.model.services.base import first_of

    rng = np.random.default_rng(seed)
    idx = np.sort(rng.choice(4 * m, size=m, replace=False)).astype(np.intp)
    vals = rng.random(m, dtype=np.float32)
    out = np.full(m, -1, dtype=np.intp)
    _, after = agree(services.lowest, idx, vals, k, out)
    assert set(after[3][:k]) == set(idx[np.argpartition(vals, k)[:k]]) == set(first_of(idx, vals, k))
    ordered = np.sort(vals)
    vals[vals == ordered[k]] = ordered[k - 1]  # a tie across the boundary: the loop declines
    assert agree(services.lowest, idx, vals, k, out)[0] == -1
    assert set(first_of(idx, vals, k)) == set(idx[np.argpartition(vals, k)[:k]])
    vals[:] = np.float32(0.5)  # all tied
    assert agree(services.lowest, idx, vals, k, out)[0] == -1


@pytest.mark.parametrize("n, size", [(1000, 5), (1000, 900), (10, 0), (1, 3), (50_000, 100), (50_000, 7000)])
def test_distinct_sorted(n, size):
    """Both of the loop's ways (few people: sort them; many: walk the marks) give np.unique."""
    idx = np.random.default_rng(size).integers(0, n, size=size).astype(np.intp)
    (k, after) = agree(services.distinct_sorted, idx, n, np.zeros(n, dtype=np.bool_), np.zeros(n, dtype=np.intp))
    assert np.array_equal(after[3][:k], np.unique(idx)) and not after[2].any()  # mark left all False


# ---------------------------------------------------------------- mentoring
@cases
@pytest.mark.parametrize("share", [0.0, 0.5, 1.0])
def test_turn_away(seed, n, share):
    w = people(seed, n)
    seekers = some(w.rng, n, 0.6)
    accepted = w.rng.permutation(seekers[w.rng.random(len(seekers)) < share])  # in no particular order
    agree(services.turn_away, seekers, accepted, w.mark, w.satisfaction, np.float32(0.8))


@cases
def test_mentoring_start_and_month(seed, n):
    w = people(seed, n)
    accepted = some(w.rng, n, 0.3)
    agree(services.mentoring_start, accepted, 6, w.prog_left, w.prog_online, w.digital, w.city)
    clients = w.rng.permutation(np.flatnonzero(w.prog_left[:n] > 0)).astype(np.intp)  # distinct, any order
    agree(services.mentoring_month, clients, w.month, w.prog_left, w.prog_online, w.last_contact, w.contact_mo)


# ---------------------------------------------------------------- events
@cases
@pytest.mark.parametrize("p_no_show", [0.0, 0.25, 1.0, "tie"])
def test_show_up(seed, n, p_no_show):
    w = people(seed, n)
    registered = some(w.rng, n, 0.5)
    if p_no_show == "tie":  # someone's own number: not below it, so they come
        p_no_show = float(reference.uniforms_of(w.key, w.month, registered)[0][0]) if len(registered) else 0.5
    online = w.rng.random(len(registered)) < 0.4
    reg_online, reg_onsite = w.rng.permutation(registered[online]), registered[~online]  # any order
    agree(services.show_up, w.month, reg_online, reg_onsite, *w.key, np.float32(p_no_show),
          np.float32(p_no_show / 2), w.out)


# ---------------------------------------------------------------- networking
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("k, n_contacts, n_choices", [(0, 5, 9), (1, 1, 1), (7, 3, 20), (1000, 400, 450)])
@pytest.mark.parametrize("p_tie", [0.0, 0.3, 1.0, "just above", "equal"])
def test_introductions(seed, k, n_contacts, n_choices, p_tie):
    rng = np.random.default_rng(seed)
    key = tuple(np.uint32(x) for x in rng.integers(0, 2**32, 2))
    month = int(rng.integers(0, 360))
    if isinstance(p_tie, str):  # the first introduction's tie number, compared in float64
        u = float(reference.uniforms(key, month, 1, lanes=3)[2][0])
        p_tie = u + EDGE if p_tie == "just above" else u
    outs = np.full(k + 2, -1, dtype=np.intp), np.full(k + 2, -1, dtype=np.intp), np.zeros(k + 2, dtype=np.bool_)
    _, after = agree(services.introductions, *key, month, k, n_contacts, n_choices, p_tie, *outs)
    assert (after[7][:k] < n_contacts).all() and (after[8][:k] < n_choices).all()


# ---------------------------------------------------------------- own funding
@cases
@pytest.mark.parametrize("odds", [(0.0, 0.0), (0.3, 0.9), (1.0, 1.0), "edge"])
def test_own_funding_in_both_worlds(seed, n, odds):
    w = people(seed, n)
    u_apply = w.rng.random(w.cap, dtype=np.float32)
    at_eligible = ELIGIBLE[w.stage[:n]] | ELIGIBLE[w.stage[w.cap:w.cap + n]]
    drawn = np.flatnonzero((u_apply[:n] < w.q[:n]) & at_eligible).astype(np.intp)  # as ``applicants`` draws them
    helped = some(w.rng, n, 0.2)
    if odds == "edge":  # the odds just above a candidate's u_win and equal to another's (float64 comparisons)
        u_win = reference.uniforms_of(w.key, w.month, np.union1d(drawn, helped), lanes=2)[0]
        odds = (float(u_win[0]) + EDGE, float(u_win[-1])) if len(u_win) else (0.5, 0.5)
    bufs = [np.full(2 * w.cap, -1, dtype=np.intp) for _ in range(3)]
    k, after = agree(services.own_funding, w.cap, w.month, drawn, u_apply, *w.key, w.q, helped, w.stage, *odds,
                     np.float32(12_000.0), np.float32(0.5), ELIGIBLE, *bufs, np.zeros(2 * w.cap, dtype=np.float32),
                     np.zeros(2 * w.cap, dtype=np.bool_))
    world = after[15][:k]
    assert (np.diff(world) >= 0).all() and not after[18][:k][world == COMPARISON].any()
    if odds == (1.0, 1.0):  # every applicant wins: the helped at an eligible stage in the treated world
        assert np.isin(helped[ELIGIBLE[w.stage[helped]]], after[16][:k][world == TREATED]).all()


def test_own_funding_treated_first_and_ascending():
    """Wins come treated world first, ascending, with the helped ones' better odds (float64 compare);
    the award numbers are the award stream's (two lanes a person), drawn once for both worlds."""
    n, cap = 6, 8
    key = (5, 9)
    u_apply = np.array([0.1, 0.9, 0.1, 0.9, 0.1, 0.9], dtype=np.float32)
    q_apply = np.full(cap, 0.5, dtype=np.float32)
    helped = np.array([1, 3], dtype=np.intp)
    stage = np.full(2 * cap, 1, dtype=np.int8)
    stage[cap + 2] = 0  # an idea in the comparison world cannot apply
    u_win, u_amount = reference.uniforms(key, 4, n, 2)
    p_base, p_helped = float(np.sort(u_win)[3]), 1.0  # the helped always win; the drawn below the 4th lowest
    bufs = [np.zeros(2 * cap, dtype=np.intp) for _ in range(3)]
    award = np.zeros(2 * cap, dtype=np.float32)
    helped_out = np.zeros(2 * cap, dtype=np.bool_)
    drawn = np.flatnonzero(u_apply < q_apply[:n]).astype(np.intp)
    k = services.own_funding(cap, 4, drawn, u_apply, np.uint32(key[0]), np.uint32(key[1]), q_apply, helped, stage,
                             p_base, p_helped, np.float32(1000.0), np.float32(0.5), ELIGIBLE, *bufs, award, helped_out)
    world, won = bufs[1][:k].tolist(), bufs[2][:k].tolist()
    expected = [(0, i) for i in range(n) if i in (1, 3) or (u_apply[i] < 0.5 and u_win[i] < p_base)]
    expected += [(1, i) for i in range(n) if u_apply[i] < 0.5 and i != 2 and u_win[i] < p_base]
    assert list(zip(world, won)) == expected
    assert helped_out[:k].tolist() == [w == 0 and i in (1, 3) for w, i in expected]
    assert award[:k].tolist() == [np.float32(1000.0) * (np.float32(0.5) + u_amount[i]) for _, i in expected]


def test_a_closed_venture_is_never_selected():
    """Nobody whose venture closed (treated world) is selected, whatever the odds."""
    w = people(4, 200, "all")
    w.stage_t[:200] = CLOSED
    w.aware[:] = True
    assert services.events_select(200, 0, w.stage_t, w.aware, *w.key, w.u, w.p, w.online, w.out, w.out2,
                                  w.u_out, w.u_out2) == (0, 0)
    assert services.funding_select(200, 0, w.stage_t, w.aware, *w.key, w.u, w.p, w.out, w.u_out) == 0
