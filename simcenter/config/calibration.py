"""The calibration table of a scenario: every number, its value, kind, plausible range and label.

A number's label comes from the comment on the YAML line that sets it, or, when the scenario
leaves the field out, from the source declared with the field's default (``P(default, "label",
span=(lo, hi))`` in ``schema.py`` and ``behaviour.py``). A number set in a scenario takes only its
own line's comment: the default's label says nothing of a value someone else chose.

Every label is one of three kinds (``classify``):

- ``assumption``: the label starts with "assumption" and gives a plausible range, either as
  "range LO-HI" in its text (e.g. "assumption: range 1-3; reason") or as the ``span`` declared
  with the default;
- ``design choice``: the label starts with "design choice" (what a design decides: staff, service
  volumes, partner seats, the plan, fees, the founders' cash);
- ``source``: any other non-empty label, a citation of what says so (e.g. "NSI: ... (domain.md)").

No label, or "assumption" without a range, is ``unlabelled``: ``tests/test_calibration_labels.py``
fails on any unlabelled number of a shipped scenario, naming the parameter, file and line. The
range shown is the one the label states, else the declared span. ``docs/calibration.md`` is this
module's output for the Plovdiv base scenario (``simcenter calibration scenarios/plovdiv/base.yaml``).
"""

from __future__ import annotations

import inspect
import os
import re
from pathlib import Path

from pydantic import BaseModel

from simcenter.config.catalogue import Catalogue
from simcenter.config.loader import load_scenario, load_tree

KINDS = ("source", "assumption", "design choice", "unlabelled")
_NUMBER = r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_RANGE = re.compile(rf"\brange\s+({_NUMBER})\s*[-–]\s*({_NUMBER})", re.IGNORECASE)


def stated_range(label: str) -> tuple[float, float] | None:
    """The range a label states as "range LO-HI" (thousands may carry commas), or None."""
    m = _RANGE.search(label)
    if m is None:
        return None
    low, high = (float(g.replace(",", "")) for g in m.groups())
    return (low, high) if low <= high else None


def classify(label: str, span: tuple[float, float] | list | None = None) -> tuple[str, tuple[float, float] | None]:
    """The kind of a label (one of ``KINDS``) and its plausible range: the label's own, else ``span``."""
    text = label.strip()
    low = text.lower()
    stated = stated_range(text)
    rng = stated or (tuple(span) if span else None)
    if not text:
        return "unlabelled", rng
    if low.startswith("assumption"):
        return ("assumption" if rng else "unlabelled"), rng
    if low.startswith("design choice"):
        return "design choice", rng
    return "source", rng


def _comment(file: str, line: int, cache: dict) -> str:
    if file not in cache:
        try:
            cache[file] = Path(file).read_text(encoding="utf-8").splitlines()
        except OSError:
            cache[file] = []
    lines = cache[file]
    if not 1 <= line <= len(lines):
        return ""
    text = lines[line - 1]
    quoted = None
    for i, ch in enumerate(text):
        if ch in "\"'" and quoted in (None, ch):
            quoted = None if quoted else ch
        elif ch == "#" and quoted is None and (i == 0 or text[i - 1].isspace()):
            return text[i + 1:].strip()
    return ""


def _declared_at(cls: type, name: str) -> tuple[str, int]:
    """File and line of a field's declaration in its class, for messages about a default."""
    try:
        lines, first = inspect.getsourcelines(cls)
        file = inspect.getsourcefile(cls) or ""
    except (OSError, TypeError):
        return cls.__module__, 0
    for offset, text in enumerate(lines):
        if re.match(rf"\s+{re.escape(name)}\s*:", text):
            file_path = Path(file)
            try:
                file_path = file_path.relative_to(Path.cwd())
            except ValueError:
                pass
            return file_path.as_posix(), first + offset
    return file, first


def rows(path: str | os.PathLike) -> list[dict]:
    """One row per number of the scenario (the catalogue excepted): parameter, value, kind, range,
    source (the label), and where the label is (``file``, ``line``: the scenario line that sets the
    number, or the default's declaration)."""
    scenario = load_scenario(path)
    _, locs = load_tree(path)
    cache: dict = {}
    out: list[dict] = []

    def walk(model: BaseModel, prefix: tuple) -> None:
        for name, info in type(model).model_fields.items():
            value = getattr(model, name)
            where = prefix + (name,)
            if isinstance(value, Catalogue):
                continue
            if isinstance(value, BaseModel):
                walk(value, where)
            elif isinstance(value, dict):
                for key, item in value.items():
                    if isinstance(item, BaseModel):
                        walk(item, where + (key,))
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, BaseModel):
                        walk(item, where + (i,))
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                extra = info.json_schema_extra or {}
                if where in locs:
                    file, line = locs[where]
                    label, span = _comment(file, line, cache), extra.get("range")
                else:
                    file, line = _declared_at(type(model), name)
                    label, span = extra.get("source", ""), extra.get("range")
                kind, rng = classify(label, span)
                out.append({
                    "parameter": ".".join(str(p) for p in where),
                    "value": value,
                    "kind": kind,
                    "range": f"{rng[0]:g} – {rng[1]:g}" if rng else "",
                    "source": label,
                    "file": file,
                    "line": line,
                })

    walk(scenario, ())
    return out


