"""Levers: the top-level design choices, as flat keyword arguments of ``CenterModel``.

A lever names one decision a planner or a workshop group argues about. Each maps onto
the scenario (a dotted path, or a small function for the few that touch several fields),
so ``mesa.batch_run(CenterModel, parameters={"legal_form": [...]})`` and the app's
sliders change a scenario the same way a YAML file would, validated the same way.
"""

from __future__ import annotations

import math
from typing import Callable

from simcenter.config.loader import scenario_from_dict, set_path
from simcenter.config.schema import Scenario
from simcenter.errors import InputError, Problem, parse_path
from simcenter.i18n import t


def _path(dotted: str) -> Callable[[dict, object], None]:
    parts = parse_path(dotted)

    def setter(data: dict, value) -> None:
        set_path(data, parts, value)

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
    """Split the same number of events between online and the rest, the rest keeping its own mix of
    hybrid and on-site (so the scenario's own online share changes nothing), for the whole run: plan
    actions that would change the number of events of a kind later are dropped."""
    data["plan"] = [a for a in data.get("plan") or []
                    if not (a.get("action") == "set" and a.get("field") in _EVENT_COUNTS)]
    ev = data["center"]["services"]["events"]
    total = ev["onsite_per_month"] + ev["online_per_month"] + ev["hybrid_per_month"]
    rest = ev["onsite_per_month"] + ev["hybrid_per_month"]
    hybrid_share = ev["hybrid_per_month"] / rest if rest else 0.0  # all online before: the rest on site
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
    "success_fee_share": _path("center.services.funding_support.share_success_fee"),
    "promotion_budget_eur": _path("center.services.promotion.budget_monthly_eur"),
    "share_online_events": _online_share,
    "partner_seats": _partner_seats,
    "grant_success_factor": _grant_success,
    "municipal_support_eur": _municipal_support,
    "social_enterprise": _path("center.social_enterprise.seek"),
    "vulnerable_core_staff": _path("center.social_enterprise.vulnerable_core_staff"),
    "years": _years,
    "n_potential": _path("region.n_potential"),
}
"""Lever name -> how it changes the scenario data."""


DOMAINS: dict[str, tuple[str, float | None, float | None]] = {
    "n_mentors": ("whole", 0, None),
    "n_coordinators": ("whole", 0, None),
    "share_online_events": ("number", 0, 1),
    "grant_success_factor": ("number", 0, None),
    "municipal_support_eur": ("number", 0, None),
    "years": ("whole", None, None),
}
"""What the levers that compute with their value accept: a whole number or a (finite) number, and
bounds. The levers that set one field are checked by the scenario's schema, with the field's
bounds; the bounds here are only those no field states (a share, a factor that is no probability).
A factor of NaN, say, would otherwise become ``min(1.0, p * nan)``, i.e. a certain grant."""


def lever_problem(name: str, value) -> str | None:
    """Why ``value`` cannot be given to lever ``name`` (a message), or None when it can be."""
    if isinstance(value, float) and not math.isfinite(value):
        return t("levers.finite", value=value)
    kind, lo, hi = DOMAINS.get(name, (None, None, None))
    if kind is None:
        return None
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "whole" and not (number and isinstance(value, int)):
        return t("levers.expected_whole", value=repr(value))
    if kind == "number" and not number:
        return t("levers.expected_number", value=repr(value))
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        return t("levers.between", lo=lo, hi=hi, value=value) if hi is not None else \
            t("levers.at_least", lo=lo, value=value)
    return None


def set_lever(data: dict, name: str, value, source: str = "<levers>") -> None:
    """Apply lever ``name`` to scenario data after checking its value (the one way levers are set:
    ``apply_levers``, ``CenterModel(**levers)``, the app and sweeps).

    Raises:
        InputError: the value is not one the lever accepts, located at ``source``, the lever's name.
    """
    problem = lever_problem(name, value)
    if problem is not None:
        raise InputError([Problem(source, 1, name, problem)])
    LEVERS[name](data, value)


def apply_levers(config: Scenario, levers: dict) -> Scenario:
    """Return ``config`` with the levers applied and validated again (unchanged if no levers)."""
    if not levers:
        return config
    unknown = sorted(set(levers) - set(LEVERS), key=str)
    if unknown:
        import difflib

        hints = [difflib.get_close_matches(str(u), LEVERS, n=1) for u in unknown]
        raise InputError([Problem("<levers>", 1, "levers", t(
            "levers.unknown", names=", ".join(f"{u}" + t("validation.did_you_mean", suggestion=h[0]) if h else f"{u}"
                                              for u, h in zip(unknown, hints)), known=", ".join(LEVERS)))])
    problems = [Problem("<levers>", 1, name, message) for name, value in levers.items()
                if (message := lever_problem(name, value)) is not None]
    if problems:
        raise InputError(problems)
    data = config.model_dump()
    for name, value in levers.items():
        set_lever(data, name, value)
    return scenario_from_dict(data, name="<levers>")
