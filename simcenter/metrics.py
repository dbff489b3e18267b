"""Every outcome, declared once: name, unit, direction and how it is computed.

Outcomes are measured every month from the model's state; the value in the last month
is the run's result (a KPI). Stocks are as of that month, flows are cumulative since the
start, so "last month" is always the meaningful summary. Labels and descriptions shown to
users live in ``locales/*.yaml`` under ``outcomes.<name>``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Literal

from simcenter.i18n import t
from simcenter.stages import COMPARISON, OPERATING, SCALING, TREATED

Direction = Literal["max", "min", "info"]


@dataclass(frozen=True)
class Outcome:
    """One outcome of a run."""

    name: str
    unit: str
    direction: Direction
    definition: str
    compute: Callable
    base: str | None = None
    """For a share of people or ventures: the outcome that counts them (its denominator). A share whose
    base is below ``MIN_BASE`` in a design's median run is no pro or con of it (the report and the app)."""
    count: str | None = None
    """For a share whose numerator is itself a good (people reached outside the city): the outcome that
    counts it. A higher share is no pro when that count is worse (a smaller centre with a larger share)."""
    material: float = 0.0
    """Smallest difference worth a sentence in the outcome's unit, over the relative rule (``MATERIAL_RELATIVE``):
    a difference of days in a latency of a month is 2% but no difference to a board."""

    @property
    def label(self) -> str:
        """Short name for tables and figures, in the current language."""
        return t(f"outcomes.{self.name}")


MATERIAL_POINTS = 0.02
"""Smallest difference in a share worth a sentence (2 percentage points): the report and the app."""
MATERIAL_RELATIVE = 0.02
"""Smallest relative difference in other outcomes worth a sentence (2%)."""


def is_material(outcome: "Outcome", a: float, b: float) -> bool:
    """Whether ``a`` and ``b`` differ enough to mention (the report, the brief and the app): by 2 percentage
    points for shares and indices, else by 2% of the larger and by at least the outcome's ``material``."""
    diff = abs(b - a)
    if outcome.unit in ("share", "0/1", "0..1", "index"):
        return diff >= max(MATERIAL_POINTS, outcome.material)
    return diff >= max(MATERIAL_RELATIVE * max(abs(a), abs(b), 1e-9), outcome.material)


MIN_BASE = 30
"""Fewest people or ventures a share may rest on to be a pro or a con (the report and the app): a share of
fewer than 30 moves by 3 points or more with one person (and its sampling error is about 9 points), far
above the 2 points a sentence needs. The count is the share's ``base`` outcome in the design's median run."""

INCOME_CATEGORIES = ("eu", "national", "municipal", "corporate", "philanthropy", "partners", "fees")
"""Where the centre's money comes from, as the funding-mix figures show it."""


def income_categories(scenario) -> dict[str, str]:
    """Ledger source -> its category in ``INCOME_CATEGORIES`` (funders by type, partners, clients)."""
    cats = {fid: f.type for fid, f in scenario.funding.funders.items()}
    cats.update({pid: "partners" for pid in scenario.partners})
    cats["clients"] = "fees"
    # A host covering the deficit of a form without its own balance sheet: the council, or the partners
    # (a university, a partnership's members).
    cats["host"] = "municipal" if scenario.form.closure_rule == "council_budget" else "partners"
    return cats


def _share(num: float, den: float) -> float:
    return num / den if den > 0 else math.nan


def _hhi(income: dict[str, int]) -> float:
    total = sum(income.values())
    if total <= 0:
        return math.nan
    return float(sum((v / total) ** 2 for v in income.values()))


