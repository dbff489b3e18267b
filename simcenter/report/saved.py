"""Reading a saved comparison back: every file the report needs, checked against what
``simcenter.comparison.saving.save`` writes, with every problem located (``FILE:LINE: column: message``).

``simcenter report DIR`` reads a folder that may have been copied, edited, cut short or put
together by hand. A report built from such a folder must not be a table of dashes that says
"4 replicates", nor an internal error: each file must exist, parse, have the expected columns,
types and rows, and agree with ``comparison.json`` (designs, replicates, months). All problems
are found before the report is built, and reported at once (exit 2).
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd

from simcenter import metrics
from simcenter.config.yamlsource import read_regular, regular_file_problem
from simcenter.errors import InputError, Problem
from simcenter.i18n import t

META = "comparison.json"
KPIS, BANDS, INCOME = "kpis.csv", "bands.csv", "income.csv"
MAX_MONTHS = 30 * 12
"""The longest horizon a scenario can have."""

_INT, _NUM, _TEXT = "whole", "number", "text"
COLUMNS = {
    KPIS: {"scenario": _TEXT, "replicate": _INT, "seed": _INT, **{name: _NUM for name in metrics.NAMES}},
    BANDS: {"scenario": _TEXT, "outcome": _TEXT, "month": _INT, "p05": _NUM, "median": _NUM, "p95": _NUM},
    INCOME: {"scenario": _TEXT, "month": _INT, **{name: _NUM for name in metrics.INCOME_CATEGORIES}},
}
"""The columns ``compare.save`` writes to each table, and what each holds (empty numbers are allowed:
an outcome can be empty in a run)."""


def read_saved(folder: Path) -> tuple[dict, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The metadata and the kpis, bands and income tables of a saved comparison, checked.

    Raises:
        InputError: every problem found in the folder's files.
    """
    folder = Path(folder)
    problems: list[Problem] = []
    meta = _meta(folder / META, problems)
    tables = {name: _table(folder / name, COLUMNS[name], problems) for name in (KPIS, BANDS, INCOME)}
    if meta is not None and all(frame is not None for frame in tables.values()):
        designs = [d["name"] for d in meta["designs"]]
        _kpi_rows(folder / KPIS, tables[KPIS], designs, meta["replicates"], problems)
        _monthly_rows(folder / BANDS, tables[BANDS], designs, meta["months"], problems, by_outcome=True)
        _monthly_rows(folder / INCOME, tables[INCOME], designs, meta["months"], problems, by_outcome=False)
    if problems:
        raise InputError(problems)
    return meta, tables[KPIS], tables[BANDS], tables[INCOME]


# --------------------------------------------------------------------------- comparison.json
def _meta(path: Path, problems: list[Problem]) -> dict | None:
    """comparison.json: a JSON object with designs, a baseline among them, replicates and months."""
    raw = _read(path, problems)
    if raw is None:
        return None
    try:
        text = raw.decode("utf-8")
        meta = json.loads(text)
    except UnicodeDecodeError:
        problems.append(Problem(str(path), 1, "", t("saved.not_utf8")))
        return None
    except json.JSONDecodeError as exc:
        problems.append(Problem(str(path), exc.lineno, "", t("saved.bad_json", problem=exc.msg, column=exc.colno)))
        return None
    if not isinstance(meta, dict):
        problems.append(Problem(str(path), 1, "", t("saved.json_not_object")))
        return None
    before = len(problems)

    def add(key: str, message: str, near: str | None = None) -> None:
        problems.append(Problem(str(path), _line_of(text, near or key), key, message))

    designs = meta.get("designs")
    names: list[str] = []
    if not isinstance(designs, list) or not designs:
        add("designs", t("saved.expected", what=t("saved.design_list"), got=_shown(designs)))
    else:
        for i, d in enumerate(designs):
            if not isinstance(d, dict):
                add(f"designs[{i}]", t("saved.expected", what=t("saved.design_object"), got=_shown(d)), "designs")
                continue
            for key in ("name", "legal_form", "management"):
                value = d.get(key)
                if not isinstance(value, str) or not value:
                    add(f"designs[{i}].{key}", t("saved.expected", what=t("saved.a_name"), got=_shown(value)),
                        d.get("name") if isinstance(d.get("name"), str) else "designs")
            name = d.get("name")
            if isinstance(name, str) and name:
                if name in names:
                    add(f"designs[{i}].name", t("saved.duplicate_design", name=name), name)
                names.append(name)
    baseline = meta.get("baseline")
    if not isinstance(baseline, str) or (names and baseline not in names):
        add("baseline", t("saved.unknown_baseline", name=_shown(baseline), names=", ".join(names) or "-"))
    for key, hi in (("replicates", None), ("months", MAX_MONTHS)):
        value = meta.get(key)
        if not _is_int(value) or value < 1 or (hi is not None and value > hi):
            add(key, t("saved.count", hi=hi, got=_shown(value)) if hi else t("saved.count_min", got=_shown(value)))
    if "seed" in meta and not _is_int(meta["seed"]):
        add("seed", t("saved.expected", what=t("saved.whole_number"), got=_shown(meta["seed"])))
    notes = meta.get("notes", [])
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        add("notes", t("saved.expected", what=t("saved.text_list"), got=_shown(notes)))
    return meta if len(problems) == before else None


