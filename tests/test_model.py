"""The model's behaviour at extremes, its Mesa integration and its outcome declarations."""

from __future__ import annotations

import math

import mesa
import numpy as np
import pytest

from simcenter import metrics, scenario_from_dict
from simcenter.i18n import strings
from simcenter.config.levers import apply_levers
from simcenter.model import CenterModel, SimcenterScenario
from simcenter.stages import COMPARISON, TREATED
from simcenter.run.runner import simulate

from conftest import BASE


def _with(scenario, edit):
    data = scenario.model_dump()
    edit(data)
    return scenario_from_dict(data)


def _no_funding(data):
    data["funding"]["funders"] = {}
    data["funding"]["starting_grants"] = []
    data["plan"] = [a for a in data["plan"] if a["action"] != "apply"]
    for p in data["partners"].values():
        p["sponsorship_yearly_eur"] = 0.0


def test_zero_cash_and_no_funding_is_insolvent_early(small):
    def edit(data):
        _no_funding(data)
        data["center"]["starting_cash_eur"] = 0.0

    result = simulate(_with(small, edit), 1)
    assert result.kpis["closed"] == 1.0
    assert result.kpis["months_operating"] <= 6


def test_an_always_successful_grant_keeps_the_centre_alive(small):
    def edit(data):
        _no_funding(data)
        data["center"]["starting_cash_eur"] = 50_000.0
        data["funding"]["funders"] = {
            "angel": {
                "type": "national", "kind": "grant", "call_months": list(range(1, 13)),
                "amount_min_eur": 400_000.0, "amount_max_eur": 400_000.0, "duration_months": 12,
                "share_prefinancing": 1.0, "reimbursement_lag_months": 0, "decision_months": 1,
                "p_success": 1.0, "application_hours": 0.0, "share_cofinancing": 0.0,
            }
        }

    for seed in (1, 2, 3):
        result = simulate(_with(small, edit), seed)
        assert result.kpis["closed"] == 0.0, seed
        # A team from opening on, but for a month between two projects when the core team, which the projects'
        # staff lines do not pay in full, has been cut.
        assert result.kpis["months_operating"] >= small.horizon.months - small.form.setup_months - 2
        assert result.kpis["grants_won"] >= small.horizon.years


def test_without_services_supported_and_comparison_do_not_differ(small):
    def edit(data):
        for service in data["center"]["services"].values():
            service["enabled"] = False
        data["plan"] = [a for a in data["plan"] if a["action"] not in ("start_service", "set")]
        for p in data["partners"].values():
            p["mentor_hours_month"] = 0.0

    model = CenterModel(_with(small, edit), rng=4, collect=False)
    while model.running:
        model.step()
    n = model.pop.n
    np.testing.assert_array_equal(model.pop.stage[TREATED, :n], model.pop.stage[COMPARISON, :n])
    np.testing.assert_array_equal(model.pop.funding[TREATED, :n], model.pop.funding[COMPARISON, :n])
    assert model.outcome("ventures_launched_added") == 0
    assert model.outcome("jobs_added") == 0
    assert model.outcome("served") == 0


def test_services_make_a_difference_for_the_people_served(small):
    results = [simulate(small, s) for s in (1, 2, 3)]
    assert all(r.kpis["served"] > 0 for r in results)
    assert sum(r.kpis["client_funding_added_eur"] for r in results) > 0


def test_more_mentors_more_mentoring_hours(small):
    """With the team held at its size (the cap at the starting team: the board cannot hire for unmet
    demand) and money for it, five mentors deliver more hours than one."""
    def team(n):
        def edit(data):
            data["center"]["starting_cash_eur"] = 400_000.0
            data["center"]["staff"].update(n_mentors=n, n_max=n + data["center"]["staff"].get("n_coordinators", 1))
        return edit

    few = simulate(_with(small, team(1)), 5)
    many = simulate(_with(small, team(5)), 5)
    assert many.kpis["mentoring_hours"] > few.kpis["mentoring_hours"]


def _always_paying_funder(funder_type: str, applicants: list[str] | None = None):
    def edit(data):
        _no_funding(data)
        data["center"]["starting_cash_eur"] = 500_000.0
        data["funding"]["funders"] = {
            "f": {"type": funder_type, "call_months": list(range(1, 13)), "p_success": 1.0, "decision_months": 1,
                  "eligible_applicants": applicants, "amount_min_eur": 1000.0, "amount_max_eur": 1000.0,
                  "duration_months": 1}
        }
    return edit


def test_an_ineligible_form_never_wins_a_funders_calls(small):
    """A cooperative is not among an NGO programme's applicants: never an award, however sure."""
    scenario = apply_levers(_with(small, _always_paying_funder("philanthropy", ["association", "foundation"])),
                            {"legal_form": "cooperative"})
    assert simulate(scenario, 1).kpis["grants_won"] == 0
    association = apply_levers(_with(small, _always_paying_funder("philanthropy", ["association", "foundation"])),
                               {"legal_form": "association"})
    assert simulate(association, 1).kpis["grants_won"] > 0


def test_a_unit_without_legal_personality_wins_through_its_host(small):
    """A university unit applies through its university: it wins a call that admits universities and none
    that admits only non-profits."""
    won = {applicants[0]: simulate(apply_levers(_with(small, _always_paying_funder("eu", applicants)),
                                                {"legal_form": "university_unit"}), 1).kpis["grants_won"]
           for applicants in (["university"], ["association", "foundation"])}
    assert won["university"] > 0 and won["association"] == 0


