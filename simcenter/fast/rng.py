"""Counter-based random numbers: Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy
as 1, 2, 3", SC 2011; the Random123 library), compiled.

A counter-based generator is a keyed bijection: four 32-bit counter words and a two-word key give
four 32-bit outputs, with no state carried from one call to the next. The model keys one stream
per decision (its name and the run's seed, ``simcenter.model.draws``). A stream's words are
numbered, month by month: word ``w`` of ``month`` is output word ``w % 4`` of Philox4x32-10 of the
counter ``(w // 4, month, 0, 0)``. A decision with ``lanes`` numbers per person gives each person a
slot of ``slot`` words (1, 2 or 4: the lanes rounded up to a power of two, so that one call serves
whole people): person ``i``'s lane ``l`` is word ``i * slot + l``. So a person's number for a
decision in a month is a pure function of (seed, decision, person, month, lane): it does not depend
on which other decisions were drawn, in what order, or for how many people; and a call serves four
people of a one-number decision. The numpy formulation is ``reference.uniforms``; both are checked
against Random123's published known-answer vectors (tests/test_fast.py).
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


def slot_of(lanes: int) -> int:
    """Words a person takes in a stream with ``lanes`` numbers per person and month: 1, 2 or 4."""
    if not 1 <= lanes <= 4:
        raise ValueError(f"a decision draws 1 to 4 numbers per person and month, not {lanes}")
    return 1 if lanes == 1 else 2 if lanes == 2 else 4


@njit(inline="always")
def _unit(word):
    return np.float32(word >> _8) * FLOAT32_UNIT


@njit(inline="always")
def person_uniform(k0, k1, month, i, lane, slot):
    """Lane ``lane`` of person ``i`` in ``month`` from the stream keyed (k0, k1) whose people take
    ``slot`` words each: what ``uniforms`` writes for that person, for loops that need few people's
    numbers."""
    w = i * slot + lane
    zero = np.uint32(0)
    r0, r1, r2, r3 = philox4x32(np.uint32(w >> 2), np.uint32(month), zero, zero, k0, k1)
    q = w & 3
    return _unit(r0 if q == 0 else r1 if q == 1 else r2 if q == 2 else r3)


@njit(inline="always")
def fill(k0, k1, month, n, out):
    """Everyone's number (people 0 .. n-1, one number each: slots of one word) of ``month`` from the
    stream keyed (k0, k1), into ``out[:n]``: four people a call, the last few one by one."""
    m = np.uint32(month)
    zero = np.uint32(0)
    full = n // 4
    for c in range(full):
        r0, r1, r2, r3 = philox4x32(np.uint32(c), m, zero, zero, k0, k1)
        out[4 * c] = _unit(r0)
        out[4 * c + 1] = _unit(r1)
        out[4 * c + 2] = _unit(r2)
        out[4 * c + 3] = _unit(r3)
    for i in range(4 * full, n):
        out[i] = person_uniform(k0, k1, month, i, 0, 1)


@njit(cache=True, nogil=True)
def uniforms(k0, k1, month, n, slot, out):
    """Float32 uniforms for people 0 .. n-1 in ``month``: ``out[lane, i]`` is lane ``lane`` of person
    ``i`` of the stream keyed (k0, k1) whose people take ``slot`` words each (1, 2 or 4); ``out`` has
    at most ``slot`` rows (the first lanes) and at least ``n`` columns.

    The words are made in order, four a call (``fill``), then, for more than one lane, sorted into
    the lanes' rows."""
    lanes = out.shape[0]
    if slot == 1:
        fill(k0, k1, month, n, out[0])
        return
    flat = np.empty(n * slot, dtype=np.float32)
    fill(k0, k1, month, n * slot, flat)
    for lane in range(lanes):
        row = out[lane]
        for i in range(n):
            row[i] = flat[i * slot + lane]


@njit(cache=True, nogil=True)
def words(c0, c1, c2, c3, k0, k1):
    """Philox4x32-10 of one counter, as four uint32 words (for tests and the known-answer check)."""
    return philox4x32(np.uint32(c0), np.uint32(c1), np.uint32(c2), np.uint32(c3), np.uint32(k0), np.uint32(k1))
