"""Money in and out of the centre: calls, applications, awards, disbursements, costs and taxes.

Every movement goes through ``model.ledger``. Grants pay a pre-financing share on
signature; the rest is reimbursed ``lag`` months after the centre spends it, and only up to
(1 - co-financing) of what it actually spent, up to the grant's monthly tranches so far (what
a month leaves unspent can be spent later in the project). A project grant's staff line
(``share_staff`` of its budget) pays the centre's core team first, then its own staff, hired when it
is signed and released when it ends. When
a grant ends its income stops: the funding cliff. A form without a balance sheet of its own
has its deficit covered by its host as it arises (``cover_deficit``).
"""

from __future__ import annotations

from collections import defaultdict

from simcenter.model.agents import Application, Funder, Grant


LINES = ("staff", "activities", "overheads")
"""A project grant's budget lines (``Grant.line_share``)."""
def charge(caps, funding_rate: float, uncovered: list[float]) -> list[float]:
    """What one grant pays of each budget line (``LINES`` order): at most the line's ``caps`` entry and at
    most ``funding_rate`` (1 - co-financing) of what is still uncovered on it; ``uncovered`` loses the spending
    the payment covers (the centre's co-financing included). The rule of ``earn`` and of the forecast."""
    paying = max(1e-9, funding_rate)
    paid = []
    for i, cap in enumerate(caps):
        earned = min(cap, funding_rate * uncovered[i])
        if earned > 0:
            uncovered[i] -= earned / paying
            paid.append(earned)
        else:
            paid.append(0.0)
    return paid


MAX_PROJECT_STAFF = 1000
"""The most staff one project pays (the schema's largest team, ``staff.n_max`` <= 1000)."""


