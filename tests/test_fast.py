"""The compiled loops (simcenter/fast/) compute what their numpy formulation computes
(simcenter/fast/reference.py), to the last bit.

Most kernels are also covered by the golden summary (tests/test_golden.py: any change of any
result fails) and by ``Population.check`` after every month (the kept probabilities and counts
equal a from-scratch computation); these tests pin the pieces whose equality with numpy is not
obvious: the random numbers (Philox4x32-10, against Random123's published answers and the numpy
formulation), powers, sorting and de-duplication, and the report's bootstrap.
"""

from __future__ import annotations

import numpy as np
import pytest

from simcenter.fast import bootstrap, population, reference, rng, services

KNOWN_ANSWERS = [
    # Random123's kat_vectors for philox4x32 with 10 rounds: counter (4 words), key (2), output (4).
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((0xFFFFFFFF,) * 4, (0xFFFFFFFF,) * 2, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
]


@pytest.mark.parametrize("counter, key, expected", KNOWN_ANSWERS)
def test_philox_gives_random123s_known_answers(counter, key, expected):
    assert tuple(int(w) for w in rng.words(*counter, *key)) == expected
    assert tuple(reference.philox4x32(np.array([counter], dtype=np.uint32), key)[0].tolist()) == expected


@pytest.mark.parametrize("lanes", [1, 2, 3, 4])
def test_uniforms_are_the_numpy_formulation(lanes):
    key = (0x1234ABCD, 0x9E3779B9)
    slot = rng.slot_of(lanes)
    for month, n in ((0, 1), (7, 1000), (359, 3001), (12, 6)):
        out = np.full((lanes, n + 5), -1.0, dtype=np.float32)
        rng.uniforms(np.uint32(key[0]), np.uint32(key[1]), month, n, slot, out[:, :n])
        assert np.array_equal(out[:, :n], reference.uniforms(key, month, n, lanes))
        assert (out[:, n:] == -1.0).all()  # nothing written beyond n
    u = reference.uniforms(key, 3, 200_000, 1)[0]
    assert 0.0 <= u.min() and u.max() < 1.0
    assert abs(u.mean() - 0.5) < 0.003 and abs(u.var() - 1 / 12) < 0.001


def test_a_persons_number_is_its_words_in_the_stream():
    """person_uniform (the loops that draw for a few people) gives what uniforms writes for them."""
    from numba import njit

    @njit
    def one(k0, k1, month, i, lane, slot):
        return rng.person_uniform(k0, k1, month, i, lane, slot)

    key = (77, 88)
    for lanes in (1, 2, 3):
        dense = reference.uniforms(key, 5, 50, lanes)
        for i in (0, 1, 3, 4, 49):
            for lane in range(lanes):
                assert one(np.uint32(77), np.uint32(88), 5, i, lane, rng.slot_of(lanes)) == dense[lane, i]


def test_power32_is_float64_rounded_once():
    """The capability factors: the kernel's power (C library, float64) and numpy's float64 power,
    rounded to float32, are the same numbers, whatever SIMD numpy's float32 power would use."""
    x = np.random.default_rng(3).random(50_000, dtype=np.float32) * np.float32(2.5)
    for e in (1.0, 0.2, -0.2, -0.6, 2.0, 0.8):
        ours = np.empty_like(x)
        _power_kernel(x, e, ours)
        assert np.array_equal(ours, reference.power32(x, e)), e


def _power_kernel(x, e, out):
    from numba import njit

    @njit
    def go(x, e, out):
        for i in range(x.size):
            out[i] = population.power32(x[i], e)

    go(x, e, out)


def test_refresh_boosted_is_the_numpy_formulation():
    """refresh_boosted: the treated world's factors of people whose boost may have changed."""
    rng_ = np.random.default_rng(3)
    n = 50_000
    cap0 = rng_.random(n, dtype=np.float32)
    boost = (rng_.random(n, dtype=np.float32) * np.float32(0.3)).astype(np.float32)
    boost[::7] = 0  # some no longer boosted
    j = np.arange(n, dtype=np.intp)
    prog_mult0 = rng_.random(n, dtype=np.float32) + np.float32(0.5)
    hazard_mult0 = rng_.random(n, dtype=np.float32) + np.float32(0.5)
    f_fund = np.where(rng_.random(n) < 0.3, np.float32(1.2), np.float32(1.0)).astype(np.float32)
    f_tie = np.where(rng_.random(n) < 0.2, np.float32(1.05), np.float32(1.0)).astype(np.float32)
    p_stage_of = rng_.random(n, dtype=np.float32) * np.float32(0.1)
    p_close_base = rng_.random(n, dtype=np.float32) * np.float32(0.02)
    mean, e_prog, e_hazard = 0.45, 0.8, 0.6
    outs = [np.zeros(n, dtype=np.float32) for _ in range(4)]
    in_boosted = np.ones(n, dtype=np.bool_)
    keep = np.zeros(n, dtype=np.intp)
    stage = np.zeros(n, dtype=np.int8)
    k = population.refresh_boosted(j, stage, boost, cap0, prog_mult0, hazard_mult0, in_boosted, f_fund, f_tie, *outs,
                                   p_stage_of, p_close_base, np.float32(1e-6), np.float32(mean), e_prog, -e_hazard, keep)
    # The numpy formulation (Population._reference_probabilities).
    up = boost > 1e-6
    rel = np.minimum(cap0 + boost, 1.0) / mean
    pm = np.where(up, reference.power32(rel, e_prog), prog_mult0) * f_fund * f_tie
    hm = np.where(up, reference.power32(rel, -e_hazard), hazard_mult0)
    assert rel.dtype == np.float32 and pm.dtype == np.float32
    assert np.array_equal(outs[0], pm) and np.array_equal(outs[1], hm)
    assert np.array_equal(outs[2], p_stage_of * pm) and np.array_equal(outs[3], p_close_base * hm)
    assert np.array_equal(keep[:k], np.flatnonzero(up)) and np.array_equal(in_boosted, up)


@pytest.mark.parametrize("n, size", [(1000, 5), (1000, 900), (10, 0), (50_000, 100)])
def test_distinct_sorted_is_numpy_unique(n, size):
    idx = np.random.default_rng(size).integers(0, n, size=size).astype(np.intp)
    mark = np.zeros(n, dtype=np.bool_)
    out = np.zeros(n, dtype=np.intp)
    k = services.distinct_sorted(idx, n, mark, out)
    assert np.array_equal(out[:k], np.unique(idx))
    assert not mark.any()


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
    eligible = np.array([False, True, True, True, False])
    drawn = np.flatnonzero(u_apply < q_apply[:n]).astype(np.intp)
    k = services.own_funding(cap, 4, drawn, u_apply, np.uint32(key[0]), np.uint32(key[1]), q_apply, helped, stage,
                             p_base, p_helped, np.float32(1000.0), np.float32(0.5), eligible, *bufs, award, helped_out)
    world, won = bufs[1][:k].tolist(), bufs[2][:k].tolist()
    expected = [(0, i) for i in range(n) if i in (1, 3) or (u_apply[i] < 0.5 and u_win[i] < p_base)]
    expected += [(1, i) for i in range(n) if u_apply[i] < 0.5 and i != 2 and u_win[i] < p_base]
    assert list(zip(world, won)) == expected
    assert helped_out[:k].tolist() == [w == 0 and i in (1, 3) for w, i in expected]
    assert award[:k].tolist() == [np.float32(1000.0) * (np.float32(0.5) + u_amount[i]) for _, i in expected]


def test_funders_open_months_are_call_open():
    """The funding pipeline looks up each month's open calls in ``Funder.open_months``: the same
    months as ``Funder.call_open``, for every funder of every shipped scenario."""
    import simcenter
    from simcenter.model import CenterModel

    from conftest import ROOT

    for path in sorted((ROOT / "scenarios" / "plovdiv").glob("*.yaml")):
        model = CenterModel(simcenter.load_scenario(path), rng=1, collect=False)
        for funder in model.funders.values():
            for months in (model.months, 7, 200):
                assert funder.open_months(months) == [m for m in range(months) if funder.call_open(m)], (path.name, funder.fid)


@pytest.mark.parametrize("m, k", [(10, 3), (500, 120), (500, 499), (2, 1)])
def test_lowest_is_the_set_argpartition_chooses(m, k):
    """Without a tie at the boundary, the k lowest draws are the set numpy's argpartition gives;
    with one, the kernel says so (-1) and the services ask numpy."""
    from simcenter.model.services.base import first_of as _first_of

    rng = np.random.default_rng(m + k)
    u = rng.random(4 * m, dtype=np.float32)
    idx = np.sort(rng.choice(4 * m, size=m, replace=False)).astype(np.intp)
    out = np.zeros(k, dtype=np.intp)
    vals = u[idx]  # the draws of idx, aligned with it
    assert services.lowest(idx, vals, k, out) == k
    expected = idx[np.argpartition(vals, k)[:k]]
    assert np.array_equal(np.sort(out), np.sort(expected))
    assert np.array_equal(np.sort(_first_of(idx, vals, k)), np.sort(expected))
    # A tie across the boundary: the k-th and (k+1)-th lowest draws are equal.
    order = np.argsort(vals, kind="stable")
    vals[order[k]] = vals[order[k - 1]]
    assert services.lowest(idx, vals, k, out) == -1
    assert np.array_equal(np.sort(_first_of(idx, vals, k)), np.sort(idx[np.argpartition(vals, k)[:k]]))


@pytest.mark.parametrize("n", [2, 7, 100, 101])
def test_bootstrap_medians_are_numpys(n):
    """The report's paired bootstrap medians, counted: np.median of each resample, to the last bit."""
    rng_ = np.random.default_rng(n)
    a = rng_.normal(size=n) * 1e4
    a[::3] = np.round(a[::3] / 100)  # ties
    b = rng_.permutation(a) + 1.0
    idx = np.random.default_rng(n + 10).integers(0, n, size=(500, n))
    out_a, out_b = np.empty(500), np.empty(500)
    bootstrap.bootstrap_medians(idx, a, b, out_a, out_b)
    ref_a, ref_b = reference.bootstrap_medians(idx, a, b)
    assert np.array_equal(out_a, ref_a) and np.array_equal(out_b, ref_b)
