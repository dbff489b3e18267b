"""The levers the app puts in front of a workshop, and their current value in a scenario.

Each control is one of ``simcenter.config.levers.LEVERS``; the app changes a design only through
those levers, so a design set in the browser is the same design as the scenario file it
exports. Labels live in ``locales/*.yaml`` under ``app.lever.<name>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from simcenter.config.schema import Scenario
from simcenter.config.levers import LEVERS


@dataclass(frozen=True)
class Control:
    """One lever as an input: a slider or a number field, its range and its unit."""

    name: str
    kind: Literal["slider", "number"]
    minimum: float
    maximum: float
    step: float
    unit: str  # as in metrics: "people", "EUR", "share", "factor", "seats"

    @property
    def integer(self) -> bool:
        """Whole numbers only (a slider of people or seats)."""
        return all(float(x).is_integer() for x in (self.minimum, self.maximum, self.step)) and self.unit != "factor"


CONTROLS: tuple[Control, ...] = (
    Control("n_mentors", "slider", 0, 10, 1, "people"),
    Control("mentoring_fee_eur", "number", 0, 200, 1, "EUR"),
    Control("event_fee_eur", "number", 0, 200, 1, "EUR"),
    Control("share_online_events", "slider", 0.0, 1.0, 0.05, "share"),
    Control("promotion_budget_eur", "slider", 0, 3000, 50, "EUR"),
    Control("partner_seats", "slider", 0, 12, 1, "seats"),
    Control("grant_success_factor", "slider", 0.5, 2.0, 0.1, "factor"),
    Control("municipal_support_eur", "slider", 0, 100_000, 2500, "EUR"),
)
"""The levers groups argue about, in the order the page shows them (after form and structure)."""

BY_NAME: dict[str, Control] = {c.name: c for c in CONTROLS}
DESIGN_LEVERS = ("legal_form", "management")
ORDER: tuple[str, ...] = DESIGN_LEVERS + tuple(c.name for c in CONTROLS)
"""Order in which levers are applied: the structure first, so that its partner seats can be changed."""
assert set(ORDER) <= set(LEVERS), "every control must be a lever of simcenter.config.levers"


def lever_value(config: Scenario, name: str) -> float | str | None:
    """The value lever ``name`` has in ``config`` (``None``: the scenario has nothing it acts on)."""
    center = config.center
    services = center.services
    if name == "legal_form":
        return center.legal_form
    if name == "management":
        return center.management
    if name == "n_mentors":
        return center.staff.n_mentors
    if name == "mentoring_fee_eur":
        return services.mentorship.fee_per_hour_eur
    if name == "event_fee_eur":
        return services.events.fee_eur
    if name == "promotion_budget_eur":
        return services.promotion.budget_monthly_eur
    if name == "share_online_events":
        ev = services.events
        total = ev.onsite_per_month + ev.online_per_month + ev.hybrid_per_month
        return ev.online_per_month / total if total else 0.0
    if name == "partner_seats":
        return config.structure.partner_seats
    if name == "grant_success_factor":
        return 1.0  # relative to the scenario's success rates
    if name == "municipal_support_eur":
        amounts = [f.amount_max_eur for f in config.funding.funders.values() if f.type == "municipal"]
        return max(amounts) if amounts else None
    raise KeyError(name)


def ordered(levers: dict) -> dict:
    """``levers`` in the order they must be applied (see ``ORDER``)."""
    return {name: levers[name] for name in ORDER if name in levers}
