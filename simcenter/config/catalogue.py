"""Catalogue of legal forms and management structures: typed entries, shipped as data.

The built-in catalogue lives in ``data/catalogue.yaml``. Every number in an entry carries
its source (or the word ``assumption``) in the entry's ``sources`` mapping; the validator
refuses an entry that leaves a number unsourced. A scenario may add entries of its own
under ``catalogue:`` with the same schema.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ApplicantKind = Literal[
    "association", "foundation", "cooperative", "company", "municipality", "municipal_enterprise", "university",
    "social_enterprise",
]
"""Kinds of organisation a call's guide names as eligible applicants."""


def admits(eligible_applicants, applicants, social_enterprise: bool = False) -> bool:
    """Does a call whose guide admits ``eligible_applicants`` (None: anyone) accept a centre for which
    ``applicants`` apply (its legal form's list) and which, with ``social_enterprise``, holds the status?"""
    if eligible_applicants is None:
        return True
    return any(kind in eligible_applicants for kind in applicants) or (
        social_enterprise and "social_enterprise" in eligible_applicants)


FunderType = Literal["eu", "national", "municipal", "corporate", "philanthropy"]

Share = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0)]


class LegalClaim(BaseModel):
    """One legal claim behind an entry's texts: what the law says, where, and whether it was read."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    claim: str = Field(min_length=1)
    article: str = Field(min_length=1, description="Act and article (or 'article not read').")
    url: str = Field("", description="Where the claim was read.")
    status: Literal["verified", "unverified"] = Field(
        description="verified: the act's text or an official restatement was read; unverified: it was not.")


class _Entry(BaseModel):
    """Fields shared by every catalogue entry: names in both languages and sources."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    label: str = Field(min_length=1, description="Name shown to users (English).")
    label_bg: str = Field(min_length=1, description="Name shown to users (Bulgarian).")
    summary: str = Field(min_length=1, description="One or two sentences: what this is.")
    summary_bg: str = Field("", description="The summary in Bulgarian.")
    pros: list[str] = Field(default_factory=list, description="Known advantages, as phrases.")
    pros_bg: list[str] = Field(default_factory=list, description="The pros in Bulgarian, in the same order.")
    cons: list[str] = Field(default_factory=list, description="Known drawbacks, as phrases.")
    cons_bg: list[str] = Field(default_factory=list, description="The cons in Bulgarian, in the same order.")
    legal_basis: list[LegalClaim] = Field(
        default_factory=list, description="The legal claims behind the texts, each with its article, link and status.")
    sources: dict[str, str] = Field(
        description="For every field that changes a result: its source (act and article, with a link), "
        "'assumption: range LO-HI; reason', or 'unverified: ...'."
    )

    DESCRIPTIVE: ClassVar[frozenset[str]] = frozenset({
        "label", "label_bg", "summary", "summary_bg", "pros", "pros_bg", "cons", "cons_bg", "legal_basis", "sources", "law",
        "required_bodies", "founders", "budget_approved_by", "network_mode"})
    """Fields shown to users that change no result; every other field needs a source."""

    @model_validator(mode="after")
    def _every_number_sourced(self) -> "_Entry":
        for name in ("pros", "cons"):
            bg = getattr(self, name + "_bg")
            if bg and len(bg) != len(getattr(self, name)):
                raise ValueError(f"{name}_bg: {len(bg)} phrases for {len(getattr(self, name))} in {name}")
        effective = [name for name in type(self).model_fields if name not in self.DESCRIPTIVE]
        missing = [n for n in effective if n not in self.sources or not self.sources[n].strip()]
        if missing:
            raise ValueError(
                "sources: missing a source (or 'assumption') for " + ", ".join(sorted(missing))
            )
        unknown = sorted(set(self.sources) - set(type(self).model_fields))
        if unknown:
            raise ValueError("sources: names fields that do not exist: " + ", ".join(unknown))
        return self


