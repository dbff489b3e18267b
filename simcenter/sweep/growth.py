"""Growing a stored sweep, and saying in the experiment file's words how two experiments differ.

A folder holds one experiment's results. Reopened with an edited experiment, the store compares
what decides the runs (``Experiment.resolved()``) field by field:

- a real change (a range, a distribution, the seed, an outcome, a base scenario...) is refused,
  each change said as the file says it: ``uncertainties.funding.funders.hrdp_social_economy.p_success:
  range changed from [0.05, 0.4] to [0.06, 0.4]``;
- growth (more ``replicates``, a larger ``design.samples``, values added at the end of a parameter's
  list, more ``levels``) is accepted where the design nests: the stored points must be exactly the
  first points of the new design (same number, same values, same unit-cube coordinates), and
  replicate seeds are prefix-stable (``simcenter.rng.replicate_seeds``). Then only the new points
  and replicates are computed, and the store ends as a sweep of the larger design run from scratch.
  A Latin hypercube does not nest (a larger one is drawn anew): growing one is refused, saying so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from simcenter.i18n import t

FIELD_NAMES = {"low": "range", "high": "range", "overlays": "files", "kind": "integer"}
"""A parameter's stored fields as the experiment file names them (low and high are one ``range``)."""
WIDTH = 60
"""Values longer than this are cut in a message."""


@dataclass
class Change:
    """One difference between two resolved experiments."""

    text: str  # the sentence naming it
    grows: bool  # more of the same: replicates, samples, values appended


def show(value) -> str:
    """A value as the file would write it, cut to ``WIDTH`` characters."""
    if isinstance(value, (list, tuple)):
        text = "[" + ", ".join(show(v) for v in value) + "]"
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False, default=str)
    elif value is None:
        text = "-"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    return text if len(text) <= WIDTH else text[:WIDTH - 1] + "…"


def _changed(path: str, old, new, grows: bool = False) -> Change:
    return Change(t("sweep.changed_value", path=path, old=show(old), new=show(new)), grows)


def _leaves(a, b, path: str, out: list[Change], where: str | None = None) -> None:
    """The leaf values where ``a`` and ``b`` differ (``where``: a base scenario's name)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            _leaves(a.get(key), b.get(key), f"{path}.{key}" if path else str(key), out, where)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            _leaves(x, y, f"{path}[{i}]", out, where)
    elif a != b:
        at = t("sweep.changed_in_base", path=path, base=where) if where else path or "(root)"
        out.append(_changed(at, a, b))


def _more(old, new) -> bool:
    return isinstance(old, int) and isinstance(new, int) and new > old


def _appended(old, new) -> bool:
    return isinstance(old, list) and isinstance(new, list) and len(new) > len(old) and new[:len(old)] == old


def changes(old: dict, new: dict) -> list[Change]:
    """Every difference between two resolved experiments, in the experiment file's words."""
    out: list[Change] = []
    for key in list(old) + [k for k in new if k not in old]:
        a, b = old.get(key), new.get(key)
        if key == "replicates":
            if a != b:
                out.append(_changed(key, a, b, _more(a, b)))
        elif key == "design" and isinstance(a, dict) and isinstance(b, dict):
            for name in list(a) + [k for k in b if k not in a]:
                x, y = a.get(name), b.get(name)
                if x != y:
                    out.append(_changed(f"design.{name}", x, y, name in ("samples", "levels") and _more(x, y)))
        elif key == "bases" and isinstance(a, list) and isinstance(b, list):
            _bases(a, b, out)
        elif key == "parameters" and isinstance(a, list) and isinstance(b, list):
            _parameters(a, b, out)
        else:
            _leaves(a, b, key, out)
    return out


def _by_name(items: list) -> dict:
    return {item.get("name"): item for item in items if isinstance(item, dict)}


def _bases(old: list, new: list, out: list[Change]) -> None:
    a, b = _by_name(old), _by_name(new)
    if list(a) != list(b):
        out.append(_changed("scenarios", list(a), list(b)))
        return
    for name in a:
        _leaves(a[name].get("scenario"), b[name].get("scenario"), "", out, where=name)


def file_path(p: dict) -> str:
    """Where the experiment file declares a stored parameter: ``uncertainties.<its key>``."""
    if p.get("how") == "base":
        return "scenarios"
    return f"{'levers' if p.get('role') == 'lever' else 'uncertainties'}.{p.get('target')}"


def _parameters(old: list, new: list, out: list[Change]) -> None:
    a, b = _by_name(old), _by_name(new)
    before = len(out)
    for name in list(a) + [n for n in b if n not in a]:
        p, q = a.get(name), b.get(name)
        here = file_path(q or p)
        if p is None or q is None:
            out.append(Change(t("sweep.parameter_added" if p is None else "sweep.parameter_removed", path=here),
                              False))
            continue
        seen = set()
        for key in list(p) + [f for f in q if f not in p]:
            field = FIELD_NAMES.get(key, key)
            if field in seen:
                continue
            if field == "range":
                x, y = [p.get("low"), p.get("high")], [q.get("low"), q.get("high")]
            else:
                x, y = p.get(key), q.get(key)
            if x == y:
                continue
            seen.add(field)
            if key == "overlays" and isinstance(x, list) and isinstance(y, list):
                labels_x, labels_y = [label for label, _ in x], [label for label, _ in y]
                shared = min(len(x), len(y))
                if labels_x != labels_y[:len(labels_x)] or x[:shared] != y[:shared]:
                    if labels_x == labels_y:  # a file's content changed: name the key inside it
                        for i, ((_, body), (_, other)) in enumerate(zip(x, y)):
                            _leaves(body, other, f"{here}.files[{i}]", out)
                        continue
                    out.append(Change(t("sweep.changed_field", path=here, field=field, old=show(labels_x),
                                        new=show(labels_y)), False))
                    continue
                x, y = labels_x, labels_y
            grows = (key in ("values", "overlays") and _appended(x, y)) or (key == "levels" and (
                _more(x, y) or x is None and isinstance(y, int)))
            out.append(Change(t("sweep.changed_field", path=here, field=field, old=show(x), new=show(y)), grows))
    if len(out) == before and list(a) != list(b):  # the same parameters in another order
        out.append(_changed("levers, uncertainties", [file_path(a[n]) for n in a], [file_path(b[n]) for n in b]))


