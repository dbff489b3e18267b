"""Governance: the decision queue, reviews, elections and capture (``simcenter/model/governance.py``).

What these tests protect: how long a decision takes (the structure's latency, the approving body's
for budget actions, the political delay after municipal elections) and that plan actions pass
through the same queue; what each action does (``set`` included, which changes the centre's spec
and its live counts); that a hire waits while it is not affordable by the rule "a year of costs
beyond the reserve, counting only money not already owed"; the review's rule for the size and role
of a release and its hire; that a review which reads the results wrong decides nothing; capture by
the most engaged partner; elections only in November of 2023, 2027, 2031, ...
"""

from __future__ import annotations

import math

import pytest

from simcenter.config.catalogue import builtin_catalogue
from simcenter.errors import InputError

from rooms import add_structure, behaviour, build, center, edited, only, quiet, step_to, tiny, use

CATALOGUE = builtin_catalogue()


def _plan(*actions):
    def edit(data):
        data["plan"] = list(actions)
    return edit


def _sure_board(**fields):
    """A structure whose reviews always read the results right, monthly, decided at once, never captured."""
    def edit(data):
        add_structure(data, "sure_board", **{"decision_quality": 1.0, "capture_risk": 0.0, "review_cycle_months": 1,
                                             "decision_latency_months": 0, "partner_seats": 0, **fields})
        data["center"]["management"] = "sure_board"
    return edit


def _effect_month(model, observe, limit: int) -> int:
    """The first month at whose start ``observe(model)`` holds (checked after each month's step)."""
    while model.steps < limit:
        model.step()
        if observe(model):
            return model.month
    raise AssertionError("the effect never came")


# ---------------------------------------------------------------------------------------- latency
def test_budget_actions_wait_for_the_approving_body(base):
    """hire, release and set wait for the form's approving body on top of the structure's latency;
    switching services, applying and courting partners do not."""
    model = build(tiny(base, legal_form="municipal_enterprise", management="multi_stakeholder_board"))
    structure = CATALOGUE.management_structures["multi_stakeholder_board"].decision_latency_months
    approval = CATALOGUE.legal_forms["municipal_enterprise"].approval_latency_months
    for kind in ("hire", "release", "set"):
        assert model.governance.latency(kind, 0) == structure + approval, kind
    for kind in ("start_service", "stop_service", "apply", "engage_partner"):
        assert model.governance.latency(kind, 0) == structure, kind


def test_the_political_delay_lasts_until_its_end_month_exclusive(base):
    model = build(tiny(base, legal_form="municipal_enterprise", management="collegial_board"))
    governance = model.governance
    plain = governance.latency("apply", 9)
    governance.political_delay_until = 10
    dependency = CATALOGUE.legal_forms["municipal_enterprise"].political_dependency
    extra = round(model.behaviour.political_delay_max_months * dependency)
    assert extra > 0
    assert governance.latency("apply", 9) == plain + extra
    assert governance.latency("apply", 10) == plain


def test_mean_latency_is_the_mean_over_everything_queued(base):
    model = build(tiny(base))
    assert math.isnan(model.governance.mean_latency())
    model.governance.propose(0, {"action": "apply", "funder": "philanthropy"})
    model.governance.propose(0, {"action": "hire", "role": "mentor", "n": 1})
    assert model.governance.latencies == [0, 1]  # executive director 0; association's assembly +1 for a hire
    assert model.governance.mean_latency() == 0.5


# ---------------------------------------------------------------------------------------- plan actions
@pytest.mark.parametrize("form, structure", [("foundation", "executive_director"), ("association", "collegial_board"),
                                             ("cooperative", "multi_stakeholder_board")])
def test_a_plan_action_takes_effect_in_its_month_plus_the_latency(base, form, structure):
    """Both a plain and a budget action, under three forms and structures (latencies 0 to 5 months)."""
    scenario = edited(tiny(base, starting_cash_eur=3_000_000.0), quiet, use(form, structure), _plan(
        {"month": 3, "action": "stop_service", "service": "events"},
        {"month": 3, "action": "set", "field": "services.events.online_per_month", "value": 3.0}))
    model = build(scenario)
    stop = _effect_month(build(scenario), lambda m: not m.center.services["events"], 12)
    assert stop == 3 + model.governance.latency("stop_service", 3)
    set_ = _effect_month(build(scenario), lambda m: m.center.spec.services.events.online_per_month == 3.0, 12)
    assert set_ == 3 + model.governance.latency("set", 3)