def unlabelled(path: str | os.PathLike) -> list[str]:
    """One line per unlabelled number of the scenario: ``FILE:LINE: parameter = value: why``."""
    out = []
    for r in rows(path):
        if r["kind"] == "unlabelled":
            why = (f"'{r['source']}' is an assumption without a range (add 'range LO-HI')" if r["source"].strip()
                   else "no label (a comment: a source, 'assumption: range LO-HI; reason' or 'design choice: ...')")
            out.append(f"{r['file']}:{r['line']}: {r['parameter']} = {r['value']:g}: {why}")
    return out


def catalogue_rows(catalogue: Catalogue) -> list[dict]:
    """One row per number of each legal form and management structure, with its source."""
    out = []
    for group in (catalogue.legal_forms, catalogue.management_structures):
        for key, entry in group.items():
            for name, info in type(entry).model_fields.items():
                value = getattr(entry, name)
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    out.append({"parameter": f"{key}.{name}", "value": value, "range": "",
                                "source": entry.sources.get(name, "assumption")})
    return out


def _value(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _cell(text: str) -> str:
    return text.replace("|", "/")


def markdown(path: str | os.PathLike) -> str:
    """The calibration document for the scenario at ``path``."""
    scenario = load_scenario(path)

    def table(items: list[dict]) -> list[str]:
        lines = ["| parameter | value | kind | plausible range | source or label |", "|---|---|---|---|---|"]
        for r in items:
            label = r["source"] or f"(none: set in {Path(r['file']).name}:{r['line']})"
            lines.append(f"| `{r['parameter']}` | {_value(r['value'])} | {r['kind']} | {r['range']} | {_cell(label)} |")
        return lines

    def catalogue_table(items: list[dict]) -> list[str]:
        lines = ["| parameter | value | plausible range | source |", "|---|---|---|---|"]
        lines += [f"| `{r['parameter']}` | {_value(r['value'])} | {r['range']} | {_cell(r['source'])} |" for r in items]
        return lines

    items = rows(path)
    counts = {kind: sum(r["kind"] == kind for r in items) for kind in KINDS}
    sections: dict[str, list[dict]] = {}
    for r in items:
        sections.setdefault(r["parameter"].split(".")[0], []).append(r)
    out = [
        f"# Calibration: {scenario.name}",
        "",
        f"Generated by `simcenter calibration {Path(path).as_posix()}`; do not edit by hand.",
        "",
        f"{len(items)} numbers: " + ", ".join(f"{counts[kind]} {kind}" for kind in KINDS) + ".",
        "",
        "Every number the model uses for this scenario: its value, its kind, its plausible range and its",
        "label. The label is the comment on the scenario line that sets the number or, for a field the",
        "scenario leaves out, the source declared with the default (`simcenter/config/schema.py`,",
        "`simcenter/config/behaviour.py`). Its kind:",
        "",
        "- **source**: a citation, what says so (`../shared/domain.md` lists the sourced facts);",
        "- **assumption**: a label starting with \"assumption\", with a plausible range: \"range LO-HI\" in",
        "  its text, or the span declared with the default (the range shown is the label's, else the span);",
        "- **design choice**: a label starting with \"design choice\": what the design decides (staff,",
        "  service volumes, partners' seats, the plan, fees, the founders' cash);",
        "- **unlabelled**: no label, or \"assumption\" without a range. `tests/test_calibration_labels.py`",
        "  fails on any unlabelled number of a shipped scenario, naming the parameter, file and line.",
        "",
    ]
    for section, group in sections.items():
        out += [f"## {section}", "", *table(group), ""]
    out += ["## catalogue (legal forms and management structures)", "",
            "Their sources as `simcenter/config/data/catalogue.yaml` declares them (not counted above).", "",
            *catalogue_table(catalogue_rows(scenario.catalogue)), ""]
    return "\n".join(out)
