"""The levers the app puts in front of a workshop, their current value in a scenario, and the
checks every value from a browser passes before the app uses it.

Each control is one of ``simcenter.config.levers.LEVERS``; the app changes a design only through
those levers, so a design set in the browser is the same design as the scenario file it
exports. Labels live in ``locales/*.yaml`` under ``app.lever.<name>``.

A browser can send anything where a slider's number belongs (text, ``null``, a list, NaN,
1e308): the page's widgets do not stand between a client and the server. So every value a
session takes from its page goes through ``check`` (a lever) or ``check_number``,
``check_choice``, ``check_flag`` (the run's controls) first; a value they refuse raises
``Refused``, which the page shows as one line in the group's language.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Literal

from simcenter import LEVERS

if TYPE_CHECKING:
    from simcenter import Scenario


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
    Control("success_fee_share", "slider", 0.0, 0.1, 0.01, "share"),
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
    if name == "success_fee_share":
        return services.funding_support.share_success_fee
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


def notch(c: Control, value: float) -> float:
    """Where a slider of ``c`` puts ``value``: within its range, on its nearest step (as the browser's does)."""
    clamped = min(max(value, c.minimum), c.maximum)
    return c.minimum + round((clamped - c.minimum) / c.step) * c.step


def snapped(c: Control, current: float, sent: object) -> bool:
    """Is ``sent`` only the browser's slider moving ``current``, a value off its steps or range
    (a municipal support of EUR 12,782 on steps of 2,500), to the step it shows it at?

    The slider sends that as it appears, as if a group had moved it; it is not a change of the design.
    """
    at = notch(c, current)
    return (not math.isclose(at, current, abs_tol=c.step / 1000) and isinstance(sent, numbers.Real)
            and not isinstance(sent, bool) and math.isclose(float(sent), at, abs_tol=c.step / 1000))


def ordered(levers: dict) -> dict:
    """``levers`` in the order they must be applied (see ``ORDER``)."""
    return {name: levers[name] for name in ORDER if name in levers}


# ----------------------------------------------------------------------------- checking client values
SEED_RANGE = (0, 2**63 - 1)
"""Seeds the app takes: those ``simcenter run --seed`` takes."""
MONTHS_PER_STEP = (1, 12)
"""How many months one Step may advance."""
PLAY_SECONDS = (0.25, 4.0, 0.25)
"""Seconds between two months while playing: least, most, and the slider's step."""
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009_")
"""Digit-group separators people type ("1 500", "1 000 000"), removed before a number is read."""


@dataclass(eq=False)  # not frozen: raising an exception sets attributes on it
class Refused(Exception):
    """A value from the page that the app does not take: which input, why, and what came.

    ``what`` and ``reason`` are keys of ``locales/*.yaml``; the page writes the message in the
    group's language (``simcenter.ui.text.refusal``). ``got`` is what the browser sent, shown
    in short; inputs whose value must not be echoed (the scenario picker) leave it out.
    """

    what: str
    reason: str
    got: Any = None
    values: dict = field(default_factory=dict)


def check(name: str, raw: object, choices: Iterable[str] = ()) -> float | int | str:
    """Lever ``name``'s value as the page sent it, checked against the lever's declared type and range.

    A legal form or structure must be one of ``choices`` (the scenario's catalogue); a slider or
    a typed amount must be a finite number (text is read as a number, "12,5" included) within
    the control's range, a whole number on a slider of whole steps (people, seats, EUR 50).

    Raises:
        Refused: the value is not one the lever takes.
    """
    if name in DESIGN_LEVERS:
        return check_choice(f"app.lever.{name}", raw, choices)
    c = BY_NAME.get(name)
    if c is None:
        raise Refused("app.levers", "app.input.not_offered")
    whole = c.integer and c.kind == "slider"  # a typed amount may have cents
    return check_number(f"app.lever.{name}", raw, c.minimum, c.maximum, integer=whole)


def check_number(what: str, raw: object, minimum: float, maximum: float, integer: bool = False) -> float | int:
    """``raw`` as a finite number in [``minimum``, ``maximum``] (an ``int`` if ``integer``), else ``Refused``."""
    value = raw
    if isinstance(raw, str):
        text = raw.strip().translate(_SPACES).replace(",", ".")
        try:
            value = int(text) if integer and text.lstrip("+-").isdigit() and len(text) < 30 else float(text)
        except ValueError:
            raise Refused(what, "app.input.not_a_number", raw) from None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise Refused(what, "app.input.not_a_number", raw)
    if isinstance(value, float) and not math.isfinite(value):  # shown as the number read, not as typed
        raise Refused(what, "app.input.not_finite", value)
    if not minimum <= value <= maximum:
        raise Refused(what, "app.input.out_of_range", value, {"lo": minimum, "hi": maximum})
    if integer and not float(value).is_integer():
        raise Refused(what, "app.input.not_whole", value)
    return int(value) if integer else float(value)


def check_choice(what: str, raw: object, choices: Iterable[str]) -> str:
    """``raw`` if it is one of ``choices`` (an option the page offered), else ``Refused`` (not echoed)."""
    if isinstance(raw, str) and raw in set(choices):
        return raw
    raise Refused(what, "app.input.not_offered")


def check_flag(what: str, raw: object) -> bool:
    """``raw`` if it is ``True`` or ``False`` (a switch), else ``Refused``."""
    if isinstance(raw, bool):
        return raw
    raise Refused(what, "app.input.not_a_flag", raw)
