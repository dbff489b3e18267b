"""Problems a located data tree has, told the way users read them: pydantic's validation errors
translated to ``FILE:LINE: dotted.path: message`` (the line of the value, or of its nearest
ancestor), with "did you mean ...?" for misspelled names. Scenarios and experiment files both
report through here."""

from __future__ import annotations

import difflib
import typing

from pydantic import BaseModel, ValidationError

from simcenter.config.yamlsource import Locations
from simcenter.errors import Problem, format_path
from simcenter.i18n import t


def locate(path: tuple, locs: Locations) -> tuple[str, int]:
    """The file and line of ``path``, or of its nearest ancestor that has one."""
    for depth in range(len(path), -1, -1):
        if path[:depth] in locs:
            return locs[path[:depth]]
    return locs.get((), ("<scenario>", 1))


def _resolve_loc_member(loc: tuple, data) -> tuple[tuple, bool]:
    """A pydantic error location mapped onto the data (union tags and validator names dropped), and
    whether it ended in a union member's name (``value.float``)."""
    path: list = []
    node = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, dict) and part in node:
            node = node[part]
            path.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            path.append(part)
        elif not last and isinstance(part, str):
            continue  # a discriminator tag or a validator's name, not a key in the file
        elif last and isinstance(part, str) and path and not isinstance(node, dict):
            return tuple(path), True  # e.g. `value: [1]` against float | int | bool: one member of the union
        else:
            path.append(part)
            node = None
    return tuple(path), False


def validation_problems(exc: ValidationError, data: dict, locs: Locations, root: type[BaseModel]) -> list[Problem]:
    """Turn pydantic's errors for ``data`` (validated as ``root``) into located problems.

    Each error is placed at the line ``locs`` gives its path (or its nearest ancestor's), its
    message in the user's language, an unknown key with "did you mean". Scenarios and experiment
    files (``simcenter.sweep.schema``) are both reported through this, so they read alike.
    """
    problems = []
    unions: set[tuple] = set()
    for err in exc.errors(include_url=False):
        path, member = _resolve_loc_member(tuple(err["loc"]), data)
        if member:
            if path in unions:
                continue  # one line per value: the first member's message ("expected a number")
            unions.add(path)
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            tag = str(err.get("ctx", {}).get("discriminator", "")).strip("'")
            item = err.get("input")
            keys = [k for k in item if isinstance(k, str)] if isinstance(item, dict) else []
            misspelled = closest(tag, keys) if err["type"] == "union_tag_not_found" else None
            if misspelled:  # `acton: hire`: the tag is there, misspelled; say so at that key
                path = path + (misspelled,)
                message = t("validation.unknown_key", key=misspelled) + did_you_mean(misspelled, [tag])
                file, line = locate(path, locs)
                problems.append(Problem(file, line, format_path(path), message))
                continue
            path = path + (tag,)
        message = error_message(err, path, root)
        # Model validators raise "field: message"; point at that field when it exists.
        if err["type"] == "value_error" and ": " in message:
            head, rest = message.split(": ", 1)
            if " " not in head and (path + (head,)) in locs:
                path, message = path + (head,), rest
        file, line = locate(path, locs)
        problems.append(Problem(file, line, format_path(path), message))
    return problems


_TYPES = ("int", "float", "str", "bool", "dict", "list", "NoneType")
"""Python types named in messages in words (``validation.types.*``: "a whole number", "text")."""


def _type_name(name: str) -> str:
    return t(f"validation.types.{name}") if name in _TYPES else name


def _kind_of(value) -> str:
    return _type_name(type(value).__name__)


