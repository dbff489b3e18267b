"""Design generation: the points of a sweep, from full factorials and SALib samplers.

Samplers work in the unit cube; each parameter maps a coordinate in [0, 1] to a value through
its own distribution (``Parameter.value_at``), so categories, whole numbers and distributions
go through Latin hypercube, Sobol (Saltelli) and Morris designs alike. With
``levers: full_factorial`` every combination of the levers (a *design* in the planner's sense)
is crossed with the same sample of uncertainties, as EMA Workbench crosses policies with
scenarios. The points are a pure function of the experiment: every engine runs the same ones.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from simcenter.extras import require
from simcenter.rng import stream
from simcenter.sweep.experiment import Design, Experiment, Parameter


@dataclass(frozen=True)
class Point:
    """One point of the design: a value for every parameter."""

    point: int
    combo: int  # which combination of the crossed parameters (0 when nothing is crossed)
    values: dict
    unit: tuple[float, ...]  # coordinates of the sampled parameters in the unit cube


def sampled_parameters(design: Design, params) -> list[Parameter]:
    """The parameters the sampler draws (the rest are crossed full-factorially)."""
    if design.method == "full_factorial":
        return []
    if design.levers == "full_factorial":
        return [p for p in params if p.role == "uncertainty"]
    return list(params)


def crossed_parameters(design: Design, params) -> list[Parameter]:
    """The parameters whose every value (or level) is combined with every other."""
    sampled = {p.name for p in sampled_parameters(design, params)}
    return [p for p in params if p.name not in sampled]


def sample_size(design: Design, d: int) -> int:
    """Points the sampler draws for ``d`` sampled parameters."""
    if design.method == "full_factorial" or d == 0:
        return 1
    n = int(design.samples or 1)
    if design.method == "latin_hypercube":
        return n
    if design.method == "sobol":
        return n * (2 * d + 2) if design.second_order else n * (d + 2)
    return n * (d + 1)  # morris: trajectories of d + 1 points


def count(exp: Experiment) -> int:
    """Number of points of the experiment's design (runs = points x replicates)."""
    crossed = crossed_parameters(exp.design, exp.parameters)
    combos = math.prod(len(p.grid(exp.design.levels)) for p in crossed)
    return combos * sample_size(exp.design, len(sampled_parameters(exp.design, exp.parameters)))


def problem(params) -> dict:
    """The SALib problem of the sampled parameters, in the unit cube."""
    return {"num_vars": len(params), "names": [p.name for p in params], "bounds": [[0.0, 1.0]] * len(params)}


def unit_sample(design: Design, params, seed: int) -> np.ndarray:
    """The sampler's points in the unit cube (rows: points, columns: ``params``)."""
    d = len(params)
    if d == 0 or design.method == "full_factorial":
        return np.zeros((1, 0))
    prob = problem(params)
    draw_seed = int(stream(seed, f"sweep.design.{design.method}").integers(2**31 - 1))
    if design.method == "latin_hypercube":
        latin = require("SALib.sample.latin")

        return latin.sample(prob, int(design.samples), seed=draw_seed)
    if design.method == "sobol":
        sobol = require("SALib.sample.sobol")

        return sobol.sample(prob, int(design.samples), calc_second_order=design.second_order, scramble=True,
                            seed=draw_seed)
    morris = require("SALib.sample.morris")

    return morris.sample(prob, int(design.samples), num_levels=design.morris_levels, seed=draw_seed)


NESTING = ("sobol", "morris")
"""Samplers whose larger sample begins with the smaller one (same seed): SALib's Saltelli sample
takes the first N points of one scrambled Sobol' sequence, and Morris draws trajectory after
trajectory from one generator. A sweep of these designs can grow (``simcenter.sweep.growth``)."""


def points(exp: Experiment) -> list[Point]:
    """Every point of the design, in a fixed order. Combinations outside, samples inside; except for
    the designs that nest (``NESTING``), numbered sample by sample (every combination of a sample row,
    then the next row), so that a larger sample only appends points and every point keeps its number."""
    sampled = sampled_parameters(exp.design, exp.parameters)
    crossed = crossed_parameters(exp.design, exp.parameters)
    unit = unit_sample(exp.design, sampled, exp.seed)
    sampled_values = [{p.name: p.value_at(u) for p, u in zip(sampled, row)} for row in unit]
    grids = [dict(zip((p.name for p in crossed), values))
             for values in itertools.product(*(p.grid(exp.design.levels) for p in crossed))]
    pairs = [(c, r) for c in range(len(grids)) for r in range(len(unit))]
    if exp.design.method in NESTING and sampled:
        pairs.sort(key=lambda pair: (pair[1], pair[0]))
    order = [p.name for p in exp.parameters]
    out: list[Point] = []
    for combo, row in pairs:
        merged = {**grids[combo], **sampled_values[row]}
        out.append(Point(len(out), combo, {name: merged[name] for name in order},
                         tuple(float(u) for u in unit[row])))
    return out
