"""Levers: the planner's top-level choices as keywords (``simcenter/config/levers.py``).

What these tests protect: every lever changes the scenario as documented, and the result is
validated again (a lever cannot make a scenario the loader would refuse); a value a lever cannot
take is refused with a located message, naming the lever, or, for a lever that sets one field, the
field it sets; an unknown lever gets a "did you mean"; the levers that compute keep their promises
(``share_online_events`` keeps the number of events, ``years`` drops later plan actions,
``partner_seats`` changes only the chosen structure, ``grant_success_factor`` only grant funders
and never beyond 1, ``municipal_support_eur`` only municipal funders).
"""

from __future__ import annotations

import math

import pytest

from simcenter.config.levers import LEVERS, apply_levers
from simcenter.errors import InputError
from simcenter.model import CenterModel

from rooms import build, tiny

# lever -> (a value, what it must have changed in the scenario)
EFFECTS = {
    "legal_form": ("cooperative", lambda s: s.center.legal_form == "cooperative" and s.form.members == "natural_persons"),
    "management": ("network_hub", lambda s: s.center.management == "network_hub"),
    "social_enterprise": (True, lambda s: s.center.social_enterprise.seek is True),
    "vulnerable_core_staff": (2, lambda s: s.center.social_enterprise.vulnerable_core_staff == 2),
    "n_mentors": (4, lambda s: s.center.staff.n_mentors == 4 and s.center.staff.n_max == 8),
    "n_coordinators": (2, lambda s: s.center.staff.n_coordinators == 2),
    "starting_cash_eur": (12_345.0, lambda s: s.center.starting_cash_eur == 12_345.0),
    "mentoring_fee_eur": (7.5, lambda s: s.center.services.mentorship.fee_per_hour_eur == 7.5),
    "event_fee_eur": (3.0, lambda s: s.center.services.events.fee_eur == 3.0),
    "success_fee_share": (0.02, lambda s: s.center.services.funding_support.share_success_fee == 0.02),
    "promotion_budget_eur": (800.0, lambda s: s.center.services.promotion.budget_monthly_eur == 800.0),
    "share_online_events": (1.0, lambda s: (s.center.services.events.onsite_per_month,
                                            s.center.services.events.hybrid_per_month) == (0.0, 0.0)),
    "partner_seats": (4, lambda s: s.structure.partner_seats == 4),
    "grant_success_factor": (0.5, lambda s: s.funding.funders["easi_social_innovation"].p_success == 0.1),
    "municipal_support_eur": (9_000.0, lambda s: s.funding.funders["plovdiv_municipality"].amount_max_eur == 9_000.0),
    "years": (3, lambda s: s.horizon.months == 36),
    "n_potential": (321, lambda s: s.region.n_potential == 321),
}


def test_every_lever_is_tested():
    assert set(EFFECTS) == set(LEVERS)


@pytest.mark.parametrize("lever", sorted(EFFECTS))
def test_each_lever_changes_the_scenario_as_documented(base, lever):
    value, changed = EFFECTS[lever]
    assert not changed(base)
    assert changed(apply_levers(base, {lever: value}))


def test_no_levers_no_change(base):
    assert apply_levers(base, {}) is base


def test_levers_reach_the_model(base):
    model = CenterModel(base, rng=1, collect=False, n_potential=150, years=1, n_mentors=4)
    assert (model.config.region.n_potential, model.months, model.center.n_mentors) == (150, 12, 4)


def test_staff_levers_raise_the_cap_when_they_pass_it(base):
    scenario = apply_levers(base, {"n_mentors": 7, "n_coordinators": 3})
    assert scenario.center.staff.n_max == 10
    assert apply_levers(base, {"n_mentors": 0}).center.staff.n_max == 8


# ---------------------------------------------------------------------------------------- computing levers
@pytest.mark.parametrize("share", [0.0, 0.25, 1.0])
def test_share_online_events_keeps_the_number_of_events(base, share):
    before = base.center.services.events
    total = before.onsite_per_month + before.online_per_month + before.hybrid_per_month
    events = apply_levers(base, {"share_online_events": share}).center.services.events
    assert events.onsite_per_month + events.online_per_month + events.hybrid_per_month == pytest.approx(total)
    assert events.online_per_month == pytest.approx(share * total)
    assert events.hybrid_per_month > 0 or share == 1.0


def test_share_online_events_at_the_current_share_changes_nothing(base):
    before = base.center.services.events
    share = before.online_per_month / (before.onsite_per_month + before.online_per_month + before.hybrid_per_month)
    after = apply_levers(base, {"share_online_events": share}).center.services.events
    assert (after.onsite_per_month, after.online_per_month, after.hybrid_per_month) == pytest.approx(
        (before.onsite_per_month, before.online_per_month, before.hybrid_per_month))


def test_share_online_events_drops_plan_actions_that_change_event_counts(base):
    """The base plan sets online events to 2 in month 12: that would undo the share. Other actions stay."""
    assert any(a.action == "set" and a.field == "services.events.online_per_month" for a in base.plan)
    plan = apply_levers(base, {"share_online_events": 0.5}).plan
    assert not any(a.action == "set" and a.field.startswith("services.events.") for a in plan)
    assert len(plan) == len(base.plan) - 1


