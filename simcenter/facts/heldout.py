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

from simcenter.facts.measures import Fact

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
def _final(models, outcome: str) -> np.ndarray:
    return np.array([m.outcome(outcome) for m in models], dtype=float)


def _series(models, outcome: str, month: int) -> np.ndarray:
    from simcenter import metrics

    j = metrics.NAMES.index(outcome)
    return np.array([m.timeseries[min(month, m.months - 1), j] for m in models], dtype=float)


def _income(model) -> dict[str, float]:
    """Money into the centre by kind over the run, EUR."""
    rows = model.ledger.rows()
    out: dict[str, float] = {}
    for kind, dst, amount in zip(rows["kind"], rows["destination"], rows["amount_eur"]):
        if dst == "center":
            out[kind] = out.get(kind, 0.0) + amount
    return out


def _outflow(model, kind: str) -> float:
    rows = model.ledger.rows()
    return sum(a for k, s, a in zip(rows["kind"], rows["source"], rows["amount_eur"]) if s == "center" and k == kind)


MEASURES: dict[str, tuple[str, Callable]] = {
    # name: (how it is aggregated over worlds, per-world values from the finished models)
    "share_with_paid_staff_y5": ("share", lambda ms: (_series(ms, "staff", 59) > 0).astype(float)),
    "share_with_paid_staff_y10": ("share", lambda ms: (_series(ms, "staff", 119) > 0).astype(float)),
    "paid_staff_y5": ("median", lambda ms: _series(ms, "staff", 59)),
    "spending_per_year_eur": ("median", lambda ms: _final(ms, "spending_eur") * 12 / np.array([m.months for m in ms])),
    "served_per_year": ("median", lambda ms: _final(ms, "served") * 12 / np.array([m.months for m in ms])),
    "refund_share_of_project_money": ("median", lambda ms: np.array([
        _outflow(m, "refund") / max(1e-9, _income(m).get("prefinancing", 0.0) + _income(m).get("reimbursement", 0.0))
        for m in ms])),
    "own_revenue_share": ("median", lambda ms: _final(ms, "own_revenue_share")),
}


def _aggregate(kind: str, values: np.ndarray) -> float:
    values = values[~np.isnan(values)]
    if not values.size:
        return math.nan
    return float(values.mean()) if kind == "share" else float(np.median(values))


def _standard_error(kind: str, values: np.ndarray) -> float:
    values = values[~np.isnan(values)]
    if values.size < 2:
        return math.nan
    rng = np.random.default_rng(0)
    draws = [_aggregate(kind, values[rng.integers(0, values.size, values.size)]) for _ in range(BOOTSTRAP)]
    return float(np.std(draws, ddof=1))


def check(key: str, entry: dict, models) -> Fact:
    """One held-out fact on the base design's finished runs."""
    kind, read = MEASURES[entry["measure_key"]]
    values = np.asarray(read(models), dtype=float)
    value, se = _aggregate(kind, values), _standard_error(kind, values)
    lo, hi = (float(x) for x in entry["band"])
    margin = Z * se if math.isfinite(se) else 0.0
    holds = math.isfinite(value) and lo - margin <= value <= hi + margin
    measured = {"model": value, "standard error over worlds": se, "source": float(entry["value"])}
    target = (f"{lo:g} to {hi:g} ({entry['band_reason']}), widened by {Z:g} standard errors of the model's value "
              f"({margin:.3g})")
    return Fact(key, entry["statement"], measured, target, bool(holds), series={"values": values.tolist()})


def check_all(models) -> list[Fact]:
    """Every held-out fact of the data file on the base design's finished runs."""
    return [check(key, entry, models) for key, entry in entries().items()]
