"""The scenario schema as a Markdown reference, generated from the pydantic declarations.

``docs/schema.md`` is this module's output (``simcenter schema > docs/schema.md``), and
``docs/experiment-schema.md`` its output for experiment files (``simcenter schema --experiment``);
a test checks that both are up to date, so the references can never drift from the code.
"""

from __future__ import annotations

import typing

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from simcenter.config.schema import Scenario

HEADER = """# Scenario file reference

Generated from `simcenter/config/schema.py` by `simcenter schema`; do not edit by hand.

A scenario is a YAML mapping. Units are in the field names: `_eur` euros, `_months`
months, `p_` a probability (0..1), `share_` a fraction (0..1), `n_` a count.
`extends: other.yaml` inherits another file and deep-merges this one over it (mappings
merge key by key; lists and values are replaced). On the command line,
`--set dotted.key=value` overrides any field (the value is read as YAML).
Every problem is reported as `FILE:LINE: dotted.path: message` with exit code 2.
"""


def _type_name(ann) -> str:
    origin = typing.get_origin(ann)
    args = typing.get_args(ann)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        parts = [_type_name(a) for a in args if a is not type(None)]
        names = " or ".join(parts)
        return names + (" or null" if type(None) in args else "")
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"mapping of name → {_type_name(args[1])}"
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return f"[{ann.__name__}](#{ann.__name__.lower()})"
    return getattr(ann, "__name__", str(ann))


def _constraints(info) -> str:
    out = []
    for meta in info.metadata:
        for attr, sym in (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<"), ("min_length", "min length")):
            value = getattr(meta, attr, None)
            if value is not None:
                out.append(f"{sym} {value:g}" if isinstance(value, float) else f"{sym} {value}")
    return ", ".join(out)


def _default(info) -> str:
    if info.is_required():
        return "**required**"
    if info.default_factory is not None:
        value = info.default_factory()
        if isinstance(value, BaseModel):
            return "(section defaults)"
        return f"`{value!r}`" if value not in ({}, []) else "empty"
    if info.default is PydanticUndefined:
        return ""
    return f"`{info.default!r}`"


def _models(root: type[BaseModel]) -> list[type[BaseModel]]:
    """All section models reachable from ``root``, in first-seen order."""
    seen: list[type[BaseModel]] = []

    def visit(ann) -> None:
        origin = typing.get_origin(ann)
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            if ann not in seen:
                seen.append(ann)
                for f in ann.model_fields.values():
                    visit(f.annotation)
        for arg in typing.get_args(ann) if origin is not None else ():
            visit(arg)

    visit(root)
    return seen


def markdown(root: type[BaseModel] = Scenario, header: str = HEADER) -> str:
    """The whole reference of ``root`` (a scenario; ``simcenter.sweep.schema`` passes an experiment file)."""
    lines = [header]
    for model in _models(root):
        doc = ((model.__doc__ or "").strip().splitlines() or [""])[0]
        lines += [f"## {model.__name__}", "", doc, "", "| field | type | default | allowed | meaning / source |",
                  "|---|---|---|---|---|"]
        for name, info in model.model_fields.items():
            desc = (info.description or "").replace("|", "\\|")
            lines.append(f"| `{name}` | {_type_name(info.annotation)} | {_default(info)} | {_constraints(info)} | {desc} |")
        lines.append("")
    return "\n".join(lines)