def _line_of(text: str, word: str | None) -> int:
    """The line of the first ``"word"`` in the JSON text (1 if it is not there)."""
    at = text.find(json.dumps(word, ensure_ascii=False)) if word else -1
    if at < 0 and word:
        at = text.find(json.dumps(word))
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


# --------------------------------------------------------------------------- the tables
def _table(path: Path, columns: dict[str, str], problems: list[Problem]) -> pd.DataFrame | None:
    """A CSV table with the expected columns and, in each, values of the expected kind."""
    raw = _read(path, problems)
    if raw is None:
        return None
    name = str(path)
    try:
        # The same parser as ever (the numbers of a valid file are read exactly as before); blank
        # lines are kept as rows so that a row's index gives its line; only an empty cell is empty
        # (a design may be called "NA"), and names stay text (a design may be called "1").
        frame = pd.read_csv(io.BytesIO(raw), skip_blank_lines=False, keep_default_na=False, na_values=[""],
                            dtype={c: str for c, kind in columns.items() if kind == _TEXT})
    except pd.errors.EmptyDataError:
        problems.append(Problem(name, 1, "", t("saved.empty_file")))
        return None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        line = re.search(r"line (\d+)", text)
        problems.append(Problem(name, int(line.group(1)) if line else 1, "", t("saved.bad_csv", problem=text)))
        return None
    before = len(problems)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        problems.append(Problem(name, 1, "", t("saved.missing_columns", columns=", ".join(missing))))
        return None
    if frame.empty:
        problems.append(Problem(name, 2, "", t("saved.no_rows")))
        return None
    for column, kind in columns.items():
        _check_column(name, column, kind, frame[column], problems)
    return frame if len(problems) == before else None


def _check_column(name: str, column: str, kind: str, values: pd.Series, problems: list[Problem]) -> None:
    """Every value of ``column`` is of ``kind``: text (a design, an outcome), a number, a whole number."""
    if kind == _NUM and pd.api.types.is_numeric_dtype(values):
        return  # parsed as numbers throughout (empty cells are allowed)
    if kind == _TEXT:
        bad = values.isna()  # only an empty cell is empty (na_values); a name that is no design is caught later
    else:
        numbers = pd.to_numeric(values, errors="coerce")
        text = values.notna() & numbers.isna()  # a cell that is there but is no number
        if kind == _NUM:
            bad = text
        else:
            # a whole number is also one that int64 holds exactly (a replicate, a seed, a month)
            bad = text | values.isna() | (numbers.notna() & ((numbers % 1 != 0) | (numbers.abs() > 2**53)))
    if not bad.any():
        return
    first = int(bad.to_numpy().nonzero()[0][0])
    value = values.iloc[first]
    if kind == _TEXT or pd.isna(value):
        message = t("saved.empty_cell")
    else:
        message = t("saved.expected", what=t("saved.whole_number" if kind == _INT else "saved.number"),
                    got=_shown(value))
    more = int(bad.sum()) - 1
    if more:
        message += t("saved.more_rows", n=more)
    problems.append(Problem(name, first + 2, column, message))


