"""What a sweep's outcomes mean, as the results carry it: labels, units, directions, kinds.

The single source is ``simcenter.metrics`` (each outcome's unit, direction and definition) and
the locale files (its label in each language, ``outcomes.<name>``; its unit's words,
``units.<unit>``). The store keeps the same rows in its ``outcome_info`` table and the Parquet
export in each file's key-value metadata, so results read elsewhere (DuckDB, pandas, EMA
Workbench) explain themselves.
"""

from __future__ import annotations

import json
from typing import Sequence

import pandas as pd

from simcenter import metrics
from simcenter.i18n import LANGUAGES, strings, unit_name

KINDS = {"0/1": "boolean", "share": "share", "0..1": "share", "EUR": "eur", "months": "months",
         "month": "month", "index": "index"}
"""An outcome's kind from its unit; every other unit (people, ventures, jobs, hours...) counts things."""

COLUMNS = ("name", "label_en", "label_bg", "unit", "unit_en", "unit_bg", "direction", "kind", "final",
           "timeseries", "description")
"""The columns of ``outcome_info``: ``unit`` is the code metrics declares (``EUR``, ``0/1``), ``unit_en``
and ``unit_bg`` its words; ``final`` and ``timeseries`` say whether the sweep keeps the outcome's final
value (a column of ``outcomes``) and its months (a column of ``timeseries``)."""


def kind(name: str) -> str:
    """``boolean`` (0/1), ``share``, ``eur``, ``months``, ``month``, ``index`` or ``count``."""
    return KINDS.get(metrics.BY_NAME[name].unit, "count")


def is_boolean(name: str) -> bool:
    """Whether the outcome is 0/1 (stored as BOOLEAN)."""
    return kind(name) == "boolean"


def sql_type(name: str) -> str:
    """The outcome's column type in the store: BOOLEAN for 0/1 outcomes, DOUBLE for the rest."""
    return "BOOLEAN" if is_boolean(name) else "DOUBLE"


def describe(name: str) -> dict:
    """One outcome's row of ``outcome_info`` (without ``final``/``timeseries``)."""
    o = metrics.BY_NAME[name]
    row = {"name": name}
    for lang in LANGUAGES:
        row[f"label_{lang}"] = strings(lang).get(f"outcomes.{name}") or strings("en").get(f"outcomes.{name}", name)
    row["unit"] = o.unit
    for lang in LANGUAGES:
        row[f"unit_{lang}"] = unit_name(o.unit, lang)
    row.update(direction=o.direction, kind=kind(name), description=o.definition)
    return row


def frame(outcomes: Sequence[str], timeseries: Sequence[str]) -> pd.DataFrame:
    """``outcome_info``: one row per outcome a sweep keeps (final values first, in the experiment's order)."""
    names = list(outcomes) + [n for n in timeseries if n not in outcomes]
    rows = [{**describe(n), "final": n in outcomes, "timeseries": n in timeseries} for n in names]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def field_metadata(name: str) -> str:
    """One column's description as JSON (the Parquet export's key-value metadata for the column)."""
    row = describe(name)
    return json.dumps({k: row[k] for k in ("label_en", "label_bg", "unit", "direction", "kind", "description")},
                      ensure_ascii=False, sort_keys=True)