def test_arrears_that_reimbursements_will_clear_are_a_gap_not_insolvency(small):
    """Cash for the set-up only, and a large grant paid back six months after each month's costs:
    the centre is in arrears for months, but what the funder owes covers them. Without the grant
    it fails at once."""
    def edit(data):
        _no_funding(data)
        data["center"]["starting_cash_eur"] = 5000.0
        data["funding"]["funders"] = {
            "esf": {"type": "national", "call_months": [1], "p_success": 0.0, "share_prefinancing": 0.0,
                    "share_cofinancing": 0.0, "reimbursement_lag_months": 6}}
        data["funding"]["starting_grants"] = [{"funder": "esf", "amount_eur": 2_000_000.0, "duration_months": 36}]

    model = CenterModel(_with(small, edit), rng=1, collect=False)
    while model.running:
        model.step()
    cash = model.cash_cents / 100
    assert (cash[3:9] < 0).all()  # arrears for six months running ...
    assert not model.center.closed or model.center.closure_month > 36  # ... bridged until the grant ends

    def without_grant(data):
        edit(data)
        data["funding"]["starting_grants"] = []

    model = CenterModel(_with(small, without_grant), rng=1, collect=False)
    while model.running:
        model.step()
    # Within months: the founders' bridge loan (EUR 10,000) covers some weeks of a team's costs.
    assert model.center.closed and model.center.closure_month <= 9
    assert model.center.months_operating <= 6


def test_model_scenario_is_mesas_and_carries_the_config(small):
    model = CenterModel(small, rng=3)
    assert isinstance(model.scenario, SimcenterScenario)
    assert isinstance(model.scenario, mesa.experimental.scenarios.Scenario)
    assert model.scenario.config is model.config
    assert model.config.name == small.name
    model.step()
    with pytest.raises(ValueError):
        model.scenario.config = small  # Mesa refuses changes while the model runs


def test_model_accepts_a_path_and_a_mesa_scenario(small):
    from_path = CenterModel(str(BASE), rng=1)
    assert from_path.config.name == "plovdiv-association-director"
    wrapped = CenterModel(SimcenterScenario(rng=9, config=small))
    assert wrapped.seed == 9


def test_unknown_lever_is_an_input_error(small):
    from simcenter.errors import InputError

    with pytest.raises(InputError, match="did you mean 'n_mentors'"):
        CenterModel(small, rng=1, n_mentor=3)


def test_mesa_batch_run_returns_every_outcome(small):
    rows = mesa.batch_run(
        CenterModel,
        parameters={"scenario": [small], "legal_form": ["association", "foundation"], "years": 1},
        rng=[1, 2],
        max_steps=100,
        number_processes=1,
        display_progress=False,
    )
    assert len(rows) == 4
    assert {r["legal_form"] for r in rows} == {"association", "foundation"}
    for row in rows:
        assert row["Step"] == 12
        for name in metrics.NAMES:
            assert name in row


def test_datacollector_matches_the_timeseries(small):
    model = CenterModel(small, rng=8)
    while model.running:
        model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == small.horizon.months
    np.testing.assert_allclose(frame["cash_eur"].to_numpy(), model.timeseries[:, metrics.NAMES.index("cash_eur")])


def test_outcomes_are_declared_once_with_unit_direction_and_label():
    assert len(metrics.NAMES) == len(set(metrics.NAMES))
    for o in metrics.OUTCOMES:
        assert o.direction in ("max", "min", "info")
        assert o.unit and o.definition
        for lang in ("en", "bg"):
            assert f"outcomes.{o.name}" in strings(lang), (lang, o.name)


def test_funding_cliff_shows_when_the_only_grant_ends(small):
    def edit(data):
        _no_funding(data)
        data["center"]["starting_cash_eur"] = 5_000.0
        data["funding"]["funders"] = {
            "easi": {"type": "eu", "call_months": [1], "first_year": 29, "p_success": 0.0,
                     "share_prefinancing": 1.0, "reimbursement_lag_months": 0, "amount_min_eur": 0.0,
                     "amount_max_eur": 0.0}
        }
        data["funding"]["starting_grants"] = [{"funder": "easi", "amount_eur": 200_000.0, "duration_months": 24}]

    model = CenterModel(_with(small, edit), rng=1, collect=False)
    model.run_to_end()
    # A team while the grant runs, gone within months of its end; the centre, dormant (its registration and
    # its body, no premises or running costs), may live on as a shell.
    staff = model.timeseries[:, metrics.NAMES.index("staff")]
    assert (staff[2:24] > 0).all() and (staff[24 + 6:] == 0).all()
    assert model.tally["dormant_months"] > 0
    assert model.outcome("survived_grant_cliff") == 0.0


def test_kpis_are_the_last_month_of_the_timeseries(small):
    result = simulate(small, 2)
    last = result.timeseries.iloc[-1]
    for name in metrics.NAMES:
        a, b = result.kpis[name], float(last[name])
        assert (math.isnan(a) and math.isnan(b)) or a == b


def test_a_plan_set_that_no_longer_fits_is_refused_not_a_crash(small):
    """The loader checks the plan's sets in month order; one carried out out of that order (the
    political delay) that breaks the headcount cap with an earlier set is refused and counted."""
    model = CenterModel(small, rng=1)
    spec = model.center.spec
    model.governance._execute({"action": "set", "field": "staff.n_max", "value": 3}, 0)
    assert model.center.spec.staff.n_max == 3 and model.tally["decisions"] == 1
    model.governance._execute({"action": "set", "field": "staff.n_mentors", "value": 4}, 1)
    assert model.center.spec.staff.n_mentors == spec.staff.n_mentors
    assert model.center.n_mentors == spec.staff.n_mentors
    assert model.tally["decisions_refused"] == 1 and model.tally["decisions"] == 1
