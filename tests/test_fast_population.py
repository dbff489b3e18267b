"""The population's compiled loops (simcenter/fast/population.py) compute what their numpy reference
(simcenter/fast/reference_population.py) computes, to the bit: every returned number and every
array they are given, on random populations of several sizes and seeds (every stage in both worlds,
closed ventures, ventures in and past their first year, boosts above, at and below the threshold,
funded and tied people), with and without anybody served; then every call of every loop a model
run makes (a recorded run: services and population alike).
"""

from __future__ import annotations

import inspect
from types import SimpleNamespace

import numpy as np
import pytest

import simcenter
from simcenter.config.levers import apply_levers
from simcenter.fast import population, reference_population, reference_services, services
from simcenter.fast.population import BOOST_MIN, C_SIZE, MONTHS_FIRST_YEAR
from simcenter.model import CenterModel
from simcenter.stages import CLOSED, OPERATING, SCALING, TREATED

from conftest import SCENARIOS
from fast_support import Recorder, agree, kernels

SIZES = [0, 1, 5, 37, 1001]
SEEDS = [1, 2, 3]
cases = pytest.mark.parametrize("seed, n", [(seed, n) for seed in SEEDS for n in SIZES])

P_STAGE = np.array([0.4, 0.3, 0.2, 0.0, 0.0], dtype=np.float32)
"""Progress by stage, high so that a month moves many (scaling and closed ventures never progress)."""
LUT = np.zeros((5, 13), dtype=np.float32)
LUT[:2], LUT[2:4, :12], LUT[2:4, 12] = 0.1, 0.15, 0.05  # closure by stage and age (closed: never)
LUT = LUT.ravel()
TIES_CAP = 3


