"""Counter-based random numbers: Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy
as 1, 2, 3", SC 2011; the Random123 library), compiled.

A counter-based generator is a keyed bijection: four 32-bit counter words and a two-word key give
four 32-bit outputs, with no state carried from one call to the next. The model keys one stream
per decision (its name and the run's seed, ``simcenter.model.draws``) and counts by (person,
month), so a person's number for a decision in a month is a pure function of those: it does not
depend on which other decisions were drawn, in what order, or for how many people. The numpy
formulation is ``reference.philox4x32``; both are checked against Random123's published
known-answer vectors (tests/test_fast.py).
"""

from __future__ import annotations

import numpy as np
from numba import njit

PHILOX_M0 = np.uint64(0xD2511F53)
PHILOX_M1 = np.uint64(0xCD9E8D57)
PHILOX_W0 = np.uint32(0x9E3779B9)
PHILOX_W1 = np.uint32(0xBB67AE85)
"""Philox4x32's multipliers and key-schedule increments (Random123, philox.h)."""
_LOW32 = np.uint64(0xFFFFFFFF)
_32 = np.uint64(32)
_8 = np.uint32(8)
FLOAT32_UNIT = np.float32(2.0 ** -24)
"""A float32 uniform is the top 24 bits of a 32-bit output times 2**-24: [0, 1), as numpy makes them."""


@njit(inline="always")
def philox4x32(c0, c1, c2, c3, k0, k1):
    """Philox4x32-10 of the counter (c0, c1, c2, c3) under the key (k0, k1), all uint32."""
    for _ in range(10):
        p0 = np.uint64(c0) * PHILOX_M0
        p1 = np.uint64(c2) * PHILOX_M1
        hi0, lo0 = np.uint32(p0 >> _32), np.uint32(p0 & _LOW32)
        hi1, lo1 = np.uint32(p1 >> _32), np.uint32(p1 & _LOW32)
        c0, c1, c2, c3 = hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0
        k0 = np.uint32(k0 + PHILOX_W0)
        k1 = np.uint32(k1 + PHILOX_W1)
    return c0, c1, c2, c3


@njit(cache=True, nogil=True)
def uniforms(k0, k1, month, n, out):
    """Float32 uniforms for people 0 .. n-1 in ``month``: ``out[lane, i]`` is output word ``lane``
    of Philox4x32-10 of the counter (i, month, 0, 0) under the key (k0, k1); ``out`` has 1 to 4
    rows (lanes: numbers per person and month) and at least ``n`` columns."""
    lanes = out.shape[0]
    m = np.uint32(month)
    zero = np.uint32(0)
    for i in range(n):
        r0, r1, r2, r3 = philox4x32(np.uint32(i), m, zero, zero, k0, k1)
        out[0, i] = np.float32(r0 >> _8) * FLOAT32_UNIT
        if lanes > 1:
            out[1, i] = np.float32(r1 >> _8) * FLOAT32_UNIT
        if lanes > 2:
            out[2, i] = np.float32(r2 >> _8) * FLOAT32_UNIT
        if lanes > 3:
            out[3, i] = np.float32(r3 >> _8) * FLOAT32_UNIT


@njit(cache=True, nogil=True)
def words(c0, c1, c2, c3, k0, k1):
    """Philox4x32-10 of one counter, as four uint32 words (for tests and the known-answer check)."""
    return philox4x32(np.uint32(c0), np.uint32(c1), np.uint32(c2), np.uint32(c3), np.uint32(k0), np.uint32(k1))
