"""The calibration targets, the parameters fitted to them, and the implausibility measure.

Implausibility (Craig et al. 1997; Vernon et al. 2010; Andrianakis et al. 2015): for a target z and
the model's value f(x) at a point x,

    I(x) = |z - f(x)| / sqrt(V_target + V_model(x)),

V_target the uncertainty of the figure (below, with each target's reason) and V_model(x) the
model's replicate spread at x. A point is non-implausible when the largest I over the targets is
below ``CUTOFF``. The cut-off and each V_target are set here, before any run, and never widened to
make a fit pass.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simcenter.calibrate import measure
from simcenter.errors import InputError, Problem
from simcenter.i18n import t

CUTOFF = 3.0
"""Pukelsheim's three-sigma rule: at least 95% of any unimodal distribution lies within three
standard deviations, so I >= 3 says the point is implausible whatever the shape of the errors."""

LOG_FLOOR = 0.5
"""Counts compared on the log scale are floored at half a unit first (a run with no running
venture would otherwise have an infinite log)."""


@dataclass(frozen=True)
class Target:
    """A calibration target: the figure, the range the truth plausibly lies in, and how compared.

    ``low``-``high`` is taken as the figure's +-3 standard deviations (on the log scale when
    ``log``): V_target = ((high - low) / 6)^2, so that, without replicate noise, a model value inside
    the stated range is non-implausible and one outside it is not; the range is the source's own
    (or the tolerance stated before any calibration), never one chosen after a run.

    ``one_world``: the figure is one realisation (the province's own numbers), so a run is compared
    with it and V_model is the spread of single runs; otherwise (an average over many EU firms or
    many calls' applications) the model's expectation is, and V_model is the variance of the mean
    of the replicates (their spread over their number).
    """

    key: str
    label: str
    value: float
    low: float
    high: float
    log: bool
    one_world: bool
    source: str

    def scaled(self, x: float) -> float:
        return math.log(max(x, LOG_FLOOR)) if self.log else x

    @property
    def v_target(self) -> float:
        return ((self.scaled(self.high) - self.scaled(self.low)) / 6) ** 2

    def judge(self, value: float, per_run: list[float]) -> tuple[float, float]:
        """(V_model, I) of the model's ``value`` at a point with replicate values ``per_run``;
        I is infinite when the runs showed nothing of the target (no cohort, no application)."""
        if math.isnan(value) or len(per_run) < 2:
            return math.nan, math.inf
        spread = float(np.var([self.scaled(v) for v in per_run], ddof=1))
        v_model = spread if self.one_world else spread / len(per_run)
        return v_model, implausibility(self.scaled(self.value), self.scaled(value), self.v_target, v_model)


def implausibility(target: float, model: float, v_target: float, v_model: float) -> float:
    """|target - model| / sqrt(V_target + V_model)."""
    return abs(target - model) / math.sqrt(v_target + v_model)


def default_targets(moved: dict[str, float] | None = None) -> tuple[Target, ...]:
    """The calibration targets; ``moved``: a target's figure put elsewhere (its range moves with it,
    its width stays: a what-if on the figure, never on its uncertainty)."""
    band = measure.scale_band()
    geo = {k: math.sqrt(lo * hi) for k, (lo, hi) in band.items()}
    anchor = "the national register scaled to the province, up to 4 times (simcenter/config/data/scale_anchor.yaml)"
    targets = (
        # Eurostat: about 80% of new firms survive a year; NSI: Bulgaria 79-83% (domain.md). The range is
        # the tolerance simcenter facts stated for it before any calibration, with Bulgaria's figures inside.
        Target(measure.SURVIVAL_1Y, "new-venture survival after 1 year (comparison world)", 0.80, 0.74, 0.86,
               False, False, "Eurostat business demography, about 80%; NSI Bulgaria 79-83% (domain.md)"),
        # Eurostat: about 44% after five years (domain.md); range: the facts' tolerance, stated before calibration.
        Target(measure.SURVIVAL_5Y, "new-venture survival after 5 years (comparison world)", 0.44, 0.36, 0.52,
               False, False, "Eurostat business demography, about 44% (domain.md)"),
        # Grant success rates of 12-20% (Horizon 2020 12-14%, Horizon Europe 16%, EaSI 1 in 5: domain.md):
        # the sources' own range, not the 10-22% simcenter facts accepts.
        Target(measure.GRANT_SUCCESS, "grant success, pooled over all applications", 0.16, 0.12, 0.20,
               False, False, "grant success rates 12-20% (domain.md)"),
        # The scale anchor's band is a factor 4 (and 20 for launches) wide: compared on the log scale,
        # its geometric centre as the figure; the province is one world, so single runs are compared.
        Target(measure.RUNNING, "running ventures at the horizon", geo[measure.RUNNING], *band[measure.RUNNING],
               True, True, anchor),
        Target(measure.JOBS, "jobs in running ventures at the horizon", geo[measure.JOBS], *band[measure.JOBS],
               True, True, anchor),
        Target(measure.LAUNCHES, "launches a year", geo[measure.LAUNCHES], *band[measure.LAUNCHES], True, True,
               "NSI business birth rate 10% a year, x0.5-2.5, of the anchor's stock (scale_anchor.yaml)"),
    )
    moved = moved or {}
    unknown = sorted(set(moved) - set(measure.KEYS))
    if unknown:
        raise InputError([Problem("--target", 1, "target", t("calibrate.unknown_target", name=unknown[0],
                                                              known=", ".join(measure.KEYS)))])
    out = []
    for tg in targets:
        if tg.key in moved:
            z = moved[tg.key]
            if not (math.isfinite(z) and z > 0):
                raise InputError([Problem("--target", 1, tg.key, t("calibrate.bad_target", name=tg.key, value=z))])
            if tg.log:
                factor = z / tg.value
                tg = Target(tg.key, tg.label, z, tg.low * factor, tg.high * factor, True, True, tg.source)
            else:
                shift = z - tg.value
                tg = Target(tg.key, tg.label, z, tg.low + shift, tg.high + shift, False, tg.one_world, tg.source)
        out.append(tg)
    return tuple(out)


@dataclass(frozen=True)
class Parameter:
    """A parameter fitted: its dotted path in the scenario (or a lever's name), its plausible range,
    where that range comes from, and the scenario's own value."""

    path: str
    low: float
    high: float
    origin: str
    base: float
    lever: bool = False


GRANT_SUCCESS_FACTOR = ("grant_success_factor", 0.7, 1.3)
"""The lever that scales every grant funder's sourced p_success, around 1: each funder's rate is
sourced (12-20%, 1 in 5, 16%...), so the fit moves them together, by up to 30% either way, rather
than one by one."""

SCENARIO_PARAMETERS = (
    "behaviour.p_close_monthly_first_year",  # survival after 1 year
    "behaviour.p_close_monthly_later",  # survival after 5 years
    "region.new_ideas_per_month",  # scale: the flow of ideas
    "behaviour.p_idea_to_pilot",  # scale: ideas to pilots
    "behaviour.p_pilot_to_operating",  # scale: pilots to launches
)


def parameters(path: str | Path) -> tuple[Parameter, ...]:
    """The fitted parameters with the plausible ranges of the scenario at ``path``: the range its own
    line states ("range LO-HI"), else the span declared with the field's default
    (``simcenter calibration`` shows the same ranges)."""
    from simcenter.config.calibration import rows

    found = {r["parameter"]: r for r in rows(path)}
    out = []
    for name in SCENARIO_PARAMETERS:
        row = found[name]
        if not row["range"]:
            raise InputError([Problem(str(path), row["line"], name, t("calibrate.no_range", name=name))])
        low, high = (float(x) for x in row["range"].split(" – "))
        out.append(Parameter(name, low, high, Path(row["file"]).name, float(row["value"])))
    name, low, high = GRANT_SUCCESS_FACTOR
    out.append(Parameter(name, low, high, "calibrate/targets.py", 1.0, lever=True))
    return tuple(out)
