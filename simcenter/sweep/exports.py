"""``simcenter export DIR --to parquet|csv``: the store's tables as files other tools read.

DuckDB writes both formats itself (no pyarrow needed). Besides the stored tables
(``runs``, ``outcomes``, ``points``, ``timeseries``, ``outcome_info``) it writes ``experiments``:
one row per run with its parameters and final outcomes, the shape EMA Workbench and pandas
users expect. A Parquet file describes its outcome columns in its key-value metadata: under
each outcome's column name, a JSON object (labels in English and Bulgarian, unit, direction,
kind, description; ``sweep.info``). Files are written through a temporary name and renamed, so
a reader never sees half a file.
"""

from __future__ import annotations

import os
from pathlib import Path

from simcenter.errors import InputError, Problem
from simcenter.extras import require
from simcenter.i18n import t
from simcenter.outputs import prepare_output
from simcenter.sweep import info
from simcenter.sweep.store import EXPERIMENTS, ORDER, STORE_FILE, Store

FORMATS = {"parquet": "(FORMAT PARQUET)", "csv": "(FORMAT CSV, HEADER)"}


def export(folder: str | os.PathLike, to: str, dest: str | os.PathLike | None = None, force: bool = False) -> list[Path]:
    """Write every table of the sweep in ``folder`` as ``to`` files into ``dest`` (default ``folder/export``).

    ``dest`` must be new, empty or an earlier export's folder, unless ``force``; never one holding
    the sweep's store, the current or the home folder (``simcenter.outputs.prepare_output``).
    """
    if to not in FORMATS:
        raise ValueError(f"unknown format {to!r}")
    duckdb = require("duckdb")

    folder = Path(folder)
    dest = Path(dest) if dest is not None else folder / "export"
    written = []
    with Store.open(folder) as store:
        prepare_output(dest, "export", [folder / STORE_FILE], force)
        exp = store.experiment
        queries = {"experiments": EXPERIMENTS,
                   **{name: f"SELECT * FROM {name} ORDER BY {ORDER[name]}" for name in store.tables() if name != "meta"}}
        for name, query in queries.items():
            path = dest / f"{name}.{to}"
            tmp = dest / f".{name}.{to}.partial-{os.getpid()}"
            options = FORMATS[to]
            columns = [d[0] for d in store.con.execute(f"DESCRIBE {query}").fetchall()]
            described = [c for c in columns if c in (*exp.outcomes, *exp.timeseries)] if name != "outcome_info" else []
            if to == "parquet" and described:
                kv = ", ".join(f"{_string(c)}: {_string(info.field_metadata(c))}" for c in described)
                options = f"(FORMAT PARQUET, KV_METADATA {{{kv}}})"
            try:
                store.con.execute(f"COPY ({query}) TO '{_literal(tmp)}' {options}")
            except duckdb.IOException as exc:  # e.g. the disk is full: the environment's, not a bug
                tmp.unlink(missing_ok=True)
                raise InputError([Problem(str(path), 1, "", t("file.cannot_write",
                                                             error=str(exc).splitlines()[0]))]) from None
            os.replace(tmp, path)
            written.append(path)
    return written


def _literal(path: Path) -> str:
    return str(path).replace("'", "''")


def _string(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
