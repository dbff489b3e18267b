"""Results do not change by accident: a committed golden summary, and the population's invariants.

``tests/golden/summary.json`` holds the final outcomes, and digests of every month's outcomes and
of the ledger, of seeded runs of three shipped Plovdiv designs at 300 people over 4 years (and
of the base scenario with the centre always solvent). A change of the model, a scenario or the
random streams that changes any of these numbers, by as little as one bit, fails here. When the
change is intended, regenerate the file and say so in the commit:

    .venv/bin/python benchmarks/golden.py summary tests/golden/summary.json

The second test runs the base scenario with every service active (the centre cannot run out
of money) and checks ``Population.check()`` after every month: every probability and count the
population keeps up to date must equal a computation from scratch.
"""

from __future__ import annotations

import importlib.util
import json
import math

import numpy as np
import pytest

from simcenter.config.levers import apply_levers
from simcenter.model import CenterModel
from simcenter.stages import CLOSED, COMPARISON, TREATED

from conftest import ROOT

SUMMARY = ROOT / "tests" / "golden" / "summary.json"
REGENERATE = ".venv/bin/python benchmarks/golden.py summary tests/golden/summary.json"


def _golden_module():
    spec = importlib.util.spec_from_file_location("simcenter_golden", ROOT / "benchmarks" / "golden.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _differences(expected: dict, actual: dict) -> list[str]:
    """Every value that is not identical (floats compared exactly; null = NaN)."""
    out = []
    for run in sorted(set(expected["runs"]) | set(actual["runs"])):
        e, a = expected["runs"].get(run), actual["runs"].get(run)
        if e is None or a is None:
            out.append(f"{run}: {'missing' if a is None else 'not in the golden file'}")
            continue
        for key in sorted(set(e) | set(a)):
            if key == "kpis":
                for name in sorted(set(e["kpis"]) | set(a["kpis"])):
                    x, y = e["kpis"].get(name, "missing"), a["kpis"].get(name, "missing")
                    if x != y:
                        out.append(f"{run} {name}: golden {x!r}, now {y!r}")
            elif e.get(key) != a.get(key):
                out.append(f"{run} {key}: golden {e.get(key)!r}, now {a.get(key)!r}")
    return out


def test_golden_summary_is_unchanged():
    expected = json.loads(SUMMARY.read_text(encoding="utf-8"))
    actual = json.loads(json.dumps(_golden_module().summary()))  # the same JSON round trip as the file
    assert actual["levers"] == expected["levers"] and actual["seeds"] == expected["seeds"]
    differ = _differences(expected, actual)
    assert not differ, (f"{len(differ)} values differ from {SUMMARY.name}, e.g.:\n  " + "\n  ".join(differ[:10])
                        + f"\nIf the change of results is intended, regenerate: {REGENERATE}")


def test_golden_comparison_catches_one_bit():
    """The comparison is exact: the smallest change of one outcome, or of a digest, is reported."""
    expected = json.loads(SUMMARY.read_text(encoding="utf-8"))
    assert len(expected["runs"]) >= 9
    changed = json.loads(json.dumps(expected))
    run = next(iter(changed["runs"].values()))
    name, value = next((k, v) for k, v in run["kpis"].items() if v not in (None, 0.0))
    run["kpis"][name] = math.nextafter(value, math.inf)
    assert _differences(expected, changed) == [f"{next(iter(expected['runs']))} {name}: golden {value!r}, "
                                               f"now {math.nextafter(value, math.inf)!r}"]
    other = json.loads(json.dumps(expected))
    next(iter(other["runs"].values()))["timeseries_sha256"] = "0" * 64
    assert len(_differences(expected, other)) == 1


@pytest.fixture(scope="module")
def solvent(base):
    """Base scenario, 500 people, 3 years, and so much starting cash that every service runs every month."""
    return apply_levers(base, {"n_potential": 500, "years": 3, "starting_cash_eur": 3_000_000.0})


def test_population_invariants_hold_every_month_with_every_service_active(solvent):
    model = CenterModel(solvent, rng=7, collect=False)
    active_months = 0
    while model.running:
        model.step()
        problems = model.pop.check()
        assert not problems, f"month {model.month}: {problems}"
        if model.center.active:
            active_months += 1
            assert all(model.center.services[s] for s in ("mentorship", "events", "networking", "funding_support",
                                                         "promotion")), model.center.services
    # The run exercised what check() verifies: every service, stage changes and arrivals.
    assert not model.center.closed and active_months >= model.months - model.institution.setup_months
    tally = model.tally
    for key in ("mentoring_hours", "attendances", "funding_clients", "ties", "programme_starts_onsite"):
        assert tally[key] > 0, key
    pop = model.pop
    assert pop.n > 500 and pop.n_served > 0 and pop.n_op_after[TREATED] > 0 and pop.by_stage[TREATED][CLOSED] > 0
    assert len(pop._boost_all) > 0 and np.count_nonzero(pop.funded[:, :pop.n]) > 0


def test_population_check_detects_a_wrong_count_or_probability(solvent):
    """check() can fail: a kept count or probability that drifts from the truth is reported."""
    model = CenterModel(solvent, rng=7, collect=False)
    for _ in range(18):
        model.step()
    pop = model.pop
    assert pop.check() == []
    pop.by_stage[TREATED][0] += 1
    assert any(p.startswith("by_stage[0]") for p in pop.check())
    pop.by_stage[TREATED][0] -= 1
    assert pop.check() == []
    # One kept probability one float32 step off (the comparison world: nothing recomputes it before the check).
    i = int(np.flatnonzero(pop._p_prog[COMPARISON, :pop.n] > 0)[0])
    pop._p_prog[COMPARISON, i] = np.nextafter(pop._p_prog[COMPARISON, i], np.float32(1))
    assert "p_prog differs for 1 entries" in pop.check()


def test_run_to_end_is_stepping_to_the_end(small):
    """``simulate`` runs the months with ``run_to_end`` (Mesa's event list bypassed): the same
    outcomes, and the model left as ``step()`` leaves it (steps, time, the next scheduled step)."""
    stepped = CenterModel(small, rng=5, collect=True)
    while stepped.running:
        stepped.step()
    fast = CenterModel(small, rng=5, collect=True)
    fast.run_to_end()
    assert np.array_equal(stepped.timeseries, fast.timeseries, equal_nan=True)
    assert (fast.steps, fast.time, len(fast._event_list)) == (stepped.steps, stepped.time, len(stepped._event_list))
    assert fast._default_schedule.next_scheduled_time == stepped._default_schedule.next_scheduled_time
    assert fast._default_schedule.execution_count == stepped._default_schedule.execution_count == small.horizon.months
    assert fast.datacollector.get_model_vars_dataframe().equals(stepped.datacollector.get_model_vars_dataframe())
    fast.step()
    stepped.step()  # a step past the end changes nothing but the clock, in both
    assert (fast.steps, fast.time) == (stepped.steps, stepped.time)
