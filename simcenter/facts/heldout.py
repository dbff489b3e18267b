"""Held-out facts: Bulgarian and EU figures the model never saw, checked on the base design's runs.

Each fact is an entry of ``config/data/heldout_facts.yaml``: a statement, its source and quote, the
source's value and the band accepted around it (fixed, with its reason, before the model was measured),
and ``measure``: the name of one function of ``MEASURES`` below that reads the same quantity off the
model's runs (median over worlds, or a share of worlds, as the entry says).

The rule, written before any measurement: a fact holds when the model's value lies in the band widened
on each side by two standard errors of that value over the replicates (``Z``; a bootstrap over worlds),
so that 20 worlds' noise does not decide it. The band itself is never widened after a run.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from simcenter.facts.measures import Fact, _median

DATA = Path(__file__).resolve().parents[1] / "config" / "data" / "heldout_facts.yaml"
Z = 2.0
"""Standard errors of the model's value added to each side of a band: replicate noise, not a tolerance."""
BOOTSTRAP = 400
"""Resamples of the worlds for the standard error (seeded: same runs, same answer)."""


@lru_cache(maxsize=1)
def entries() -> dict[str, dict]:
    """The held-out facts as written in the data file (none if there is no file)."""
    if not DATA.exists():
        return {}
    return dict(yaml.safe_load(DATA.read_text(encoding="utf-8")).get("facts") or {})


def keys() -> list[str]:
    """The held-out facts' keys, in the file's order."""
    return list(entries())


# --------------------------------------------------------------------------- what is read off the runs
def record(model) -> dict:
    """What the measures read of one finished run (month m of the data file is index m - 1)."""
    from simcenter import metrics

    ts = model.timeseries
    col = {name: ts[:, metrics.NAMES.index(name)] for name in ("staff", "spending_eur", "closed", "reached")}
    rows = model.ledger.rows()
    project = refund = 0.0
    for kind, src, dst, amount in zip(rows["kind"], rows["source"], rows["destination"], rows["amount_eur"]):
        if dst == "center" and kind in ("prefinancing", "reimbursement"):
            project += amount
        elif src == "center" and kind == "refund":
            refund += amount
    return {**col, "own_revenue_share": model.outcome("own_revenue_share"),
            "survived_grant_cliff": model.outcome("survived_grant_cliff"), "project_money": project, "refund": refund}


def _mean(values) -> float:
    values = np.asarray([v for v in values if not math.isnan(v)], dtype=float)
    return float(values.mean()) if values.size else math.nan


def ngo_budget(rs) -> float:
    """Yearly spending in each year 1-10 of each world in which the centre operated at least 6 of its 12 months."""
    years = []
    for r in rs:
        spent, staffed = np.concatenate([[0.0], r["spending_eur"]]), r["staff"] > 0
        for y in range(len(r["staff"]) // 12):
            if staffed[12 * y:12 * y + 12].sum() >= 6:
                years.append(spent[12 * y + 12] - spent[12 * y])
    return _median(years)


def paid_core(rs) -> float:
    """Of the world-months 25-120 in which the centre is not closed, the share with paid staff (pooled)."""
    open_months = staffed = 0
    for r in rs:
        is_open = r["closed"][24:120] < 0.5
        open_months += int(is_open.sum())
        staffed += int((is_open & (r["staff"][24:120] > 0)).sum())
    return staffed / open_months if open_months else math.nan


def active_at_the_end(rs) -> float:
    """Share of worlds with paid staff in at least one of months 109-120."""
    return _mean([float((r["staff"][108:120] > 0).any()) for r in rs])


def money_returned(rs) -> float:
    """Refunds over the project money received (pre-financing and reimbursements), median over worlds with any."""
    return _median([r["refund"] / r["project_money"] for r in rs if r["project_money"] > 0])


def centre_staff(rs) -> float:
    """Paid staff in months 1-24: each world's median over the months it operates, then the median over worlds."""
    per_world = []
    for r in rs:
        staff = r["staff"][:24]
        per_world.append(float(np.median(staff[staff > 0])) if (staff > 0).any() else math.nan)
    return _median(per_world)


def own_revenue(rs) -> float:
    return _median([r["own_revenue_share"] for r in rs])


def staff_loss_after_project(rs) -> float:
    """Of the worlds with paid staff in month 24, the share whose staff falls below it in some month 25-60
    (closure counts as a loss: a closed centre has no staff)."""
    kept = [r for r in rs if r["staff"][23] > 0]
    return _mean([float((r["staff"][24:60] < r["staff"][23]).any()) for r in kept]) if kept else math.nan


def grant_cliff(rs) -> float:
    return _mean([r["survived_grant_cliff"] for r in rs])


def first_year_reach(rs) -> float:
    return _median([r["reached"][11] for r in rs])


MEASURES: dict[str, Callable[[list[dict]], float]] = {
    "ngo_budget": ngo_budget, "paid_core": paid_core, "active_at_the_end": active_at_the_end,
    "money_returned": money_returned, "centre_staff": centre_staff, "own_revenue": own_revenue,
    "staff_loss_after_project": staff_loss_after_project, "grant_cliff": grant_cliff,
    "first_year_reach": first_year_reach,
}
"""Each data entry's ``measure_key``: the function reading its ``measure`` (words) off the runs' records."""


def _standard_error(measure: Callable, rs: list[dict]) -> float:
    """Bootstrap over worlds (seeded: the same runs give the same answer)."""
    if len(rs) < 2:
        return math.nan
    rng = np.random.default_rng(0)
    draws = [measure([rs[i] for i in rng.integers(0, len(rs), len(rs))]) for _ in range(BOOTSTRAP)]
    draws = [d for d in draws if not math.isnan(d)]
    return float(np.std(draws, ddof=1)) if len(draws) > 1 else math.nan


def check(key: str, entry: dict, records: list[dict]) -> Fact:
    """One held-out fact on the base design's runs (``record`` of each)."""
    measure = MEASURES[entry["measure_key"]]
    value, se = measure(records), _standard_error(measure, records)
    lo, hi = (float(x) for x in entry["band"])
    margin = Z * se if math.isfinite(se) else 0.0
    holds = math.isfinite(value) and lo - margin <= value <= hi + margin
    measured = {"model": value, "standard error over worlds": se, "source's figure": float(entry["value"])}
    target = f"{lo:g} to {hi:g}, widened by {Z:g} standard errors of the model's value ({margin:.3g})"
    return Fact(key, " ".join(entry["statement"].split()), measured, target, bool(holds),
                series={"band": (lo, hi), "value": value, "margin": margin, "source_value": float(entry["value"])})


def check_all(models) -> list[Fact]:
    """Every held-out fact of the data file on the base design's finished runs."""
    records = [record(m) for m in models]
    return [check(key, entry, records) for key, entry in entries().items()]
