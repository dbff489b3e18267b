"""What every service fills in, and what the services of one month share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from simcenter.fast import services as kernels
from simcenter.model.services.staff import StaffHours

EMPTY_F32, EMPTY_BOOL, EMPTY_IDX = np.empty(0, np.float32), np.empty(0, np.bool_), np.empty(0, np.intp)


class Delivery(NamedTuple):
    """What a service's month brought in and cost: fees collected, the direct costs of the
    fee-earning work (for the profit tax), and other costs to pay (events held)."""

    fees: float = 0.0
    direct_costs: float = 0.0
    costs: float = 0.0


@dataclass
class Shared:
    """What the services of one month share."""

    hours: StaffHours
    contacts: list[np.ndarray] = field(default_factory=list)
    """People in contact with the centre this month (networking introduces them)."""
    helped: np.ndarray = field(default_factory=lambda: EMPTY_IDX)
    """People helped with a funding application this month, sorted (their own applications do better)."""
    stats: dict[str, float] = field(default_factory=dict)
    """Figures governance reads at its review: mentoring demand and slots."""


class Service:
    """A service of the centre, or a process its services feed: one file each in this package.

    A service declares its parameters' section (``section``: its name under ``center.services``
    in the scenario, and its on/off switch), its random decisions (``decisions``: the name of each,
    and the numbers it draws per person, or per introduction, and month; each has a stream of its
    own, see ``simcenter.model.draws``) and the tallies it keeps, and fills in the month's steps, which
    the model calls for every service in ``SERVICES`` order:

    - ``prepare``: before anyone is visited: the staff hours it takes, its seats, its plan;
    - ``select``: who wants it this month, from its numbers (after this month's awareness);
    - ``deliver``: the service itself: who gets it, what that changes, and its ``Delivery``.

    Services act on the world with the centre (the treated world) only, except own funding,
    which runs in both worlds on the same numbers.
    """

    section: str = ""
    decisions: dict[str, int] = {}
    tallies: tuple[str, ...] = ()

    def __init__(self, model):
        self.model = model
        self.draws = {name: model.draws[name] for name in self.decisions}

    @property
    def spec(self):
        """This service's section of the centre's current parameters."""
        return getattr(self.model.center.spec.services, self.section)

    @property
    def on(self) -> bool:
        """Does the service run this month (the centre operates and has it switched on)?"""
        center = self.model.center
        return center.active and center.services[self.section]

    def prepare(self, month: int, shared: Shared) -> None:
        """Before anyone is visited: take this month's staff hours, plan seats."""

    def select(self, month: int, shared: Shared) -> None:
        """Find who wants the service this month."""

    def deliver(self, month: int, shared: Shared) -> Delivery:
        """Deliver the service; return what it brought in and cost."""
        return Delivery()


# ---------------------------------------------------------------- helpers the services share
def weak(x):
    """A Python number as numpy combines it with a float32 array (NEP 50: as float32); numpy
    scalars keep their own type (a float64 one makes the comparison float64, as in numpy)."""
    return np.float32(x) if isinstance(x, (int, float)) and not isinstance(x, np.generic) else x


def fee_factor(elasticity: float, fee: float) -> float:
    """The share of demand left at a fee: 1 - elasticity * fee, not below 0."""
    return max(0.0, 1.0 - elasticity * fee)


def first_of(idx: np.ndarray, u: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` of the people ``idx`` (sorted) with the lowest draws ``u`` (aligned with ``idx``),
    in no particular order; all of them if ``k`` is enough."""
    if len(idx) <= k:
        return idx
    if k <= 0:
        return idx[:0]
    out = np.empty(k, dtype=np.intp)
    if kernels.lowest(idx, u, k, out) == k:
        return out
    return idx[np.argpartition(u, k)[:k]]  # a tie at the boundary: numpy's choice


def per_person(pop, key: tuple, make) -> np.ndarray:
    """A per-person array that depends only on people's fixed traits and on ``key`` (a fee, the
    seats): ``make(slice)`` computes it, once, for everyone drawn (the same numbers as on [:n])."""
    key = (*key, pop.filled)
    cache = pop.service_cache
    arr = cache.get(key)
    if arr is None:
        if len(cache) > 32:
            cache.clear()
        arr = cache[key] = make(slice(0, pop.filled))
    return arr


def distinct_sorted(pop, parts: list[np.ndarray]) -> np.ndarray:
    """The distinct people in ``parts``, sorted (``np.unique`` of their concatenation)."""
    if not parts:
        return EMPTY_IDX
    idx = np.concatenate(parts) if len(parts) > 1 else parts[0]
    out = pop.scratch.idx[3]
    k = kernels.distinct_sorted(idx, pop.n, pop.scratch.mark, out)
    return out[:k].copy()
