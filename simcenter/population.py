"""The social entrepreneurs and innovators of the region, as arrays (one slot per person).

Two worlds share one population: the *treated* world, where the centre's services act,
and the *comparison* world, the same people without the centre. Both worlds consume the
same random numbers for every exogenous event (progress, closure, own funding
applications), so any difference between them is the centre's effect.
"""

from __future__ import annotations

import numpy as np

from simcenter.config.schema import Behaviour, Region

IDEA, PILOT, OPERATING, SCALING, CLOSED = 0, 1, 2, 3, 4
STAGES = ("idea", "pilot", "operating", "scaling", "closed")


TREATED, COMPARISON = 0, 1
"""Row of a two-world array: with the centre, and the same people without it."""


class Population:
    """Array-backed state of every person; grows as new ideas arrive.

    Arrays in ``WORLD_FIELDS`` have two rows, ``[TREATED]`` and ``[COMPARISON]``, so both
    worlds advance in the same numpy operations.
    """

    WORLD_FIELDS: dict[str, type] = {
        "stage": np.int8,       # venture stage (IDEA .. CLOSED)
        "op_age": np.int16,     # months since the venture began operating
        "launched": np.bool_,   # reached "operating" during the run
        "scaled": np.bool_,     # reached "scaling" during the run
        "op_after": np.bool_,   # operating at some point after the person was first served
        "funding": np.float32,  # funding obtained, EUR
        "funded": np.bool_,     # has obtained funding
    }
    # Per-person arrays shared by both worlds (people, places, the centre's contacts).
    FIELDS: dict[str, type] = {
        "city": np.bool_,                               # lives in the city (else a surrounding town)
        "digital": np.bool_,                            # can take part online
        "travel_eur": np.float32,                       # cost of one trip to the centre
        "cap0": np.float32,                             # capability without the centre, 0..1
        "boost": np.float32,                            # capability added by the centre (fades)
        "need_m": np.float32, "need_f": np.float32, "need_n": np.float32,  # needs: mentoring, funding, network
        "aware": np.bool_,                              # knows the centre
        "prog_left": np.int16,                          # months left in a mentoring programme
        "prog_online": np.bool_,                        # the programme is delivered online
        "reached": np.bool_,                            # ever used any service
        "served": np.bool_,                             # ever mentored or helped with funding
        "first_served": np.int16,                       # month first served, -1 never
        "satisfaction": np.float32,
        "ties": np.int16,                               # ties made through the centre
        "last_contact": np.int16,                       # month of the last contact with the centre
        "prog_mult0": np.float32,                       # progress multiplier from capability without the centre
        "hazard_mult0": np.float32,                     # closure multiplier from capability without the centre
    }

    def __init__(self, region: Region, behaviour: Behaviour, capacity: int):
        self.region = region
        self.behaviour = behaviour
        self.n = 0  # people in the region now
        self.filled = 0  # people drawn so far (the rest of them arrive later)
        self.capacity = max(int(capacity), 16)
        b = behaviour
        self._p_stage = np.array([b.p_idea_to_pilot, b.p_pilot_to_operating, b.p_operating_to_scaling, 0.0, 0.0], dtype=np.float32)
        # Closure by (stage, min(months operating, 12)): one lookup instead of nested conditions.
        lut = np.zeros((5, 13))
        lut[IDEA, :] = lut[PILOT, :] = b.p_close_monthly_idea
        lut[OPERATING, :12] = lut[SCALING, :12] = b.p_close_monthly_first_year
        lut[OPERATING, 12] = lut[SCALING, 12] = b.p_close_monthly_later
        self._p_close_lut = lut.ravel().astype(np.float32)
        self._any_served = False  # set once someone is served: skips work before the centre acts
        for name, dtype in self.FIELDS.items():
            setattr(self, name, np.zeros(self.capacity, dtype=dtype))
        for name, dtype in self.WORLD_FIELDS.items():
            setattr(self, name, np.zeros((2, self.capacity), dtype=dtype))

    # ------------------------------------------------------------------ births
    def add(self, k: int, rng: np.random.Generator, initial: bool, born: bool = True) -> slice:
        """Draw ``k`` people from ``rng`` (a fixed number of draws per person); return their slice.

        People drawn with ``born=False`` wait in the arrays, beyond ``n``, until ``arrive``
        brings them in: drawing every future arrival at once is both faster and keeps the
        draws independent of anything that happens during the run.
        """
        if k <= 0:
            return slice(self.filled, self.filled)
        if self.filled + k > self.capacity:
            self._grow(self.filled + k)
        r, b = self.region, self.behaviour
        s = slice(self.filled, self.filled + k)
        u = rng.random((k, 9))  # one block per person: keeps streams aligned across designs
        city = u[:, 0] < r.share_city
        self.city[s] = city
        self.digital[s] = np.where(city, u[:, 1] < r.share_digital_city, u[:, 1] < r.share_digital_towns)
        self.travel_eur[s] = np.where(city, r.travel_cost_city_eur, r.travel_cost_town_eur)
        self.cap0[s] = np.clip(b.capability_mean + b.capability_sd * _normal_from_uniform(u[:, 2]), 0.02, 1.0)
        rel = self.cap0[s] / b.capability_mean
        self.prog_mult0[s] = rel ** b.capability_effect
        self.hazard_mult0[s] = rel ** (-b.capability_effect_survival)
        self.need_m[s] = u[:, 3]
        self.need_f[s] = u[:, 4]
        self.need_n[s] = u[:, 5]
        if initial:
            edges = np.cumsum([r.share_idea, r.share_pilot, r.share_operating])
            stage = np.searchsorted(edges, u[:, 6], side="right").astype(np.int8)
            age = np.where(stage >= OPERATING, (u[:, 7] * 120).astype(np.int16), 0)
        else:
            stage = np.zeros(k, dtype=np.int8)
            age = np.zeros(k, dtype=np.int16)
        self.stage[:, s] = stage
        self.op_age[:, s] = age
        self.aware[s] = u[:, 8] < b.p_aware_start if initial else False
        self.first_served[s] = -1
        self.satisfaction[s] = 0.5
        self.last_contact[s] = -1
        self.filled += k
        if born:
            self.arrive(k)
        return s

    def arrive(self, k: int) -> None:
        """Bring ``k`` people drawn in advance into the region."""
        if self.n + k > self.filled:
            raise ValueError(f"only {self.filled - self.n} people are waiting to arrive, not {k}")
        self.n += k

    def _grow(self, needed: int) -> None:
        new_cap = max(needed, int(self.capacity * 1.5))
        for name in self.FIELDS:
            old = getattr(self, name)
            arr = np.zeros(new_cap, dtype=old.dtype)
            arr[: self.capacity] = old
            setattr(self, name, arr)
        for name in self.WORLD_FIELDS:
            old = getattr(self, name)
            arr = np.zeros((2, new_cap), dtype=old.dtype)
            arr[:, : self.capacity] = old
            setattr(self, name, arr)
        self.capacity = new_cap

    # ------------------------------------------------------------------ views
    def view(self, name: str) -> np.ndarray:
        """The live part of array ``name`` (people added so far)."""
        return getattr(self, name)[: self.n]

    def alive(self, world: int = TREATED) -> np.ndarray:
        """Mask of people whose venture or idea is still going in ``world``."""
        return self.stage[world, : self.n] < CLOSED

    def jobs(self) -> np.ndarray:
        """Jobs in the ventures of each world: [treated, comparison]."""
        b = self.behaviour
        stage = self.stage[:, : self.n]
        return b.jobs_operating * np.count_nonzero(stage == OPERATING, axis=1) + b.jobs_scaling * np.count_nonzero(
            stage == SCALING, axis=1
        )

    # ------------------------------------------------------------------ dynamics
    def advance(self, month: int, u_prog: np.ndarray, u_close: np.ndarray) -> tuple[int, int]:
        """Progress and closure for both worlds with the same draws; return launches (treated, comparison).

        Monthly progress probability: p_stage * (capability / mean)^capability_effect
        * (1 + funding_progress_effect * funded) [* (1 + tie_progress_effect * min(ties, 3)) with
        the centre]. Monthly closure: p_close_idea for ideas and pilots; for running ventures
        p_close_first_year or p_close_later by age; both * (capability / mean)^-capability_effect_survival.
        """
        b = self.behaviour
        n = self.n
        stage = self.stage[:, :n]
        op_age = self.op_age[:, :n]
        prog_mult = np.broadcast_to(self.prog_mult0[:n], (2, n))
        hazard_mult = np.broadcast_to(self.hazard_mult0[:n], (2, n))
        boosted = np.flatnonzero(self.boost[:n] > 1e-6)
        if len(boosted):
            prog_mult = prog_mult.copy()
            hazard_mult = hazard_mult.copy()
            rel = np.minimum(self.cap0[boosted] + self.boost[boosted], 1.0) / b.capability_mean
            prog_mult[TREATED, boosted] = rel ** b.capability_effect
            hazard_mult[TREATED, boosted] = rel ** (-b.capability_effect_survival)
        funded = self.funded[:, :n]
        if funded.any():
            prog_mult = prog_mult * (np.float32(1.0) + np.float32(b.funding_progress_effect) * funded)
        ties = self.ties[:n]
        if ties.any():
            prog_mult = prog_mult.copy() if prog_mult.base is not None else prog_mult
            prog_mult[TREATED] *= np.float32(1.0) + np.float32(b.tie_progress_effect) * np.minimum(ties, 3)
        p_prog = self._p_stage[stage] * prog_mult
        key = stage.astype(np.int16) * 13 + np.minimum(op_age, 12)
        p_close = self._p_close_lut[key] * hazard_mult
        closes = u_close < p_close
        moves = (u_prog < p_prog) & ~closes
        op_age += stage >= OPERATING
        launched = moves & (stage == PILOT)
        self.launched[:, :n] |= launched
        self.scaled[:, :n] |= moves & (stage == OPERATING)
        stage += moves
        stage[closes] = CLOSED
        if self._any_served:
            served = self.first_served[:n] >= 0
            self.op_after[:, :n] |= served & (stage >= OPERATING) & (stage < CLOSED)
        counts = np.count_nonzero(launched, axis=1)
        return int(counts[TREATED]), int(counts[COMPARISON])

    def fade(self, in_programme: np.ndarray) -> None:
        """Capability gained from the centre fades once support ends (J-PAL Kenya: gains fade)."""
        factor = np.float32(0.5 ** (1.0 / self.behaviour.mentoring_half_life_months))
        boost = self.boost[: self.n]
        boost[~in_programme] *= factor


def _normal_from_uniform(u: np.ndarray) -> np.ndarray:
    """Map uniforms to a logistic distribution with unit variance: a close, cheap stand-in for a normal."""
    u = np.clip(u, 1e-6, 1 - 1e-6)
    return np.log(u / (1 - u)) * (np.sqrt(3) / np.pi)
