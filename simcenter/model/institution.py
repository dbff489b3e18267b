"""Every effect of the centre's legal form and management structure, in one room.

The rest of the model never reads a catalogue entry (``LegalForm``, ``ManagementStructure``):
it asks the centre's ``Institution``, one property or method per effect. So a new legal form
is one catalogue entry, and what a form changes can be read here, whole:

- set-up: months before the entity operates, the one-off cost;
- running costs: the form's own overhead (register, accounting, bodies), the governing body's
  meetings and the staff hours governance takes;
- revenue and taxes: whether the form may charge fees at all, the tax on them;
- funding: whether (and how likely) a funder accepts the form as applicant, the donor
  deduction that makes corporate gifts easier, the municipal money a political turnover cuts;
- decisions: how often the body reviews, how long a decision takes, how often it reads the
  results right, the risk that one partner captures the centre;
- partners: seats on the governing body, the voice a partner gets with and without a seat.

- closure: by the form's own rule (``closure_rule``): insolvency for a form with its own balance
  sheet (months of arrears that funders' debts do not cover, ``closure_arrears_months`` in the
  behaviour); for a form without one, its host (the council, the university, the partners)
  covers the deficit as it arises and decides once a year whether to go on (``host_closes``).
"""

from __future__ import annotations

from simcenter.config.catalogue import LegalForm, ManagementStructure
from simcenter.config.schema import Behaviour, Funder, Scenario

