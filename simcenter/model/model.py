"""CenterModel: a competence centre for social innovation in its region, month by month.

The model builds its world from a validated scenario and runs the monthly phases listed
in ``step``. It does no I/O and no plotting; ``simcenter.run.runner`` turns runs into results.
"""

from __future__ import annotations

import os
from collections import defaultdict
from functools import partial

import mesa
import networkx as nx
import numpy as np
from mesa.experimental.scenarios import Scenario as MesaScenario

from simcenter import metrics
from simcenter.model.agents import Center, Funder, Partner
from simcenter.config.levers import apply_levers
from simcenter.config.loader import load_scenario
from simcenter.config.schema import Scenario
from simcenter.ledger import CENTER, Ledger
from simcenter.model import services
from simcenter.model.draws import PersonDraws
from simcenter.model.finance import LINES, FundingFlows
from simcenter.model.governance import Governance
from simcenter.model.institution import Institution
from simcenter.model.population import Population
from simcenter.model.status import SocialEnterpriseStatus
from simcenter.rng import Streams


class SimcenterScenario(MesaScenario):
    """Mesa's scenario object for a simcenter run: it carries the validated configuration.

    ``model.scenario`` is always this object (Mesa's meaning); the simcenter scenario, the
    validated YAML, is ``model.scenario.config`` (also ``model.config``). Mesa freezes its
    attributes while the model runs, which suits a configuration that must not change.
    """

    config: Scenario


