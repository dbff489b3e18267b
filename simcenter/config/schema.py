"""The scenario schema: one frozen, strictly typed model per YAML section.

A scenario is one institutional design in one region over a horizon. Units are in the
field names: ``_eur`` money, ``_months`` durations, ``p_`` probabilities, ``share_``
fractions in 0..1, ``n_`` counts. Every default is declared once, here, with its source
or the word ``assumption`` (``docs/schema.md`` is generated from these declarations).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from simcenter.config.behaviour import Behaviour
from simcenter.config.catalogue import ApplicantKind, Catalogue, FunderType, LegalForm, ManagementStructure
from simcenter.config.fields import Eur, P, Prob, Section, Share

# --------------------------------------------------------------------------- horizon
class Horizon(Section):
    """How long the simulation runs and from when."""

    years: int = Field(ge=1, le=30, description="Length of the simulation in years (1..30).")
    start: str = Field("2027-01", description="First simulated month, YYYY-MM.")

    @model_validator(mode="after")
    def _start_is_a_month(self) -> "Horizon":
        m = re.fullmatch(r"(\d{4})-(\d{2})", self.start)
        if not m or not 1 <= int(m.group(2)) <= 12 or not 1990 <= int(m.group(1)) <= 2100:
            raise ValueError(f"start: expected a month as YYYY-MM between 1990 and 2100, got {self.start!r}")
        return self

    @property
    def months(self) -> int:
        """Number of monthly steps."""
        return self.years * 12

    @property
    def start_year(self) -> int:
        return int(self.start[:4])

    @property
    def start_month(self) -> int:
        """Calendar month (1..12) of the first step."""
        return int(self.start[5:7])


# --------------------------------------------------------------------------- region
class Region(Section):
    """The potential population of social entrepreneurs and innovators, and the geography."""

    name: str = Field(min_length=1, description="Region name, for reports.")
    n_potential: int = Field(
        ge=1, le=5_000_000,
        description="People with a social venture or idea at the start (all stages).",
    )
    new_ideas_per_month: float = P(
        8.0, "assumption: 2-20 for a province of ~635k; register grew from 35 (2023) to >200 (2025) social enterprises (domain.md)",
        ge=0.0, le=100_000.0, span=(2, 20),
    )
    share_city: Share = P(0.6, "assumption: Plovdiv city 319,612 of ~635,000 in the province (2021 census, domain.md), ideas concentrate in the city", span=(0.5, 0.7))
    share_digital_city: Share = P(0.85, "assumption: share in the city with the connection and skills to take part online", span=(0.75, 0.95))
    share_digital_towns: Share = P(0.65, "assumption: share in surrounding towns with the connection and skills to take part online", span=(0.5, 0.8))
    travel_cost_city_eur: Eur = P(2.0, "assumption: a public-transport return ticket in the city", span=(1, 4))
    travel_cost_town_eur: Eur = P(12.0, "assumption: a return trip from a surrounding town, 20-60 km", span=(6, 20))
    rent_eur_per_m2_month: Eur = P(5.0, "Colliers: Plovdiv class B offices about EUR 5/m2/month; class A EUR 9-10 (domain.md); values space partners lend", span=(4, 10))
    share_idea: Share = P(0.55, "assumption: range 0.5-0.95; stage mix of the potential population at the start: most have only an idea")
    share_pilot: Share = P(0.2, "assumption: range 0.05-0.3; stage mix at the start")
    share_operating: Share = P(0.2, "assumption: range 0.01-0.25; stage mix at the start")
    share_scaling: Share = P(0.05, "assumption: range 0.002-0.06; stage mix at the start")
    max_initial_age_months: int = P(120, "assumption: range 60-240; running ventures at the start have operated 0 to this many months, uniformly", ge=1, le=600)

    @model_validator(mode="after")
    def _stage_shares_sum_to_one(self) -> "Region":
        total = self.share_idea + self.share_pilot + self.share_operating + self.share_scaling
        if abs(total - 1.0) > 1e-6:
            raise ValueError(
                f"share_idea + share_pilot + share_operating + share_scaling must be 1, got {total:g}"
            )
        return self


# --------------------------------------------------------------------------- centre
class Staff(Section):
    """The centre's paid team at the start, and what governance may grow it to."""

    n_mentors: int = P(2, "design choice: mentors at the start; a regional social-economy centre (Burgas) runs with 5 specialists (domain.md)", ge=0, le=500)
    n_coordinators: int = P(1, "design choice: coordinators at the start, for events, networking, funding search and promotion", ge=0, le=500)
    n_max: int = P(8, "design choice: headcount governance may not exceed", ge=0, le=1000)
    salary_monthly_eur: Eur = P(1300.0, "NSI: national average gross wage BGN 2,275 (EUR 1,163) Q3 2024, rising (domain.md)", span=(1000, 1800))
    share_employer_contributions: Share = P(0.19, "assumption: employer social-security share in Bulgaria, about 19%", span=(0.17, 0.2))
    hours_per_month: float = P(160.0, "assumption: range 150-176; full-time hours per month (a 40-hour week)", gt=0.0, le=300.0)

    @model_validator(mode="after")
    def _within_cap(self) -> "Staff":
        if self.n_mentors + self.n_coordinators > self.n_max:
            raise ValueError(
                f"n_mentors + n_coordinators ({self.n_mentors + self.n_coordinators}) exceeds n_max ({self.n_max})"
            )
        return self