def error_message(err: dict, path: tuple, root: type[BaseModel]) -> str:
    """The message for one pydantic error at ``path`` of ``root``, in the current language."""
    kind, ctx, value = err["type"], err.get("ctx", {}), err.get("input")
    shown = repr(value) if not isinstance(value, (dict, list)) else _kind_of(value)
    got = f"{_kind_of(value)} {shown}"
    if isinstance(value, (dict, list)) or value is None:
        got = _kind_of(value)  # "got a list", not "got a list a list"
    elif isinstance(value, bool):
        got = str(value).lower()  # "got true", as written in YAML
    if kind == "missing":
        return t("validation.missing")
    if kind == "extra_forbidden":
        candidates = field_names(root, path[:-1])
        return t("validation.unknown_key", key=path[-1]) + did_you_mean(str(path[-1]), candidates)
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = next(iter(ctx.values()))
        return t(f"validation.{kind}", bound=bound, value=shown)
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return t("validation.expected", expected=_type_name("int"), got=got)
    if kind in ("float_type", "float_parsing"):
        return t("validation.expected", expected=_type_name("float"), got=got)
    if kind in ("string_type",):
        return t("validation.expected", expected=_type_name("str"), got=got)
    if kind in ("bool_type", "bool_parsing"):
        return t("validation.expected", expected=_type_name("bool"), got=got)
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return t("validation.expected", expected=_type_name("dict"), got=got)
    if kind in ("list_type",):
        return t("validation.expected", expected=_type_name("list"), got=got)
    if kind == "finite_number":
        return t("validation.finite")
    if kind == "literal_error":
        choices = [c.strip().strip("'") for c in str(ctx.get("expected", "")).replace(" or ", ", ").split(",")]
        return t("validation.choice", value=shown, choices=", ".join(choices)) + did_you_mean(str(value), choices)
    if kind == "union_tag_invalid":
        choices = [c.strip().strip("'") for c in str(ctx.get("expected_tags", "")).split(",")]
        return t("validation.choice", value=repr(ctx.get("tag")), choices=", ".join(choices)) + did_you_mean(
            str(ctx.get("tag")), choices
        )
    if kind == "union_tag_not_found":
        return t("validation.tag_missing", tag=ctx.get("discriminator", "").strip("'"))
    if kind in ("string_too_short", "too_short"):
        return t("validation.too_short", min=ctx.get("min_length"))
    if kind in ("string_too_long", "too_long"):
        return t("validation.too_long", max=ctx.get("max_length"))
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return err["msg"]


def did_you_mean(word: str, candidates: typing.Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when one of ``candidates`` is close to ``word``, else nothing."""
    match = closest(word, [str(c) for c in candidates])
    return t("validation.did_you_mean", suggestion=match) if match else ""


def closest(word: str, candidates: typing.Iterable[str]) -> str | None:
    """The candidate closest to ``word``, ignoring case (``Horizon`` is a misspelled ``horizon``)."""
    lower = {c.lower(): c for c in reversed(list(candidates))}
    match = difflib.get_close_matches(word.lower(), list(lower), n=1, cutoff=0.6)
    return lower[match[0]] if match else None


def field_names(root, path: tuple) -> set[str]:
    """Names of the fields allowed at ``path`` of the schema (for "did you mean")."""
    annotations = [root]
    for part in path:
        nxt = []
        for ann in annotations:
            for model in _models_in(ann, part):
                nxt.append(model)
        annotations = nxt
    names: set[str] = set()
    for ann in annotations:
        for model in unwrap(ann):
            if isinstance(model, type) and issubclass(model, BaseModel):
                names.update(model.model_fields)
    return names


def unwrap(ann) -> list:
    origin = typing.get_origin(ann)
    if origin is typing.Annotated:
        return unwrap(typing.get_args(ann)[0])
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return [m for a in typing.get_args(ann) for m in unwrap(a)]
    return [ann]


def _models_in(ann, part) -> list:
    """The annotations reached from ``ann`` by stepping into key or index ``part``."""
    out = []
    for a in unwrap(ann):
        origin = typing.get_origin(a)
        if isinstance(a, type) and issubclass(a, BaseModel):
            field = a.model_fields.get(part)
            if field is not None:
                out.append(field.annotation)
        elif origin in (dict, list):
            out.append(typing.get_args(a)[-1])
    return out
