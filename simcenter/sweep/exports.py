"""``simcenter export DIR --to parquet|csv``: the store's tables as files other tools read.

DuckDB writes both formats itself (no pyarrow needed). Besides the stored tables
(``runs``, ``outcomes``, ``points``, ``timeseries``) it writes ``experiments``: one row per
run with its parameters and final outcomes, the shape EMA Workbench and pandas users expect.
Files are written through a temporary name and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import os
from pathlib import Path

from simcenter.errors import InputError, Problem
from simcenter.extras import require
from simcenter.i18n import t
from simcenter.outputs import prepare_output
from simcenter.sweep.store import STORE_FILE, Store, _q

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
        outcome_cols = ", ".join(f"o.{_q(o)}" for o in exp.outcomes)
        queries = {
            "experiments": f"SELECT r.*, p.combo, {outcome_cols} FROM runs r JOIN points p USING (point) "
                           "LEFT JOIN outcomes o USING (point, replicate) ORDER BY point, replicate",
            **{name: f"SELECT * FROM {name} ORDER BY " + ("point, replicate, month" if name == "timeseries"
                                                         else "point" if name == "points" else "point, replicate")
               for name in store.tables() if name != "meta"},
        }
        for name, query in queries.items():
            path = dest / f"{name}.{to}"
            tmp = dest / f".{name}.{to}.partial-{os.getpid()}"
            try:
                store.con.execute(f"COPY ({query}) TO '{_literal(tmp)}' {FORMATS[to]}")
            except duckdb.IOException as exc:  # e.g. the disk is full: the environment's, not a bug
                tmp.unlink(missing_ok=True)
                raise InputError([Problem(str(path), 1, "", t("file.cannot_write",
                                                             error=str(exc).splitlines()[0]))]) from None
            os.replace(tmp, path)
            written.append(path)
    return written


def _literal(path: Path) -> str:
    return str(path).replace("'", "''")
