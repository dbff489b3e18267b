"""The compiled loops (simcenter/fast/) give numpy's numbers, to the last bit.

Most kernels are covered by the golden summary (tests/test_golden.py: any change of any
result fails) and by ``Population.check`` after every month; these tests pin the pieces whose
equality with numpy is an assumption about numpy itself: its PCG64 stream and float32 uniforms,
float32 powers, and sorting and de-duplication.
"""

from __future__ import annotations

import numpy as np
import pytest

from simcenter.fast import bootstrap, population, services
from simcenter.model.draws import UniformDraws


@pytest.mark.parametrize("seed", [0, 1, 12345, 2**63 + 7])
def test_uniform_draws_are_numpys_float32_stream(seed):
    """fill and skip, in any mix of odd and even lengths, give exactly numpy's float32 uniforms."""
    ours = UniformDraws(np.random.default_rng(seed))
    ref = np.random.default_rng(seed)
    sizes = np.random.default_rng(seed % 1000).integers(0, 40, size=60).tolist() + [1, 1, 0, 100_001, 3]
    for k, size in enumerate(sizes):
        if k % 5 == 4:
            ours.skip(size)
            ref.random(size, dtype=np.float32)
            continue
        out = np.empty(size, dtype=np.float32)
        ours.fill(out)
        expected = ref.random(size, dtype=np.float32)
        assert np.array_equal(out, expected), f"call {k} (size {size}) differs"


def test_uniform_draws_start_from_a_half_used_output():
    """A generator that already drew one float32 keeps its spare 32 bits: the stream continues."""
    gen = np.random.default_rng(7)
    gen.random(3, dtype=np.float32)  # leaves a spare half
    ref = np.random.default_rng(7)
    ref.random(3, dtype=np.float32)
    ours = UniformDraws(gen)
    out = np.empty(11, dtype=np.float32)
    ours.fill(out)
    assert np.array_equal(out, ref.random(11, dtype=np.float32))


def test_uniform_draws_fall_back_for_other_bit_generators():
    gen = np.random.Generator(np.random.Philox(5))
    ours = UniformDraws(gen)
    out = np.empty(9, dtype=np.float32)
    ours.fill(out)
    assert np.array_equal(out, np.random.Generator(np.random.Philox(5)).random(9, dtype=np.float32))


def test_float32_powers_match_numpy():
    """refresh_boosted raises float32 capability ratios to float32 powers: numpy's numbers."""
    rng = np.random.default_rng(3)
    n = 50_000
    cap0 = rng.random(n, dtype=np.float32)
    boost = (rng.random(n, dtype=np.float32) * np.float32(0.3)).astype(np.float32)
    boost[::7] = 0  # some no longer boosted
    j = np.arange(n, dtype=np.intp)
    prog_mult0 = rng.random(n, dtype=np.float32) + np.float32(0.5)
    hazard_mult0 = rng.random(n, dtype=np.float32) + np.float32(0.5)
    f_fund = np.where(rng.random(n) < 0.3, np.float32(1.2), np.float32(1.0)).astype(np.float32)
    f_tie = np.where(rng.random(n) < 0.2, np.float32(1.05), np.float32(1.0)).astype(np.float32)
    p_stage_of = rng.random(n, dtype=np.float32) * np.float32(0.1)
    p_close_base = rng.random(n, dtype=np.float32) * np.float32(0.02)
    mean, e_prog, e_hazard = 0.45, 0.8, 0.6
    outs = [np.zeros(n, dtype=np.float32) for _ in range(4)]
    in_boosted = np.ones(n, dtype=np.bool_)
    keep = np.zeros(n, dtype=np.intp)
    stage = np.zeros(n, dtype=np.int8)
    k = population.refresh_boosted(j, stage, boost, cap0, prog_mult0, hazard_mult0, in_boosted, f_fund, f_tie, *outs,
                                p_stage_of, p_close_base, np.float32(1e-6), np.float32(mean), np.float32(e_prog),
                                np.float32(-e_hazard), keep)
    # The numpy formulation (Population._reference_probabilities).
    up = boost > 1e-6
    rel = np.minimum(cap0 + boost, 1.0) / mean
    pm = np.where(up, rel ** e_prog, prog_mult0) * f_fund * f_tie
    hm = np.where(up, rel ** (-e_hazard), hazard_mult0)
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
    """Wins come treated world first, ascending, with the helped ones' better odds (float64 compare)."""
    n, cap = 6, 8
    u_apply = np.array([0.1, 0.9, 0.1, 0.9, 0.1, 0.9], dtype=np.float32)
    q_apply = np.full(cap, 0.5, dtype=np.float32)
    helped = np.array([1, 3], dtype=np.intp)
    stage = np.full(2 * cap, 1, dtype=np.int8)
    stage[cap + 2] = 0  # an idea in the comparison world cannot apply
    u_win = np.array([0.2, 0.35, 0.2, 0.6, 0.5, 0.1], dtype=np.float32)
    u_amount = np.zeros(n, dtype=np.float32)
    bufs = [np.zeros(2 * cap, dtype=np.intp) for _ in range(3)]
    award = np.zeros(2 * cap, dtype=np.float32)
    helped_out = np.zeros(2 * cap, dtype=np.bool_)
    eligible = np.array([False, True, True, True, False])
    drawn = np.flatnonzero(u_apply < q_apply[:n]).astype(np.intp)
    k = services.own_funding(cap, drawn, u_apply, q_apply, helped, stage, u_win, u_amount, 0.3, 0.4,
                            np.float32(1000.0), np.float32(0.5), eligible, *bufs, award, helped_out)
    world, won = bufs[1][:k].tolist(), bufs[2][:k].tolist()
    # Treated: 0 (drawn, 0.2 < 0.3), 1 (helped, 0.35 < 0.4), 2 (drawn); 3 helped but 0.6 >= 0.4; 4: 0.5 >= 0.3.
    # Comparison: 0 only (2 is an idea there; 1 and 3 did not draw).
    assert list(zip(world, won)) == [(0, 0), (0, 1), (0, 2), (1, 0)]
    assert helped_out[:k].tolist() == [False, True, False, False]
    assert award[:k].tolist() == [500.0] * 4


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
    from simcenter.model.services import _first_of

    rng = np.random.default_rng(m + k)
    u = rng.random(4 * m, dtype=np.float32)
    idx = np.sort(rng.choice(4 * m, size=m, replace=False)).astype(np.intp)
    out = np.zeros(k, dtype=np.intp)
    assert services.lowest(idx, u, k, out) == k
    expected = idx[np.argpartition(u[idx], k)[:k]]
    assert np.array_equal(np.sort(out), np.sort(expected))
    assert np.array_equal(np.sort(_first_of(idx, u, k)), np.sort(expected))
    # A tie across the boundary: the k-th and (k+1)-th lowest draws are equal.
    order = idx[np.argsort(u[idx], kind="stable")]
    u[order[k]] = u[order[k - 1]]
    assert services.lowest(idx, u, k, out) == -1
    assert np.array_equal(np.sort(_first_of(idx, u, k)), np.sort(idx[np.argpartition(u[idx], k)[:k]]))


