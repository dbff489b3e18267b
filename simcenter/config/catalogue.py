"""Catalogue of legal forms and management structures: typed entries, shipped as data.

The built-in catalogue lives in ``data/catalogue.yaml``. Every number in an entry carries
its source (or the word ``assumption``) in the entry's ``sources`` mapping; the validator
refuses an entry that leaves a number unsourced. A scenario may add entries of its own
under ``catalogue:`` with the same schema.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

FunderType = Literal["eu", "national", "municipal", "corporate", "philanthropy"]

Share = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0)]


class _Entry(BaseModel):
    """Fields shared by every catalogue entry: names in both languages and sources."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    label: str = Field(min_length=1, description="Name shown to users (English).")
    label_bg: str = Field(min_length=1, description="Name shown to users (Bulgarian).")
    summary: str = Field(min_length=1, description="One or two sentences: what this is.")
    summary_bg: str = Field("", description="The summary in Bulgarian.")
    pros: list[str] = Field(default_factory=list, description="Known advantages, as phrases.")
    cons: list[str] = Field(default_factory=list, description="Known drawbacks, as phrases.")
    sources: dict[str, str] = Field(
        description="For every numeric field: its source, or the word 'assumption'."
    )

    @model_validator(mode="after")
    def _every_number_sourced(self) -> "_Entry":
        numeric = [
            name
            for name, info in type(self).model_fields.items()
            if info.annotation in (int, float)
        ]
        missing = [n for n in numeric if n not in self.sources or not self.sources[n].strip()]
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
        description="True when it is a legal entity. Shown to users; for calls that require a legal entity "
        "the model uses p_eligible_legal_entity_calls (a form without personality applies through a partner)."
    )
    eligible_funder_types: list[FunderType] = Field(
        description="Funder types whose calls this form may apply to."
    )
    revenue: Literal["none", "related_only", "unrestricted"] = Field(
        description="May it earn revenue from fees: not at all, only from activity related to its purpose, or freely."
    )
    share_profit_tax: Share = Field(description="Corporate income tax on the profit of economic activity, 0..1.")
    share_substitute_tax: Share = Field(
        0.0, description="Tax on revenue instead of profit (budget-funded entities), 0..1."
    )
    donor_deduction: bool = Field(
        description="Do corporate donors deduct gifts to it from taxable profit (makes CSR money easier to get)?"
    )
    required_bodies: list[str] = Field(description="Bodies the law requires.")
    budget_approved_by: str = Field(description="Who approves the yearly budget.")
    min_founders: int = Field(ge=1, description="Founders or members the law requires.")
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
    partner_voice: Share = Field(description="0..1: how much say partners get through the form itself.")
    p_eligible_legal_entity_calls: Share = Field(
        1.0, description="Probability that a call requiring a legal entity accepts this form as lead applicant."
    )
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


class Catalogue(BaseModel):
    """All legal forms and management structures known to a scenario."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    legal_forms: dict[str, LegalForm] = Field(default_factory=dict)
    management_structures: dict[str, ManagementStructure] = Field(default_factory=dict)

    def merged(self, other: "Catalogue") -> "Catalogue":
        """Return this catalogue with ``other``'s entries added (``other`` wins on equal ids)."""
        return Catalogue(
            legal_forms={**self.legal_forms, **other.legal_forms},
            management_structures={**self.management_structures, **other.management_structures},
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
            "funders": f.eligible_funder_types,
            "revenue": f.revenue,
            "profit_tax": f.share_profit_tax,
            "budget_approved_by": f.budget_approved_by,
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
