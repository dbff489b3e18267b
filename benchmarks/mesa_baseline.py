"""The baseline: the same kind of population written the usual Mesa way.

One Python ``mesa.Agent`` per entrepreneur, activated in random order every step with
``model.agents.shuffle_do("step")`` (the style of Mesa's BoltzmannWealth example), each
doing an update comparable to one entrepreneur-month of simcenter's population: progress and
closure draws that depend on the stage, capability (with a boost that fades) and months in
operation, and a drifting need. Parameters are the default behaviour of simcenter's base
scenario. It is a yardstick, not a model: nobody uses its results.

``numpy_limit`` and ``numpy_floor`` are the other end: a bare numpy update of one array
of N entrepreneurs per month, with no model around it.
"""

from __future__ import annotations

import time

import mesa
import numpy as np

IDEA, PILOT, OPERATING, SCALING, CLOSED = range(5)
P_STAGE = (0.03, 0.04, 0.006, 0.0, 0.0)
P_CLOSE_IDEA, P_CLOSE_FIRST_YEAR, P_CLOSE_LATER = 0.03, 0.0184, 0.0125
CAPABILITY_MEAN, CAPABILITY_EFFECT, SURVIVAL_EFFECT = 0.4, 1.0, 0.2
FADE = 0.5 ** (1 / 6)


class Entrepreneur(mesa.Agent):
    """One social entrepreneur: stage, months operating, capability, boost, need."""

    def __init__(self, model: "Region", stage: int, capability: float, need: float):
        super().__init__(model)
        self.stage = stage
        self.op_age = 0
        self.capability = capability
        self.boost = 0.05 * self.random.random()
        self.need = need

    def step(self) -> None:
        if self.stage == CLOSED:
            return
        rel = min(self.capability + self.boost, 1.0) / CAPABILITY_MEAN
        p_progress = P_STAGE[self.stage] * rel ** CAPABILITY_EFFECT
        if self.stage < OPERATING:
            p_close = P_CLOSE_IDEA
        else:
            p_close = P_CLOSE_FIRST_YEAR if self.op_age < 12 else P_CLOSE_LATER
        p_close *= rel ** -SURVIVAL_EFFECT
        if self.random.random() < p_close:
            self.stage = CLOSED
        elif self.random.random() < p_progress:
            self.stage += 1
        if self.stage >= OPERATING:
            self.op_age += 1
        self.boost *= FADE
        self.need = min(1.0, max(0.0, self.need + 0.02 * (self.random.random() - 0.5)))


class Region(mesa.Model):
    """N entrepreneurs, stepped the idiomatic way."""

    def __init__(self, n: int, rng: int = 1):
        super().__init__(rng=rng)
        for _ in range(n):
            Entrepreneur(self, stage=self.random.choice((IDEA, IDEA, PILOT, OPERATING)),
                         capability=min(1.0, max(0.02, self.random.gauss(CAPABILITY_MEAN, 0.15))),
                         need=self.random.random())

    def step(self) -> None:
        self.agents.shuffle_do("step")


def mesa_agent_steps_per_second(n: int, steps: int, repeats: int = 3) -> dict:
    """Agent-steps per second of the idiomatic model with ``n`` agents (best of ``repeats``)."""
    model = Region(n)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(steps):
            model.step()
        times.append(time.perf_counter() - start)
    return {"n": n, "steps": steps, "seconds_best": min(times), "seconds_median": float(np.median(times)),
            "agent_steps_per_s": n * steps / min(times)}


def numpy_limit(n: int, months: int = 120, repeats: int = 3) -> dict:
    """The limit: one int8 array of ``n`` stages, updated each month by one float32 uniform draw per
    element and a compare-and-add (the least a stochastic entrepreneur-month can cost in numpy)."""
    rng = np.random.default_rng(1)
    stage = np.zeros(n, dtype=np.int8)
    u = np.empty(n, dtype=np.float32)
    moved = np.empty(n, dtype=np.bool_)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(months):
            rng.random(dtype=np.float32, out=u)
            np.less(u, 0.03, out=moved)
            np.add(stage, moved, out=stage)
        times.append(time.perf_counter() - start)
    return {"n": n, "months": months, "seconds_best": min(times), "updates_per_s": n * months / min(times)}


def numpy_floor(n: int, months: int = 120, repeats: int = 3) -> dict:
    """For information: one in-place float32 multiply of an ``n``-array per month (memory speed, no draw)."""
    x = np.ones(n, dtype=np.float32)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(months):
            np.multiply(x, np.float32(0.999), out=x)
        times.append(time.perf_counter() - start)
    return {"n": n, "months": months, "seconds_best": min(times), "updates_per_s": n * months / min(times)}
