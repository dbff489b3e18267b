"""The report's paired bootstrap of medians, compiled: numpy's resampling indices (PCG64, drawn
by ``simcenter.fast.rng``) and medians counted instead of sorted; the same numbers as numpy."""

from __future__ import annotations

import numpy as np
from numba import njit

from simcenter.fast.rng import _below

@njit(cache=True, nogil=True)
def bootstrap_medians(state, pending, a, b, out_a, out_b):
    """Paired bootstrap medians: for each of ``len(out_a)`` resamples, ``len(a)`` replicates drawn
    with replacement (the indices numpy's ``Generator(PCG64).integers(0, len(a), (resamples,
    len(a)))`` gives, row by row: ``state`` and ``pending`` as in ``pcg64_below``), and the
    median of ``a`` and of ``b`` (same length, no NaN) over them: the number ``np.median`` gives,
    the middle value, or the mean of the two middle values ((lo + hi) / 2) for an even count.

    Each resample is a multiset of the same few replicates, so it is counted, not sorted: how
    often each was drawn (once for both ``a`` and ``b``: the pairs stay together), then a walk
    through the values in ascending order to the middle."""
    n = a.size
    rng_excl = np.uint64(n)
    threshold = (np.uint64(0xFFFFFFFF) - (rng_excl - np.uint64(1))) % rng_excl
    hi, lo, ihi, ilo = state[0], state[1], state[2], state[3]
    has_half, half = pending[0] != 0, np.uint64(pending[1])
    order_a = np.argsort(a)
    order_b = np.argsort(b)
    counts = np.zeros(n, dtype=np.int64)
    for r in range(out_a.size):
        counts[:] = 0
        for _ in range(n):
            j, hi, lo, has_half, half = _below(hi, lo, ihi, ilo, has_half, half, rng_excl, threshold)
            counts[j] += 1
        out_a[r] = _counted_median(a, order_a, counts)
        out_b[r] = _counted_median(b, order_b, counts)
    state[0], state[1] = hi, lo
    pending[0] = 1 if has_half else 0
    pending[1] = np.int64(half) if has_half else 0


@njit(inline="always")
def _counted_median(values, order, counts):
    """The median of a multiset of ``values`` (``counts[i]`` copies of ``values[i]``; ``order``:
    the values' ascending order); the total count is ``len(values)``."""
    m = values.size
    lo_rank = (m - 1) // 2
    hi_rank = m // 2
    c = 0
    lo = values[order[0]]
    hi = lo
    for k in range(m):
        v = order[k]
        nxt = c + counts[v]
        if c <= lo_rank < nxt:
            lo = values[v]
        if hi_rank < nxt:
            hi = values[v]
            break
        c = nxt
    return hi if m % 2 else (lo + hi) / 2.0