class LegalForm(_Entry):
    """A legal form the centre can take, and what it changes in the model."""

    law: str = Field(description="The act that governs it (free text).")
    legal_personality: bool = Field(
        description="True when it is a legal entity with a balance sheet of its own: it closes by insolvency "
        "(closure_rule 'insolvency'). Without one, a host (the council, the university, the partners) carries "
        "its deficit and decides once a year whether to go on (closure_rule names the host's rule), and its "
        "applications are made by the organisations in `applicants`."
    )
    applicants: list[ApplicantKind] = Field(
        min_length=1,
        description="The kinds of organisation that sign applications for the centre: the entity itself, or for a "
        "form without legal personality its host or lead partner. A call accepts the centre when one of them "
        "is among the call's eligible applicants (the social-enterprise status adds 'social_enterprise').",
    )
    members: Literal["organisations", "natural_persons", "none"] = Field(
        description="Who may be a member with a vote through the form itself: organisations (an association's "
        "partners), natural persons only (a cooperative), or nobody (a foundation, a company's partners, a unit "
        "of a host). Partners without a board seat get a say through the form only when organisations may be members."
    )
    may_charge_fees: bool = Field(
        description="May the centre charge for its services? (For a non-profit: only as economic activity related "
        "to its purpose, with the revenue used for it.)"
    )
    share_profit_tax: Share = Field(description="Corporate income tax rate on the taxable result (tax_base), 0..1.")
    tax_base: Literal["economic_activity", "all_income"] = Field(
        "economic_activity",
        description="What the profit tax is charged on, once a year: 'economic_activity' (a non-profit: its fees "
        "less their direct costs; grants and donations for its purpose are not taxed) or 'all_income' (a company "
        "or cooperative: the year's whole result, income of every kind less all costs).",
    )
    share_substitute_tax: Share = Field(
        0.0, description="Tax on revenue instead of profit (budget-funded entities), 0..1."
    )
    donor_deduction: bool = Field(
        description="Do corporate donors deduct gifts to it from taxable profit (makes CSR money easier to get)?"
    )
    vat_registered: bool = Field(
        False, description="Is the centre VAT-registered from the start, whatever its turnover (a host that is "
        "registered already)? Otherwise it must register once its taxable turnover over twelve months reaches "
        "the threshold (behaviour.vat_threshold_eur); from then on its fees carry VAT."
    )
    may_hold_social_enterprise_status: bool = Field(
        False, description="May the centre register for the social-enterprise status (Social and Solidarity "
        "Economy Enterprises Act) in this form?"
    )
    bridge_loan_eur: NonNegative = Field(
        0.0, description="For a form with its own balance sheet: the most bridge money (a founders' or partners' "
        "loan, an overdraft) it can have outstanding when it is short of cash, EUR."
    )
    required_bodies: list[str] = Field(description="Bodies the law requires (shown to users).")
    founders: str = Field(description="Who founds it and how many the law requires (shown to users).")
    budget_approved_by: str = Field(description="Who approves the yearly budget (shown to users).")
    admin_overhead_monthly_eur: NonNegative = Field(
        description="Accounting, register filings, audits and meetings the form requires, EUR/month."
    )
    setup_months: int = Field(ge=0, le=36, description="Months from decision to operating entity.")
    setup_cost_eur: NonNegative = Field(description="One-off registration and set-up cost, EUR.")
    approval_latency_months: int = Field(
        ge=0, le=24, description="Extra months a budget or staffing change waits for its approving body."
    )
    political_dependency: Share = Field(
        description="0..1: how strongly decisions and budget follow the political cycle."
    )
    partner_voice: Share = Field(description="0..1: how much say partners get through the form itself (as members).")
    closure_rule: Literal["insolvency", "council_budget", "host_review", "partners_withdraw"] = Field(
        "insolvency",
        description="How the centre ends: 'insolvency' (a form with its own balance sheet: months of arrears it "
        "cannot clear); 'council_budget' (a municipal unit: the council's yearly budget decision), 'host_review' "
        "(a unit of a host such as a university: the host's yearly review), 'partners_withdraw' (a partnership "
        "by contract: the partners' yearly decision to go on). Without a balance sheet of its own, the host covers "
        "the unit's deficit as it arises, and closes it when a year's cover exceeds host_cover_eur_year (or, for a "
        "partnership, when the partners have lost interest).",
    )
    host_cover_eur_year: NonNegative = Field(
        0.0, description="For a form without its own balance sheet: the deficit its host covers in a year before "
        "its yearly decision closes it, EUR."
    )
    host_review_month: int = Field(
        1, ge=1, le=12, description="Calendar month (1..12) of the host's yearly decision (forms with a host)."
    )

    DESCRIPTIVE: ClassVar[frozenset[str]] = _Entry.DESCRIPTIVE | {"legal_personality"}
    """``legal_personality`` is shown to users; what it changes, the closure rule says (and must agree)."""

    @model_validator(mode="after")
    def _personality_and_closure_agree(self) -> "LegalForm":
        if self.legal_personality != (self.closure_rule == "insolvency"):
            raise ValueError(
                f"closure_rule '{self.closure_rule}' does not fit legal_personality {self.legal_personality}: a "
                "legal entity has its own balance sheet and closes by insolvency; a form without legal "
                "personality is closed by its host ('council_budget', 'host_review' or 'partners_withdraw')")
        return self


