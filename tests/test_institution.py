"""The centre's institution: every effect of the legal form and the management structure.

What these tests protect: each effect follows its catalogue field (so a new catalogue entry is
all a new form needs), the rules at their edges (no fees without revenue, eligibility 0 / share /
1, latency additions, quality capped at 1, closure by the form's rule: insolvency after the arrears
limit for a form with its own balance sheet, the host's yearly decision for one without), and that
the model reads the institution rather than the catalogue (a scenario-defined form changes the run).
"""

from __future__ import annotations

import pytest

from simcenter.config.catalogue import builtin_catalogue
from simcenter.config.levers import apply_levers
from simcenter.config.loader import scenario_from_dict
from simcenter.model import CenterModel
from simcenter.model.institution import Institution

FORMS = sorted(builtin_catalogue().legal_forms)
STRUCTURES = sorted(builtin_catalogue().management_structures)


def _scenario(base, form: str = "association", structure: str = "executive_director", **funders):
    data = base.model_dump()
    data["center"]["legal_form"] = form
    data["center"]["management"] = structure
    data["funding"]["funders"].update(funders)
    return scenario_from_dict(data, name="<test>")


def _funder(**fields) -> dict:
    return {"type": "eu", "kind": "grant", **fields}


@pytest.mark.parametrize("form", FORMS)
def test_every_form_effect_follows_its_catalogue_entry(base, form):
    inst = Institution(_scenario(base, form))
    entry = builtin_catalogue().legal_forms[form]
    assert inst.setup_months == entry.setup_months and inst.setup_cost_eur == entry.setup_cost_eur
    assert inst.overhead_monthly_eur == entry.admin_overhead_monthly_eur
    assert inst.may_charge_fees == entry.may_charge_fees
    assert inst.political_cut == entry.political_dependency
    member_voice = entry.partner_voice if entry.members == "organisations" else 0.0
    assert inst.partner_voice(board_seat=False) == pytest.approx(inst.behaviour.voice_without_seat * member_voice)
    assert inst.bridge_loan_eur == (0.0 if inst.has_host else entry.bridge_loan_eur)
    assert inst.vat_registered_from_start == entry.vat_registered
    assert inst.closure_rule == entry.closure_rule
    assert inst.has_host == (entry.closure_rule != "insolvency") == (not entry.legal_personality)


@pytest.mark.parametrize("structure", STRUCTURES)
def test_every_structure_effect_follows_its_catalogue_entry(base, structure):
    inst = Institution(_scenario(base, structure=structure))
    entry = builtin_catalogue().management_structures[structure]
    assert inst.review_cycle_months == entry.review_cycle_months
    assert inst.partner_seats == entry.partner_seats
    assert inst.partner_voice(board_seat=True) == entry.partner_voice
    assert inst.meeting_cost_monthly_eur == entry.meeting_cost_monthly_eur
    assert inst.management_hours_monthly == entry.management_hours_monthly
    assert inst.capture_chance_per_review == pytest.approx(entry.capture_risk * entry.review_cycle_months / 12)
    assert inst.latency(budget=False, political_delay=False) == entry.decision_latency_months


def test_fees_and_taxes(base):
    inst = Institution(_scenario(base, "association"))
    assert inst.fees(120.0) == 120.0
    # A non-profit: 10% profit tax on the year's fees above their direct costs, nothing on a loss, whatever
    # its whole result.
    assert inst.yearly_tax(1000.0, 400.0, -5000.0) == pytest.approx(60.0)
    assert inst.yearly_tax(100.0, 400.0, 9000.0) == 0.0
    company = Institution(_scenario(base, "limited_company"))  # on its whole result
    assert company.yearly_tax(1000.0, 400.0, 9000.0) == pytest.approx(900.0)
    assert company.yearly_tax(1000.0, 400.0, -10.0) == 0.0
    municipal = Institution(_scenario(base, "municipal_enterprise"))
    assert municipal.yearly_tax(1000.0, 400.0, 9000.0) == pytest.approx(30.0)  # 3% substitute tax on revenue only


