"""What a run shows of each calibration target: the one adapter onto ``simcenter.facts``.

The targets are measured as ``simcenter facts`` measures them (``facts.survival``,
``facts.grant_success``, ``facts.scale_check``), from one run per seed (the survival fact's watched run,
which is also the run the other two read), so a calibrated point means what ``simcenter facts`` would say of it; the replicates of a point are
then combined as those functions combine theirs (medians of survival and scale, grant success
pooled over every application). Should the facts' internals change, this module is the one place
to follow them.
"""

from __future__ import annotations

import math

import numpy as np

SURVIVAL_1Y, SURVIVAL_5Y, GRANT_SUCCESS = "survival_1y", "survival_5y", "grant_success"
RUNNING, JOBS, LAUNCHES = "running_ventures", "jobs", "launches_per_year"
KEYS = (SURVIVAL_1Y, SURVIVAL_5Y, GRANT_SUCCESS, RUNNING, JOBS, LAUNCHES)
"""The calibration targets, in the order they are shown."""

WORKER_MODULES = ("simcenter.calibrate.measure", "simcenter.facts.measures", "simcenter.facts.scale")
"""What a worker imports once (``open_engine(preload=...)``)."""


def measure_run(scenario, seed: int) -> dict[str, float]:
    """One replicate of one point: each target's value in the run seeded with ``seed`` (a task for
    a worker: a top-level, pure function of its arguments). One run serves every target: the
    survival fact's watched run (``facts.measures.survival_run``), whose finished model gives the grant
    success (as the applications won and decided, so that the replicates can be pooled as ``facts``
    pools them) and the scale (``facts.scale.measure``)."""
    from simcenter.facts import scale
    from simcenter.facts.measures import survival_run

    model, s12, s60, _ = survival_run(scenario, seed)
    sized = scale.measure([model])
    c = model.center
    return {SURVIVAL_1Y: s12, SURVIVAL_5Y: s60,
            "grants_won": float(c.competitive_won), "grants_decided": float(c.competitive_decided),
            RUNNING: sized["running ventures"], JOBS: sized["jobs"], LAUNCHES: sized["launches a year"]}


def scale_band() -> dict[str, tuple[float, float]]:
    """The scale anchor's band (``facts.scale.band``) of each scale target: (low, high)."""
    from simcenter.facts import scale

    b = scale.band()
    return {RUNNING: b.running, JOBS: b.jobs, LAUNCHES: b.launches_per_year}


def _finite(values) -> list[float]:
    return [float(v) for v in values if not math.isnan(v)]


def _median(values) -> float:
    kept = _finite(values)
    return float(np.median(kept)) if kept else math.nan


def summarise(runs: list[dict[str, float]]) -> dict[str, tuple[float, list[float]]]:
    """The replicates of a point combined as ``facts`` combines them: for each target, its value
    and the per-run values its replicate spread is measured on (NaN dropped: a run without a
    cohort five years old says nothing of survival at five years)."""
    out: dict[str, tuple[float, list[float]]] = {}
    for key in (SURVIVAL_1Y, SURVIVAL_5Y, RUNNING, JOBS, LAUNCHES):
        values = _finite(r[key] for r in runs)
        out[key] = (_median(values), values)
    won = sum(r["grants_won"] for r in runs)
    decided = sum(r["grants_decided"] for r in runs)
    rates = [r["grants_won"] / r["grants_decided"] for r in runs if r["grants_decided"]]
    out[GRANT_SUCCESS] = (won / decided if decided else math.nan, rates)
    return out
