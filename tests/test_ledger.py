"""Money is conserved: every euro moves through the ledger, and each run proves it balances."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simcenter import load_scenario
from simcenter.ledger import CENTER, Ledger
from simcenter.config.levers import apply_levers
from simcenter.model import CenterModel
from simcenter.run.runner import simulate

from conftest import shipped_scenarios


def test_ledger_rounds_to_cents_and_balances():
    led = Ledger()
    led.transfer("a", CENTER, "x", 10.005)
    led.month = 1
    led.transfer(CENTER, "b", "y", 3.333)
    assert led.balance_cents(CENTER) == 1001 - 333
    assert led.verify(CENTER, np.array([1001, 1001 - 333])) == []


def test_ledger_verify_detects_money_appearing():
    led = Ledger()
    led.transfer("a", CENTER, "x", 100)
    problems = led.verify(CENTER, np.array([10_001]))
    assert problems and "month 0" in problems[0]


def test_ledger_ignores_non_positive_amounts():
    led = Ledger()
    assert led.transfer("a", CENTER, "x", 0.0) == 0
    assert led.transfer("a", CENTER, "x", -5.0) == 0
    assert len(led) == 0


@pytest.mark.parametrize("path", shipped_scenarios(), ids=lambda p: p.stem)
def test_every_shipped_scenario_balances_every_month(path):
    scenario = apply_levers(load_scenario(path), {"n_potential": 500})
    for seed in (1, 2):
        model = CenterModel(scenario, rng=seed, collect=False)
        while model.running:
            model.step()
        assert model.verify_ledger() == []
        rows = model.ledger.rows()
        inflow = sum(a for d, a in zip(rows["destination"], rows["amount_eur"]) if d == CENTER)
        outflow = sum(a for s, a in zip(rows["source"], rows["amount_eur"]) if s == CENTER)
        assert inflow - outflow == pytest.approx(model.ledger.balance(CENTER), abs=0.005)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cash=st.floats(0, 200_000),
    p_success=st.floats(0, 1),
    prefinancing=st.floats(0, 1),
    cofinancing=st.floats(0, 0.9),
    lag=st.integers(0, 12),
    fee=st.floats(0, 50),
    mentors=st.integers(0, 6),
    salary=st.floats(0, 4000),
    form=st.sampled_from(["association", "foundation", "cooperative", "limited_company",
                          "municipal_enterprise", "university_unit", "partnership"]),
    structure=st.sampled_from(["executive_director", "collegial_board", "multi_stakeholder_board",
                               "lead_partner", "network_hub"]),
    seed=st.integers(0, 2**32),
)
def test_generated_scenarios_conserve_money(small, cash, p_success, prefinancing, cofinancing, lag, fee,
                                            mentors, salary, form, structure, seed):
    data = small.model_dump()
    data["center"]["starting_cash_eur"] = cash
    data["center"]["staff"]["salary_monthly_eur"] = salary
    data["center"]["services"]["mentorship"]["fee_per_hour_eur"] = fee
    for funder in data["funding"]["funders"].values():
        funder.update(p_success=p_success, share_prefinancing=prefinancing,
                      share_cofinancing=cofinancing, reimbursement_lag_months=lag)
    from simcenter import scenario_from_dict

    scenario = apply_levers(scenario_from_dict(data), {"n_mentors": mentors, "legal_form": form, "management": structure})
    result = simulate(scenario, seed)  # raises if the ledger does not balance
    assert np.isfinite(result.kpis["cash_eur"])
