"""Where an experiment's values go in a scenario: levers, dotted paths, overlay files.

A sweep parameter names its target either as a lever (``legal_form``, ``n_mentors``: the
flat keyword arguments of ``CenterModel``, see ``simcenter.config.levers``) or as a dotted path to
any scenario field (``funding.funders.hrdp_social_economy.p_success``; list items by index,
``plan.0.month``). A *files* lever chooses among partial scenario files merged over the base
(a plan, a partner set). Applying a point is a pure function of the base scenario and the
operations, so a run is the same wherever it executes.
"""

from __future__ import annotations

import typing

from pydantic import BaseModel

from simcenter.config.loader import deep_copy, scenario_from_dict, set_path
from simcenter.config.problems import unwrap, closest
from simcenter.config.schema import Scenario
from simcenter.errors import is_index, parse_path
from simcenter.i18n import t
from simcenter.config.levers import LEVERS, set_lever

Op = tuple[str, str, object]
"""One change to a scenario: (how, target, value); how is "lever", "path" or "overlay"."""


def is_lever(target: str) -> bool:
    """Is ``target`` the name of a lever (rather than a dotted scenario path)?"""
    return target in LEVERS


def check_path(data: dict, target: str) -> str | None:
    """Why ``target`` is not a field of the scenario ``data`` (every default filled in), or None.

    The message names the unknown part and, where one is close, what was probably meant.
    """
    parts = target.split(".")
    if any(not p for p in parts):
        return t("sweep.empty_part", target=target)
    node: object = data
    for depth, part in enumerate(parts):
        where = ".".join(parts[:depth]) or t("sweep.the_scenario")
        if isinstance(node, dict):
            if part not in node:
                known = [str(k) for k in node]
                if depth == 0:
                    known += list(LEVERS)
                hint = closest(part, known)
                return t("sweep.unknown_path", part=part, where=where) + (
                    t("validation.did_you_mean", suggestion=hint) if hint
                    else t("sweep.known", names=", ".join(sorted(map(str, node))[:12])))
            node = node[part]
        elif isinstance(node, list):
            if not is_index(part) or int(part) >= len(node):
                return t("sweep.not_an_index", where=where, n=len(node), part=part)
            node = node[int(part)]
        else:
            return t("sweep.not_a_section", where=where, part=part)
    if isinstance(node, dict):
        return t("sweep.is_a_section", target=target, fields=", ".join(sorted(map(str, node))[:8]))
    return None


def value_at(data: dict, target: str):
    """The current value at a dotted path (which ``check_path`` accepted)."""
    node = data
    for part in parse_path(target):
        node = node[part]
    return node


def apply_ops(data: dict, ops: typing.Iterable[Op]) -> dict:
    """Apply operations in order to scenario data (modified in place and returned)."""
    for how, target, value in ops:
        if how == "lever":
            set_lever(data, target, value, "<value>")
        elif how == "path":
            if target == "horizon.years":
                LEVERS["years"](data, value)  # a shorter horizon drops the plan's later actions
                continue
            set_path(data, parse_path(target), value)
        elif how == "overlay":
            merge_into(data, value)
        else:  # pragma: no cover - the loader builds only the kinds above
            raise ValueError(f"unknown operation {how!r}")
    return data


def merge_into(base: dict, over: dict) -> dict:
    """Deep-merge ``over`` into ``base`` as ``extends`` does: mappings merge key by key,
    anything else is replaced, and ``key: null`` over a mapping removes it."""
    for key, value in over.items():
        if value is None and isinstance(base.get(key), dict):
            del base[key]
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            merge_into(base[key], value)
        else:
            base[key] = deep_copy(value)
    return base


def build_scenario(base: Scenario, ops: typing.Sequence[Op], name: str = "<sweep point>") -> Scenario:
    """The base scenario with the operations applied, validated again.

    Raises:
        InputError: if the changed scenario is not valid.
    """
    if not ops:
        return base
    return scenario_from_dict(apply_ops(base.model_dump(), ops), name=name)


# --------------------------------------------------------------------------- declared ranges
def declared_range(target: str) -> tuple[float, float] | None:
    """The plausible range the schema declares for a field (``P(..., span=...)``), if any."""
    annotations: list = [Scenario]
    info = None
    for part in parse_path(target):
        nxt, infos = [], []
        for ann in annotations:
            for a in unwrap(ann):
                origin = typing.get_origin(a)
                if isinstance(a, type) and issubclass(a, BaseModel) and isinstance(part, str):
                    field = a.model_fields.get(part)
                    if field is not None:
                        nxt.append(field.annotation)
                        infos.append(field)
                elif origin in (dict, list):
                    nxt.append(typing.get_args(a)[-1])
        annotations = nxt
        info = infos[0] if infos else None
    if info is None:
        return None
    span = (info.json_schema_extra or {}).get("range") if isinstance(info.json_schema_extra, dict) else None
    return (float(span[0]), float(span[1])) if span else None
