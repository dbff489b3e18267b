"""Every effect of the centre's legal form and management structure, in one room.

The rest of the model never reads a catalogue entry (``LegalForm``, ``ManagementStructure``):
it asks the centre's ``Institution``, one property or method per effect. So a new legal form
is one catalogue entry, and what a form changes can be read here, whole:

- set-up: months before the entity operates, the one-off cost;
- running costs: the form's own overhead (register, accounting, bodies), the governing body's
  meetings and the staff hours governance takes;
- revenue and taxes: whether the form may charge fees at all, the yearly tax on its tax base
  (a non-profit's economic activity, a company's whole result, a budget enterprise's revenue), VAT
  once registered (from the start through a registered host, or past the turnover threshold);
- funding: which calls admit the centre (the organisations that apply for it against each call's
  eligible applicants), the donor deduction that makes corporate gifts easier, the bridge money a
  form with its own balance sheet can raise, the municipal money a political turnover cuts;
- the social-enterprise status: whether the form may hold it, its conditions (staff from
  vulnerable groups, or a result spent on the social purpose);
- decisions: how often the body reviews, how long a decision takes, how often it reads the
  results right, the risk that one partner captures the centre;
- partners: seats on the governing body, the voice a partner gets with and without a seat.

- closure: by the form's own rule (``closure_rule``): insolvency for a form with its own balance
  sheet (months of arrears that funders' debts do not cover, ``closure_arrears_months`` in the
  behaviour); for a form without one, its host (the council, the university, the partners)
  covers the deficit as it arises and decides once a year whether to go on (``host_closes``).
"""

from __future__ import annotations

from simcenter.config.catalogue import LegalForm, ManagementStructure, SocialEnterpriseStatus, admits
from simcenter.config.schema import Behaviour, Funder, Scenario

class Institution:
    """The centre's legal form and management structure, as the model sees them."""

    def __init__(self, config: Scenario):
        self.form_id = config.center.legal_form
        self.structure_id = config.center.management
        self.form: LegalForm = config.form
        self.structure: ManagementStructure = config.structure
        self.behaviour: Behaviour = config.behaviour
        self.status: SocialEnterpriseStatus | None = config.catalogue.social_enterprise_status
        self.seek_social_enterprise = config.center.social_enterprise.seek

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
        return self.form.may_charge_fees

    def fees(self, amount_eur: float) -> float:
        """The fees the centre may collect of ``amount_eur`` charged: all of it, or none for a form
        that may not earn revenue."""
        return amount_eur if self.form.may_charge_fees else 0.0

    def yearly_tax(self, fees_eur: float, fee_costs_eur: float, result_eur: float) -> float:
        """The tax on a year: profit tax on the form's tax base (``tax_base``: a non-profit's economic
        activity, its fees less their direct costs; a company's or cooperative's whole result), plus any
        substitute tax on the fees themselves (a budget enterprise's revenue from its services)."""
        form = self.form
        base = fees_eur - fee_costs_eur if form.tax_base == "economic_activity" else result_eur
        return form.share_profit_tax * max(0.0, base) + form.share_substitute_tax * fees_eur

    @property
    def vat_registered_from_start(self) -> bool:
        """Is the centre VAT-registered from the start (through a host that is)? Otherwise it registers
        when its taxable turnover over twelve months reaches ``vat_threshold_eur``."""
        return self.form.vat_registered

    def must_register_for_vat(self, turnover_12_months_eur: float) -> bool:
        """Has the taxable turnover of the last twelve months reached the registration threshold?"""
        return turnover_12_months_eur >= self.behaviour.vat_threshold_eur

    def vat_in(self, fees_eur: float) -> float:
        """The VAT in fees charged at unchanged prices by a registered centre (its clients pay the same,
        the centre keeps less)."""
        rate = self.behaviour.vat_rate
        return fees_eur * rate / (1.0 + rate)

    # ------------------------------------------------------------------ funding
    def eligibility(self, funder: Funder, social_enterprise: bool = False) -> bool:
        """May the centre apply to ``funder``'s calls? Yes when one of the organisations that apply for it
        (the form's ``applicants``: the entity itself, or for a form without legal personality its host or lead
        partner) is among the call's ``eligible_applicants``, or when it holds the social-enterprise status and
        the call admits social enterprises. A donor that names no applicants gives to anyone."""
        return admits(funder.eligible_applicants, self.form.applicants, social_enterprise)

    def donor_factor(self, funder: Funder) -> float:
        """Corporate donors say yes more often when their gifts to the form are tax-deductible."""
        if funder.type == "corporate" and self.form.donor_deduction:
            return 1.0 + self.behaviour.donor_deduction_effect
        return 1.0

    @property
    def bridge_loan_eur(self) -> float:
        """The most bridge money (founders' or partners' loan, an overdraft) a form with its own balance
        sheet can have outstanding."""
        return 0.0 if self.has_host else self.form.bridge_loan_eur

    # ------------------------------------------------------------------ social-enterprise status
    @property
    def may_seek_social_enterprise(self) -> bool:
        """Does the design seek the social-enterprise status, in a form that may hold it (and a catalogue
        that describes it)?"""
        return (self.seek_social_enterprise and self.form.may_hold_social_enterprise_status
                and self.status is not None)

    def social_enterprise_conditions(self, vulnerable_staff: int, paid_staff: int, last_year_result_eur: float) -> bool:
        """Does the centre meet the status's conditions (class A): enough paid staff from vulnerable groups
        (a number and a share), or last year's result, spent on its social purpose, at least
        ``min_result_eur``?"""
        st = self.status
        staff_ok = (paid_staff > 0 and vulnerable_staff >= st.min_vulnerable_staff
                    and vulnerable_staff >= st.min_share_vulnerable_staff * paid_staff)
        return staff_ok or (paid_staff > 0 and last_year_result_eur >= st.min_result_eur)

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

    def partner_voice(self, board_seat: bool, social_enterprise: bool = False) -> float:
        """How much say a partner has, 0..1: the structure's with a seat on the governing body; without one, a
        fraction (``voice_without_seat``) of what the form gives a member, when organisations may be members
        (not in a cooperative, whose members are natural persons), or of what the social-enterprise status's
        participatory governance gives, whichever is more."""
        if board_seat:
            return self.structure.partner_voice
        voice = self.form.partner_voice if self.form.members == "organisations" else 0.0
        if social_enterprise and self.status is not None:
            voice = max(voice, self.status.partner_voice)
        return voice * self.behaviour.voice_without_seat