def test_plan_actions_take_effect_before_the_centre_opens(base):
    """A foundation with an executive director decides at once; the centre opens only in month 2."""
    scenario = edited(tiny(base), quiet, use("foundation", "executive_director"), _plan(
        {"month": 0, "action": "set", "field": "services.promotion.budget_monthly_eur", "value": 900.0}))
    model = build(scenario)
    model.step()
    assert not model.center.active
    assert model.center.spec.services.promotion.budget_monthly_eur == 900.0
    assert model.tally["decisions"] == 1


def test_set_changes_the_spec_and_the_live_counts_and_switches(base):
    scenario = edited(tiny(base), quiet, use("foundation"), _plan(
        {"month": 1, "action": "set", "field": "staff.n_mentors", "value": 4},
        {"month": 1, "action": "set", "field": "services.events.enabled", "value": False},
        {"month": 1, "action": "set", "field": "services.mentorship.hours_per_client_month", "value": 2.0}))
    model = step_to(build(scenario), 2)
    c = model.center
    assert c.spec.staff.n_mentors == 4 and c.n_mentors == 4
    assert c.spec.services.events.enabled is False and c.services["events"] is False
    assert c.spec.services.mentorship.hours_per_client_month == 2.0
    assert model.tally["decisions"] == 3


def test_plan_sets_that_break_the_cap_together_are_refused_at_load(base):
    """Two sets valid alone (a cap of 3, then 4 mentors) are refused when the scenario is loaded,
    not met as a crash in month 2; the other order runs to the end."""
    with pytest.raises(InputError, match="exceeds n_max"):
        edited(tiny(base), quiet, _plan({"month": 1, "action": "set", "field": "staff.n_max", "value": 3},
                                        {"month": 2, "action": "set", "field": "staff.n_mentors", "value": 4}))
    scenario = edited(tiny(base), quiet, _plan({"month": 1, "action": "set", "field": "staff.n_mentors", "value": 4},
                                               {"month": 2, "action": "set", "field": "staff.n_max", "value": 6}))
    model = build(scenario)
    model.run_to_end()
    assert (model.center.spec.staff.n_mentors, model.center.spec.staff.n_max) == (4, 6)


def test_release_and_switches_and_courting(base):
    """release floors at zero; start/stop switch a service; engage_partner adds the courting engagement
    (capped at 1); apply puts the funder among the requested."""
    scenario = edited(tiny(base), use("foundation"), _plan(
        {"month": 0, "action": "release", "role": "mentor", "n": 5},
        {"month": 0, "action": "stop_service", "service": "networking"},
        {"month": 0, "action": "engage_partner", "partner": "business_club"},
        {"month": 0, "action": "engage_partner", "partner": "ngo_network"},
        {"month": 0, "action": "apply", "funder": "philanthropy"}))
    model = build(scenario)
    before = {pid: p.engagement for pid, p in model.partners.items()}
    model.governance.start_of_month(0)
    assert model.center.n_mentors == 0
    assert model.center.services["networking"] is False
    courting = model.behaviour.engagement_courting
    assert model.partners["business_club"].engagement == pytest.approx(before["business_club"] + courting)
    assert model.partners["ngo_network"].engagement == pytest.approx(before["ngo_network"] + courting)
    assert model.funding.requested == {"philanthropy"}
    model.governance.propose(1, {"action": "start_service", "service": "networking"})
    model.governance.propose(1, {"action": "engage_partner", "partner": "ngo_network"})
    model.governance.effects(1)
    assert model.center.services["networking"] is True
    assert before["ngo_network"] + 2 * courting > 1.0
    assert model.partners["ngo_network"].engagement == 1.0  # courted twice: capped at 1


def test_an_insolvent_centre_carries_out_nothing(base):
    model = build(edited(tiny(base), quiet))
    model.center.closed = True
    model.governance.propose(0, {"action": "release", "role": "mentor", "n": 1})
    model.governance.effects(0)
    assert model.center.n_mentors == 2 and model.tally["decisions"] == 0