@pytest.mark.parametrize("n", [2, 7, 100, 101])
def test_bootstrap_medians_are_numpys(n):
    """The report's paired bootstrap medians, drawn and counted: the resamples numpy's
    ``integers`` gives and np.median of each, to the last bit, and the generator moved on as
    numpy moves it (also from a generator with a spare half of a 64-bit output)."""
    from simcenter.model.draws import pcg64_words, set_pcg64_words

    rng = np.random.default_rng(n)
    a = rng.normal(size=n) * 1e4
    a[::3] = np.round(a[::3] / 100)  # ties
    b = rng.permutation(a) + 1.0
    for spare in (False, True):
        ours, ref = np.random.default_rng(n + 10), np.random.default_rng(n + 10)
        if spare:
            ours.random(1, dtype=np.float32), ref.random(1, dtype=np.float32)
        idx = ref.integers(0, n, size=(500, n))
        out_a, out_b = np.empty(500), np.empty(500)
        words = pcg64_words(ours)
        bootstrap.bootstrap_medians(*words, a, b, out_a, out_b)
        set_pcg64_words(ours, *words)
        assert np.array_equal(out_a, np.median(a[idx], axis=1))
        assert np.array_equal(out_b, np.median(b[idx], axis=1))
        assert np.array_equal(ours.random(9), ref.random(9))


@pytest.mark.parametrize("seed", [0, 3, 2**40 + 1])
def test_integers_below_are_numpys(seed):
    """integers_below gives numpy's ``integers(0, bound, size)``, for small and large bounds (near
    2**31 about half of the 32-bit numbers are rejected and drawn again), mixed with float32
    draws that leave a spare half, and leaves the generator where numpy leaves it."""
    from simcenter.model.draws import integers_below

    ours, ref = np.random.default_rng(seed), np.random.default_rng(seed)
    for k, (bound, size) in enumerate([(100, (300, 100)), (2, 7), (3, 1), (2**32, 5), (99, 13),
                                       (2**31 + 11, 1001), (1, 4), (2**40, 3)]):
        if k % 3 == 1:
            assert np.array_equal(ours.random(3, dtype=np.float32), ref.random(3, dtype=np.float32))
        got, expected = integers_below(ours, bound, size), ref.integers(0, bound, size)
        assert got.dtype == expected.dtype and np.array_equal(got, expected), (bound, size)
    assert np.array_equal(ours.random(5), ref.random(5))
