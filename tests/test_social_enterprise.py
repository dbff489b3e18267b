"""The social-enterprise status over a run (``simcenter.model.status``): a design that seeks it registers once
its conditions hold, holds it after the registration months, pays for it, gains the calls reserved for social
enterprises and loses the status (and those calls) in the month its staff no longer meet the conditions."""

from __future__ import annotations

import pytest

from simcenter.config.catalogue import builtin_catalogue

from rooms import build, center, edited, flows, instant, quiet, step_to, tiny

STATUS = builtin_catalogue().social_enterprise_status


def _seek(vulnerable: int, share_project: float = 0.0):
    def edit(data):
        data["center"]["social_enterprise"] = {"seek": True, "vulnerable_core_staff": vulnerable,
                                               "share_vulnerable_project_staff": share_project}
    return edit


def _reserved(data):
    """A call only registered social enterprises may answer, open every month, that always pays."""
    data["funding"]["funders"] = {"se": {
        "type": "national", "eligible_applicants": ["social_enterprise"], "call_months": list(range(1, 13)),
        "p_success": 1.0, "decision_months": 1, "amount_min_eur": 1000.0, "amount_max_eur": 1000.0,
        "duration_months": 1, "application_hours": 0.0, "share_prefinancing": 1.0}}


def _team(data):
    data["center"]["staff"].update(n_mentors=2, n_coordinators=1, n_max=3)
    data["center"]["starting_cash_eur"] = 1_000_000.0


def test_three_vulnerable_staff_of_three_register_hold_and_open_the_reserved_calls(base):
    model = build(edited(tiny(base, years=2), quiet, instant, _team, _seek(3), _reserved))
    status = model.social_enterprise
    model.step()  # month 0: the conditions hold, the centre applies
    assert status.state == "registering" and status.ready_month == 1 + STATUS.registration_months
    assert not model.funders["se"].eligible()
    step_to(model, status.ready_month)
    assert status.held and model.funders["se"].eligible()
    model.run_to_end()
    assert status.months_held == model.months - status.ready_month + 1 and status.times_lost == 0
    paid = flows(model, "social_enterprise_status")  # with the month's costs, from the month after applying
    assert 0 not in paid and paid[1] == pytest.approx(STATUS.registration_cost_eur + STATUS.admin_overhead_monthly_eur)
    assert paid[2] == pytest.approx(STATUS.admin_overhead_monthly_eur)
    assert model.center.grants_won > 0  # the reserved call's money, once the status is held
    assert min(g.start for g in model.center.grants) >= status.ready_month


def test_the_status_is_lost_when_project_staff_dilute_the_vulnerable_share(base):
    """Three vulnerable core staff hold the status; a project signed at month 6 that brings seven staff, none from
    vulnerable groups, takes the share to 3 of 10 (30%: kept); one that brings eight (3 of 11) loses it that
    month, and the centre applies again once the project's staff have gone."""
    def project(data):
        data["funding"]["funders"] = {"p": {"type": "eu", "share_prefinancing": 1.0, "share_staff": 1.0,
                                            "share_overheads": 0.0, "call_months": [], "duration_months": 4}}

    def run(n_staff):
        model = build(edited(tiny(base), quiet, instant, _team, _seek(3), project))
        step_to(model, 6)
        assert model.social_enterprise.held
        salary = model.center.salary_cost()
        core = model.center.core_headcount  # the staff line pays the core team on the project first
        grant = model.funding.award(model.funders["p"], (n_staff + core) * salary * 4 + 1.0, 6)
        assert grant.staff_mentors + grant.staff_coordinators == n_staff
        model.step()
        state = model.social_enterprise.state
        model.run_to_end()
        return state, model

    kept_state, kept = run(7)
    lost_state, lost = run(8)
    assert kept_state == "held" and kept.social_enterprise.times_lost == 0
    assert lost_state == "lost" and lost.social_enterprise.times_lost == 1
    assert lost.social_enterprise.state in ("registering", "held")  # applied again after month 10
    assert lost.social_enterprise.months_held < kept.social_enterprise.months_held


def test_no_status_without_seeking_it_or_in_a_form_that_cannot_hold_it(base):
    plain = build(edited(tiny(base), quiet, instant, _team, _reserved))
    unit = build(edited(tiny(base, legal_form="municipal_enterprise"), quiet, _team, _seek(3), _reserved))
    for model in (plain, unit):
        model.run_to_end()
        assert model.social_enterprise.state == "none" and model.center.grants_won == 0
        assert flows(model, "social_enterprise_status") == {}


def test_a_years_result_spent_on_the_purpose_is_the_other_way_in(base):
    """Without vulnerable staff, a December result of at least the act's minimum meets the conditions."""
    def gift(data):
        data["funding"]["funders"] = {"d": {"type": "corporate", "kind": "donation", "call_months": [2, 3, 4, 5, 6],
                                            "amount_min_eur": 80_000.0, "amount_max_eur": 80_000.0,
                                            "p_success": 1.0, "decision_months": 1, "application_hours": 0.0}}
        data["center"]["starting_cash_eur"] = 50_000.0

    model = build(edited(tiny(base, years=2), quiet, instant, _seek(0), gift, center(staff={"n_max": 2})))
    step_to(model, 12)
    assert model.funding.last_year_result >= STATUS.min_result_eur
    assert model.social_enterprise.state == "registering"  # applied at the year's end
    model.run_to_end()
    assert model.social_enterprise.months_held > 0