# ---------------------------------------------------------------------------------------- hires
def test_a_hire_adds_staff_up_to_the_cap_when_affordable(base):
    scenario = edited(tiny(base), quiet, center(starting_cash_eur=3_000_000.0), _plan(
        {"month": 2, "action": "hire", "role": "mentor", "n": 10}))
    model = build(scenario)
    month = 2 + model.governance.latency("hire", 2)
    step_to(model, month)
    assert model.center.n_mentors == 2
    model.step()
    assert model.center.n_mentors == 2 + (8 - 3)  # only up to n_max (8) less the headcount (3)
    assert model.center.headcount == model.center.spec.staff.n_max
    assert model.tally["postponed"] == 0


def test_an_unaffordable_hire_waits_a_review_cycle_and_is_retried(base):
    scenario = edited(tiny(base), quiet, use("association", "collegial_board"), center(starting_cash_eur=30_000.0),
                      _plan({"month": 2, "action": "hire", "role": "mentor", "n": 1}))
    model = build(scenario)
    due = 2 + model.governance.latency("hire", 2)
    cycle = model.institution.review_cycle_months
    step_to(model, due + 1)
    assert model.center.n_mentors == 2 and model.tally["postponed"] == 1
    assert [a["action"] for a in model.governance.pending[due + cycle]] == ["hire"]
    # Money arrives before the next review: the hire goes through then.
    model.ledger.transfer("founders", "center", "starting_cash", 2_000_000.0)
    step_to(model, due + cycle + 1)
    assert model.center.n_mentors == 3 and model.tally["postponed"] == 1


def test_affordable_means_a_year_of_costs_beyond_the_reserve(base):
    model = step_to(build(edited(tiny(base), quiet)), 4)
    c = model.center
    staff = c.spec.staff
    burn = c.burn_rate() + staff.salary_monthly_eur * (1 + staff.share_employer_contributions)
    months = c.spec.reserve_months + model.behaviour.hire_margin_months
    assert months == 15
    assert model.governance._affordable(4, free=burn * months)
    assert not model.governance._affordable(4, free=burn * months - 1.0)


def _funder(kind: str, **fields) -> dict:
    return {"type": "national", "kind": kind, "amount_min_eur": 1.0, "amount_max_eur": 1.0,
            "requires_legal_entity": False, **fields}


@pytest.mark.parametrize("kind, hired", [("grant", False), ("donation", True)])
def test_unspent_prefinancing_does_not_pay_for_a_hire(base, kind, hired):
    """A million of pre-financing is owed to the project, not free: the hire waits. The same million
    as a donation is the centre's own: the hire goes through."""
    def money(data):
        data["funding"]["funders"] = {"big": _funder(kind, share_prefinancing=1.0, duration_months=120,
                                                     reimbursement_lag_months=0)}
        data["funding"]["starting_grants"] = [{"funder": "big", "amount_eur": 1_000_000.0}]

    scenario = edited(tiny(base), quiet, money, center(starting_cash_eur=10_000.0),
                      _plan({"month": 3, "action": "hire", "role": "mentor", "n": 1}))
    model = build(scenario)
    model.run_to_end()
    assert model.ledger.balance() > 500_000
    assert (model.center.n_mentors == 3) is hired
    assert (model.tally["postponed"] > 0) is not hired


# ---------------------------------------------------------------------------------------- reviews
def _at_review(base, *, mentors=3, coordinators=3, cash=1500.0, demand=0.0, slots=10.0, **structure):
    """A model at month 4 whose review will see a burn of 1,000 EUR a month, ``cash`` of free cash and
    this mentoring demand and places (``structure``: fields of the sure board changed)."""
    scenario = edited(tiny(base), quiet, _sure_board(**structure), center(
        starting_cash_eur=1_000_000.0, staff={"n_mentors": mentors, "n_coordinators": coordinators, "n_max": 8}))
    model = step_to(build(scenario), 4)
    assert (model.center.n_mentors, model.center.n_coordinators) == (mentors, coordinators)
    model.center.costs_history = [1000.0] * 3
    gap = model.ledger.balance() - cash
    if gap > 0:
        model.ledger.transfer("center", "elsewhere", "test", gap)
    else:
        model.ledger.transfer("elsewhere", "center", "test", -gap)
    model.shared.stats.update(mentoring_demand=demand, mentoring_slots=slots)
    model.governance.pending.clear()  # what earlier reviews decided is not this test's business
    model.tally.clear()
    return model


