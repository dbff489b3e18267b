"""The scale of ventures and jobs against a sourced anchor (``config/data/scale_anchor.yaml``).

The national register of social enterprises, scaled by the province's share of Bulgaria's population,
gives the lower bound of the running ventures and their jobs at the end of the base design's horizon;
``upper_factor`` times it the upper bound. Launches a year must sit between NSI's business birth rate
(times ``birth_rate_low``) of the lower stock and that rate (times ``birth_rate_high``) of the upper one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

ANCHOR_FILE = Path(__file__).resolve().parents[1] / "config" / "data" / "scale_anchor.yaml"


@dataclass(frozen=True)
class Band:
    """What the base design's last month must show: (low, high) of each measure."""

    share: float  # the province's share of the country's population
    running: tuple[float, float]  # running ventures (operating and scaling)
    jobs: tuple[float, float]
    launches_per_year: tuple[float, float]


@lru_cache(maxsize=1)
def band() -> Band:
    """The band, from the anchor's numbers."""
    a = yaml.safe_load(ANCHOR_FILE.read_text(encoding="utf-8"))
    share = a["population"]["province"] / a["population"]["country"]
    b = a["band"]
    k = b["upper_factor"]
    low_stock, jobs = a["register"]["enterprises"] * share, a["register"]["jobs"] * share
    rate = b["birth_rate"]
    return Band(share, (low_stock, k * low_stock), (jobs, k * jobs),
                (b["birth_rate_low"] * rate * low_stock, b["birth_rate_high"] * rate * k * low_stock))


def measure(models) -> dict[str, float]:
    """Medians over finished runs: running ventures, jobs and launches a year (treated world)."""
    from simcenter.stages import OPERATING, SCALING, TREATED

    running, jobs, launches = [], [], []
    for m in models:
        stages = m.pop.by_stage[TREATED]
        running.append(stages[OPERATING] + stages[SCALING])
        jobs.append(m.outcome("jobs"))
        launches.append(m.outcome("ventures_launched") * 12 / m.months)
    return {"running ventures": float(np.median(running)), "jobs": float(np.median(jobs)),
            "launches a year": float(np.median(launches))}


def holds(measured: dict[str, float], b: Band | None = None) -> bool:
    """Each measure within its band."""
    b = b or band()
    return all(lo <= measured[key] <= hi for key, (lo, hi) in
               (("running ventures", b.running), ("jobs", b.jobs), ("launches a year", b.launches_per_year)))


def target() -> str:
    """The band in words."""
    b = band()
    return (f"the national register (200 social enterprises, 1,720 jobs) scaled to the province ({b.share:.1%} of "
            f"the population) up to 4 times that: {b.running[0]:.0f}-{b.running[1]:.0f} running ventures, "
            f"{b.jobs[0]:.0f}-{b.jobs[1]:.0f} jobs; {b.launches_per_year[0]:.1f}-{b.launches_per_year[1]:.1f} "
            "launches a year (NSI birth rate 10%, x0.5-2.5)")
