"""Levers: the top-level design choices, as flat keyword arguments of ``CenterModel``.

A lever names one decision a planner or a workshop group argues about. Each maps onto
the scenario (a dotted path, or a small function for the few that touch several fields),
so ``mesa.batch_run(CenterModel, parameters={"legal_form": [...]})`` and the app's
sliders change a scenario the same way a YAML file would, validated the same way.
"""

from __future__ import annotations

from typing import Callable

from simcenter.config.loader import scenario_from_dict
from simcenter.config.schema import Scenario
from simcenter.errors import InputError, Problem


def _path(dotted: str) -> Callable[[dict, object], None]:
    parts = dotted.split(".")

    def setter(data: dict, value) -> None:
        node = data
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    setter.path = dotted  # type: ignore[attr-defined]
    return setter


def _staff(role: str) -> Callable[[dict, object], None]:
    def setter(data: dict, value) -> None:
        staff = data["center"]["staff"]
        staff[role] = value
        staff["n_max"] = max(staff["n_max"], staff["n_mentors"] + staff["n_coordinators"])

    return setter


_EVENT_COUNTS = {f"services.events.{k}_per_month" for k in ("onsite", "online", "hybrid")}


def _online_share(data: dict, value) -> None:
    """Split the same number of events between online and on-site/hybrid, for the whole run: plan
    actions that would change the number of events of a kind later are dropped."""
    data["plan"] = [a for a in data.get("plan") or []
                    if not (a.get("action") == "set" and a.get("field") in _EVENT_COUNTS)]
    ev = data["center"]["services"]["events"]
    total = ev["onsite_per_month"] + ev["online_per_month"] + ev["hybrid_per_month"]
    hybrid_share = ev["hybrid_per_month"] / total if total else 0.0
    ev["online_per_month"] = total * value
    ev["hybrid_per_month"] = total * (1 - value) * hybrid_share
    ev["onsite_per_month"] = total * (1 - value) * (1 - hybrid_share)


def _partner_seats(data: dict, value) -> None:
    structure = data["center"]["management"]
    data["catalogue"]["management_structures"][structure]["partner_seats"] = value


def _grant_success(data: dict, value) -> None:
    for funder in data["funding"]["funders"].values():
        if funder["kind"] == "grant":
            funder["p_success"] = min(1.0, funder["p_success"] * value)


def _years(data: dict, value) -> None:
    """A shorter horizon drops the plan's actions that fall after it."""
    data["horizon"]["years"] = value
    if isinstance(value, int) and not isinstance(value, bool):
        data["plan"] = [a for a in data["plan"] if a["month"] < value * 12]


def _municipal_support(data: dict, value) -> None:
    for funder in data["funding"]["funders"].values():
        if funder["type"] == "municipal":
            funder["amount_min_eur"] = min(funder["amount_min_eur"], value)
            funder["amount_max_eur"] = value


LEVERS: dict[str, Callable[[dict, object], None]] = {
    "legal_form": _path("center.legal_form"),
    "management": _path("center.management"),
    "n_mentors": _staff("n_mentors"),
    "n_coordinators": _staff("n_coordinators"),
    "starting_cash_eur": _path("center.starting_cash_eur"),
    "mentoring_fee_eur": _path("center.services.mentorship.fee_per_hour_eur"),
    "event_fee_eur": _path("center.services.events.fee_eur"),
    "promotion_budget_eur": _path("center.services.promotion.budget_monthly_eur"),
    "share_online_events": _online_share,
    "partner_seats": _partner_seats,
    "grant_success_factor": _grant_success,
    "municipal_support_eur": _municipal_support,
    "years": _years,
    "n_potential": _path("region.n_potential"),
}
"""Lever name -> how it changes the scenario data."""


def apply_levers(config: Scenario, levers: dict) -> Scenario:
    """Return ``config`` with the levers applied and validated again (unchanged if no levers)."""
    if not levers:
        return config
    unknown = sorted(set(levers) - set(LEVERS))
    if unknown:
        import difflib

        hints = [difflib.get_close_matches(u, LEVERS, n=1) for u in unknown]
        msg = ", ".join(f"{u}" + (f" (did you mean '{h[0]}'?)" if h else "") for u, h in zip(unknown, hints))
        raise InputError([Problem("<levers>", 1, "levers", f"unknown lever {msg}; known: {', '.join(LEVERS)}")])
    data = config.model_dump()
    for name, value in levers.items():
        if name == "share_online_events" and not 0.0 <= float(value) <= 1.0:
            raise InputError([Problem("<levers>", 1, name, f"must be between 0 and 1, got {value!r}")])
        LEVERS[name](data, value)
    return scenario_from_dict(data, name="<levers>")