class CenterModel(mesa.Model):
    """A competence centre, its partners, funders and the region's social entrepreneurs.

    Args:
        scenario: a validated ``Scenario``, a path to a scenario file, or a ``SimcenterScenario``.
        rng: the seed of the run (an int); every random stream derives from it.
        collect: keep a Mesa ``DataCollector`` with every outcome as a model reporter
            (needed by ``mesa.batch_run``; ``simulate`` turns it off for speed).
        **levers: top-level design choices as flat keywords (``legal_form``, ``management``,
            ``n_mentors``, ... see ``simcenter.config.levers.LEVERS``), applied on top of the scenario.
    """

    def __init__(self, scenario=None, rng=None, *, collect: bool = True, **levers):
        if isinstance(scenario, SimcenterScenario):
            config = scenario.config
            rng = scenario.rng if rng is None else rng
        elif isinstance(scenario, Scenario):
            config = scenario
        elif isinstance(scenario, (str, os.PathLike)):
            config = load_scenario(scenario)
        else:
            raise TypeError("CenterModel needs scenario= (a Scenario, a path, or a SimcenterScenario)")
        config = apply_levers(config, levers)
        super().__init__(scenario=SimcenterScenario(rng=rng, config=config))
        # The run's seed, from which every named stream derives: ``rng`` itself when it is a seed,
        # else a number from Mesa's generator (made from whatever ``rng`` was).
        self.seed = int(rng) if isinstance(rng, (int, np.integer)) else int(self.rng.integers(2**63))
        self.streams = Streams(self.seed)
        self.config = config
        self.institution = Institution(config)
        self.behaviour = config.behaviour
        self.months = config.horizon.months
        self._month0 = config.horizon.start_year * 12 + (config.horizon.start_month - 1)  # calendar month of month 0
        self.political_cut = 0.0
        self.captor: Partner | None = None
        self.ledger = Ledger()
        self.tally: dict[str, float] = defaultdict(float)
        self.shared: services.Shared | None = None  # what this month's services share (staff hours, contacts)
        self.spending_eur = 0.0
        self.host_cover: list[float] = []  # what the host paid of the deficit, month by month (forms with a host)

        self.center = Center(self, config.center)
        self.partners = {pid: Partner(self, pid, spec) for pid, spec in config.partners.items()}
        self.funders = {fid: Funder(self, fid, spec) for fid, spec in config.funding.funders.items()}
        self._assign_board_seats()
        self._partner_steps = list(self.agents_by_type[Partner]) if self.partners else []
        self.social_enterprise = SocialEnterpriseStatus(self)
        self.funding = FundingFlows(self)
        self.governance = Governance(self)
        self.network = nx.Graph()
        self.network.add_nodes_from(f"p:{p}" for p in self.partners)
        self.network.add_nodes_from(f"f:{f}" for f in self.funders)
        self.network_counterparts = [f"p:{p}" for p in self.partners] + [f"f:{f}" for f in self.funders]

        region = config.region
        self.arrivals = self.streams["arrivals"].poisson(region.new_ideas_per_month, size=self.months)
        self.pop = Population(region, self.behaviour, region.n_potential + int(self.arrivals.sum()))
        self.pop.add(region.n_potential, self.streams["people"], initial=True)
        self.pop.add(int(self.arrivals.sum()), self.streams["people"], initial=False, born=False)

        self.ledger.transfer("founders", CENTER, "starting_cash", config.center.starting_cash_eur)
        for g in config.funding.starting_grants:
            if self.funders[g.funder].eligible():  # a form the call does not admit cannot hold it
                self.funding.award(self.funders[g.funder], g.amount_eur, 0, g.duration_months)

        self.draws = {name: PersonDraws(self.seed, name, numbers) for name, numbers in person_decisions().items()}
        self.services = [cls(self) for cls in services.SERVICES]
        # The steps each service fills in, in order (a step a service leaves as it is does nothing).
        self._prepare, self._select, self._deliver = (
            [getattr(s, step) for s in self.services if getattr(type(s), step) is not getattr(services.Service, step)]
            for step in ("prepare", "select", "deliver"))
        self.timeseries = np.full((self.months, len(metrics.OUTCOMES)), np.nan)
        self.cash_cents = np.zeros(self.months, dtype=np.int64)
        self.staffed = np.zeros(self.months, dtype=bool)  # months open with a paid team
        self.datacollector = (
            mesa.DataCollector(model_reporters={name: partial(_latest, index=i) for i, name in enumerate(metrics.NAMES)})
            if collect else None
        )

    # ------------------------------------------------------------------ helpers
    def calendar(self, month: int) -> tuple[int, int]:
        """Calendar (year, month 1..12) of simulation month ``month``."""
        total = self._month0 + month
        return total // 12, total % 12 + 1

    def _assign_board_seats(self) -> None:
        """Partners named in the scenario sit on the board; free seats go to the most engaged."""
        seats = self.institution.partner_seats
        taken = sum(p.board_seat for p in self.partners.values())
        for p in sorted(self.partners.values(), key=lambda p: (-p.engagement, p.pid)):
            if taken >= seats:
                break
            if not p.board_seat:
                p.board_seat = True
                taken += 1

    @property
    def month(self) -> int:
        """The month being simulated (0-based); after the run, the number of months run."""
        return self.steps - 1

    # ------------------------------------------------------------------ the month
    def step(self) -> None:
        """Simulate one month, phase by phase, in this order:

        1. plan and decisions due this month take effect; the legal entity opens after set-up
        2. staff time: hours left for services after governance, reporting, applications
        3. funding: decisions on applications, new applications (writing takes staff time), payments due
        4. services (``services.SERVICES``, each in turn at each step): staff hours and plans taken;
           who hears of the centre (promotion, word of mouth, forgetting) and who wants each service;
           then each is delivered: mentoring, events, funding-search support, networking, and the
           ventures' own funding applications in both worlds (the centre's clients with better odds);
           fees
        5. costs and taxes; grant earnings (reimbursements scheduled after each funder's lag)
        6. entrepreneurs: progress, closure, fading of gains, new ideas arriving
        7. partners: engagement, sponsorship
        8. reputation
        9. governance: elections, reviews (cuts, their undoing, hires), capture; closure by the legal form's
           rule (insolvency, or the host's yearly decision after covering the deficit)
        10. outcomes measured
        """
        month = self.steps - 1
        if month >= self.months:
            self.running = False
            return
        self.ledger.month = month
        center = self.center
        pop = self.pop
        if month == self.institution.setup_months and not center.closed:
            center.active = True
        self.governance.start_of_month(month)
        center.update_project_team(month)

        self.shared = shared = services.Shared(services.StaffHours(self, month))
        self.funding.step(month)

        mentoring_on = center.active and center.services["mentorship"]  # else nobody is in a programme
        for prepare in self._prepare:
            prepare(month, shared)
        for select in self._select:
            select(month, shared)
        fees = direct_costs = event_costs = 0.0
        for deliver in self._deliver:
            delivered = deliver(month, shared)
            fees += delivered.fees
            direct_costs += delivered.direct_costs
            event_costs += delivered.costs
        self.ledger.transfer("clients", CENTER, "fees", fees)

        if center.closed:
            costs = 0.0
            center.costs_history.append(0.0)
            center.cost_lines.append(dict.fromkeys(LINES, 0.0))
        else:
            costs = self.funding.pay_costs(month, event_costs, fees, direct_costs)
        self.spending_eur += costs
        self.funding.earn(month, center.cost_lines[-1])

        (u_progress,) = self.draws["progress"].month(month, pop.n)
        (u_close,) = self.draws["close"].month(month, pop.n)
        pop.advance(month, u_progress, u_close)
        pop.fade_idle(nobody_in_programme=not mentoring_on)  # gains from events fade too
        pop.arrive(int(self.arrivals[month]))

        for partner in self._partner_steps:  # = agents_by_type[Partner].do("step"): same agents, same order
            partner.step()
        self._update_reputation()
        self.governance.elections(month)
        self.governance.review(month)
        self._closure(month)
        self.social_enterprise.step(month)
        if center.active and center.headcount > 0:
            center.months_operating += 1
            self.staffed[month] = True

        self.cash_cents[month] = self.ledger.balance_cents(CENTER)
        self.timeseries[month] = metrics.measure(self, month)
        if self.datacollector is not None:
            self.datacollector.collect(self)
        if month == self.months - 1:
            self.running = False

    def run_to_end(self) -> None:
        """Run the remaining months (Mesa's ``run_for``: the same as ``while model.running: model.step()``)."""
        remaining = self.months - self.steps
        if remaining > 0:
            self.run_for(remaining)

    def _update_reputation(self) -> None:
        """Reputation drifts towards what clients, funders and promotion say about the centre."""
        c = self.center
        pop = self.pop
        b = self.behaviour
        # Mean satisfaction of the people in contact in the last months (float32 sum / count:
        # exactly ndarray.mean(), without its overhead).
        total, k = pop.recent_satisfaction(self.month)
        satisfaction = float(total / k) if k else c.reputation
        promo = c.spec.services.promotion.budget_monthly_eur if c.services["promotion"] and c.active else 0.0
        target = (b.reputation_weight_satisfaction * satisfaction
                  + b.reputation_weight_grants * min(1.0, c.grants_won / b.reputation_grants_saturation)
                  + b.reputation_weight_promotion * min(1.0, promo / b.reputation_promotion_saturation_eur))
        if not c.active:
            target = 0.0 if c.closed else c.reputation
        c.reputation += b.reputation_speed * (target - c.reputation)

    def _closure(self, month: int) -> None:
        """Does the centre close this month, by its legal form's rule (``Institution.closure_rule``)?

        A form with its own balance sheet closes after months of arrears that what funders owe would
        not clear (``closure_arrears_months`` running): arrears that a signed grant's reimbursements
        will clear are a liquidity gap, bridged (late salaries, a partner's loan), not the end. A form
        without one has its deficit covered by its host as it arises, and the host decides once a
        year whether to go on."""
        c = self.center
        institution = self.institution
        if institution.has_host:  # the host carries its unit's debts, after its closure too
            self.host_cover.append(self.funding.cover_deficit(month))
            if c.closed:
                return
            if institution.host_decides(self.calendar(month)[1]) and month >= 11:
                engagement = (sum(p.engagement for p in self.partners.values()) / len(self.partners)
                              if self.partners else 1.0)
                reason = institution.host_closes(sum(self.host_cover[-12:]), engagement)
                if reason:
                    self._close(month, reason)
            return
        if c.closed:
            return
        self.funding.bridge(month)
        c.arrears_months = c.arrears_months + 1 if self.funding.uncovered(month) > 0 else 0
        if institution.closes(c.arrears_months):
            self._close(month, "insolvency")

    def _close(self, month: int, reason: str) -> None:
        """The centre closes: services stop, staff go, pending applications are withdrawn."""
        c = self.center
        c.closed = True
        c.active = False
        c.closure_month = month + 1
        c.closure_reason = reason
        c.n_mentors = c.n_coordinators = 0
        c.project_mentors = c.project_coordinators = 0
        self.captor = None  # no centre left to capture
        c.applications = []
        self.pop.prog_left[:] = 0

    # ------------------------------------------------------------------ results
    def outcome(self, name: str) -> float:
        """The latest value of outcome ``name``."""
        row = max(0, min(self.steps, self.months) - 1)
        return float(self.timeseries[row, metrics.NAMES.index(name)])

    def verify_ledger(self) -> list[str]:
        """Prove that money is conserved month by month; return the problems found (none: balanced)."""
        run = min(self.steps, self.months)
        return self.ledger.verify(CENTER, self.cash_cents[:run])


VENTURES = {"progress": 1, "close": 1}
"""The decisions every person's venture faces each month: to move a stage, to close."""


def person_decisions() -> dict[str, int]:
    """Every random decision taken month by month, each with its own stream
    (``simcenter.model.draws``), and the numbers it draws per person (or introduction) and month:
    the services' and the ventures'."""
    decisions = {name: numbers for cls in services.SERVICES for name, numbers in cls.decisions.items()}
    decisions.update(VENTURES)
    return decisions


def _latest(model: CenterModel, index: int) -> float:
    """DataCollector model reporter: outcome ``index`` in the latest month (picklable via partial)."""
    row = max(0, min(model.steps, model.months) - 1)
    return float(model.timeseries[row, index])
