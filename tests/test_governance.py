"""Governance: the decision queue, reviews, cuts, elections and capture (``simcenter/model/governance.py``).

What these tests protect: how long a decision takes (the structure's latency, the approving body's
for budget actions, a contract's notice for releases and moves, the political delay after municipal
elections) and that plan actions pass through the same queue and are logged; what each action does
(``set`` included, which changes the centre's spec and its live counts); that a core hire waits while
it is not affordable by the rule "cash and money due plus the income committed over the hire horizon
pay its costs with the new salary and leave the reserve, counting only money not already owed"; the
review's cuts (in the stated order, as much as the runway needs, core staff last, nothing twice) and
their undoing; that a review which reads the results wrong decides nothing; capture by the most
engaged partner; elections only in November of 2023, 2027, 2031, ...
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
    for kind in ("hire", "set"):
        assert model.governance.latency(kind, 0) == structure + approval, kind
    notice = model.behaviour.staff_notice_months
    assert notice == 1  # Labour Code art. 326(2): 30 days
    assert model.governance.latency("release", 0) == structure + approval + notice
    assert model.governance.latency({"action": "cut", "step": "staff"}, 0) == structure + approval + notice
    assert model.governance.latency({"action": "cut", "step": "space"}, 0) == (
        structure + approval + model.behaviour.rent_notice_months)
    assert model.governance.latency({"action": "cut", "step": "promotion"}, 0) == structure + approval
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
    assert model.center.n_mentors == 1  # a release waits for the 30 days' notice
    model.governance.effects(model.governance.latency("release", 0))
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
    before = model.center.n_mentors
    assert before > 0
    model.governance.propose(0, {"action": "release", "role": "mentor", "n": 1})
    model.governance.effects(model.governance.latency("release", 0))
    assert model.center.n_mentors == before and model.tally["decisions"] == 0


# ---------------------------------------------------------------------------------------- hires
def test_a_hire_adds_staff_up_to_the_cap_when_affordable(base):
    scenario = edited(tiny(base), quiet, center(starting_cash_eur=3_000_000.0), _plan(
        {"month": 2, "action": "hire", "role": "mentor", "n": 10}))
    model = build(scenario)
    month = 2 + model.governance.latency("hire", 2)
    step_to(model, month)
    c = model.center
    assert (c.n_mentors, c.n_coordinators) == (1, 1)
    model.step()
    assert c.n_mentors == 1 + (8 - 2)  # only up to n_max (8) less the core team (2)
    assert c.core_headcount == c.spec.staff.n_max
    assert model.tally["postponed"] == 0
    assert model.governance.plan_log[0]["done"] == month and model.governance.plan_log[0]["status"] == "done"


def test_an_unaffordable_hire_waits_a_review_cycle_and_is_retried(base):
    scenario = edited(tiny(base), quiet, use("association", "collegial_board"), center(starting_cash_eur=30_000.0),
                      _plan({"month": 2, "action": "hire", "role": "mentor", "n": 1}))
    model = build(scenario)
    due = 2 + model.governance.latency("hire", 2)
    cycle = model.institution.review_cycle_months
    step_to(model, due + 1)
    assert model.center.n_mentors == 1 and model.tally["postponed"] == 1
    assert [a["action"] for a in model.governance.pending[due + cycle]] == ["hire"]
    assert model.governance.plan_log[0]["status"].startswith("postponed") and model.governance.plan_log[0]["done"] is None
    assert model.governance.plan_done_share(due) == 0.0
    # Money arrives before the next review: the hire goes through then.
    model.ledger.transfer("founders", "center", "starting_cash", 2_000_000.0)
    step_to(model, due + cycle + 1)
    assert model.center.n_mentors == 2 and model.tally["postponed"] == 1
    assert model.governance.plan_log[0]["done"] == due + cycle and model.governance.plan_done_share(due + cycle) == 1.0


def test_affordable_means_the_forecast_with_the_new_salary_and_the_reserve(base):
    """free cash - the cash forecast of the horizon with the new salary >= reserve x (the burn with the new
    salary): exactly at the line it is affordable, a euro below it is not."""
    model = step_to(build(edited(tiny(base), quiet)), 4)
    c = model.center
    burn = c.burn_rate() + c.salary_cost()
    horizon = model.behaviour.hire_horizon_months
    assert (horizon, c.spec.reserve_months) == (12, 3)
    forecast = model.funding.net_costs(4, horizon, extra_staff=1)
    assert forecast == pytest.approx(model.funding.net_costs(4, horizon) + horizon * c.salary_cost())  # no grants
    line = forecast + c.spec.reserve_months * burn
    assert model.governance._affordable(4, free=line)
    assert not model.governance._affordable(4, free=line - 1.0)


def _grant_world(base, **grant):
    def money(data):
        data["funding"]["funders"] = {
            "g": _funder("grant", duration_months=24, share_prefinancing=0.0, **grant),
            "s": _funder("subsidy", duration_months=12, share_prefinancing=0.0)}
        data["funding"]["starting_grants"] = [{"funder": "g", "amount_eur": 240_000.0},
                                              {"funder": "s", "amount_eur": 12_000.0}]
    return step_to(build(edited(tiny(base, years=3), quiet, money)), 5)


def test_a_running_grant_pays_a_hire_only_from_its_staff_line(base):
    """A grant of 240,000 over 24 months pays 10,000 a month, 60% of it (6,000) for staff: the core team on the
    project first, then its own project staff in whole salaries; a new core salary is paid by the line only up to
    what it has left (less than one salary), the rest is the centre's own cost; its activities and overheads lines
    pay only what is spent on them. A subsidy of 12,000 over 12 months brings 1,000 a month."""
    model = _grant_world(base)
    c, funding = model.center, model.funding
    salary = c.salary_cost()
    project_staff = sum(g.staff_mentors + g.staff_coordinators for g in c.grants if g.running(5))
    assert project_staff > 0
    left = 6_000.0 - (project_staff + c.core_headcount) * salary
    assert 0.0 <= left < salary
    assert funding.net_costs(4, 12, extra_staff=1) - funding.net_costs(4, 12) == pytest.approx(12 * (salary - left))


def test_co_financing_is_the_centres_own_money_in_the_forecast(base):
    """The same grant with 20% co-financing pays at most 80% of what is spent on each line: the forecast of its
    months is higher by the co-financing of the staff it pays."""
    full, cofinanced = _grant_world(base), _grant_world(base, share_cofinancing=0.2)
    assert cofinanced.funding.net_costs(4, 12) > full.funding.net_costs(4, 12) + 1_000.0


def _funder(kind: str, **fields) -> dict:
    return {"type": "national", "kind": kind, "amount_min_eur": 1.0, "amount_max_eur": 1.0,
            **fields}


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
    before = model.center.n_mentors
    model.run_to_end()
    assert model.ledger.balance() > 500_000
    assert (model.center.n_mentors == before + 1) is hired
    assert (model.tally["postponed"] > 0) is not hired


# ---------------------------------------------------------------------------------------- reviews
def _at_review(base, *, mentors=3, coordinators=3, cash=1500.0, demand=0.0, slots=10.0, **structure):
    """A model at month 4 whose review will see, besides the team's salaries, 1,000 EUR a month of
    other costs, ``cash`` of free cash and this mentoring demand and places (``structure``: fields of
    the sure board changed)."""
    scenario = edited(tiny(base), quiet, _sure_board(**structure), center(
        starting_cash_eur=1_000_000.0, staff={"n_mentors": mentors, "n_coordinators": coordinators, "n_max": 8}))
    model = step_to(build(scenario), 4)
    assert (model.center.n_mentors, model.center.n_coordinators) == (mentors, coordinators)
    model.center.costs_history = [1000.0] * 3
    model.center.cost_lines = [{"staff": 0.0, "activities": 0.0, "overheads": 1000.0}] * 3
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


def _target(model, month=4):
    """The runway the review aims for: the reserve plus the months a staff cut takes to bite."""
    return model.center.spec.reserve_months + model.governance.latency({"action": "cut", "step": "staff"}, month) + 1


def _savings(model):
    """What each of the first three cuts saves a month in the tiny base (promotion EUR 300; on-site
    events 1 x 400 and hybrid 0.5 x 550; half of the rent of 500)."""
    return {"promotion": 300.0, "events": 400.0 + 0.5 * 550.0, "space": 250.0}


@pytest.mark.parametrize("shortfall, expected_steps", [
    (100.0, ["promotion"]),                                # a little short: the promotion budget is enough
    (300.0 + 675.0 - 1.0, ["promotion", "events"]),        # just within promotion and events
    (300.0 + 675.0 + 1.0, ["promotion", "events", "space"]),
    (1225.0 + 1.0, ["promotion", "events", "space", "staff"]),  # beyond all three: core staff too
])
def test_a_review_short_of_its_target_cuts_in_the_stated_order_as_much_as_needed(base, shortfall, expected_steps):
    """A runway under the reserve plus the months a cut takes: the review decides, at once, the cuts
    that bring it back, in the order promotion, events, space, core staff, each saving what it saves."""
    probe = _at_review(base)
    burn = probe.center.burn_rate()
    target = _target(probe)
    assert _savings(probe)["events"] == 675.0
    # Free cash such that the saving needed, burn - free / target, is ``shortfall``.
    model = _at_review(base, cash=(burn - shortfall) * target)
    model.governance.review(4)
    decided = _decided(model, 4)
    assert [d["step"] for d in decided] == expected_steps
    assert all(d["action"] == "cut" for d in decided)
    if "staff" in expected_steps:
        rest = shortfall - sum(_savings(model).values())
        assert decided[-1] == {"action": "cut", "step": "staff", "role": "mentor",
                               "n": math.ceil(rest / model.center.salary_cost())}


@pytest.mark.parametrize("mentors, coordinators, demand, salaries, expected", [
    (3, 3, 5.0, 3.5, [("mentor", 3), ("coordinator", 1)]),   # mentoring not busy (0.5): mentors first
    (3, 3, 8.0, 3.5, [("coordinator", 3), ("mentor", 1)]),   # busy (0.8 > 0.7): coordinators first
    (3, 3, 8.0, 0.2, [("coordinator", 1)]),                  # a little beyond the other cuts: one
    (0, 2, 0.0, 9.0, [("coordinator", 2)]),                  # no more than the core team
])
def test_core_staff_cuts_fall_by_role_as_mentoring_demand_says(base, mentors, coordinators, demand, salaries,
                                                                expected):
    """Free cash such that the saving needed beyond the three other cuts is ``salaries`` salaries: that
    many core staff go, rounded up, by role, at most the core team (project staff stay)."""
    probe = _at_review(base, mentors=mentors, coordinators=coordinators)
    salary = probe.center.salary_cost()
    need = sum(_savings(probe).values()) + salaries * salary
    cash = max(0.0, (probe.center.burn_rate() - need) * _target(probe))
    model = _at_review(base, mentors=mentors, coordinators=coordinators, cash=cash, demand=demand)
    model.governance.review(4)
    staff = [(d["role"], d["n"]) for d in _decided(model, 4) if d["step"] == "staff"]
    assert staff == expected


def test_a_cut_is_not_decided_twice_and_is_undone_last_first_when_money_returns(base):
    model = _at_review(base, cash=0.0)
    model.governance.review(4)
    first = _decided(model, 4)
    steps = [d["step"] for d in first]
    assert steps[:3] == ["promotion", "events", "space"] and set(steps[3:]) == {"staff"}
    assert model.governance.cuts == ["promotion", "events", "space"]
    assert model.governance.staff_cuts_pending == len(steps) - 3
    model.governance.review(4)  # the same review again, nothing in effect yet: nothing new
    assert _decided(model, 4) == first
    # The cuts take effect: promotion off, on-site and hybrid events gone (online kept), rent halved.
    for month in sorted(model.governance.pending):
        model.governance.effects(month)
    c = model.center
    assert not c.services["promotion"]
    ev = c.spec.services.events
    assert (ev.onsite_per_month, ev.hybrid_per_month, ev.online_per_month) == (0.0, 0.0, 1.0)
    assert c.spec.rent_monthly_eur == 250.0
    assert model.governance.staff_cuts_pending == 0
    # Money returns: above twice the reserve, one cut is undone a review, the last first.
    rich = model.ledger.transfer("elsewhere", "center", "test", 10_000_000.0)
    assert rich
    undone = []
    for month in (5, 6, 7, 8):
        model.governance.review(month)
        for m in sorted(model.governance.pending):
            for a in model.governance.pending[m]:
                undone.append(a["step"])
            model.governance.effects(m)
    assert undone == ["space", "events", "promotion"]
    assert c.services["promotion"] and c.spec.rent_monthly_eur == 500.0
    assert (c.spec.services.events.onsite_per_month, c.spec.services.events.hybrid_per_month) == (1.0, 0.5)
    assert model.tally["restores"] == 3


def test_a_review_with_demand_beyond_the_places_hires_a_mentor_when_affordable(base):
    model = _at_review(base, cash=1_000_000.0, demand=25.0, slots=20.0)
    model.governance.review(4)
    assert _decided(model, 4) == [{"action": "hire", "role": "mentor", "n": 1}]
    burn = model.center.burn_rate() + model.center.salary_cost()
    # Above the target, short of the horizon's costs and the reserve: no hire.
    poor = _at_review(base, cash=burn * 10, demand=25.0, slots=20.0)
    assert poor.center.runway_months(burn * 10) >= _target(poor)
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
    """Decision quality 0 and no partners: a cut the forecast asks for but the money does not yet need
    is missed (inertia), and counted."""
    probe = _at_review(base, decision_quality=0.0)
    lead = probe.governance.latency({"action": "cut", "step": "staff"}, 4) + 1
    cash = probe.funding.net_costs(4, lead) + 1.0  # lasts until a cut bites, short of the target
    model = _at_review(base, cash=cash, decision_quality=0.0)
    assert model.funding.net_costs(4, _target(model)) > cash
    model.governance.review(4)
    assert _decided(model, 4) == []
    assert model.tally["missed_decisions"] == 1


def test_no_body_overlooks_money_that_will_not_last_until_a_cut_bites(base):
    """Decision quality 0: with free cash short of the months a cut takes, the cuts are decided all the same."""
    model = _at_review(base, cash=0.0, decision_quality=0.0)
    model.governance.review(4)
    assert [d["step"] for d in _decided(model, 4)][:3] == ["promotion", "events", "space"]
    assert model.tally["missed_decisions"] == 0


def test_a_review_decision_takes_effect_after_the_latency_from_the_next_month(base):
    model = _at_review(base, cash=0.0)
    model.governance.review(4)
    for step in ("promotion", "events", "space", "staff"):
        lag = model.governance.latency({"action": "cut", "step": step}, 5)
        assert step in [a["step"] for a in model.governance.pending[5 + lag]], step


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