class Snapshot:
    """Quantities several outcomes share, computed once per month.

    Counts come from the population's running counters (people by stage, launches, people
    reached and served, survival, funding of the served): a month's outcomes cost the same
    whatever the size of the region.
    """

    def __init__(self, model, month: int):
        pop = model.pop
        self.model = model
        self.month = month
        self.pop = pop
        self.tally = model.tally
        income = model.ledger.income_by_source("center")
        income.pop("founders", None)
        income.pop("lenders", None)  # a bridge loan is not income
        self.income = income
        self.fees = income.get("clients", 0)
        self.cash = model.ledger.balance("center")
        self.spending = model.spending_eur
        b = model.behaviour
        stages, stages_c = pop.by_stage
        self.jobs = float(b.jobs_operating * stages[OPERATING] + b.jobs_scaling * stages[SCALING])
        self.jobs_c = float(b.jobs_operating * stages_c[OPERATING] + b.jobs_scaling * stages_c[SCALING])
        self.launched, self.launched_c = pop.n_launched
        self.scaled = pop.n_scaled[TREATED]
        self.reached = pop.n_reached
        self.served = pop.n_served
        self.reached_towns = pop.n_reached_towns
        # Of the served people's ventures that operated after their first service, the share still running.
        ever, ever_c = pop.n_op_after
        alive, alive_c = pop.n_op_after_alive
        self.supported_ventures = ever
        self.survival = _share(alive, ever)
        self.survival_c = _share(alive_c, ever_c)
        # Cohorts: supported ventures launched at least k years before, and still running k years after launch.
        self.cohort_n, self.cohort_alive = pop.cohort_n, pop.cohort_alive
        # Sums of float32 amounts in float64, exact: the same whatever the order of summation.
        self.client_funding, self.client_funding_c = pop.served_funding.tolist()


def _cliff(s: Snapshot) -> float:
    """1 if the centre operated (open with a paid team) in the last month of its first project grant and
    still did 12 months after it ended, else 0; empty until then, and for a centre not operating when
    that grant ended (it never met the cliff as a working centre)."""
    c = s.model.center
    end = c.first_grant_end
    if end is None or s.month < end + 11 or end < 1:
        return math.nan
    staffed = s.model.staffed
    if not staffed[end - 1]:
        return math.nan
    return float(staffed[end + 11])


COHORT_YEARS = (1, 3, 5)
"""Cohort survival is measured k years after launch for these k (``simcenter.fast.population.COHORT_YEARS``)."""


def _years(k: int) -> str:
    return f"{k} year{'s' if k > 1 else ''}"


def _cohort_survival(j: int, k: int) -> tuple[Outcome, Outcome]:
    """Cohort survival at ``k`` years (the ``j``-th of ``COHORT_YEARS``), supported and comparison."""
    return (
        Outcome(f"cohort_survival_{k}y", "share", "max",
                f"Of the supported ventures launched at least {_years(k)} before, the share still running {_years(k)} "
                "after their launch. Supported: launched during the run by a person the centre had served (mentoring or "
                "funding help) in or before the month of launch (empty before any).",
                lambda s: _share(s.cohort_alive[TREATED][j], s.cohort_n[TREATED][j]), base=f"cohort_ventures_{k}y"),
        Outcome(f"cohort_survival_comparison_{k}y", "share", "info",
                "The same for the same people in the comparison world: their ventures launched there in or after the "
                f"month the centre first served them, still running {_years(k)} after launch.",
                lambda s: _share(s.cohort_alive[COMPARISON][j], s.cohort_n[COMPARISON][j]),
                base=f"cohort_ventures_comparison_{k}y"),
    )


def _cohort_ventures(j: int, k: int) -> tuple[Outcome, Outcome]:
    """The cohorts' sizes at ``k`` years: what the cohort survival shares are shares of."""
    return (
        Outcome(f"cohort_ventures_{k}y", "ventures", "info",
                f"Supported ventures launched at least {_years(k)} before (what cohort_survival_{k}y is a share of).",
                lambda s: float(s.cohort_n[TREATED][j])),
        Outcome(f"cohort_ventures_comparison_{k}y", "ventures", "info",
                f"The same people's ventures in the comparison world launched at least {_years(k)} before "
                f"(what cohort_survival_comparison_{k}y is a share of).",
                lambda s: float(s.cohort_n[COMPARISON][j])),
    )