class ManagementStructure(_Entry):
    """A management structure for the centre, and what it changes in the model."""

    network_mode: Literal["lead_organisation", "shared", "administrative_organisation", "hierarchy"] = Field(
        description="Provan & Kenis (2008) mode of network governance it resembles ('hierarchy' for a single organisation)."
    )
    review_cycle_months: int = Field(ge=1, le=24, description="How often the governing body reviews results, months.")
    decision_latency_months: int = Field(
        ge=0, le=24, description="Months between a review that decides something and its taking effect."
    )
    decision_quality: Share = Field(
        description="0..1: probability that a review reads the results right and takes the better decision."
    )
    partner_voice: Share = Field(description="0..1: how much say partners get in decisions.")
    partner_seats: int = Field(ge=0, le=50, description="Seats for partners on the governing body.")
    meeting_cost_monthly_eur: NonNegative = Field(description="Cost of running the governing body, EUR/month.")
    capture_risk: Share = Field(
        0.0, description="0..1: risk that one partner steers the centre towards its own interest."
    )
    management_hours_monthly: NonNegative = Field(
        description="Staff hours a month that governance takes from service delivery."
    )


class SocialEnterpriseStatus(_Entry):
    """The social-enterprise status (Social and Solidarity Economy Enterprises Act): its conditions, what
    registering and keeping it costs, and the governance it requires. A status on top of a legal form that may
    hold it (``LegalForm.may_hold_social_enterprise_status``); a design seeks it with
    ``center.social_enterprise.seek``. Calls that admit 'social_enterprise' applicants, or give them points,
    say so themselves (``Funder.eligible_applicants``, ``Funder.social_enterprise_bonus``)."""

    min_share_vulnerable_staff: Share = Field(description="Least share of the paid staff from vulnerable groups.")
    min_vulnerable_staff: int = Field(ge=0, le=100, description="Least number of paid staff from vulnerable groups.")
    min_result_eur: NonNegative = Field(
        description="The other way to meet the conditions: last year's result, spent on the social purpose, at least "
        "this much, EUR.")
    registration_months: int = Field(ge=0, le=36, description="Months from applying for the status to holding it.")
    registration_cost_eur: NonNegative = Field(description="One-off cost of applying for the status, EUR.")
    admin_overhead_monthly_eur: NonNegative = Field(
        description="Extra reporting the status requires while it is sought or held, EUR/month.")
    partner_voice: Share = Field(
        description="0..1: the least say partners without a board seat get while the status is held "
        "(participatory governance).")


class Catalogue(BaseModel):
    """All legal forms and management structures known to a scenario."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    legal_forms: dict[str, LegalForm] = Field(default_factory=dict)
    management_structures: dict[str, ManagementStructure] = Field(default_factory=dict)
    social_enterprise_status: SocialEnterpriseStatus | None = None

    def merged(self, other: "Catalogue") -> "Catalogue":
        """Return this catalogue with ``other``'s entries added (``other`` wins on equal ids)."""
        return Catalogue(
            legal_forms={**self.legal_forms, **other.legal_forms},
            management_structures={**self.management_structures, **other.management_structures},
            social_enterprise_status=other.social_enterprise_status or self.social_enterprise_status,
        )


CATALOGUE_FILE = "catalogue.yaml"


@lru_cache(maxsize=1)
def builtin_catalogue() -> Catalogue:
    """Load and validate the catalogue shipped with the package (cached)."""
    from simcenter.config.yamlsource import load_mapping_text

    ref = resources.files("simcenter.config") / "data" / CATALOGUE_FILE
    data, _locs = load_mapping_text(ref.read_text(encoding="utf-8"), str(ref))
    return Catalogue.model_validate(data)


def catalogue_rows(catalogue: Catalogue) -> tuple[list[dict], list[dict], list[dict]]:
    """Flatten the catalogue for display: legal forms, structures, and one row per sourced number."""
    from simcenter.i18n import language

    bg = language() == "bg"
    forms = [
        {
            "id": key,
            "name": f.label_bg if bg else f.label,
            "legal_entity": f.legal_personality,
            "applicants": f.applicants,
            "members": f.members,
            "fees": f.may_charge_fees,
            "profit_tax": f.share_profit_tax,
            "tax_base": f.tax_base,
            "overhead_eur_month": f.admin_overhead_monthly_eur,
            "setup_months": f.setup_months,
            "approval_lag_months": f.approval_latency_months,
            "political_dependency": f.political_dependency,
            "partner_voice": f.partner_voice,
        }
        for key, f in catalogue.legal_forms.items()
    ]
    structures = [
        {
            "id": key,
            "name": s.label_bg if bg else s.label,
            "network_mode": s.network_mode,
            "review_cycle_months": s.review_cycle_months,
            "decision_latency_months": s.decision_latency_months,
            "decision_quality": s.decision_quality,
            "partner_voice": s.partner_voice,
            "partner_seats": s.partner_seats,
            "meeting_cost_eur_month": s.meeting_cost_monthly_eur,
            "capture_risk": s.capture_risk,
        }
        for key, s in catalogue.management_structures.items()
    ]
    sources = [
        {"entry": key, "field": field, "value": getattr(entry, field), "source": src}
        for group in (catalogue.legal_forms, catalogue.management_structures)
        for key, entry in group.items()
        for field, src in entry.sources.items()
    ]
    return forms, structures, sources