class Mentorship(Section):
    """One-to-one mentoring programmes for entrepreneurs and innovators."""

    enabled: bool = True
    share_time_delivering: Share = P(0.6, "assumption: share of a mentor's hours spent with clients", span=(0.4, 0.8))
    hours_per_client_month: float = P(4.0, "assumption: 2-8 hours a month per mentee", ge=0.0, le=200.0, span=(2, 8))
    programme_months: int = P(6, "design choice: length of one mentoring programme", ge=1, le=60)
    fee_per_hour_eur: Eur = P(0.0, "design choice: no fee; fees are levers, the same for every design (no source for service fees, domain.md)")


class Events(Section):
    """On-site, online and hybrid activities: workshops, trainings, meet-ups."""

    enabled: bool = True
    onsite_per_month: float = P(1.0, "design choice: on-site events a month", ge=0.0, le=100.0)
    online_per_month: float = P(1.0, "design choice: online events a month", ge=0.0, le=100.0)
    hybrid_per_month: float = P(0.0, "design choice: hybrid events a month", ge=0.0, le=100.0)
    capacity_onsite: int = P(30, "assumption: range 20-50; places in a seminar room", ge=1, le=10_000)
    capacity_online: int = P(100, "assumption: range 50-300; places of a webinar licence", ge=1, le=100_000)
    cost_onsite_eur: Eur = P(400.0, "assumption: range 200-800; room, catering, materials per event")
    cost_online_eur: Eur = P(80.0, "assumption: range 30-200; platform and moderation per event")
    cost_hybrid_eur: Eur = P(550.0, "assumption: range 300-1,000; on-site cost plus streaming")
    fee_eur: Eur = P(0.0, "design choice: no fee; fees are levers, the same for every design (no source for service fees, domain.md)")
    staff_hours_per_event: float = P(16.0, "assumption: range 8-32; staff hours of preparation and delivery", ge=0.0, le=1000.0)


class Networking(Section):
    """Matchmaking between entrepreneurs, businesses, universities and funders."""

    enabled: bool = True
    introductions_per_month: float = P(10.0, "design choice: introductions staff broker per month", ge=0.0, le=10_000.0)
    staff_hours_per_introduction: float = P(1.5, "assumption: range 0.5-3; finding the match, the introduction, a follow-up", ge=0.0, le=100.0)


class FundingSupport(Section):
    """Help for clients to find and apply for funding of their own."""

    enabled: bool = True
    staff_hours_per_client: float = P(6.0, "assumption: range 3-12; staff hours to review one client's application", ge=0.0, le=500.0)
    fee_eur: Eur = P(0.0, "design choice: no fee; fees are levers, the same for every design (no source for service fees, domain.md)")
    share_success_fee: Share = P(0.0, "design choice: no success fee (a lever; share of a client's award charged): no source that such centres charge one")