OUTCOMES: tuple[Outcome, ...] = (
    Outcome("reached", "people", "max", "People who used any service (event, mentoring, funding support), cumulative.",
            lambda s: float(s.reached)),
    Outcome("served", "people", "max", "People mentored or helped with funding, cumulative.",
            lambda s: float(s.served)),
    Outcome("mentoring_hours", "hours", "max", "Mentoring hours delivered, cumulative.",
            lambda s: float(s.tally["mentoring_hours"])),
    Outcome("event_attendances", "attendances", "max", "Event attendances (after no-shows), cumulative.",
            lambda s: float(s.tally["attendances"])),
    Outcome("ventures_launched", "ventures", "max", "Pilots that became operating ventures, cumulative (with the centre).",
            lambda s: float(s.launched)),
    Outcome("ventures_launched_added", "ventures", "max",
            "Ventures launched with the centre minus those launched by the same people without it.",
            lambda s: float(s.launched - s.launched_c)),
    Outcome("ventures_scaled", "ventures", "max", "Operating ventures that began scaling, cumulative.",
            lambda s: float(s.scaled)),
    Outcome("survival_supported", "share", "max",
            "Share of the stock still running: of all ventures of served people that operated after the person's first "
            "service (whatever their age), the share running now. Not a survival rate: see cohort_survival_*.",
            lambda s: s.survival, base="supported_ventures"),
    Outcome("survival_comparison", "share", "info",
            "The same share of the stock for the same people in the comparison world without the centre.",
            lambda s: s.survival_c, base="supported_ventures"),
    Outcome("survival_premium", "share", "max", "survival_supported minus survival_comparison (shares of the stock).",
            lambda s: s.survival - s.survival_c, base="supported_ventures"),
    Outcome("supported_ventures", "ventures", "info",
            "Ventures of served people that operated after the person's first service, cumulative (what "
            "survival_supported is a share of).",
            lambda s: float(s.supported_ventures)),
    *(o for j, k in enumerate(COHORT_YEARS) for o in _cohort_survival(j, k)),
    *(o for j, k in enumerate(COHORT_YEARS) for o in _cohort_ventures(j, k)),
    Outcome("jobs", "jobs", "max", "Jobs in running ventures (operating and scaling) in the region.",
            lambda s: s.jobs),
    Outcome("jobs_vulnerable", "jobs", "max", "Jobs held by people from vulnerable groups.",
            lambda s: s.jobs * s.model.behaviour.share_jobs_vulnerable),
    Outcome("jobs_added", "jobs", "max", "Jobs with the centre minus jobs in the comparison world.",
            lambda s: s.jobs - s.jobs_c),
    Outcome("client_funding_eur", "EUR", "max", "Funding obtained by served people's ventures, cumulative.",
            lambda s: s.client_funding),
    Outcome("client_funding_added_eur", "EUR", "max",
            "Funding obtained by served people minus what the same people obtain without the centre.",
            lambda s: s.client_funding - s.client_funding_c),
    Outcome("cash_eur", "EUR", "info", "The centre's cash at the end of the month (negative: arrears).",
            lambda s: s.cash),
    Outcome("runway_months", "months", "max", "Months the cash and money due would last at recent costs (max 120).",
            lambda s: s.model.center.runway_months(s.cash + s.model.funding.receivable(s.month))),
    Outcome("own_revenue_share", "share", "max", "Fees as a share of all income (starting cash excluded), cumulative.",
            lambda s: _share(s.fees, sum(s.income.values()))),
    Outcome("funding_hhi", "index", "min",
            "Herfindahl index of income by source, cumulative: 1 = one source, near 0 = many.",
            lambda s: _hhi(s.income)),
    Outcome("closed", "0/1", "min",
            "1 once the centre has closed, by its legal form's rule: insolvency for a form with its own balance sheet, "
            "its host's decision for one without.",
            lambda s: float(s.model.center.closed)),
    Outcome("closed_insolvency", "0/1", "info", "1 once the centre has closed insolvent (arrears it could not clear).",
            lambda s: float(s.model.center.closure_reason == "insolvency")),
    Outcome("closed_by_host", "0/1", "info",
            "1 once the centre's host closed it (the council's budget, the university's review, the partners' withdrawal).",
            lambda s: float(s.model.center.closed and s.model.center.closure_reason != "insolvency")),
    Outcome("closure_month", "month", "info", "The month the centre closed (empty while it operates).",
            lambda s: float(s.model.center.closure_month) if s.model.center.closed else math.nan),
    Outcome("months_operating", "months", "max", "Months the centre operated with a paid team in place, cumulative.",
            lambda s: float(s.model.center.months_operating)),
    Outcome("months_social_enterprise", "months", "info",
            "Months the centre held the social-enterprise status, cumulative (0 unless the design seeks it).",
            lambda s: float(s.model.social_enterprise.months_held)),
    Outcome("survived_grant_cliff", "0/1", "max",
            "1 if operating (open, with a paid team) in the last month of its first project grant and still 12 months "
            "after it ended, else 0 (empty until then, and if it was not operating when that grant ended).",
            _cliff),
    Outcome("spending_eur", "EUR", "info", "Everything the centre paid out, cumulative.",
            lambda s: s.spending),
    Outcome("cost_per_venture_added_eur", "EUR", "min",
            "Spending divided by the ventures the centre added (ventures_launched_added); empty when it added "
            "none or fewer than none, where a cost per venture added has no meaning.",
            lambda s: _share(s.spending, s.launched - s.launched_c)),
    Outcome("partner_engagement", "0..1", "max", "Mean engagement of the partners.",
            lambda s: sum(p.engagement for p in s.model.partners.values()) / len(s.model.partners) if s.model.partners else math.nan),
    Outcome("network_ties", "ties", "max", "Ties brokered between entrepreneurs, partners and funders, cumulative.",
            lambda s: float(s.tally["ties"])),
    Outcome("regional_reach", "share", "max",
            "Share of the people reached by any service (events, mentoring, funding help) who live outside the city.",
            lambda s: _share(s.reached_towns, s.reached), base="reached", count="reached_towns"),
    Outcome("reached_towns", "people", "max",
            "People reached by any service who live outside the city, cumulative (regional reach in people).",
            lambda s: float(s.reached_towns)),
    Outcome("online_share", "share", "info", "Share of service contacts delivered online, cumulative.",
            lambda s: _share(s.tally["contacts_online"], s.tally["contacts_online"] + s.tally["contacts_onsite"])),
    Outcome("dropout_rate", "share", "min",
            "No-shows and programme drop-outs over registrations and programme starts, cumulative.",
            lambda s: _share(
                s.tally["no_shows_online"] + s.tally["no_shows_onsite"] + s.tally["dropouts_online"] + s.tally["dropouts_onsite"],
                s.tally["registrations_online"] + s.tally["registrations_onsite"]
                + s.tally["programme_starts_online"] + s.tally["programme_starts_onsite"]), base="registrations"),
    Outcome("registrations", "registrations", "info",
            "Event registrations and mentoring programmes started, cumulative (what dropout_rate is a share of).",
            lambda s: float(s.tally["registrations_online"] + s.tally["registrations_onsite"]
                            + s.tally["programme_starts_online"] + s.tally["programme_starts_onsite"])),
    Outcome("dropout_online", "share", "info",
            "Mentoring programmes delivered online that were dropped before their end, per programme started, cumulative.",
            lambda s: _share(s.tally["dropouts_online"], s.tally["programme_starts_online"])),
    Outcome("dropout_onsite", "share", "info",
            "Mentoring programmes delivered on site that were dropped before their end, per programme started, cumulative.",
            lambda s: _share(s.tally["dropouts_onsite"], s.tally["programme_starts_onsite"])),
    Outcome("no_show_online", "share", "info", "Registrations for online seats that did not attend, cumulative.",
            lambda s: _share(s.tally["no_shows_online"], s.tally["registrations_online"])),
    Outcome("no_show_onsite", "share", "info", "Registrations for on-site seats that did not attend, cumulative.",
            lambda s: _share(s.tally["no_shows_onsite"], s.tally["registrations_onsite"])),
    Outcome("decision_latency_months", "months", "min", "Mean months from a decision or plan date to its effect.",
            lambda s: s.model.governance.mean_latency(), material=0.5),
    Outcome("grants_applied", "applications", "info", "Applications the centre submitted, cumulative.",
            lambda s: float(s.model.center.grants_applied)),
    Outcome("grants_won", "awards", "max", "Grants, subsidies and donations awarded, cumulative.",
            lambda s: float(s.model.center.grants_won)),
    Outcome("grant_success_rate", "share", "info",
            "Project grants won over project-grant applications decided, cumulative (donations and subsidies excluded).",
            lambda s: _share(s.model.center.competitive_won, s.model.center.competitive_decided)),
    Outcome("plan_done_share", "share", "info",
            "Share of the plan's dated actions (up to this month) carried out so far.",
            lambda s: s.model.governance.plan_done_share(s.month)),
    Outcome("staff", "people", "info", "Paid staff (mentors and coordinators).",
            lambda s: float(s.model.center.headcount)),
    Outcome("reputation", "0..1", "info", "The centre's reputation with clients, partners and funders.",
            lambda s: float(s.model.center.reputation)),
)