def _kpi_rows(path: Path, kpis: pd.DataFrame, designs: list[str], replicates: int, problems: list[Problem]) -> None:
    """One row per design and replicate 0..replicates-1, of the designs comparison.json names."""
    name = str(path)
    _unknown(name, kpis, "scenario", designs, problems, t("saved.unknown_design", file=META))
    key = kpis["scenario"].astype(str) + "\x00" + kpis["replicate"].astype("int64").astype(str)
    twice = key.duplicated()
    if twice.any():
        i = int(twice.to_numpy().nonzero()[0][0])
        problems.append(Problem(name, i + 2, "replicate", t("saved.duplicate_row", what=t(
            "saved.replicate_of", replicate=int(kpis["replicate"].iloc[i]), design=kpis["scenario"].iloc[i]))))
    for design in designs:
        have = set(kpis.loc[kpis["scenario"] == design, "replicate"].astype("int64"))
        present = sum(1 for r in have if 0 <= r < replicates)
        if present < replicates:
            lacking = []  # the first few: ``replicates`` comes from a file and may be huge
            r = 0
            while len(lacking) < 11 and r < replicates:
                if r not in have:
                    lacking.append(r)
                r += 1
            problems.append(Problem(name, 1, "replicate", t(
                "saved.missing_replicates", design=design, n=present, total=replicates, file=META,
                list=_some(lacking))))
        extra = sorted(r for r in have if not 0 <= r < replicates)
        if extra:
            problems.append(Problem(name, 1, "replicate", t(
                "saved.extra_replicates", design=design, total=replicates, file=META, list=_some(extra))))


def _monthly_rows(path: Path, frame: pd.DataFrame, designs: list[str], months: int, problems: list[Problem],
                  by_outcome: bool) -> None:
    """One row per design (and outcome, in bands.csv) and month 0..months-1."""
    name = str(path)
    _unknown(name, frame, "scenario", designs, problems, t("saved.unknown_design", file=META))
    groups = ["scenario"]
    if by_outcome:
        _unknown(name, frame, "outcome", list(metrics.NAMES), problems, t("saved.unknown_outcome"))
        groups.append("outcome")
    outside = ~frame["month"].between(0, months - 1)
    if outside.any():
        i = int(outside.to_numpy().nonzero()[0][0])
        problems.append(Problem(name, i + 2, "month", t("saved.month_outside", month=frame["month"].iloc[i],
                                                        last=months - 1, file=META)))
    twice = frame.duplicated(groups + ["month"])
    if twice.any():
        i = int(twice.to_numpy().nonzero()[0][0])
        problems.append(Problem(name, i + 2, "month", t("saved.duplicate_row", what=t(
            "saved.month_of", month=int(frame["month"].iloc[i]),
            design=" / ".join(str(frame[g].iloc[i]) for g in groups)))))
    counts = frame[~outside].groupby(groups).size()
    wanted = [(d, o) for d in designs for o in metrics.NAMES] if by_outcome else [(d,) for d in designs]
    for group in wanted:
        n = int(counts.get(group if by_outcome else group[0], 0))
        if n < months:
            problems.append(Problem(name, 1, "month", t(
                "saved.missing_months", what=" / ".join(group), n=n, total=months, file=META)))


def _unknown(name: str, frame: pd.DataFrame, column: str, known: list[str], problems: list[Problem],
             message: str) -> None:
    """Rows naming a design (or an outcome) that is not known."""
    bad = ~frame[column].isin(known)
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        more = int(bad.sum()) - 1
        problems.append(Problem(name, i + 2, column, t("saved.unknown_name", value=_shown(frame[column].iloc[i]),
                                                        where=message) + (t("saved.more_rows", n=more) if more else "")))


# --------------------------------------------------------------------------- helpers
def _read(path: Path, problems: list[Problem]) -> bytes | None:
    """The bytes of a file of the folder (a regular file only), or None with a problem."""
    problem = regular_file_problem(path)
    if problem is not None:
        reason, message = problem
        message = {"missing": t("saved.missing_file"), "folder": t("saved.is_folder")}.get(reason, message)
        problems.append(Problem(str(path), 1, "", message))
        return None
    try:
        return read_regular(path)
    except InputError as exc:
        problems.extend(exc.problems)
        return None


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _shown(value) -> str:
    """A value as the user wrote it, short."""
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _some(numbers: list[int]) -> str:
    shown = ", ".join(map(str, numbers[:10]))
    return shown + (", …" if len(numbers) > 10 else "")
