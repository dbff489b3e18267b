"""Every catalogue field that is not a text shown to users changes a result (issue 18: "every catalogue field
changes a result, or the field is gone").

For each such field of a legal form, a management structure and the social-enterprise status, one case sets up
a small run in which the field matters, flips the field and checks that the run differs: its ledger (every
euro), its tallies or its outcomes. The list of cases must name exactly the catalogue's effective fields, so a
new field without a case, or a case for a field that is gone, fails here."""

from __future__ import annotations

import pytest

from simcenter.config.catalogue import LegalForm, ManagementStructure, SocialEnterpriseStatus
from simcenter.model import CenterModel

from rooms import edited, tiny


def _effective(cls) -> set[str]:
    return {name for name in cls.model_fields if name not in cls.DESCRIPTIVE}


def _fees(data):
    """Fees above the mentors' hourly cost, which put almost nobody off (so they earn a taxable profit)."""
    data["center"]["services"]["mentorship"]["fee_per_hour_eur"] = 20.0
    data["center"]["services"]["events"]["fee_eur"] = 5.0
    data["behaviour"]["fee_elasticity"] = 0.001


def _often(*funders: str):
    """These funders' calls open every month (their decisions happen often enough to show a change in odds)."""
    def edit(data):
        for fid in funders:
            data["funding"]["funders"][fid]["call_months"] = list(range(1, 13))
    return edit


def _turnover(data):
    """The 2027 municipal elections bring a turnover for sure."""
    data["behaviour"]["p_budget_cut_election"] = 1.0


def _structure(**fields):
    def edit(data):
        data["catalogue"]["management_structures"][data["center"]["management"]].update(fields)
    return edit


def _rich(data):
    data["center"]["starting_cash_eur"] = 2_000_000.0


def _short(data):
    """Starting cash of 10,000: a board with cuts to decide in its first years, not all of them urgent."""
    data["center"]["starting_cash_eur"] = 10_000.0


def _poor(data):
    data["center"]["starting_cash_eur"] = 0.0
    data["funding"]["starting_grants"] = []


def _gifts(data):
    data["funding"]["funders"]["gift"] = {"type": "corporate", "kind": "donation", "call_months": [2, 3, 4, 5, 6],
                                          "amount_min_eur": 90_000.0, "amount_max_eur": 90_000.0, "p_success": 1.0,
                                          "decision_months": 1, "application_hours": 0.0}


def _seek(data):
    data["center"]["social_enterprise"] = {"seek": True, "vulnerable_core_staff": 3}
    data["center"]["staff"].update(n_mentors=2, n_coordinators=1)


def _no_vulnerable_staff(data):
    data["center"]["social_enterprise"]["vulnerable_core_staff"] = 0


def _hosted_deficit(data):
    """A municipal enterprise with no money of its own: its host covers and decides."""
    data["center"]["legal_form"] = "municipal_enterprise"
    _poor(data)
    for funder in data["funding"]["funders"].values():
        funder["p_success"] = 0.0


def _form(name: str):
    def edit(data):
        data["center"]["legal_form"] = name
    return edit


def _only_companies(data):
    for f in data["funding"]["funders"].values():
        if f.get("eligible_applicants") is not None:
            f["eligible_applicants"] = ["company"]