def test_vat_threshold_and_the_vat_in_a_fee(base):
    inst = Institution(_scenario(base, "association"))
    threshold = inst.behaviour.vat_threshold_eur
    assert threshold == 51_130.0  # VAT Act art. 96(1) from 2026
    assert not inst.must_register_for_vat(threshold - 0.01) and inst.must_register_for_vat(threshold)
    assert inst.vat_in(120.0) == pytest.approx(20.0)


def test_a_form_without_revenue_collects_no_fees(base):
    data = base.model_dump()
    form = dict(data["catalogue"]["legal_forms"]["association"], may_charge_fees=False, label="No revenue")
    data["catalogue"]["legal_forms"]["no_revenue"] = form
    data["center"]["legal_form"] = "no_revenue"
    inst = Institution(scenario_from_dict(data, name="<test>"))
    assert not inst.may_charge_fees and inst.fees(500.0) == 0.0


def test_eligibility_is_each_calls_list_of_applicants(base):
    config = _scenario(base, "limited_company",
                       anyone=_funder(),
                       companies=_funder(eligible_applicants=["company", "association"]),
                       ngo_only=_funder(type="philanthropy", eligible_applicants=["association", "foundation"]),
                       social=_funder(eligible_applicants=["social_enterprise"]))
    inst = Institution(config)
    funders = config.funding.funders
    assert inst.eligibility(funders["anyone"]) and inst.eligibility(funders["companies"])
    assert not inst.eligibility(funders["ngo_only"])
    assert not inst.eligibility(funders["social"]) and inst.eligibility(funders["social"], social_enterprise=True)
    # A form without legal personality applies through its host: a municipal enterprise where a call admits
    # municipal enterprises or municipalities, a university unit where it admits universities.
    unit = Institution(_scenario(base, "university_unit"))
    assert unit.eligibility(_scenario(base, uni=_funder(eligible_applicants=["university"])).funding.funders["uni"])
    assert not unit.eligibility(funders["companies"])


def test_partners_get_no_voice_through_a_cooperative_whose_members_are_people(base):
    coop = Institution(_scenario(base, "cooperative"))
    assert builtin_catalogue().legal_forms["cooperative"].members == "natural_persons"
    assert coop.partner_voice(board_seat=False) == 0.0
    assert coop.partner_voice(board_seat=False, social_enterprise=True) == pytest.approx(
        coop.behaviour.voice_without_seat * builtin_catalogue().social_enterprise_status.partner_voice)
    assert coop.partner_voice(board_seat=True) == coop.structure.partner_voice


def test_social_enterprise_conditions_staff_or_result(base):
    data = base.model_dump()
    data["center"]["social_enterprise"] = {"seek": True}
    inst = Institution(scenario_from_dict(data, name="<test>"))
    status = builtin_catalogue().social_enterprise_status
    assert inst.may_seek_social_enterprise
    assert inst.social_enterprise_conditions(3, 10, 0.0)  # 3 of 10 = 30%
    assert not inst.social_enterprise_conditions(2, 6, 0.0)  # 33%, but fewer than 3
    assert not inst.social_enterprise_conditions(3, 11, 0.0)  # 3 of 11 < 30%
    assert inst.social_enterprise_conditions(0, 4, status.min_result_eur)  # or a result spent on the purpose
    assert not inst.social_enterprise_conditions(0, 0, 1e6)  # nobody employed: no enterprise
    unit = _scenario(base, "municipal_enterprise").model_dump()
    unit["center"]["social_enterprise"] = {"seek": True}
    assert not Institution(scenario_from_dict(unit, name="<test>")).may_seek_social_enterprise


def test_donor_deduction_raises_only_corporate_success(base):
    config = _scenario(base, "association", csr=_funder(type="corporate"))
    inst = Institution(config)
    assert inst.donor_factor(config.funding.funders["csr"]) == 1.0 + config.behaviour.donor_deduction_effect
    assert inst.donor_factor(next(f for f in config.funding.funders.values() if f.type == "eu")) == 1.0
    company = Institution(_scenario(base, "limited_company", csr=_funder(type="corporate")))
    assert company.donor_factor(config.funding.funders["csr"]) == 1.0


