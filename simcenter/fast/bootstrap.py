"""The report's paired bootstrap of medians, compiled: for each resample (a row of numpy's index
matrix), the medians of ``a`` and ``b`` over the resampled replicates, counted instead of sorted;
the numbers ``np.median(a[idx], axis=1)`` gives (``reference.bootstrap_medians``)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def bootstrap_medians(idx, a, b, out_a, out_b):
    """For each row ``r`` of ``idx`` (resamples x replicates, indices into ``a`` and ``b``, which have
    the same length and no NaN): ``out_a[r]``, ``out_b[r]`` = the medians of ``a[idx[r]]`` and of
    ``b[idx[r]]`` (the middle value, or the mean of the two middle values ((lo + hi) / 2) for an
    even count, as ``np.median``).

    Each resample is a multiset of the same few replicates, so it is counted, not sorted: how
    often each was drawn (once for both ``a`` and ``b``: the pairs stay together), then a walk
    through the values in ascending order to the middle."""
    n = a.size
    order_a = np.argsort(a)
    order_b = np.argsort(b)
    counts = np.zeros(n, dtype=np.int64)
    for r in range(idx.shape[0]):
        counts[:] = 0
        for j in range(idx.shape[1]):
            counts[idx[r, j]] += 1
        out_a[r] = _counted_median(a, order_a, counts, idx.shape[1])
        out_b[r] = _counted_median(b, order_b, counts, idx.shape[1])


@njit(inline="always")
def _counted_median(values, order, counts, m):
    """The median of a multiset of ``values`` (``counts[i]`` copies of ``values[i]``, ``m`` in all;
    ``order``: the values' ascending order)."""
    lo_rank = (m - 1) // 2
    hi_rank = m // 2
    c = 0
    lo = values[order[0]]
    hi = lo
    for k in range(values.size):
        v = order[k]
        nxt = c + counts[v]
        if c <= lo_rank < nxt:
            lo = values[v]
        if hi_rank < nxt:
            hi = values[v]
            break
        c = nxt
    return hi if m % 2 else (lo + hi) / 2.0