NAMES: tuple[str, ...] = tuple(o.name for o in OUTCOMES)
BY_NAME: dict[str, Outcome] = {o.name: o for o in OUTCOMES}
assert all(o.base in BY_NAME for o in OUTCOMES if o.base) and all(o.count in BY_NAME for o in OUTCOMES if o.count)


@dataclass(frozen=True)
class Group:
    """Outcomes that answer one question of the board, named once. The ``headline`` outcome stands for the
    group in the report's brief (its traffic lights, its trade-offs, the recommendation); the ``members``
    are shown with it, and the brief says which of them moved with the headline across the designs
    compared (a rank correlation it measures, not an assumption)."""

    name: str
    headline: str
    members: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The group's name in the current language (``groups.<name>``)."""
        return t(f"groups.{self.name}")


GROUPS: tuple[Group, ...] = (
    Group("reach", "served", ("reached", "mentoring_hours", "event_attendances", "dropout_rate")),
    Group("ventures", "jobs_added", ("ventures_launched_added", "ventures_launched", "ventures_scaled", "jobs",
                                     "jobs_vulnerable", "client_funding_added_eur", "client_funding_eur",
                                     "survival_supported", "survival_premium", "cohort_survival_1y",
                                     "cohort_survival_3y", "cohort_survival_5y")),
    Group("staying_open", "months_operating", ("closed", "survived_grant_cliff", "runway_months", "grants_won")),
    Group("money", "cost_per_venture_added_eur", ("own_revenue_share", "funding_hhi")),
    Group("partners", "partner_engagement", ("network_ties",)),
    Group("region", "regional_reach", ("reached_towns",)),
    Group("decisions", "decision_latency_months"),
)
"""Every outcome with a direction, in exactly one group (checked below): the brief's seven headline outcomes."""
HEADLINES: tuple[str, ...] = tuple(g.headline for g in GROUPS)
_grouped = [n for g in GROUPS for n in (g.headline, *g.members)]
assert sorted(_grouped) == sorted(o.name for o in OUTCOMES if o.direction != "info"), "every directional outcome in one group"


_COMPUTE = tuple(o.compute for o in OUTCOMES)


def measure(model, month: int) -> list[float]:
    """All outcomes for ``month``, in the order of ``OUTCOMES`` (a row of ``model.timeseries``)."""
    snap = Snapshot(model, month)
    return [compute(snap) for compute in _COMPUTE]