# --------------------------------------------------------------------------- the stored points
def rows(frame: pd.DataFrame) -> list[tuple]:
    """A points table's rows as plain Python values (DuckDB's int32 and pandas' int64 compare equal)."""
    return [tuple(row) for row in frame.astype(object).itertuples(index=False, name=None)]


def moved_point(stored: pd.DataFrame, new: pd.DataFrame) -> str | None:
    """None if the stored points are the first points of the new design; else which one moved."""
    columns = list(stored.columns)
    if list(new.columns) != columns:
        return t("sweep.grow_columns")
    if len(new) < len(stored):
        return t("sweep.grow_fewer_points", old=len(stored), new=len(new))
    for i, (a, b) in enumerate(zip(rows(stored), rows(new.iloc[:len(stored)][columns]))):
        if a != b:
            diff = [c for c, x, y in zip(columns, a, b) if x != y and c not in ("point", "combo")]
            shown = ", ".join(f"{c} {show(x)} -> {show(y)}" for c, x, y in zip(columns, a, b) if c in diff[:3])
            return t("sweep.grow_point_moved", point=i, changes=shown or t("sweep.grow_renumbered"))
    return None


def why_not_nesting(method: str, levers: str) -> str:
    """Why a design's stored points are not the first points of a larger one, and what to do."""
    if method == "latin_hypercube":
        return t("sweep.grow_lhs")
    if method == "full_factorial":
        return t("sweep.grow_factorial")
    if levers == "full_factorial":
        return t("sweep.grow_crossed")
    return t("sweep.grow_other")


def check_numbering(store) -> None:
    """Refuse to resume a store whose points were numbered otherwise: earlier versions of simcenter
    numbered a Sobol or Morris design with crossed levers combination by combination.

    Raises:
        InputError: naming the first point that differs.
    """
    from simcenter.errors import InputError, Problem
    from simcenter.sweep.design import NESTING, crossed_parameters, sampled_parameters

    exp = store.experiment
    sampled = sampled_parameters(exp.design, exp.parameters)
    if exp.design.method not in NESTING or not sampled or not crossed_parameters(exp.design, exp.parameters):
        return
    moved = moved_point(store.table("points"), store._points_frame(store.points or [], sampled))
    if moved:
        raise InputError([Problem(exp.file or str(store.folder), 1, "", t(
            "sweep.renumbered", folder=store.folder, reason=moved))])


# --------------------------------------------------------------------------- growing a store
def reconcile(store, stored: dict, extend: bool) -> tuple[str, pd.DataFrame]:
    """Check that ``store`` (holding the experiment ``stored``, as JSON) can grow into its new
    experiment: ``extend`` given and the design nests. Return a note saying how it grows and the
    new points (rows of the points table) for the store to add.

    Raises:
        InputError: a real change (each named), growth where the design does not nest, or growth
            without ``extend``.
    """
    from simcenter.errors import InputError, Problem
    from simcenter.sweep.design import sampled_parameters
    from simcenter.sweep.experiment import Parameter

    exp, folder = store.experiment, store.folder
    new = exp.to_json()
    found = changes({k: stored.get(k) for k in exp.resolved()}, {k: new.get(k) for k in exp.resolved()})
    before = {p["name"]: Parameter.from_json(p).sql_type for p in stored.get("parameters", [])}
    found += [Change(t("sweep.changed_field", path=file_path(p.to_json()), field=t("sweep.column_type"),
                       old=before[p.name], new=p.sql_type), False)
              for p in exp.parameters if p.name in before and before[p.name] != p.sql_type]
    where = exp.file or str(folder)

    def refuse(key: str, **values) -> InputError:
        return InputError([Problem(where, 1, "", t(key, folder=folder, **values))])

    real = [c.text for c in found if not c.grows]
    if real or not found:
        raise refuse("sweep.store_mismatch", name=stored.get("name", "?"), changed="; ".join(real[:6]) or "?")
    grown = "; ".join(c.text for c in found)
    stored_points = store.table("points")
    frame = store._points_frame(store.points or [], sampled_parameters(exp.design, exp.parameters))
    moved = moved_point(stored_points, frame)
    if moved:
        raise refuse("sweep.cannot_grow", changes=grown, reason=moved,
                     advice=why_not_nesting(exp.design.method, exp.design.levers))
    added = len(frame) * exp.replicates - len(stored_points) * int(stored.get("replicates", 1))
    if not extend and added:  # (no new run: more levels that a sampler does not use, say)
        raise refuse("sweep.grow_needs_extend", changes=grown, n=added)
    return t("sweep.grown", changes=grown, n=added), frame.iloc[len(stored_points):]
