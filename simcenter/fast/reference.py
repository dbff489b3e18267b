"""What the compiled loops compute, in plain numpy: their meaning, and the numbers the tests hold
them to (tests/test_fast.py).

The model's own code uses the few functions here that fix a floating-point convention for every
machine (``power32``, ``exp32``).
"""

from __future__ import annotations

import numpy as np

from simcenter.fast.population import BOOST_MIN
from simcenter.fast.rng import FLOAT32_UNIT, PHILOX_M0, PHILOX_M1, PHILOX_W0, PHILOX_W1
from simcenter.stages import CLOSED, COMPARISON, TREATED


# ---------------------------------------------------------------- floating-point conventions
def power32(x: np.ndarray, exponent: float) -> np.ndarray:
    """float32 ``x ** exponent``, computed in float64 and rounded once: numpy's float32 power takes
    a SIMD path on some processors (AVX-512) that differs from the C library's in the last bit, so
    the model never uses it; in float64 the two agree after rounding to float32."""
    return (np.asarray(x, dtype=np.float64) ** exponent).astype(np.float32)


def exp32(x: np.ndarray) -> np.ndarray:
    """float32 ``exp(x)``, computed in float64 (as ``power32``)."""
    return np.exp(np.asarray(x, dtype=np.float64)).astype(np.float32)


# ---------------------------------------------------------------- random numbers (fast/rng.py)
def philox4x32(counter: np.ndarray, key: tuple[int, int]) -> np.ndarray:
    """Philox4x32-10 of each row of ``counter`` (uint32, shape (k, 4)) under ``key``: uint32 (k, 4)."""
    c = np.asarray(counter, dtype=np.uint64).T.copy()
    k0, k1 = np.uint64(key[0]), np.uint64(key[1])
    low = np.uint64(0xFFFFFFFF)
    for _ in range(10):
        p0 = c[0] * PHILOX_M0
        p1 = c[2] * PHILOX_M1
        c = np.stack([(p1 >> np.uint64(32)) ^ c[1] ^ k0, p1 & low, (p0 >> np.uint64(32)) ^ c[3] ^ k1, p0 & low])
        k0 = (k0 + np.uint64(PHILOX_W0)) & low
        k1 = (k1 + np.uint64(PHILOX_W1)) & low
    return c.T.astype(np.uint32)


def uniforms(key: tuple[int, int], month: int, n: int, lanes: int = 1, slot: int | None = None) -> np.ndarray:
    """``rng.uniforms``: float32 (lanes, n). The stream's words in order: word ``w`` is output word
    ``w % 4`` of Philox4x32-10 of the counter ``(w // 4, month, 0, 0)``; person ``i`` takes the
    ``slot`` words from ``i * slot`` (slot: the lanes rounded up to 1, 2 or 4), lane ``k`` being
    its ``k``-th; a word's top 24 bits times 2**-24."""
    slot = slot if slot is not None else (1 if lanes == 1 else 2 if lanes == 2 else 4)
    calls = (n * slot + 3) // 4
    counter = np.zeros((calls, 4), dtype=np.uint32)
    counter[:, 0] = np.arange(calls)
    counter[:, 1] = month
    words = philox4x32(counter, key).reshape(-1)[: n * slot].reshape(n, slot)[:, :lanes].T
    return (words >> np.uint32(8)).astype(np.float32) * FLOAT32_UNIT


# ---------------------------------------------------------------- the report's bootstrap (fast/bootstrap.py)
def bootstrap_medians(idx: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The medians of ``a`` and of ``b`` over each resample (row of ``idx``)."""
    return np.median(a[idx], axis=1), np.median(b[idx], axis=1)


# ---------------------------------------------------------------- the population's month (fast/population.py)
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
