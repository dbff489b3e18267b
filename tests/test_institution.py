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
    assert inst.may_charge_fees == (entry.revenue != "none")
    assert inst.political_cut == entry.political_dependency
    assert inst.partner_voice(board_seat=False) == pytest.approx(inst.behaviour.voice_without_seat * entry.partner_voice)
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
    # 10% profit tax on fees above their direct costs, nothing on a loss.
    assert inst.tax(1000.0, 400.0) == pytest.approx(60.0)
    assert inst.tax(100.0, 400.0) == 0.0
    municipal = Institution(_scenario(base, "municipal_enterprise"))
    assert municipal.tax(1000.0, 400.0) == pytest.approx(30.0)  # 3% substitute tax on revenue, no profit tax


def test_a_form_without_revenue_collects_no_fees(base):
    data = base.model_dump()
    form = dict(data["catalogue"]["legal_forms"]["association"], revenue="none", label="No revenue")
    data["catalogue"]["legal_forms"]["no_revenue"] = form
    data["center"]["legal_form"] = "no_revenue"
    inst = Institution(scenario_from_dict(data, name="<test>"))
    assert not inst.may_charge_fees and inst.fees(500.0) == 0.0


def test_eligibility_by_type_by_named_forms_and_for_legal_entity_calls(base):
    config = _scenario(base, "limited_company",
                       open_call=_funder(requires_legal_entity=False),
                       entity_call=_funder(requires_legal_entity=True),
                       ngo_only=_funder(type="philanthropy", requires_legal_entity=False),
                       named=_funder(type="philanthropy", requires_legal_entity=False, eligible_forms=["limited_company"]))
    inst = Institution(config)
    funders = config.funding.funders
    assert inst.eligibility(funders["open_call"]) == 1.0
    assert inst.eligibility(funders["entity_call"]) == builtin_catalogue().legal_forms["limited_company"].p_eligible_legal_entity_calls
    assert inst.eligibility(funders["ngo_only"]) == 0.0  # philanthropy is not among the company's funder types
    assert inst.eligibility(funders["named"]) == 1.0  # the funder's own list wins


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