class Promotion(Section):
    """Constant promotion of social innovation: campaigns, media, showcases."""

    enabled: bool = True
    budget_monthly_eur: Eur = P(300.0, "design choice: promotion budget a month")
    staff_hours_monthly: float = P(20.0, "design choice: staff hours a month of promotion", ge=0.0, le=10_000.0)


class Services(Section):
    """What the centre offers; each service can be switched off."""

    mentorship: Mentorship = Field(default_factory=Mentorship)
    events: Events = Field(default_factory=Events)
    networking: Networking = Field(default_factory=Networking)
    funding_support: FundingSupport = Field(default_factory=FundingSupport)
    promotion: Promotion = Field(default_factory=Promotion)


SERVICE_NAMES: tuple[str, ...] = tuple(Services.model_fields)


class SocialEnterprise(Section):
    """The social-enterprise status (Social and Solidarity Economy Enterprises Act): whether the design seeks it,
    and the staff from vulnerable groups that keep its conditions (the catalogue's ``social_enterprise_status``
    holds the conditions, the registration and what the status costs)."""

    seek: bool = Field(False, description="Register for the status once the conditions hold, and keep it while they do.")
    vulnerable_core_staff: int = P(
        0, "design choice: core positions (of n_mentors + n_coordinators) filled by people from vulnerable groups; "
        "they are the last a cut releases", ge=0, le=500)
    share_vulnerable_project_staff: Share = P(
        0.0, "design choice: share of each project's own staff hired from vulnerable groups")


class Center(Section):
    """The competence centre: its legal form, management, team, costs and services."""

    legal_form: str = Field(min_length=1, description="Id of a legal form in the catalogue.")
    management: str = Field(min_length=1, description="Id of a management structure in the catalogue.")
    starting_cash_eur: Eur = P(20_000.0, "design choice: founders' contributions and a first small grant")
    rent_monthly_eur: Eur = P(500.0, "Colliers: Plovdiv class B office about EUR 5/m2/month; 100 m2 (domain.md)", span=(0, 1000))
    platform_monthly_eur: Eur = P(60.0, "assumption: range 30-150; online platform, licences, website")
    other_costs_monthly_eur: Eur = P(200.0, "assumption: range 100-400; utilities, travel, insurance, supplies")
    reserve_months: float = P(
        3.0, "design choice: months of costs the board keeps in reserve: below it, it cuts (promotion, on-site events, "
        "space, then core staff); a core hire must leave it", ge=0.0, le=60.0,
    )
    staff: Staff = Field(default_factory=Staff)
    services: Services = Field(default_factory=Services)
    social_enterprise: SocialEnterprise = Field(default_factory=SocialEnterprise)


# --------------------------------------------------------------------------- partners
PartnerType = Literal["business", "university", "ngo", "municipality", "volunteer_org"]


class Partner(Section):
    """An organisation that works with the centre."""

    type: PartnerType
    label: str = ""
    label_bg: str = Field("", description="Name shown to users in Bulgarian (the workshop app); default: label.")
    engagement: Share = P(0.5, "assumption: range 0.2-0.8; initial engagement 0..1")
    alignment: Share = P(0.7, "assumption: range 0.5-0.9; how far its goals match the centre's mission")
    board_seat: bool = False
    mentor_hours_month: float = P(0.0, "design choice: none unless the partner agrees to it; pro-bono mentoring hours a month when fully engaged", ge=0.0, le=10_000.0)
    volunteer_hours_month: float = P(0.0, "design choice: none unless the partner agrees to it; volunteer hours a month for events and promotion when fully engaged", ge=0.0, le=100_000.0)
    sponsorship_yearly_eur: Eur = P(0.0, "design choice: none unless the partner agrees to it; cash support a year when fully engaged")
    space_m2: float = P(0.0, "design choice: none unless the partner agrees to it; office or event space (m2) offered in kind", ge=0.0, le=100_000.0)
    students_per_year: int = P(0, "design choice: none unless the partner agrees to it; student interns or volunteers a year", ge=0, le=10_000)


