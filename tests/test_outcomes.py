"""Outcomes that mean what they say (issue 17): cost per venture added by the centre, cohort
survival, no pro or con from very few people, and the scale of ventures and jobs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simcenter import metrics
from simcenter.model import CenterModel


def _kpis(model) -> dict[str, float]:
    return dict(zip(metrics.NAMES, model.timeseries[-1]))


def test_cost_per_venture_added_divides_spending_by_the_ventures_the_centre_added(small):
    """Spending over ventures_launched_added, never over the launches of the people served (most of
    whom would have launched anyway); empty when the centre added none or fewer than none."""
    seen_positive = seen_empty = False
    for seed in range(1, 9):
        model = CenterModel(small, rng=seed)
        model.run_for(small.horizon.months)
        for row in model.timeseries:
            k = dict(zip(metrics.NAMES, row))
            added, cost = k["ventures_launched_added"], k["cost_per_venture_added_eur"]
            if added > 0:
                assert cost == pytest.approx(k["spending_eur"] / added)
                seen_positive = True
            else:
                assert math.isnan(cost)
                seen_empty = True
    assert seen_positive and seen_empty
    assert "cost_per_venture_eur" not in metrics.BY_NAME


# ---------------------------------------------------------------- cohort survival
def _hand_made(n: int):
    """A population of ``n`` pilots in both worlds, nobody served, probabilities set by hand."""
    from simcenter.config.schema import Behaviour, Region
    from simcenter.model.population import Population
    from simcenter.stages import PILOT

    pop = Population(Region(name="hand-made", n_potential=n), Behaviour(), capacity=n)
    pop.add(n, np.random.default_rng(1), initial=True)
    pop.stage[:, :n] = PILOT
    pop.op_age[:, :n] = 0
    pop._first_year_ends = {}
    pop.counts[:10] = 0
    pop.counts[1], pop.counts[6] = n, n
    pop._mirror()
    return pop


def test_cohort_survival_on_a_hand_made_population():
    """Six pilots launch in month 2 in both worlds (u = 0 moves or closes, u = 1 does not). Supported: launched
    by a person served in or before the month of launch: people 0, 1, 3 and 4 (served in month 0), not 2
    (served in month 5, after launching) nor 5 (never served). They close after 11, 12, 28 and 60 months:
    a venture that closes exactly k years after its launch is not running k years after it."""
    from simcenter.stages import COMPARISON, TREATED

    pop = _hand_made(6)
    served_in = {0: 0, 1: 0, 3: 0, 4: 0, 2: 5}
    close = {0: 13, 1: 14, 3: 30, 4: 62}
    seen = {}
    for month in range(75):
        for i, m in served_in.items():
            if m == month:
                pop.touch(np.array([i]), month, True)
        launching = np.array([month == 2] * 6)
        closing = np.array([close.get(i) == month for i in range(6)])
        pop._p_prog[:, :6] = np.where(launching, np.float32(1), np.float32(0))
        pop._p_close[:, :6] = np.where(closing, np.float32(1), np.float32(0))
        pop.advance(month, np.where(launching, 0, 1).astype(np.float32), np.where(closing, 0, 1).astype(np.float32))
        seen[month] = ([list(pop.cohort_n[w]) for w in (0, 1)], [list(pop.cohort_alive[w]) for w in (0, 1)])
    from simcenter.fast.reference_population import _check_cohorts
    assert _check_cohorts(pop) == []  # (the probabilities were set by hand: only the cohorts are checked)
    assert seen[13] == ([[0, 0, 0]] * 2, [[0, 0, 0]] * 2)  # the 1-year mark of the month-2 cohort is month 14
    assert seen[14] == ([[4, 0, 0]] * 2, [[2, 0, 0]] * 2)  # 0 (11 months) and 1 (12 months) did not make it
    assert seen[37][0] == [[4, 0, 0]] * 2 and seen[38] == ([[4, 4, 0]] * 2, [[2, 1, 0]] * 2)  # 3 closed at 28 months
    assert seen[62] == ([[4, 4, 4]] * 2, [[2, 1, 0]] * 2)  # 4 closed at 60 months, on the 5-year mark
    for w in (TREATED, COMPARISON):
        assert pop.cohort_n[w] == [4, 4, 4] and pop.cohort_alive[w] == [2, 1, 0]


def test_cohort_survival_outcomes_read_the_counters(small):
    """The model's cohort outcomes are the population's counters (alive over launched at least k years
    before); the 5-year cohort of a 4-year run is empty; the 1-year one is near the sourced 80%."""
    model = CenterModel(small, rng=2)
    model.run_for(small.horizon.months)
    k = _kpis(model)
    n, alive = model.pop.cohort_n, model.pop.cohort_alive
    assert k["cohort_ventures_1y"] == n[0][0] > 30 and k["cohort_ventures_comparison_3y"] == n[1][1]
    assert k["cohort_survival_1y"] == alive[0][0] / n[0][0]
    assert 0.6 < k["cohort_survival_comparison_1y"] < 0.95
    assert k["cohort_ventures_5y"] == 0 and math.isnan(k["cohort_survival_5y"])
    assert metrics.BY_NAME["cohort_survival_3y"].base == "cohort_ventures_3y"
