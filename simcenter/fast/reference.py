"""What the compiled loops compute, in plain numpy: their meaning, and the numbers the tests hold
them to (tests/test_fast.py).

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


def uniforms(key: tuple[int, int], month: int, n: int, lanes: int) -> np.ndarray:
    """``rng.uniforms``: float32 (lanes, n); lane k of person i is word k of Philox4x32-10 of the
    counter (i, month, 0, 0), its top 24 bits times 2**-24."""
    counter = np.zeros((n, 4), dtype=np.uint32)
    counter[:, 0] = np.arange(n)
    counter[:, 1] = month
    out = philox4x32(counter, key)[:, :lanes].T
    return (out >> np.uint32(8)).astype(np.float32) * FLOAT32_UNIT


# ---------------------------------------------------------------- the report's bootstrap (fast/bootstrap.py)
def bootstrap_medians(idx: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The medians of ``a`` and of ``b`` over each resample (row of ``idx``)."""
    return np.median(a[idx], axis=1), np.median(b[idx], axis=1)