def test_latency_adds_the_approving_body_and_the_political_delay(base):
    inst = Institution(_scenario(base, "municipal_enterprise", "multi_stakeholder_board"))
    form = builtin_catalogue().legal_forms["municipal_enterprise"]
    plain = inst.latency(budget=False, political_delay=False)
    assert inst.latency(budget=True, political_delay=False) == plain + form.approval_latency_months
    assert inst.latency(budget=False, political_delay=True) == plain + round(
        inst.behaviour.political_delay_max_months * form.political_dependency)


def test_decision_quality_is_capped(base):
    inst = Institution(_scenario(base))
    assert inst.decision_quality(0.0) == inst.structure.decision_quality
    assert inst.decision_quality(100.0) == 1.0


def test_closure_after_the_arrears_limit(base):
    inst = Institution(_scenario(base))
    limit = inst.behaviour.closure_arrears_months
    assert not inst.closes(limit - 1)
    assert inst.closes(limit)
    assert inst.host_closes(1e9, 0.0) == ""  # no host to decide
    assert not inst.host_decides(1)


@pytest.mark.parametrize("form, reason", [("municipal_enterprise", "council_budget"), ("university_unit", "host_review"),
                                          ("partnership", "partners_withdrew")])
def test_a_host_closes_its_unit_when_a_years_cover_exceeds_its_limit(base, form, reason):
    inst = Institution(_scenario(base, form))
    entry = builtin_catalogue().legal_forms[form]
    assert not inst.closes(100)  # arrears never close a unit: its host carries them
    assert inst.host_decides(entry.host_review_month) and not inst.host_decides(entry.host_review_month % 12 + 1)
    limit = entry.host_cover_eur_year
    assert limit > 0
    assert inst.host_closes(limit, 1.0) == ""
    assert inst.host_closes(limit + 0.01, 1.0) == reason


def test_partners_withdraw_when_their_engagement_has_faded(base):
    inst = Institution(_scenario(base, "partnership"))
    floor = inst.behaviour.partners_withdraw_engagement
    assert inst.host_closes(0.0, floor) == ""
    assert inst.host_closes(0.0, floor - 0.01) == "partners_withdrew"
    assert Institution(_scenario(base, "university_unit")).host_closes(0.0, 0.0) == ""  # a university does not


def test_the_model_asks_the_institution(base):
    """A form defined in the scenario reaches the run: a long set-up delays the opening."""
    data = apply_levers(base, {"n_potential": 200, "years": 2}).model_dump()
    data["catalogue"]["legal_forms"]["slow"] = dict(data["catalogue"]["legal_forms"]["association"],
                                                     setup_months=7, label="Slow")
    data["center"]["legal_form"] = "slow"
    model = CenterModel(scenario_from_dict(data, name="<test>"), rng=1, collect=False)
    for _ in range(7):
        model.step()
    assert not model.center.active
    model.step()
    assert model.center.active


def test_a_hosted_unit_has_its_deficit_covered_and_is_closed_at_the_hosts_decision(base):
    """A municipal enterprise without funders or cash: the council pays what it is short month by month
    (never arrears), and at its first yearly budget decision after a year whose cover exceeded the limit
    closes it, by the council's rule, not insolvency; the cover goes on for its debts afterwards."""
    data = apply_levers(base, {"n_potential": 200, "years": 3, "legal_form": "municipal_enterprise"}).model_dump()
    data["funding"]["funders"] = {}
    data["funding"]["starting_grants"] = []
    data["plan"] = []
    data["center"]["starting_cash_eur"] = 0.0
    model = CenterModel(scenario_from_dict(data, name="<test>"), rng=1, collect=False)
    model.run_to_end()
    c, form = model.center, model.config.form
    cover = {}
    for month, src, dst, kind, cents in model.ledger._rows:
        if kind == "host_cover":
            cover[month] = cover.get(month, 0) + cents / 100
    assert cover and min(model.cash_cents) >= 0  # covered as it arose: no arrears
    assert c.closed and c.closure_reason == "council_budget" and c.arrears_months == 0
    decided = c.closure_month - 1
    assert model.calendar(decided)[1] == form.host_review_month and decided >= 11
    assert sum(v for m, v in cover.items() if decided - 12 < m <= decided) > form.host_cover_eur_year
    assert model.verify_ledger() == []
