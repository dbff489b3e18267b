"""The compiled loops (simcenter/fast/) compute what their numpy reference computes, to the last
bit; this file: the random numbers (Philox4x32-10, against Random123's published answers and the
numpy formulation), the floating-point conventions (powers, comparisons with Python numbers) and
the report's bootstrap (simcenter/fast/reference.py).

The population's month and the services' selections have their own files, every kernel against
its reference (tests/test_fast_population.py: reference_population.py, with every call of a few
model runs; tests/test_fast_services.py: reference_services.py); the golden summary
(tests/test_golden.py) and ``Population.check`` after every month hold the model's results.
"""

from __future__ import annotations

import numpy as np
import pytest

from simcenter.fast import bootstrap, population, reference, rng

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
        people = np.array([49, 0, 3, 4, 1, 3])  # any order, repeats
        assert np.array_equal(reference.uniforms_of(key, 5, people, lanes), dense[:, people])
        for i in people:
            for lane in range(lanes):
                assert one(np.uint32(77), np.uint32(88), 5, i, lane, rng.slot_of(lanes)) == dense[lane, i]
    assert reference.uniforms_of(key, 5, np.array([], dtype=np.intp), 2).shape == (2, 0)


def test_power32_is_float64_rounded_once():
    """The capability factors: the kernel's power (C library, float64) and numpy's float64 power,
    rounded to float32, are the same numbers, whatever SIMD numpy's float32 power would use."""
    x = np.random.default_rng(3).random(50_000, dtype=np.float32) * np.float32(2.5)
    for e in (1.0, 0.2, -0.2, -0.6, 2.0, 0.8):
        ours = np.empty_like(x)
        _power_kernel(x, e, ours)
        assert np.array_equal(ours, reference.power32(x, e)), e


def test_numbers_are_compared_as_numba_types_them():
    """A Python float is a float64 in the loops (numpy would compare a float32 with it in float32);
    numpy's float32 numbers are float32 in both: ``reference.as_numba`` gives the loops' answer."""
    from numba import njit

    @njit
    def below(u, p):
        return u < p

    u = np.float32(0.3)
    just_above = float(u) + 2.0 ** -40  # rounds to u in float32
    assert below(u, just_above) and (np.array([u]) < reference.as_numba(just_above))[0]
    assert not (np.array([u]) < just_above)[0]  # numpy's own rule: float32
    assert not below(u, np.float32(just_above)) and not (np.array([u]) < reference.as_numba(np.float32(just_above)))[0]


def _power_kernel(x, e, out):
    from numba import njit

    @njit
    def go(x, e, out):
        for i in range(x.size):
            out[i] = population.power32(x[i], e)

    go(x, e, out)


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
