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


class Population:
    """Array-backed state of every person; grows as new ideas arrive."""

    # Per-person arrays and their dtypes; `grow` and `__init__` use this one list.
    FIELDS: dict[str, type] = {
        "stage": np.int8, "stage_c": np.int8,           # venture stage, treated / comparison world
        "op_age": np.int16, "op_age_c": np.int16,       # months since the venture began operating
        "launched": np.bool_, "launched_c": np.bool_,   # reached "operating" during the run
        "scaled": np.bool_, "scaled_c": np.bool_,       # reached "scaling" during the run
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
        "op_after": np.bool_, "op_after_c": np.bool_,   # operating at some point after first served
        "funding": np.float32, "funding_c": np.float32,  # funding obtained, EUR
        "funded": np.bool_, "funded_c": np.bool_,
        "satisfaction": np.float32,
        "ties": np.int16,                               # ties made through the centre
        "last_contact": np.int16,                       # month of the last contact with the centre
        "prog_mult0": np.float32,                       # progress multiplier from capability without the centre
        "hazard_mult0": np.float32,                     # closure multiplier from capability without the centre
    }

    def __init__(self, region: Region, behaviour: Behaviour, capacity: int):
        self.region = region
        self.behaviour = behaviour
        self.n = 0
        self.capacity = max(int(capacity), 16)
        b = behaviour
        self._p_stage = np.array([b.p_idea_to_pilot, b.p_pilot_to_operating, b.p_operating_to_scaling, 0.0, 0.0])
        self._p_close_stage = np.array([b.p_close_monthly_idea, b.p_close_monthly_idea, 0.0, 0.0, 0.0])
        for name, dtype in self.FIELDS.items():
            setattr(self, name, np.zeros(self.capacity, dtype=dtype))

    # ------------------------------------------------------------------ births
    def add(self, k: int, rng: np.random.Generator, initial: bool) -> slice:
        """Add ``k`` people drawn from ``rng`` (a fixed number of draws per person); return their slice."""
        if k <= 0:
            return slice(self.n, self.n)
        if self.n + k > self.capacity:
            self._grow(self.n + k)
        r, b = self.region, self.behaviour
        s = slice(self.n, self.n + k)
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
        self.stage[s] = stage
        self.stage_c[s] = stage
        self.op_age[s] = age
        self.op_age_c[s] = age
        self.aware[s] = u[:, 8] < b.p_aware_start if initial else False
        self.first_served[s] = -1
        self.satisfaction[s] = 0.5
        self.last_contact[s] = -1
        self.n += k
        return s

    def _grow(self, needed: int) -> None:
        new_cap = max(needed, int(self.capacity * 1.5))
        for name in self.FIELDS:
            old = getattr(self, name)
            arr = np.zeros(new_cap, dtype=old.dtype)
            arr[: self.capacity] = old
            setattr(self, name, arr)
        self.capacity = new_cap

    # ------------------------------------------------------------------ views
    def view(self, name: str) -> np.ndarray:
        """The live part of array ``name`` (people added so far)."""
        return getattr(self, name)[: self.n]

    def alive(self, comparison: bool = False) -> np.ndarray:
        """Mask of people whose venture or idea is still going."""
        return self.view("stage_c" if comparison else "stage") < CLOSED

    def jobs(self, comparison: bool = False) -> float:
        """Jobs in the ventures of this world."""
        b = self.behaviour
        stage = self.view("stage_c" if comparison else "stage")
        return float(b.jobs_operating * np.count_nonzero(stage == OPERATING) + b.jobs_scaling * np.count_nonzero(stage == SCALING))

    # ------------------------------------------------------------------ dynamics
    def advance(self, month: int, u_prog: np.ndarray, u_close: np.ndarray) -> tuple[int, int]:
        """Progress and closure for both worlds with the same draws; return launches (treated, comparison).

        Monthly progress probability: p_stage * (capability / mean)^capability_effect
        * (1 + funding_progress_effect * funded) [* (1 + tie_progress_effect * min(ties, 3)) with
        the centre]. Monthly closure: p_close_idea for ideas and pilots; for running ventures
        p_close_first_year or p_close_later by age, * (capability / mean)^-capability_effect_survival.
        """
        b = self.behaviour
        n = self.n
        p_stage = self._p_stage
        launches = []
        boosted = np.flatnonzero(self.boost[:n] > 1e-6)
        for suffix in ("", "_c"):
            stage = getattr(self, "stage" + suffix)[:n]
            op_age = getattr(self, "op_age" + suffix)[:n]
            funded = getattr(self, "funded" + suffix)[:n]
            prog_mult = self.prog_mult0[:n]
            hazard_mult = self.hazard_mult0[:n]
            if suffix == "" and len(boosted):
                prog_mult = prog_mult.copy()
                hazard_mult = hazard_mult.copy()
                rel = np.minimum(self.cap0[boosted] + self.boost[boosted], 1.0) / b.capability_mean
                prog_mult[boosted] = rel ** b.capability_effect
                hazard_mult[boosted] = rel ** (-b.capability_effect_survival)
            p_prog = p_stage[stage] * prog_mult
            if funded.any():
                p_prog = p_prog * (1.0 + b.funding_progress_effect * funded)
            if suffix == "":
                ties = self.ties[:n]
                if ties.any():
                    p_prog = p_prog * (1.0 + b.tie_progress_effect * np.minimum(ties, 3))
            running = stage >= OPERATING
            young = op_age < 12
            p_close = np.where(
                running,
                np.where(young, b.p_close_monthly_first_year, b.p_close_monthly_later) * hazard_mult,
                self._p_close_stage[stage],
            )
            closes = u_close < p_close
            moves = (u_prog < p_prog) & ~closes
            op_age[running] += 1
            launched = moves & (stage == PILOT)
            scaled = moves & (stage == OPERATING)
            stage[closes] = CLOSED
            stage[moves] += 1
            getattr(self, "launched" + suffix)[:n] |= launched
            getattr(self, "scaled" + suffix)[:n] |= scaled
            served = self.first_served[:n] >= 0
            getattr(self, "op_after" + suffix)[:n] |= served & (stage >= OPERATING) & (stage < CLOSED)
            launches.append(int(np.count_nonzero(launched)))
        return launches[0], launches[1]

    def fade(self, in_programme: np.ndarray) -> None:
        """Capability gained from the centre fades once support ends (J-PAL Kenya: gains fade)."""
        factor = np.float32(0.5 ** (1.0 / self.behaviour.mentoring_half_life_months))
        boost = self.boost[: self.n]
        boost[~in_programme] *= factor


def _normal_from_uniform(u: np.ndarray) -> np.ndarray:
    """Map uniforms to a logistic distribution with unit variance: a close, cheap stand-in for a normal."""
    u = np.clip(u, 1e-6, 1 - 1e-6)
    return np.log(u / (1 - u)) * (np.sqrt(3) / np.pi)