# --------------------------------------------------------------------------- funding
class Funder(Section):
    """A source of money for the centre and its calls."""

    type: FunderType
    label: str = ""
    label_bg: str = Field("", description="Name shown to users in Bulgarian (the workshop app); default: label.")
    kind: Literal["grant", "donation", "subsidy"] = "grant"
    call_months: list[Annotated[int, Field(ge=1, le=12)]] = Field(
        default_factory=lambda: [3], description="Calendar months (1..12) in which calls open."
    )
    first_year: int = P(0, "assumption: range 0-2; years after the start before the first call", ge=0, le=30)
    every_years: int = P(1, "assumption: range 1-3; a call every N years", ge=1, le=30)
    last_year: int | None = Field(None, ge=0, le=30, description="Last year (from start) with a call; none: to the end.")
    amount_min_eur: Eur = P(10_000.0, "assumption: range 5,000-25,000; the smallest award of a call")
    amount_max_eur: Eur = P(50_000.0, "assumption: range 25,000-200,000; the largest award of a call")
    duration_months: int = P(24, "assumption: range 12-36; project length (ESF-SI-2023-NCC: up to 36 months, domain.md)", ge=1, le=120)
    share_cofinancing: Share = P(0.0, "assumption: range 0-0.2; own contribution the centre must bring (1 - max funding rate); EaSI and ESF-SI-2023-NCC fund at most 80% (domain.md)")
    share_prefinancing: Share = P(0.3, "assumption: range 0.1-0.5; advance paid when the grant is signed")
    reimbursement_lag_months: int = P(3, "assumption: range 1-6; months between spending and reimbursement", ge=0, le=36)
    decision_months: int = P(4, "assumption: range 2-8; months from application to award", ge=0, le=36)
    p_success: Prob = P(0.18, "EaSI about 1 in 5; Horizon Europe about 16% (domain.md)")
    share_staff: Share = P(
        0.6, "assumption: share of a project grant's budget for staff: the centre's core team on the project first, then "
        "the project's own staff, hired when it is signed and released when it ends (the rest pays activities and "
        "overheads); Regulation (EU) 2021/1060 art. 56 lets a flat "
        "rate of up to 40% of direct staff costs cover all other costs (staff about 71% of the budget then). "
        "Not used for donations and subsidies",
        span=(0.3, 0.75),
    )
    share_overheads: Share = P(
        0.09, "Regulation (EU) 2021/1060 art. 54(b): indirect costs at a flat rate of up to 15% of direct staff costs "
        "(0.15 x share_staff 0.6 = 0.09 of the budget): the most a project grant pays of the centre's rent, running "
        "costs, the form's overhead and its body's meetings; assumption for calls other than ESF+. The rest of the "
        "budget (1 - share_staff - share_overheads) pays activities: events, promotion, the platform. Set-up and "
        "taxes are no line. Not used for donations and subsidies",
        span=(0.0, 0.2),
    )
    application_hours: float = P(80.0, "assumption: range 40-200; staff hours to write one application", ge=0.0, le=10_000.0)
    reporting_hours_month: float = P(8.0, "assumption: range 2-20; staff hours a month of reporting while a grant runs", ge=0.0, le=10_000.0)
    eligible_applicants: list[ApplicantKind] | None = Field(
        None, description="The kinds of organisation the call's guide admits as lead applicant (association, "
        "foundation, cooperative, company, municipality, municipal_enterprise, university, social_enterprise); "
        "none: anyone (a donor). The centre may apply when one of its legal form's applicants (or, while it holds "
        "the status, social_enterprise) is in the list."
    )
    social_enterprise_bonus: float = P(
        0.0, "assumption: range 0-0.3; relative rise in the chance of success for an applicant with the "
        "social-enterprise status (the call's selection criteria; whether HRDP scoring gives points: unverified)",
        ge=0.0, le=5.0)

    @model_validator(mode="after")
    def _amounts_ordered(self) -> "Funder":
        if self.amount_min_eur > self.amount_max_eur:
            raise ValueError(
                f"amount_min_eur ({self.amount_min_eur:g}) exceeds amount_max_eur ({self.amount_max_eur:g})"
            )
        if self.last_year is not None and self.last_year < self.first_year:
            raise ValueError(f"last_year ({self.last_year}) is before first_year ({self.first_year})")
        if self.share_staff + self.share_overheads > 1.0 + 1e-9:
            raise ValueError(f"share_staff + share_overheads ({self.share_staff + self.share_overheads:g}) exceeds 1: "
                             "the budget lines are shares of one amount")
        return self