def _decided(model, month):
    return [a for m, actions in model.governance.pending.items() for a in actions if m > month]


@pytest.mark.parametrize("mentors, coordinators, cash, demand, expected", [
    # runway 1.5 of a 3-month reserve, 6 staff: ceil(6 * (1 - 1.5/3) / 2) = 2, mentors (mentoring not busy)
    (3, 3, 1500.0, 5.0, {"role": "mentor", "n": 2}),
    (3, 3, 0.0, 5.0, {"role": "mentor", "n": 3}),        # no runway at all: half the team
    (3, 3, 2900.0, 5.0, {"role": "mentor", "n": 1}),     # just below the reserve: at least one
    (3, 3, 1500.0, 8.0, {"role": "coordinator", "n": 2}),  # mentoring busy (utilisation 0.8 > 0.7): coordinators go
    (0, 3, 0.0, 0.0, {"role": "coordinator", "n": 2}),   # no mentors to release
    (1, 3, 0.0, 5.0, {"role": "mentor", "n": 1}),        # ceil(4/2) = 2, but only one mentor
])
def test_a_review_short_of_reserve_releases_staff_by_the_rule(base, mentors, coordinators, cash, demand, expected):
    model = _at_review(base, mentors=mentors, coordinators=coordinators, cash=cash, demand=demand)
    model.governance.review(4)
    assert _decided(model, 4) == [{"action": "release", **expected}]


def test_a_review_with_demand_beyond_the_places_hires_a_mentor_when_affordable(base):
    model = _at_review(base, cash=1_000_000.0, demand=25.0, slots=20.0)
    model.governance.review(4)
    assert _decided(model, 4) == [{"action": "hire", "role": "mentor", "n": 1}]
    poor = _at_review(base, cash=3_500.0, demand=25.0, slots=20.0)  # above the reserve, short of the margin
    poor.governance.review(4)
    assert _decided(poor, 4) == []


def test_a_review_without_cause_or_out_of_cycle_decides_nothing(base):
    calm = _at_review(base, cash=1_000_000.0, demand=5.0, slots=20.0)
    calm.governance.review(4)
    assert _decided(calm, 4) == []
    quarterly = _at_review(base, cash=0.0, review_cycle_months=3)
    quarterly.governance.review(4)  # 4 is no multiple of 3: no review
    assert _decided(quarterly, 4) == [] and quarterly.tally["missed_decisions"] == 0


def test_a_review_that_reads_the_results_wrong_decides_nothing(base):
    """Decision quality 0 and no partners: every decision is missed (inertia), and counted."""
    model = _at_review(base, cash=0.0, decision_quality=0.0)
    model.governance.review(4)
    assert _decided(model, 4) == []
    assert model.tally["missed_decisions"] == 1


def test_a_review_decision_takes_effect_after_the_latency_from_the_next_month(base):
    model = _at_review(base, cash=0.0)
    model.governance.review(4)
    lag = model.governance.latency("release", 5)
    assert [a["action"] for a in model.governance.pending[5 + lag]] == ["release"]


# ---------------------------------------------------------------------------------------- capture
def _partners(data):
    data["partners"] = {name: {"type": "ngo", "engagement": e, "alignment": 1.0}
                        for name, e in (("alpha", 0.2), ("beta", 0.9), ("gamma", 0.5), ("zeta", 0.9))}


def test_the_most_engaged_partner_captures_the_centre(base):
    """With a capture chance of 1 per yearly review, the most engaged partner (ties: the last id)
    captures the centre at month 12 until the next review, and a year of capture is counted."""
    scenario = edited(tiny(base, years=2, starting_cash_eur=3_000_000.0), quiet, _partners,
                      only("mentorship", "events", "funding_support", "promotion"),  # no ties to partners
                      _sure_board(capture_risk=1.0, review_cycle_months=12))
    model = step_to(build(scenario), 12)
    assert model.captor is None
    model.step()
    top = max(p.engagement for p in model.partners.values())
    assert model.partners["beta"].engagement == model.partners["zeta"].engagement == top  # same spec, same path
    assert model.captor is model.partners["zeta"]
    assert model.tally["capture_months"] == 12
    assert model.governance.captor_until == 24