def test_years_drops_the_plan_actions_after_the_horizon(base):
    months = {a.month for a in base.plan}
    assert max(months) == 12
    assert {a.month for a in apply_levers(base, {"years": 1}).plan} == months - {12}
    assert {a.month for a in apply_levers(base, {"years": 2}).plan} == months


def test_partner_seats_change_only_the_chosen_structure(base):
    scenario = apply_levers(base, {"management": "collegial_board", "partner_seats": 1})
    structures = scenario.catalogue.management_structures
    assert structures["collegial_board"].partner_seats == 1
    for name, structure in base.catalogue.management_structures.items():
        if name != "collegial_board":
            assert structures[name].partner_seats == structure.partner_seats, name
    model = build(apply_levers(scenario, {"n_potential": 100, "years": 1}))
    assert sum(p.board_seat for p in model.partners.values()) == 1


@pytest.mark.parametrize("factor", [0.0, 0.5, 3.0, 100.0])
def test_grant_success_factor_scales_grant_funders_only_and_caps_at_one(base, factor):
    funders = apply_levers(base, {"grant_success_factor": factor}).funding.funders
    for fid, funder in base.funding.funders.items():
        expected = min(1.0, funder.p_success * factor) if funder.kind == "grant" else funder.p_success
        assert funders[fid].p_success == pytest.approx(expected), fid


@pytest.mark.parametrize("support", [0.0, 3_000.0, 9_000.0, 60_000.0])
def test_municipal_support_sets_the_municipal_amounts_only(base, support):
    funders = apply_levers(base, {"municipal_support_eur": support}).funding.funders
    for fid, funder in base.funding.funders.items():
        if funder.type == "municipal":
            assert funders[fid].amount_max_eur == support
            assert funders[fid].amount_min_eur == min(funder.amount_min_eur, support)
        else:
            assert funders[fid] == funder, fid


def test_no_municipal_support_means_no_municipal_award(base):
    model = build(tiny(base, years=4, municipal_support_eur=0.0))
    model.run_to_end()
    assert [g for g in model.center.grants if g.funder == "plovdiv_municipality"] == []


# ---------------------------------------------------------------------------------------- refused values
@pytest.mark.parametrize("lever, value, message", [
    ("share_online_events", 1.5, "must be between 0 and 1, got 1.5"),
    ("share_online_events", -0.1, "must be between 0 and 1, got -0.1"),
    ("grant_success_factor", -1.0, "must be >= 0, got -1.0"),
    ("municipal_support_eur", -5, "must be >= 0, got -5"),
    ("n_mentors", -1, "must be >= 0, got -1"),
    ("n_coordinators", 2.5, "expected a whole number, got 2.5"),
    ("years", 2.0, "expected a whole number, got 2.0"),
    ("grant_success_factor", math.inf, "must be a finite number, got inf"),
    ("mentoring_fee_eur", math.nan, "must be a finite number, got nan"),
    ("starting_cash_eur", -math.inf, "must be a finite number, got -inf"),
])
def test_a_value_a_lever_cannot_take_is_refused_naming_the_lever(base, lever, value, message):
    with pytest.raises(InputError) as info:
        apply_levers(base, {lever: value})
    (problem,) = info.value.problems
    assert str(problem) == f"<levers>:1: {lever}: {message}"


@pytest.mark.parametrize("lever, value, field, message", [
    ("n_potential", 0, "region.n_potential", "must be >= 1, got 0"),
    ("years", 31, "horizon.years", "must be <= 30, got 31"),
    ("promotion_budget_eur", -5.0, "center.services.promotion.budget_monthly_eur", "must be >= 0.0, got -5.0"),
    ("success_fee_share", 1.5, "center.services.funding_support.share_success_fee", "must be <= 1.0, got 1.5"),
    ("partner_seats", -1, "catalogue.management_structures.executive_director.partner_seats", "must be >= 0, got -1"),
    ("legal_form", "asociation", "center.legal_form",
     "unknown legal form 'asociation' (did you mean 'association'?)"),
])
def test_a_value_a_field_cannot_take_is_refused_naming_the_field_the_lever_sets(base, lever, value, field, message):
    with pytest.raises(InputError) as info:
        apply_levers(base, {lever: value})
    assert f"<levers>:1: {field}: {message}" in str(info.value)


def test_several_bad_levers_are_all_reported(base):
    with pytest.raises(InputError) as info:
        apply_levers(base, {"share_online_events": 2.0, "grant_success_factor": math.nan, "n_mentors": 1})
    assert [p.path for p in info.value.problems] == ["grant_success_factor", "share_online_events"]


def test_an_unknown_lever_gets_a_did_you_mean(base):
    with pytest.raises(InputError) as info:
        apply_levers(base, {"n_mentros": 2, "zzz": 1})
    message = str(info.value)
    assert message.startswith("<levers>:1: levers: unknown lever n_mentros (did you mean 'n_mentors'?), zzz; known: ")
    assert all(name in message for name in LEVERS)