def state(seed: int, n: int, any_served: bool = True) -> SimpleNamespace:
    """A random population of ``n`` people in arrays of a larger capacity, with every array and
    number ``month_end`` reads, by its argument's name (two-world arrays flat)."""
    rng = np.random.default_rng(seed)
    cap = n + 4
    f32 = np.float32

    def flat(values):  # a two-world array: [treated, comparison], or person i's value in both
        return np.concatenate([np.pad(v, (0, cap - n)) for v in (values if isinstance(values, list) else [values] * 2)])

    def distinct(share, size=n):
        return rng.permutation(np.flatnonzero(rng.random(size) < share)).astype(np.intp)

    stage_t = rng.integers(0, 5, n).astype(np.int8)
    stage = flat([stage_t, np.where(rng.random(n) < 0.7, stage_t, rng.integers(0, 5, n)).astype(np.int8)])
    op_age = np.where(stage >= OPERATING, rng.integers(0, 2 * MONTHS_FIRST_YEAR, 2 * cap), 0).astype(np.int16)
    cap0 = np.pad(rng.random(n, dtype=f32), (0, 4))
    boost = np.pad(np.select([rng.random(n) < 0.3, rng.random(n) < 0.1], [rng.random(n) * 0.3, BOOST_MIN], 0.0), (0, 4))
    funded = flat([rng.random(n) < 0.3, rng.random(n) < 0.2])
    award = f32(12_000.0) * (f32(0.5) + rng.random(2 * cap, dtype=f32))  # amounts of the model's sizes
    ties = np.pad(rng.integers(0, 6, n), (0, 4)).astype(np.int16)
    f_funded = f32(1.0) + f32(0.25) * np.array([False, True])
    f_ties = f32(1.0) + f32(0.05) * np.arange(TIES_CAP + 1, dtype=np.int16)
    p_stage_of = P_STAGE[stage]
    p_close_base = LUT[stage * 13 + np.minimum(op_age, MONTHS_FIRST_YEAR)]
    prog_mult = (0.5 + rng.random(2 * cap)).astype(f32)
    hazard_mult = (0.5 + rng.random(2 * cap)).astype(f32)
    p_close = p_close_base * hazard_mult
    p_prog = p_stage_of * prog_mult
    u_prog, u_close = rng.random(n, dtype=f32), rng.random(n, dtype=f32)
    for u, p in ((u_prog, p_prog), (u_close, p_close)):  # some numbers equal to the probability: not below it
        tie = rng.random(n) < 0.1
        u[tie] = p[:n][tie]
    dirty = distinct(0.2, 2 * cap)
    old_stage = np.array([0, 1, 2, 3, 4])
    return SimpleNamespace(
        rng=rng, do_advance=True, n=n, cap=cap, any_served=any_served, u_prog=u_prog,
        u_close=u_close, ends=np.flatnonzero((stage >= OPERATING) & (stage < CLOSED) & (rng.random(2 * cap) < 0.3)),
        dirty=np.concatenate([dirty, dirty[: len(dirty) // 2]]),  # some entries twice
        cand=distinct(0.5), served_people=distinct(0.2),
        stage=stage, op_age=op_age, p_prog=p_prog, p_close=p_close, p_stage_of=p_stage_of,
        p_close_base=p_close_base, prog_mult=prog_mult, hazard_mult=hazard_mult, f_fund=f_funded[funded.astype(int)],
        funded=funded, launched=flat(rng.random(n) < 0.2), scaled=flat(rng.random(n) < 0.1),
        op_after=flat([rng.random(n) < 0.2, rng.random(n) < 0.1]), served=np.pad(rng.random(n) < 0.4, (0, 4)),
        boost=boost.astype(f32), cap0=cap0, prog_mult0=(0.5 + rng.random(cap)).astype(f32),
        hazard_mult0=(0.5 + rng.random(cap)).astype(f32), in_boosted=np.pad(boost[:n] > 0, (0, 4)), ties=ties,
        f_tie=f_ties[np.minimum(ties, TIES_CAP)], f_funded=f_funded, f_ties=f_ties,
        p_close_later=LUT[old_stage * 13 + MONTHS_FIRST_YEAR], p_stage_of_code=np.append(P_STAGE, f32(0))[
            np.where(np.tile([False, True], 10), CLOSED, np.tile(np.repeat(old_stage, 2), 2) + 1)],
        p_close_lut=LUT, boost_min=f32(BOOST_MIN), cap_mean=f32(0.45), e_prog=0.8, e_hazard=-0.6,
        counts=rng.integers(0, 1000, C_SIZE), keep_out=np.full(cap, -1, dtype=np.intp),
        launched_out=np.full(2 * cap, -1, dtype=np.intp), changes=np.zeros(cap, dtype=np.bool_),
        funding=np.where(funded, award, f32(0)), award=award, month=61,
        first_served=np.pad(np.where(rng.random(n) < 0.5, rng.integers(0, 62, n), -1), (0, 4), constant_values=-1).astype(np.int16),
        cohort=rng.integers(0, 50, (8, 70)).astype(np.int64))


def args(kernel, s: SimpleNamespace, **given) -> list:
    """``kernel``'s arguments by name: from ``given``, else from the population ``s``."""
    return [given[p] if p in given else getattr(s, p) for p in inspect.signature(kernel.py_func).parameters]


# ---------------------------------------------------------------- the month
@cases
@pytest.mark.parametrize("any_served", [True, False])
def test_advance(seed, n, any_served):
    s = state(seed, n, any_served)
    (lt, lc), after = agree(population.advance, *args(population.advance, s))
    if n > 1000:  # the month moved ventures in every way: launches, closures, scaling, in both worlds
        assert lt and lc and (after[5] == CLOSED).sum() > (s.stage == CLOSED).sum()
        assert (after[14] & ~s.scaled).any() and (after[15] & ~s.op_after).any() == any_served


@cases
@pytest.mark.parametrize("do_advance", [True, False])
def test_month_end(seed, n, do_advance):
    s = state(seed, n)
    agree(population.month_end, *args(population.month_end, s, do_advance=do_advance))


@cases
def test_first_year_over(seed, n):
    s = state(seed, n)
    agree(population.first_year_over, *args(population.first_year_over, s, f=s.ends))


@cases
def test_refresh_dirty(seed, n):
    """First funding and new ties, in both worlds, some entries more than once; ties beyond the cap."""
    s = state(seed, n)
    agree(population.refresh_dirty, *args(population.refresh_dirty, s, f=s.dirty))


@cases
@pytest.mark.parametrize("e_prog, e_hazard", [(0.8, -0.6), (1.0, -0.2)])
def test_refresh_boosted(seed, n, e_prog, e_hazard):
    """Boosts above, at and below the threshold; closed ventures leave the set; a power of 1 is skipped."""
    s = state(seed, n)
    cap = s.cap
    treated = {name: getattr(s, name)[:cap].copy() for name in ("stage", "f_fund", "prog_mult", "hazard_mult",
                                                                  "p_prog", "p_close", "p_stage_of", "p_close_base")}
    _, after = agree(population.refresh_boosted, *args(
        population.refresh_boosted, s, j=s.cand, **{f"{k}_t": v for k, v in treated.items()}, e_prog=e_prog,
        e_hazard=e_hazard))
    assert not after[6][s.cand[treated["stage"][s.cand] == CLOSED]].any()  # in_boosted


# ---------------------------------------------------------------- what the services change
@cases
@pytest.mark.parametrize("served_flag", [True, False])
def test_touch(seed, n, served_flag):
    s = state(seed, n)
    cap, rng = s.cap, s.rng
    reached = s.served | (rng.random(cap) < 0.3)
    first_served = np.where(s.served, rng.integers(0, 40, cap), -1).astype(np.int16)
    last_contact = np.where(reached, rng.integers(0, 40, cap), -1).astype(np.int16)
    idx = np.concatenate([s.served_people, s.cand[~np.isin(s.cand, s.served_people)]])  # distinct, any order
    agree(population.touch, idx, 41, served_flag, reached, rng.random(cap) < 0.5, rng.random(cap) < 0.5,
          last_contact, last_contact + 1, first_served, s.served, s.funding[:cap].copy(), s.funding[cap:].copy(),
          np.full(cap, -1, dtype=np.intp), np.full(cap, -1, dtype=np.intp), np.array([123_456.789, 98_765.4321]))


@cases
@pytest.mark.parametrize("any_served", [True, False])
def test_award_funding(seed, n, any_served):
    s = state(seed, n)
    e = np.sort(s.rng.permutation(2 * s.cap)[:s.rng.integers(0, 2 * n + 1)])  # distinct entries, treated first
    world, idx = (e >= s.cap).astype(np.intp), (e % s.cap).astype(np.intp)
    agree(population.award_funding, world, idx, s.award[:len(e)].copy(), s.cap, s.funding, s.funded, s.served,
          any_served, np.full(2 * s.cap, -1, dtype=np.intp), np.array([123_456.789, 98_765.4321]))


@cases
def test_mark_op_after(seed, n):
    s = state(seed, n)
    agree(population.mark_op_after, *args(population.mark_op_after, s, people=s.served_people))


@cases
def test_gain_boost(seed, n):
    """Capability at 1 (no room left) and above it; people already boosted this month or before."""
    s = state(seed, n)
    s.boost[: n // 3] = np.float32(1.0) - s.cap0[: n // 3]
    s.boost[n // 3: n // 2] = np.float32(1.25) - s.cap0[n // 3: n // 2]
    in_boost_all = s.in_boosted | (s.rng.random(s.cap) < 0.2)
    all_buf = np.full(s.cap + 1, -1, dtype=np.intp)
    all_buf[:1] = 0
    agree(population.gain_boost, s.cand, s.cap0, s.boost, np.float32(0.0123), s.rng.random(s.cap, dtype=np.float32),
          np.float32(0.05), s.in_boosted, np.full(s.cap, -1, dtype=np.intp), in_boost_all, all_buf, 1)


@cases
@pytest.mark.parametrize("everyone", [True, False])
def test_fade(seed, n, everyone):
    s = state(seed, n)
    prog_left = np.where(s.rng.random(s.cap) < 0.3, s.rng.integers(1, 6, s.cap), 0).astype(np.int16)
    agree(population.fade, s.cand, s.boost, prog_left, np.float32(0.5 ** (1 / 6)), everyone)


@cases
@pytest.mark.parametrize("after", [0, 30, 400])
def test_recent_values(seed, n, after):
    s = state(seed, n)
    contact_mo = s.rng.integers(0, 41, s.cap).astype(np.int16)
    agree(population.recent_values, n, contact_mo, after, s.rng.random(s.cap, dtype=np.float32),
          np.full(s.cap, -1.0, dtype=np.float32))


# ---------------------------------------------------------------- every kernel, and every call of a run
@pytest.mark.parametrize("module, ref", [(services, reference_services), (population, reference_population)])
def test_every_kernel_has_a_reference_with_its_arguments(module, ref):
    """The reference of each compiled loop is named after it, takes its arguments and says which it specifies."""
    for name in kernels(module):
        spec = getattr(ref, name)
        assert inspect.signature(spec) == inspect.signature(getattr(module, name).py_func), name
        assert spec.__doc__.startswith(f"``{name}``"), name


def test_every_call_in_model_runs_agrees_with_its_reference(base, small, monkeypatch):
    """Every call the model makes to a compiled loop (services and population) gives what the
    reference gives on the same arguments: three runs, two with so much cash that every service runs
    every month (one of them a design whose mentors are oversubscribed), one as shipped."""
    model_calls = {*kernels(services), "touch", "award_funding", "gain_boost", "fade", "recent_values", "month_end"}
    recorder = Recorder(monkeypatch)
    solvent = {"n_potential": 500, "years": 3, "starting_cash_eur": 3_000_000.0}
    oversubscribed = simcenter.load_scenario(SCENARIOS / "plovdiv" / "municipal-enterprise.yaml")
    for scenario, seed in ((apply_levers(base, solvent), 7), (apply_levers(oversubscribed, solvent), 8), (small, 3)):
        model = CenterModel(scenario, rng=seed, collect=False)
        while model.running:
            model.step()
        assert recorder.problems == [], (scenario.name, seed)
        assert model.tally["ties"] > 0 and model.pop.n_op_after[TREATED] > 0
        assert np.count_nonzero(model.pop.stage[:, :model.pop.n] == SCALING) > 0
    assert recorder.wrapped == model_calls and set(recorder.calls) == model_calls  # every one called