# field -> (value flipped to, edits that make it matter); the form is the scenario's (the association unless an
# edit says otherwise)
FORM_CASES = {
    "applicants": (["company"], [_only_companies]),
    "members": ("natural_persons", []),
    "may_charge_fees": (False, [_fees]),
    "share_profit_tax": (0.3, [_fees]),
    "tax_base": ("all_income", [_gifts]),
    "share_substitute_tax": (0.05, [_fees]),
    "donor_deduction": (False, [_often("csr_donors")]),
    "vat_registered": (True, [_fees]),
    "may_hold_social_enterprise_status": (False, [_seek, _rich]),
    "bridge_loan_eur": (0.0, [_poor]),
    "admin_overhead_monthly_eur": (900.0, []),
    "setup_months": (5, []),
    "setup_cost_eur": (5000.0, []),
    "approval_latency_months": (6, []),
    "political_dependency": (0.9, [_often("plovdiv_municipality"), _turnover]),
    "partner_voice": (0.0, []),
    "closure_rule": ("host_review", [_hosted_deficit]),
    "host_cover_eur_year": (1e6, [_hosted_deficit]),
    "host_review_month": (7, [_hosted_deficit]),
}
STRUCTURE_CASES = {
    "review_cycle_months": (6, []),
    "decision_latency_months": (6, []),
    "decision_quality": (0.0, [_short]),  # the base's 3 years may hold a single decision, read right either way
    "partner_voice": (1.0, [_structure(partner_seats=3), _short]),  # voice lifts decision quality: decisions needed
    "partner_seats": (5, []),
    "meeting_cost_monthly_eur": (900.0, []),
    "capture_risk": (1.0, [_structure(review_cycle_months=12)]),
    "management_hours_monthly": (150.0, []),
}
STATUS_CASES = {
    "min_share_vulnerable_staff": (0.9, []),
    "min_vulnerable_staff": (4, []),
    "min_result_eur": (0.0, [_no_vulnerable_staff]),
    "registration_months": (9, []),
    "registration_cost_eur": (3000.0, []),
    "admin_overhead_monthly_eur": (900.0, []),
    "partner_voice": (1.0, []),
}


def test_the_cases_name_every_effective_field():
    assert set(FORM_CASES) == _effective(LegalForm)
    assert set(STRUCTURE_CASES) == _effective(ManagementStructure)
    assert set(STATUS_CASES) == _effective(SocialEnterpriseStatus)


def _fingerprint(scenario) -> tuple:
    model = CenterModel(scenario, rng=3, collect=False)
    model.run_to_end()
    rows = model.ledger.rows()
    return (tuple(zip(rows["month"], rows["kind"], rows["amount_eur"])), tuple(sorted(model.tally.items())),
            model.center.closure_reason, model.social_enterprise.months_held)


def _differs(base, edits, change) -> bool:
    scenario = edited(tiny(base, years=3), *edits)
    flipped = edited(scenario, change)
    return _fingerprint(scenario) != _fingerprint(flipped)


def _flip(section: str, field: str, value):
    """An edit that sets ``field`` of the scenario's own entry in the catalogue ``section``."""
    def change(data):
        group = data["catalogue"][section]
        if section == "legal_forms":
            group = group[data["center"]["legal_form"]]
        elif section == "management_structures":
            group = group[data["center"]["management"]]
        group[field] = value
    return change


CASES = ([("legal_forms", f, *FORM_CASES[f]) for f in sorted(FORM_CASES)]
         + [("management_structures", f, *STRUCTURE_CASES[f]) for f in sorted(STRUCTURE_CASES)]
         + [("social_enterprise_status", f, value, [_seek, _rich, *edits])
            for f, (value, edits) in sorted(STATUS_CASES.items())])


@pytest.mark.parametrize("section, field, value, edits", CASES, ids=[f"{c[0]}.{c[1]}" for c in CASES])
def test_each_catalogue_field_changes_a_run(base, section, field, value, edits):
    assert _differs(base, edits, _flip(section, field, value)), f"{section} field {field} = {value!r} changed nothing"


def test_the_catalogue_refuses_a_legal_personality_that_contradicts_the_closure_rule_and_uneven_translations(base):
    """legal_personality is shown, not used: it must agree with the closure rule that acts; a Bulgarian list of
    pros or cons must match the English one phrase for phrase."""
    from simcenter.errors import InputError

    def contradiction(data):
        data["catalogue"]["legal_forms"]["association"]["closure_rule"] = "council_budget"

    def uneven(data):
        data["catalogue"]["legal_forms"]["association"]["pros_bg"] = ["само една"]

    for edit, words in ((contradiction, "does not fit legal_personality"), (uneven, "pros_bg: 1 phrases")):
        with pytest.raises(InputError) as caught:
            edited(base, edit)
        assert words in str(caught.value.problems[0])