class FundingFlows:
    """The centre's funding pipeline and payments for one run."""

    def __init__(self, model):
        self.model = model
        self.scheduled: dict[int, list[tuple[str, str, float]]] = defaultdict(list)
        self.application_hours_due: dict[int, float] = defaultdict(float)
        self.requested: set[str] = set()  # funders the plan asked to apply to first
        self._open_calls: dict[int, list[Funder]] | None = None  # month -> funders with an open call the centre may answer
        self._receivable: tuple[int, int, float] | None = None  # (month, version of scheduled, value)
        self._version = 0  # changes whenever ``scheduled`` does
        self.loan_eur = 0.0  # bridge loans outstanding (founders' and partners', forms with a balance sheet)
        # The year's accounts, for the yearly tax and the social-enterprise status: fees and their direct costs,
        # project income earned, costs paid; income of other kinds is read from the ledger at the year's end.
        self.year_fees = self.year_fee_costs = self.year_earned = self.year_costs = 0.0
        self._income_at_year_start: dict[str, int] = {}
        self.last_year_result = 0.0  # the last full calendar year's result (income less costs), EUR
        self.fees_12: list[float] = []  # the last twelve months' fees (gross): the VAT turnover
        self.vat_registered = model.institution.vat_registered_from_start
        self.vat_registered_month = 0 if self.vat_registered else -1

    def award(self, funder: Funder, amount: float, month: int, duration: int | None = None) -> Grant:
        """Sign a grant, donation or subsidy and pay what is due on signature."""
        center = self.model.center
        s = funder.spec
        grant = Grant(
            funder=funder.fid, kind=s.kind, amount_eur=amount, start=month, duration=duration or s.duration_months,
            share_cofinancing=s.share_cofinancing, lag=s.reimbursement_lag_months,
            reporting_hours=s.reporting_hours_month,
        )
        if s.kind == "grant":
            grant.share_staff, grant.share_overheads = s.share_staff, s.share_overheads
        if s.kind == "grant" and amount > 0:
            # The staff line pays the centre's core team first (its people work on the project, as an NGO
            # budgets its own staff into a project), as far as other running projects do not already pay them;
            # the rest hires the project's own staff in whole salaries, a coordinator first if the core team has
            # none (at most MAX_PROJECT_STAFF: a salary of a few cents would otherwise buy an endless team).
            salary = center.salary_cost()
            line = grant.staff_line_monthly()
            n = int(min(max(0.0, line - self.core_cost_uncovered(month)) // salary, MAX_PROJECT_STAFF)) if salary > 0 else 0
            grant.staff_coordinators = min(1, n) if center.n_coordinators == 0 else 0
            grant.staff_mentors = n - grant.staff_coordinators
        center.grants.append(grant)
        center.grants_won += 1
        if s.kind == "grant":
            center.projects_won += 1  # the track record funders look at: projects, not gifts or subsidies
        if s.kind == "donation":
            self.model.ledger.transfer(funder.fid, "center", "donation", amount)
            grant.paid_eur = amount
        elif s.kind == "grant":
            pre = amount * s.share_prefinancing
            self.model.ledger.transfer(funder.fid, "center", "prefinancing", pre)
            grant.paid_eur = pre
            if center.first_grant_end is None:
                center.first_grant_end = grant.end
        return grant

    def core_cost_uncovered(self, month: int) -> float:
        """What the core team costs a month beyond what the running projects' staff lines leave after their own
        staff: the part of the core team a new project's staff line pays first."""
        center = self.model.center
        salary = center.salary_cost()
        spare = sum(max(0.0, g.staff_line_monthly() - (g.staff_mentors + g.staff_coordinators) * salary)
                    for g in center.grants if g.kind == "grant" and g.running(month))
        return max(0.0, center.core_headcount * salary - spare)

    # ------------------------------------------------------------------ phase 3: funding
    def step(self, month: int) -> None:
        """Decide pending applications, apply to open calls, pay what is due this month."""
        model = self.model
        center = model.center
        ledger = model.ledger
        due = self.scheduled.pop(month, None)
        if due is not None:
            self._version += 1
        for source, kind, amount in due or ():
            if kind == "refund":
                ledger.transfer("center", source, kind, amount)
            else:
                ledger.transfer(source, "center", kind, amount)
        self._decide(month)
        if center.active:
            self._apply(month)
        for grant in center.grants:
            if grant.kind == "subsidy" and grant.running(month):
                ledger.transfer(grant.funder, "center", "subsidy", grant.amount_eur / grant.duration)
                grant.paid_eur += grant.amount_eur / grant.duration

    def _decide(self, month: int) -> None:
        model = self.model
        center = model.center
        rng = model.streams["funding.decisions"]
        still = []
        for app in center.applications:
            if app.decision > month:
                still.append(app)
                continue
            if model.funders[app.funder].spec.kind == "grant":
                center.competitive_decided += 1
            funder: Funder = model.funders[app.funder]
            u_win, u_amount = rng.random(), rng.random()  # = rng.random(2), as Python floats (faster)
            if center.closed or u_win >= funder.p_success(app.effort):
                continue
            s = funder.spec
            top = min(s.amount_max_eur, app.amount_max_eur)
            self.award(funder, s.amount_min_eur + u_amount * (top - s.amount_min_eur), month)
            if s.kind == "grant":
                center.competitive_won += 1
        center.applications = still

    def _apply(self, month: int) -> None:
        model = self.model
        center = model.center
        limit = model.config.funding.max_open_applications
        writing = model.behaviour.application_writing_months
        if self._open_calls is None:  # the calendar of calls depends only on the scenario
            self._open_calls = {}
            for f in model.funders.values():
                if f.spec.amount_max_eur > 0:  # nobody applies for a call with no money
                    for m in f.open_months(model.months):
                        self._open_calls.setdefault(m, []).append(f)
        open_calls = [f for f in self._open_calls.get(month, ()) if f.eligible()]
        if not open_calls:
            return
        # Own money for co-financing: what cash and money due hold beyond the reserve and the
        # co-financing already promised in pending applications.
        center_burn = center.burn_rate()
        spare = max(0.0, self.free_cash(month) - center.spec.reserve_months * center_burn)
        for app in center.applications:
            spare -= model.funders[app.funder].spec.share_cofinancing * min(app.amount_max_eur,
                                                                             model.funders[app.funder].spec.amount_max_eur)
        # Plan-requested funders first, then by expected value of the award.
        open_calls.sort(key=lambda f: (f.fid not in self.requested, -f.spec.p_success * (f.spec.amount_min_eur + f.spec.amount_max_eur)))
        for funder in open_calls:
            if len(center.applications) >= limit:
                break
            if any(a.funder == funder.fid for a in center.applications):
                continue
            if funder.spec.kind == "grant" and any(g.funder == funder.fid and g.running(month) for g in center.grants):
                continue  # one running project per programme
            s = funder.spec
            top = s.amount_max_eur
            if s.kind == "grant" and s.share_cofinancing > 0:
                # A centre asks for no more than it can co-finance; a call whose smallest project it
                # cannot co-finance is left alone.
                top = min(top, max(0.0, spare) / s.share_cofinancing)
                if top < s.amount_min_eur or top <= 0:
                    continue
                spare -= s.share_cofinancing * top
            hours = funder.spec.application_hours
            available = model.shared.hours.free_for_applications()
            effort = 1.0 if hours <= 0 else min(1.0, available / (hours / writing))
            model.shared.hours.charge(hours / writing)  # this month's share of the writing
            for k in range(1, writing):
                self.application_hours_due[month + k] += hours / writing
            center.applications.append(
                Application(funder=funder.fid, submitted=month, decision=month + max(1, funder.spec.decision_months),
                            effort=effort, amount_max_eur=top)
            )
            center.grants_applied += 1
            self.requested.discard(funder.fid)

    # ------------------------------------------------------------------ phase 6: costs
    def pay_costs(self, month: int, event_costs: float, fees: float, direct_fee_costs: float) -> float:
        """Pay this month's costs and taxes; return the total paid (by budget line: ``center.cost_lines``)."""
        model = self.model
        center = model.center
        spec = center.spec
        ledger = model.ledger
        line = dict.fromkeys(LINES, 0.0)
        paid = 0.0
        if month == 0:
            paid += ledger.transfer("center", "setup", "setup", model.institution.setup_cost_eur) / 100
        line["overheads"] += ledger.transfer("center", "admin", "legal_form_overhead",
                                             model.institution.overhead_monthly_eur) / 100
        if center.active and center.headcount == 0:
            # Dormant: without any paid staff the centre keeps its registration (the form's overhead) and its
            # body (meetings), not premises, a platform or running costs; events and promotion need staff.
            model.tally["dormant_months"] += 1
            line["overheads"] += ledger.transfer("center", "governance", "governance_meetings",
                                                 model.institution.meeting_cost_monthly_eur) / 100
        elif center.active:
            line["staff"] += ledger.transfer("center", "staff", "salaries", center.monthly_staff_cost()) / 100
            space = sum(p.space_offset_eur(model.config.region.rent_eur_per_m2_month) for p in model.partners.values())
            line["overheads"] += ledger.transfer("center", "landlord", "rent", max(0.0, spec.rent_monthly_eur - space)) / 100
            line["activities"] += ledger.transfer("center", "suppliers", "platform", spec.platform_monthly_eur) / 100
            line["overheads"] += ledger.transfer("center", "suppliers", "other_costs", spec.other_costs_monthly_eur) / 100
            line["activities"] += ledger.transfer("center", "suppliers", "events", event_costs) / 100
            if center.services["promotion"]:
                line["activities"] += ledger.transfer("center", "media", "promotion",
                                                      spec.services.promotion.budget_monthly_eur) / 100
            line["overheads"] += ledger.transfer("center", "governance", "governance_meetings",
                                                 model.institution.meeting_cost_monthly_eur) / 100
        line["overheads"] += ledger.transfer("center", "admin", "social_enterprise_status",
                                             model.social_enterprise.monthly_cost()) / 100
        paid += line["staff"] + line["activities"] + line["overheads"]
        self.year_costs += paid
        self.year_fees += fees
        self.year_fee_costs += direct_fee_costs
        paid += self._vat(month, fees)
        if model.calendar(month)[1] == 12:
            paid += self._close_year(month)
        center.costs_history.append(paid)
        center.cost_lines.append(line)
        return paid

    def _vat(self, month: int, fees: float) -> float:
        """A VAT-registered centre remits the VAT in its fees (prices to clients unchanged; no input VAT
        deducted: its costs serve its grant-funded work). It must register once the last twelve months' fees
        reach the threshold; it charges VAT from the next month. Returns the VAT paid."""
        model = self.model
        paid = 0.0
        if self.vat_registered and fees > 0:
            paid = model.ledger.transfer("center", "state", "vat", model.institution.vat_in(fees)) / 100
        self.fees_12.append(fees)
        del self.fees_12[:-12]
        if not self.vat_registered and model.institution.must_register_for_vat(sum(self.fees_12)):
            self.vat_registered = True
            self.vat_registered_month = month + 1
        return paid

    def _close_year(self, month: int) -> float:
        """December: close the calendar year's accounts and pay its tax (``Institution.yearly_tax``). The
        result is income (fees, project income earned, donations, subsidies, sponsorship) less costs paid;
        starting cash, loans and a host's cover are no income. Returns the tax paid."""
        model = self.model
        income_now = model.ledger.income_by_source("center")
        other = 0.0
        for source, cents in income_now.items():
            kind = model.funders[source].spec.kind if source in model.funders else None
            if source in model.partners or kind in ("donation", "subsidy"):
                other += (cents - self._income_at_year_start.get(source, 0)) / 100
        self._income_at_year_start = income_now
        result = self.year_fees + self.year_earned + other - self.year_costs
        tax = model.institution.yearly_tax(self.year_fees, self.year_fee_costs, result)
        paid = model.ledger.transfer("center", "state", "tax", tax) / 100
        self.last_year_result = result - paid
        self.year_fees = self.year_fee_costs = self.year_earned = self.year_costs = 0.0
        return paid

    # ------------------------------------------------------------------ phase 7: grant earnings
    def earn(self, month: int, costs: dict[str, float]) -> None:
        """Charge this month's spending, by budget line (``LINES``: staff, activities, overheads; set-up and
        taxes are no line of any grant), to running grants, and schedule the reimbursements."""
        center = self.model.center
        uncovered = [costs.get(line, 0.0) for line in LINES]
        for grant in center.grants:
            if grant.kind != "grant" or not grant.running(month):
                continue
            # Up to the tranches of the months so far (a month's unspent tranche is spent later), each line
            # up to its share of them, at most (1 - co-financing) of what was spent on it.
            so_far = min(grant.amount_eur, grant.amount_eur * (month - grant.start + 1) / grant.duration)
            caps = [grant.line_share(line) * so_far - grant.earned_lines[line] for line in LINES]
            for line, earned in zip(LINES, charge(caps, 1.0 - grant.share_cofinancing, uncovered)):
                if earned > 0:
                    grant.earned_lines[line] += earned
                    grant.earned_eur += earned
                    self.year_earned += earned
            # Spending first uses up the pre-financing; only the rest is reimbursed, after the lag.
            due = max(0.0, grant.earned_eur - grant.paid_eur)
            if due > 0:
                self._schedule(month, grant.lag, grant.funder, "reimbursement", due)
                grant.paid_eur += due
            if month == grant.end - 1 and grant.paid_eur > grant.earned_eur + 0.005:
                refund = grant.paid_eur - grant.earned_eur
                self._schedule(month, grant.lag, grant.funder, "refund", refund)
                grant.paid_eur -= refund

    def _schedule(self, month: int, lag: int, funder: str, kind: str, amount: float) -> None:
        """Pay after ``lag`` months; with no lag, pay now (this month's payments are already done)."""
        if lag <= 0:
            if kind == "refund":
                self.model.ledger.transfer("center", funder, kind, amount)
            else:
                self.model.ledger.transfer(funder, "center", kind, amount)
        else:
            self.scheduled[month + lag].append((funder, kind, amount))
            self._version += 1

    def receivable(self, month: int) -> float:
        """Money earned and due to arrive later, less refunds due (counts towards runway)."""
        cached = self._receivable
        if cached is not None and cached[0] == month and cached[1] == self._version:
            return cached[2]
        value = sum((-a if k == "refund" else a) for m, items in self.scheduled.items() if m > month for _, k, a in items)
        self._receivable = (month, self._version, value)
        return value

    def unearned(self, month: int) -> float:
        """Pre-financing received but not yet earned by spending: owed back unless spent on the project."""
        return sum(max(0.0, g.paid_eur - g.earned_eur) for g in self.model.center.grants
                   if g.kind == "grant" and g.running(month))

    def net_costs(self, month: int, months: int, extra_staff: int = 0) -> float:
        """The centre's costs over the next ``months`` months less what its running grants and subsidies
        bring in them: a cash forecast as a board makes it (for a hire, with ``extra_staff`` more core
        salaries). Costs, by budget line: the team as it is now (each project's staff leaving when its grant
        ends) and the other costs at the mean of the last three months; income: each grant's tranches while it
        runs, each line paying at most its share of them and (1 - co-financing) of what is spent on it, as
        ``earn`` charges them (and at most the grant's budget not yet earned), each subsidy's payments."""
        center = self.model.center
        salary = center.salary_cost()
        recent = center.cost_lines[-3:]
        other = [sum(h[line] for h in recent) / len(recent) if recent else 0.0 for line in LINES[1:]]
        core = center.headcount + extra_staff - (center.project_mentors + center.project_coordinators)
        last = month + int(months)
        # The grants and subsidies that run in any month of the forecast, with their tranche, share of each
        # line, funding rate and budget not yet earned (a donation is paid already).
        live = [[g, g.start, g.start + g.duration, g.amount_eur / g.duration, g.kind == "subsidy",
                 [g.line_share(line) for line in LINES], 1.0 - g.share_cofinancing,
                 g.amount_eur - g.earned_eur, g.staff_mentors + g.staff_coordinators]
                for g in center.grants if g.kind != "donation" and g.start <= last and g.start + g.duration > month + 1]
        total = 0.0
        for m in range(month + 1, last + 1):
            running = [x for x in live if x[1] <= m < x[2]]
            staff = salary * (core + sum(x[8] for x in running))
            uncovered = [staff, *other]
            subsidies = 0.0
            for x in running:
                if x[4]:
                    subsidies += x[3]
                    continue
                tranche = min(x[3], x[7])
                x[7] -= tranche
                for earned in charge([share * tranche for share in x[5]], x[6], uncovered):  # as ``earn`` does
                    total -= earned
            total += sum([staff, *other]) - subsidies
        return total

    def uncovered(self, month: int) -> float:
        """Arrears that the money funders owe (``receivable``) will not clear: what the centre is short."""
        balance = self.model.ledger.balance()
        return max(0.0, min(-balance, -(balance + self.receivable(month))))

    def cover_deficit(self, month: int) -> float:
        """A form without a balance sheet of its own: its host pays what the centre is short this month
        (money the funders owe counts first). Returns the amount covered."""
        cover = self.uncovered(month)
        if cover > 0:
            self.model.ledger.transfer("host", "center", "host_cover", cover)
        return cover

    def bridge(self, month: int) -> None:
        """A form with its own balance sheet: arrears that money due will not clear are bridged by a
        loan from founders and partners or an overdraft, up to the form's ``bridge_loan_eur`` outstanding;
        the loan is repaid from cash above the reserve."""
        model = self.model
        center = model.center
        short = self.uncovered(month)
        limit = model.institution.bridge_loan_eur
        if short > 0 and self.loan_eur < limit:
            self.loan_eur += model.ledger.transfer("lenders", "center", "bridge_loan", min(short, limit - self.loan_eur)) / 100
        elif self.loan_eur > 0 and not center.closed:
            spare = model.ledger.balance() - center.spec.reserve_months * center.burn_rate()
            if spare > 0:
                self.loan_eur -= model.ledger.transfer("center", "lenders", "loan_repayment", min(spare, self.loan_eur)) / 100
                self.loan_eur = max(0.0, round(self.loan_eur, 2))

    def free_cash(self, month: int) -> float:
        """Cash plus money due, minus pre-financing not yet earned and bridge loans: what governance can
        plan with."""
        return self.model.ledger.balance() + self.receivable(month) - self.unearned(month) - self.loan_eur
