"""Every person's random numbers, by name: one stream per decision, a pure function of (seed,
decision, person, month).

A decision that every person faces every month (to hear of the centre, to seek mentoring, to
apply for funding, to progress or close), or that the centre takes several times a month (an
introduction), draws from its own named stream, with as many numbers per person (or introduction)
and month as it needs (its *lanes*, up to four). The number person ``i`` gets in month ``m`` for
lane ``k`` of decision ``name`` is a word of Philox4x32-10 under a key derived from the seed and
the name, counted by ``i``, ``k`` and ``m`` (``simcenter.fast.rng``: a person takes a slot of 1, 2
or 4 words). So:

- designs run with the same seed see the same numbers for every decision they share (common
  random numbers), whatever else they draw and whether their centre is open that month;
- adding a decision or a service changes no other decision's numbers;
- a person's numbers do not depend on how many people the region has.

Decisions the model takes a few times a year (an application's outcome, a review, an election)
and the people's traits, drawn once, come from named numpy generators (``simcenter.rng.Streams``).
"""

from __future__ import annotations

import numpy as np

from simcenter.fast.rng import slot_of, uniforms
from simcenter.rng import key


class PersonDraws:
    """One decision's uniforms for every person, a month at a time."""

    def __init__(self, seed: int, name: str, lanes: int = 1):
        self.slot = slot_of(lanes)
        self.name = name
        self.lanes = lanes
        self.k0, self.k1 = (np.uint32(k) for k in key(seed, name))
        self._buf = np.empty(0, dtype=np.float32)

    def month(self, month: int, n: int, lanes: int | None = None) -> np.ndarray:
        """People 0 .. n-1's numbers for ``month``: a (lanes x n) float32 array, row ``k`` for lane
        ``self.lanes[k]`` (the first ``lanes`` only, if given), valid until the next call (one flat
        buffer, reused: its first lanes x n numbers as a contiguous array; a (lanes x capacity)
        buffer's [:, :n] would not be, and the compiled loop then runs four times slower)."""
        lanes = self.lanes if lanes is None else lanes
        size = lanes * n
        if len(self._buf) < size:
            self._buf = np.empty(2 * size, dtype=np.float32)
        out = self._buf[:size].reshape(lanes, n)
        uniforms(self.k0, self.k1, month, n, self.slot, out)
        return out
