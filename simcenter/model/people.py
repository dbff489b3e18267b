"""Drawing people: who they are (city or town, online or not, travel cost, capability, needs),
where their venture stands at the start, and the per-person factors the services and the
venture dynamics read, computed once when a person is drawn."""

from __future__ import annotations

import numpy as np

from simcenter.fast import reference
from simcenter.fast.population import MONTHS_FIRST_YEAR
from simcenter.stages import OPERATING


def draw(pop, s: slice, rng: np.random.Generator, initial: bool) -> None:
    """Fill slice ``s`` of ``pop`` with people drawn from ``rng`` (nine numbers each, a row per
    person); ``initial``: people of the region at the start (their ventures at any stage, some
    aware of the centre), else new ideas arriving later."""
    r, b = pop.region, pop.behaviour
    k = s.stop - s.start
    u = rng.random((k, 9))  # one block per person: keeps streams aligned across designs
    city = u[:, 0] < r.share_city
    pop.city[s] = city
    pop.digital[s] = np.where(city, u[:, 1] < r.share_digital_city, u[:, 1] < r.share_digital_towns)
    pop.travel_eur[s] = np.where(city, r.travel_cost_city_eur, r.travel_cost_town_eur)
    pop.cap0[s] = np.clip(b.capability_mean + b.capability_sd * _normal_from_uniform(u[:, 2]), b.capability_min, 1.0)
    rel = pop.cap0[s] / b.capability_mean
    pop.prog_mult0[s] = reference.power32(rel, b.capability_effect)
    pop.hazard_mult0[s] = reference.power32(rel, -b.capability_effect_survival)
    pop.need_m[s] = u[:, 3]
    pop.need_f[s] = u[:, 4]
    pop.need_n[s] = u[:, 5]
    if initial:
        edges = np.cumsum([r.share_idea, r.share_pilot, r.share_operating])
        stage = np.searchsorted(edges, u[:, 6], side="right").astype(np.int8)
        age = np.where(stage >= OPERATING, (u[:, 7] * r.max_initial_age_months).astype(np.int16), 0)
    else:
        stage = np.zeros(k, dtype=np.int8)
        age = np.zeros(k, dtype=np.int16)
    pop.stage[:, s] = stage
    pop.op_age[:, s] = age
    pop.aware[s] = u[:, 8] < b.p_aware_start if initial else False
    pop.first_served[s] = -1
    pop.satisfaction[s] = b.satisfaction_start
    pop.last_contact[s] = -1
    derive(pop, s)


def derive(pop, s: slice) -> None:
    """Compute the private arrays of the people in slice ``s``, just drawn (the expressions the
    services use; no boost, funding or ties yet, so every factor of theirs is 1)."""
    b = pop.behaviour
    onsite = reference.exp32(-b.distance_decay * pop.travel_eur[s].astype(np.float64))
    pop.access_onsite[s] = onsite
    pop.access_any[s] = np.where(pop.digital[s], np.maximum(onsite, 1.0), onsite)
    pop.q_mentoring[s] = b.p_seek_mentoring * pop.need_m[s] * pop.access_any[s]
    pop.q_funding[s] = b.p_seek_mentoring * pop.need_f[s]
    pop.q_event[s] = b.p_attend_event * pop.need_n[s]
    pop.q_apply[s] = b.p_apply_own_funding * pop.need_f[s]
    pop._f_tie[s] = pop._f_ties[0]
    stage = pop.stage[:, s]
    p_stage = pop._p_stage[stage]
    key = stage.astype(np.int16) * 13 + np.minimum(pop.op_age[:, s], MONTHS_FIRST_YEAR)
    p_close_base = pop._p_close_lut[key]
    pop._p_stage_of[:, s] = p_stage
    pop._p_close_base[:, s] = p_close_base
    pop._f_fund[:, s] = pop._f_funded[0]
    pop._prog_mult[:, s] = pop.prog_mult0[s]
    pop._hazard_mult[:, s] = pop.hazard_mult0[s]
    pop._p_prog[:, s] = p_stage * pop.prog_mult0[s]
    pop._p_close[:, s] = p_close_base * pop.hazard_mult0[s]


def _normal_from_uniform(u: np.ndarray) -> np.ndarray:
    """Map uniforms to a logistic distribution with unit variance: a close, cheap stand-in for a normal."""
    u = np.clip(u, 1e-6, 1 - 1e-6)
    return np.log(u / (1 - u)) * (np.sqrt(3) / np.pi)
