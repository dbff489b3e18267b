"""History matching in waves: a Latin hypercube over the plausible ranges, each point run over the
same replicate seeds on an engine, its implausibility measured, and the next wave sampled within
the bounding box of the survivors.

Wave 1 samples the parameters' plausible ranges (``targets.parameters``); wave k + 1 the bounding
box of wave k's non-implausible points, padded by one stratum of wave k's hypercube on each side
(a lone survivor still leaves a box) and kept within the plausible ranges. Every point of a wave
is run with the same seeds (common random numbers: two points differ by their parameters, not by
their draws). The chosen point is the non-implausible point, over all waves, with the smallest
largest implausibility; the spread of each parameter is the 5-95% range over all the
non-implausible points. Same seed, same points, same runs, same result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from simcenter.calibrate import measure
from simcenter.calibrate.targets import CUTOFF, Parameter, Target, default_targets, parameters
from simcenter.errors import InputError, Problem
from simcenter.i18n import t

DIGITS = 4
"""Significant digits of a sampled parameter value: the record shows exactly what was run."""

MAX_RUNS = 200_000
"""Points x replicates x waves at most in one command (a typo must not start a week of runs)."""


def rounded(x: float, digits: int = DIGITS) -> float:
    return float(f"{x:.{digits}g}")


@dataclass
class Point:
    """One point of a wave: its parameter values, and for each target the model's value, V_model and I."""

    wave: int
    values: tuple[float, ...]
    model: dict[str, float]
    v_model: dict[str, float]
    implausibility: dict[str, float]

    @property
    def worst(self) -> float:
        return max(self.implausibility.values())

    @property
    def plausible(self) -> bool:
        return self.worst < CUTOFF


@dataclass
class Wave:
    """A wave: the box it sampled (low, high per parameter), its points and how many survived."""

    number: int
    box: list[tuple[float, float]]
    points: list[Point] = field(default_factory=list)

    @property
    def survivors(self) -> list[Point]:
        return [p for p in self.points if p.plausible]


@dataclass
class Fit:
    """What a calibration found (``chosen`` None: no point was non-implausible)."""

    scenario: str
    parameters: tuple[Parameter, ...]
    targets: tuple[Target, ...]
    waves: list[Wave]
    settings: dict
    seeds: list[int]

    cutoff: float = CUTOFF

    @property
    def survivors(self) -> list[Point]:
        return [p for w in self.waves for p in w.survivors]

    @property
    def best(self) -> Point:
        """The point with the smallest largest implausibility (earliest wins a tie)."""
        return min((p for w in self.waves for p in w.points), key=lambda p: p.worst)

    @property
    def chosen(self) -> Point | None:
        return self.best if self.survivors else None

    def spread(self) -> list[tuple[float, float]]:
        """The 5-95% range of each parameter over the non-implausible points."""
        values = np.array([p.values for p in self.survivors], dtype=float)
        return [(rounded(float(np.percentile(values[:, j], 5))), rounded(float(np.percentile(values[:, j], 95))))
                for j in range(values.shape[1])]


def point_scenario(scenario, params: tuple[Parameter, ...], values) -> object:
    """``scenario`` with the parameters set to ``values`` (validated again, as a lever would be)."""
    from simcenter.config.levers import set_lever
    from simcenter.config.loader import scenario_from_dict, set_path
    from simcenter.errors import parse_path

    data = scenario.model_dump()
    for p, v in zip(params, values):
        if p.lever:
            set_lever(data, p.path, float(v))
        else:
            set_path(data, parse_path(p.path), float(v))
    return scenario_from_dict(data, name=scenario.name)


def design(box: list[tuple[float, float]], points: int, seed: int, wave: int) -> list[tuple[float, ...]]:
    """A Latin hypercube of ``points`` in ``box``, seeded from ``seed`` and the wave's number."""
    from scipy.stats import qmc

    unit = qmc.LatinHypercube(d=len(box), rng=np.random.default_rng([int(seed), int(wave)])).random(points)
    lo = np.array([b[0] for b in box])
    hi = np.array([b[1] for b in box])
    return [tuple(rounded(float(x)) for x in row) for row in lo + unit * (hi - lo)]


