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