def test_without_capture_risk_a_captor_is_cleared_when_its_term_ends(base):
    model = _at_review(base, cash=1_000_000.0)
    model.partners = {}
    captor = object()
    model.captor, model.governance.captor_until = captor, 5
    model.governance.review(4)
    assert model.captor is captor  # its term runs to month 5
    model.governance.review(5)
    assert model.captor is None


def test_capture_diverts_the_capture_share_of_mentor_hours(base):
    from simcenter.model.services import StaffHours

    model = build(edited(tiny(base), quiet))
    free = StaffHours(model, 0).mentor
    model.captor = object()
    captured = StaffHours(model, 0)
    assert captured.mentor == pytest.approx(free * (1 - model.behaviour.capture_share))
    assert captured.captured == pytest.approx(free * model.behaviour.capture_share)


# ---------------------------------------------------------------------------------------- elections
def _turnovers(base, start: str, years: int, form: str = "municipal_enterprise", p: float = 1.0):
    scenario = edited(tiny(base, years=years, legal_form=form), quiet, behaviour(p_budget_cut_election=p),
                      lambda d: d["horizon"].update(start=start))
    model = build(scenario)
    cuts = []
    while model.running:
        model.step()
        cuts.append(model.political_cut)
    return model, cuts


@pytest.mark.parametrize("start, years, elections", [("2027-01", 2, [10]), ("2024-01", 4, [46]),
                                                     ("2023-06", 5, [5, 53])])
def test_elections_come_only_in_november_of_2023_2027_2031(base, start, years, elections):
    """A certain turnover at every election: the cut lasts political_cut_months from the election month."""
    model, cuts = _turnovers(base, start, years)
    assert model.tally["political_turnovers"] == len(elections)
    dependency = CATALOGUE.legal_forms["municipal_enterprise"].political_dependency
    cut = set()
    for m in elections:
        assert model.calendar(m)[1] == 11 and model.calendar(m)[0] % 4 == 2023 % 4
        cut |= set(range(m, m + model.behaviour.political_cut_months))
    assert cuts == [dependency if m in cut else 0.0 for m in range(len(cuts))]


def test_without_a_turnover_nothing_is_cut(base):
    model, cuts = _turnovers(base, "2027-01", 2, p=0.0)
    assert model.tally["political_turnovers"] == 0 and set(cuts) == {0.0}


def test_decisions_wait_longer_for_six_months_after_a_turnover(base):
    """A municipal enterprise (dependency 0.8) after the November 2027 turnover: a plan action of
    month 12 waits round(3 * 0.8) = 2 months more; one of month 16 does not."""
    def edit(data):
        data["plan"] = [{"month": 12, "action": "stop_service", "service": "events"},
                        {"month": 16, "action": "stop_service", "service": "networking"}]

    scenario = edited(tiny(base, years=2, legal_form="municipal_enterprise", starting_cash_eur=3_000_000.0), quiet,
                      edit, behaviour(p_budget_cut_election=1.0))
    model = build(scenario)
    plain = model.governance.latency("stop_service", 12)
    assert _effect_month(model, lambda m: not m.center.services["events"], 24) == 12 + plain + 2
    assert model.governance.political_delay_until == 10 + model.behaviour.political_delay_months == 16
    assert _effect_month(model, lambda m: not m.center.services["networking"], 24) == 16 + plain


def test_a_turnover_lowers_municipal_funders_odds_by_the_cut(base):
    model = build(tiny(base, legal_form="municipal_enterprise"))
    funder = model.funders["plovdiv_municipality"]
    before = funder.p_success(1.0)
    model.political_cut = model.institution.political_cut
    assert funder.p_success(1.0) == pytest.approx(before * (1 - model.institution.political_cut))
    assert model.funders["philanthropy"].p_success(1.0) > 0  # other funders are not cut
