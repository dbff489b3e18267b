"""What the compiled loops compute, in plain numpy: the specification they are tested against
(tests/test_fast*.py), to the last bit. This module: the floating-point conventions, the random
numbers (``rng``) and the report's bootstrap (``bootstrap``); the population's month
(``population``) is specified in ``reference_population``, the services' selections
(``services``) in ``reference_services``.

Each says what a loop means, written for a reader: the loops are faster, never different. The
references of the model's kernels (``reference_population``, ``reference_services``) have the
name and the arguments of the kernel they specify, change the same arrays in place and return
the same numbers; where a loop writes a buffer beyond the count it returns (it gathers without
branches) or uses a scratch array, their module says so (``BEYOND_COUNT``, ``SCRATCH``): every
other array a kernel is given is specified whole. Those here return their numbers.

The model's own code uses the few functions here that fix a floating-point convention for every
machine (``power32``, ``exp32``).
"""

from __future__ import annotations

import numpy as np

from simcenter.fast.rng import FLOAT32_UNIT, PHILOX_M0, PHILOX_M1, PHILOX_W0, PHILOX_W1


# ---------------------------------------------------------------- floating-point conventions
def power32(x: np.ndarray, exponent: float) -> np.ndarray:
    """float32 ``x ** exponent``, computed in float64 and rounded once: numpy's float32 power takes
    a SIMD path on some processors (AVX-512) that differs from the C library's in the last bit, so
    the model never uses it; in float64 the two agree after rounding to float32."""
    return (np.asarray(x, dtype=np.float64) ** exponent).astype(np.float32)


def exp32(x: np.ndarray) -> np.ndarray:
    """float32 ``exp(x)``, computed in float64 (as ``power32``)."""
    return np.exp(np.asarray(x, dtype=np.float64)).astype(np.float32)


def as_numba(x):
    """A number as the compiled loops type it. A Python float is a float64 there (an int an int64),
    so ``u < 0.3`` compares a float32 ``u`` in float64; numpy takes a Python number as "weak"
    (NEP 50), of its array's type, and would compare in float32. Numpy numbers and arrays keep
    their type, which both treat alike: the model passes ``np.float32`` numbers where a decision
    is taken in float32."""
    if isinstance(x, (bool, int, float)) and not isinstance(x, np.generic):
        return np.asarray(x)
    return x


def put(out: np.ndarray, values: np.ndarray) -> int:
    """Write a list to the front of the buffer ``out``; return its length (what a loop returns)."""
    out[:len(values)] = values
    return len(values)


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
    its ``k``-th; a word's top 24 bits times 2**-24. Also ``rng.fill`` (one lane, for everyone)."""
    slot = slot if slot is not None else (1 if lanes == 1 else 2 if lanes == 2 else 4)
    calls = (n * slot + 3) // 4
    counter = np.zeros((calls, 4), dtype=np.uint32)
    counter[:, 0] = np.arange(calls)
    counter[:, 1] = month
    words = philox4x32(counter, key).reshape(-1)[: n * slot].reshape(n, slot)[:, :lanes].T
    return (words >> np.uint32(8)).astype(np.float32) * FLOAT32_UNIT


def uniforms_of(key: tuple[int, int], month: int, people: np.ndarray, lanes: int = 1) -> np.ndarray:
    """``rng.person_uniform``: the numbers of ``people`` (float32 (lanes, len(people))), their
    columns of ``uniforms``: a person's numbers do not depend on whose others are drawn."""
    n = int(np.max(people)) + 1 if len(people) else 0
    return uniforms(key, month, n, lanes)[:, people]


# ---------------------------------------------------------------- the report's bootstrap (fast/bootstrap.py)
def bootstrap_medians(idx: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The medians of ``a`` and of ``b`` over each resample (row of ``idx``)."""
    return np.median(a[idx], axis=1), np.median(b[idx], axis=1)
