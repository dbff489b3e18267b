"""Every person's random numbers, by name: one stream per decision, a pure function of (seed,
decision, person, month).

A decision that every person faces every month (to hear of the centre, to seek mentoring, to
apply for funding, to progress or close) draws from its own named stream, with as many numbers
per person and month as it needs (its *lanes*, up to four). The number person ``i`` gets in month
``m`` for lane ``k`` of decision ``name`` is output word ``k`` of Philox4x32-10 of the counter
``(i, m, 0, 0)`` under a key derived from the seed and the name (``simcenter.fast.rng``). So:

- designs run with the same seed see the same numbers for every decision they share (common
  random numbers), whatever else they draw and whether their centre is open that month;
- adding a decision, a service or a lane changes no other decision's numbers;
- a person's numbers do not depend on how many people the region has.

Decisions the model takes a few times a month (an application's outcome, a review, an election,
an introduction) draw from named numpy generators instead (``simcenter.rng.Streams``).
"""

from __future__ import annotations

import numpy as np

from simcenter.fast.rng import uniforms
from simcenter.rng import key


class PersonDraws:
    """One decision's uniforms for every person, a month at a time."""

    def __init__(self, seed: int, name: str, lanes: tuple[str, ...]):
        if not 1 <= len(lanes) <= 4:
            raise ValueError(f"a decision draws 1 to 4 numbers per person and month, not {len(lanes)}")
        self.name = name
        self.lanes = lanes
        self.k0, self.k1 = (np.uint32(k) for k in key(seed, name))

    def month(self, month: int, n: int) -> np.ndarray:
        """People 0 .. n-1's numbers for ``month``: a (lanes x n) float32 array, row ``k`` for lane
        ``self.lanes[k]``. (A new array each time: a view of a larger buffer would not be contiguous,
        and the compiled loop then runs four times slower.)"""
        out = np.empty((len(self.lanes), n), dtype=np.float32)
        uniforms(self.k0, self.k1, month, n, out)
        return out