class Institution:
    """The centre's legal form and management structure, as the model sees them."""

    def __init__(self, config: Scenario):
        self.form_id = config.center.legal_form
        self.structure_id = config.center.management
        self.form: LegalForm = config.form
        self.structure: ManagementStructure = config.structure
        self.behaviour: Behaviour = config.behaviour

    # ------------------------------------------------------------------ set-up
    @property
    def setup_months(self) -> int:
        """Months from the decision to an operating entity (services start then)."""
        return self.form.setup_months

    @property
    def setup_cost_eur(self) -> float:
        """One-off registration and set-up cost, paid in the first month."""
        return self.form.setup_cost_eur

    # ------------------------------------------------------------------ running costs
    @property
    def overhead_monthly_eur(self) -> float:
        """Accounting, register filings, audits and meetings the form requires, every month."""
        return self.form.admin_overhead_monthly_eur

    @property
    def meeting_cost_monthly_eur(self) -> float:
        """Cost of running the governing body, every month the centre operates."""
        return self.structure.meeting_cost_monthly_eur

    @property
    def management_hours_monthly(self) -> float:
        """Staff hours a month that governance takes from service delivery."""
        return self.structure.management_hours_monthly

    # ------------------------------------------------------------------ revenue and taxes
    @property
    def may_charge_fees(self) -> bool:
        """May the form earn revenue from its services at all?"""
        return self.form.revenue != "none"

    def fees(self, amount_eur: float) -> float:
        """The fees the centre may collect of ``amount_eur`` charged: all of it, or none for a form
        that may not earn revenue."""
        return amount_eur if self.may_charge_fees else 0.0

    def tax(self, fees_eur: float, direct_fee_costs_eur: float) -> float:
        """This month's tax on fee income: profit tax on fees above their direct costs, plus any
        substitute tax on the fees themselves (budget-funded entities)."""
        form = self.form
        return form.share_profit_tax * max(0.0, fees_eur - direct_fee_costs_eur) + form.share_substitute_tax * fees_eur

    # ------------------------------------------------------------------ funding
    def eligibility(self, funder: Funder) -> float:
        """Probability that ``funder`` accepts this form as lead applicant (0, 1 or between).

        A funder names the forms it accepts (``eligible_forms``), or else accepts the funder types
        the catalogue lists for the form. For calls that require a legal entity, the share that
        accept this form as lead: some exclude companies or cooperatives, and a form without legal
        personality applies through a partner (the lead partner, the municipality, the host
        university)."""
        if funder.eligible_forms is not None:
            ok = self.form_id in funder.eligible_forms
        else:
            ok = funder.type in self.form.eligible_funder_types
        if not ok:
            return 0.0
        if funder.requires_legal_entity:
            return self.form.p_eligible_legal_entity_calls
        return 1.0

    def donor_factor(self, funder: Funder) -> float:
        """Corporate donors say yes more often when their gifts to the form are tax-deductible."""
        if funder.type == "corporate" and self.form.donor_deduction:
            return 1.0 + self.behaviour.donor_deduction_effect
        return 1.0

    @property
    def political_cut(self) -> float:
        """Share of municipal money lost while a political turnover lasts (the form's political
        dependency)."""
        return self.form.political_dependency

    # ------------------------------------------------------------------ decisions
    @property
    def review_cycle_months(self) -> int:
        """How often the governing body reviews results."""
        return self.structure.review_cycle_months

    def latency(self, budget: bool, political_delay: bool) -> int:
        """Months between deciding and the effect: the structure's latency, plus the approving
        body's time for budget and staff changes, plus a delay after a political turnover that
        grows with the form's political dependency."""
        months = self.structure.decision_latency_months
        if budget:
            months += self.form.approval_latency_months
        if political_delay:
            months += round(self.behaviour.political_delay_max_months * self.form.political_dependency)
        return months

    def decision_quality(self, engaged_voice: float) -> float:
        """Chance that a review reads the results right; engaged partners with a voice improve it."""
        return min(1.0, self.structure.decision_quality + self.behaviour.decision_quality_voice_effect * engaged_voice)

    @property
    def capture_risk(self) -> float:
        """Yearly risk that one partner steers the centre towards its own interest."""
        return self.structure.capture_risk

    @property
    def capture_chance_per_review(self) -> float:
        """The capture risk spread over the year's reviews."""
        return self.structure.capture_risk * self.structure.review_cycle_months / 12.0

    # ------------------------------------------------------------------ closure
    @property
    def closure_rule(self) -> str:
        """How the centre ends: 'insolvency', 'council_budget', 'host_review' or 'partners_withdraw'."""
        return self.form.closure_rule

    @property
    def has_host(self) -> bool:
        """Does a host (council, university, partners) carry the centre's deficit? Forms without a
        balance sheet of their own."""
        return self.form.closure_rule != "insolvency"

    def closes(self, arrears_months: int) -> bool:
        """A form with its own balance sheet: does it close after ``arrears_months`` running of
        arrears that what funders owe would not clear?"""
        return not self.has_host and arrears_months >= self.behaviour.closure_arrears_months

    def host_decides(self, calendar_month: int) -> bool:
        """Is this the month of the host's yearly decision?"""
        return self.has_host and calendar_month == self.form.host_review_month

    def host_closes(self, cover_last_year_eur: float, partner_engagement: float) -> str:
        """The host's yearly decision: the reason it closes the centre ('' to go on). It closes a unit
        whose deficit cost it more than ``host_cover_eur_year`` over the last twelve months; partners
        also withdraw when their mean engagement has fallen below ``partners_withdraw_engagement``."""
        if not self.has_host:
            return ""
        rule = self.form.closure_rule
        if rule == "partners_withdraw" and partner_engagement < self.behaviour.partners_withdraw_engagement:
            return "partners_withdrew"
        if cover_last_year_eur > self.form.host_cover_eur_year:
            return {"council_budget": "council_budget", "host_review": "host_review",
                    "partners_withdraw": "partners_withdrew"}[rule]
        return ""

    # ------------------------------------------------------------------ partners
    @property
    def partner_seats(self) -> int:
        """Seats for partners on the governing body."""
        return self.structure.partner_seats

    def partner_voice(self, board_seat: bool) -> float:
        """How much say a partner has, 0..1: the structure's with a seat on the governing body, a
        fraction of what the form gives members without one."""
        if board_seat:
            return self.structure.partner_voice
        return self.form.partner_voice * self.behaviour.voice_without_seat