class StartingGrant(Section):
    """A grant already awarded when the simulation starts (e.g. the project that founds the centre)."""

    funder: str = Field(min_length=1, description="Id of the funder; its payment terms apply.")
    amount_eur: Eur
    duration_months: int | None = Field(None, ge=1, le=120, description="Default: the funder's duration_months.")


class Funding(Section):
    """All funders the centre may approach, and grants it starts with."""

    funders: dict[str, Funder] = Field(default_factory=dict)
    starting_grants: list[StartingGrant] = Field(default_factory=list)
    max_open_applications: int = P(2, "design choice: applications the team writes at once", ge=0, le=100)


# --------------------------------------------------------------------------- plan
class _Action(Section):
    """A dated action of the plan; it takes effect after the governance latency."""

    month: int = Field(ge=0, le=359, description="Months after the start (0 = first month).")
    note: str = ""


class Hire(_Action):
    """Hire staff (postponed while the centre cannot afford it)."""

    action: Literal["hire"]
    role: Literal["mentor", "coordinator"]
    n: int = Field(1, ge=1, le=100)


class Release(_Action):
    """Release staff."""

    action: Literal["release"]
    role: Literal["mentor", "coordinator"]
    n: int = Field(1, ge=1, le=100)


class StartService(_Action):
    """Switch a service on."""

    action: Literal["start_service"]
    service: Literal["mentorship", "events", "networking", "funding_support", "promotion"]


class StopService(_Action):
    """Switch a service off."""

    action: Literal["stop_service"]
    service: Literal["mentorship", "events", "networking", "funding_support", "promotion"]


class Apply(_Action):
    """Apply to this funder's next open call first."""

    action: Literal["apply"]
    funder: str = Field(min_length=1)


class EngagePartner(_Action):
    """Court a partner: more engagement, and a board seat if the structure has one free."""

    action: Literal["engage_partner"]
    partner: str = Field(min_length=1)


class SetLever(_Action):
    """Change one field of `center` (e.g. a fee or the number of online events)."""

    action: Literal["set"]
    field: str = Field(min_length=1, description="Dotted path inside `center`, e.g. services.events.online_per_month.")
    value: float | int | bool


PlanAction = Annotated[
    Union[Hire, Release, StartService, StopService, Apply, EngagePartner, SetLever],
    Field(discriminator="action"),
]


# --------------------------------------------------------------------------- scenario
class Scenario(Section):
    """One institutional design for a competence centre in one region over a horizon."""

    name: str = Field(min_length=1, max_length=120, description="Short unique name.")
    title: str | None = Field(None, min_length=1, max_length=120,
                              description="The design's display name in English (the comparison report and its "
                                          "figures); default: the name. Not inherited by a file that sets its own name.")
    title_bg: str | None = Field(None, min_length=1, max_length=120,
                                 description="The design's display name in Bulgarian; default: the English title, "
                                             "else the name. Not inherited by a file that sets its own name.")
    description: str = ""
    horizon: Horizon
    region: Region
    center: Center
    partners: dict[str, Partner] = Field(default_factory=dict)
    funding: Funding = Field(default_factory=Funding)
    plan: list[PlanAction] = Field(default_factory=list)
    behaviour: Behaviour = Field(default_factory=Behaviour)
    catalogue: Catalogue = Field(default_factory=Catalogue, description="Legal forms or structures this scenario adds.")

    @property
    def form(self) -> LegalForm:
        """The centre's legal form (the loader merges the built-in catalogue into ``catalogue``)."""
        return self.catalogue.legal_forms[self.center.legal_form]

    @property
    def structure(self) -> ManagementStructure:
        """The centre's management structure."""
        return self.catalogue.management_structures[self.center.management]
