"""A funder: EU programme, national ministry, municipality, corporate donor or philanthropy."""

from __future__ import annotations

import mesa

from simcenter.config import schema


TRACK_RECORD_CAP = 3
"""Project grants beyond the third no longer raise a funder's confidence (assumption)."""


class Funder(mesa.Agent):
    """Opens calls on its calendar and decides on the centre's applications."""

    def __init__(self, model, fid: str, spec: schema.Funder):
        super().__init__(model)
        self.fid = fid
        self.spec = spec
        self.applications = 0
        self.awards = 0

    def call_open(self, month: int) -> bool:
        """Is a call of this funder open in simulation month ``month``?"""
        s = self.spec
        year, calendar_month = self.model.calendar(month)
        rel_year = month // 12
        if calendar_month not in s.call_months:
            return False
        if rel_year < s.first_year or (s.last_year is not None and rel_year > s.last_year):
            return False
        return (rel_year - s.first_year) % s.every_years == 0

    def open_months(self, months: int) -> list[int]:
        """The simulation months in [0, months) with a call of this funder open (``call_open``)."""
        s = self.spec
        month0 = self.model._month0
        last = months if s.last_year is None else min(months, 12 * (s.last_year + 1))
        return [m for m in range(12 * s.first_year, last)
                if (month0 + m) % 12 + 1 in s.call_months and (m // 12 - s.first_year) % s.every_years == 0]

    def eligible(self) -> float:
        """Probability that the centre's legal form may lead an application here (0, 1 or between)."""
        form = self.model.form
        if self.spec.eligible_forms is not None:
            ok = self.model.scenario.config.center.legal_form in self.spec.eligible_forms
        else:
            ok = self.spec.type in form.eligible_funder_types
        if not ok:
            return 0.0
        if self.spec.requires_legal_entity:
            # The share of calls for legal entities that accept this form as lead applicant: some
            # exclude companies or cooperatives; a form without legal personality goes through a
            # partner (the lead partner, the municipality, the host university).
            return form.p_eligible_legal_entity_calls
        return 1.0

    def p_success(self, effort: float) -> float:
        """Chance that an application succeeds, given the share of the needed hours the team could give.

        p = p_success * (1 + track_record_effect * (min(projects won, 3) - 1)) * (1 - effort_effect * (1 - effort))
        * (0.75 + 0.5 * reputation) [* (1 + donor_deduction_effect) for corporate donors of a
        form whose gifts are deductible] [* (1 - political cut) for municipal funders], capped at 1.
        """
        model = self.model
        b = model.behaviour
        p = self.spec.p_success * model.p_success_factor
        # A first project makes an applicant average: p_success is the rate over all applicants.
        p *= 1.0 + b.track_record_effect * (min(model.center.projects_won, TRACK_RECORD_CAP) - 1)
        p *= 1.0 - b.effort_effect * (1.0 - effort)
        p *= 0.75 + 0.5 * model.center.reputation
        if self.spec.type == "corporate" and model.form.donor_deduction:
            p *= 1.0 + b.donor_deduction_effect
        if self.spec.type == "municipal":
            p *= 1.0 - model.political_cut
        return min(1.0, max(0.0, p))