def next_box(wave: Wave, prior: list[tuple[float, float]], points: int) -> list[tuple[float, float]]:
    """The bounding box of the wave's survivors, padded by one stratum of its hypercube, within ``prior``."""
    values = np.array([p.values for p in wave.survivors], dtype=float)
    out = []
    for j, ((lo, hi), (plo, phi)) in enumerate(zip(wave.box, prior)):
        pad = (hi - lo) / points
        low, high = float(values[:, j].min()) - pad, float(values[:, j].max()) + pad
        out.append((rounded(max(plo, low)), rounded(min(phi, high))))
    return out


def _evaluate(engine, scenarios: list, seeds: list[int], progress: Callable | None, done: int,
              total: int) -> list[list[dict]]:
    """Every point's replicates on ``engine``; results in the points' and seeds' order, whatever the
    order they came back in."""
    from concurrent.futures import FIRST_COMPLETED, wait

    futures = {engine.executor.submit(measure.measure_run, sc, seed): (i, r)
               for i, sc in enumerate(scenarios) for r, seed in enumerate(seeds)}
    results: dict[tuple[int, int], dict] = {}
    pending = set(futures)
    try:
        while pending:
            finished, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for fut in finished:
                results[futures[fut]] = fut.result()
                done += 1
            if progress is not None and finished:
                progress(done, total)
    finally:
        for fut in pending:
            fut.cancel()
    return [[results[(i, r)] for r in range(len(seeds))] for i in range(len(scenarios))]


def _judge(targets: tuple[Target, ...], runs: list[dict]) -> tuple[dict, dict, dict]:
    summary = measure.summarise(runs)
    model, v_model, imp = {}, {}, {}
    for tg in targets:
        value, per_run = summary[tg.key]
        model[tg.key] = value
        v_model[tg.key], imp[tg.key] = tg.judge(value, per_run)
    return model, v_model, imp


def check_budget(points: int, reps: int, waves: int) -> None:
    """Refuse a budget that cannot measure a spread or would run for days (exit 2, one line)."""
    if reps < 2:
        raise InputError([Problem("--reps", 1, "reps", t("calibrate.too_few_reps", reps=reps))])
    if points < 2:
        raise InputError([Problem("--points", 1, "points", t("calibrate.too_few_points", points=points))])
    if points * reps * waves > MAX_RUNS:
        raise InputError([Problem("--points", 1, "points", t("calibrate.too_many_runs", runs=points * reps * waves,
                                                              limit=MAX_RUNS))])


def calibrate(scenario: str | Path = "scenarios/plovdiv/base.yaml", points: int = 64, reps: int = 6, waves: int = 2,
              seed: int = 1, workers: int | None = None, moved: dict[str, float] | None = None,
              progress: Callable[[int, int], object] | None = None) -> Fit:
    """Fit the calibration targets by history matching (the module's docstring); return the ``Fit``.

    ``moved``: targets' figures put elsewhere (``default_targets``). ``progress(done, total)``: as
    runs come back (the total counts every wave: it is not reached if a wave leaves no survivor).
    """
    from simcenter.config.loader import load_scenario
    from simcenter.rng import replicate_seeds
    from simcenter.run.engines import open_engine

    check_budget(points, reps, waves)
    targets = default_targets(moved)
    base = load_scenario(scenario)
    params = parameters(scenario)
    prior = [(p.low, p.high) for p in params]
    seeds = [int(s) for s in replicate_seeds(seed, reps)]
    fit = Fit(Path(scenario).as_posix(), params, targets, [], {"points": points, "reps": reps, "waves": waves,
                                                                "seed": seed}, seeds)
    box, done = prior, 0
    engine = open_engine(workers, n_tasks=points * reps, preload=measure.WORKER_MODULES, warm=True)
    try:
        engine.start()
        for number in range(1, waves + 1):
            wave = Wave(number, box)
            samples = design(box, points, seed, number)
            scenarios = [point_scenario(base, params, values) for values in samples]
            runs = _evaluate(engine, scenarios, seeds, progress, done, points * reps * waves)
            done += points * reps
            for values, point_runs in zip(samples, runs):
                wave.points.append(Point(number, values, *_judge(targets, point_runs)))
            fit.waves.append(wave)
            if not wave.survivors:
                break
            box = next_box(wave, prior, points)
    finally:
        engine.close(wait=False)
    return fit


def finite(x: float) -> float | None:
    """A number for the record (None for NaN or infinity)."""
    return None if x is None or not math.isfinite(x) else x
